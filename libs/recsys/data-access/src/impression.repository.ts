import type { PrismaClient } from '@frontier/platform-prisma';

/** One shown item of a recommendation response, as the impression log keeps it. */
export interface ImpressionRecord {
  requestId: string;
  position: number;
  tenantId: string;
  userId: string;
  itemId: string;
  surface: string;
  modelVersion: string;
  /** The logging policy, e.g. 'epsilon-greedy'. */
  policy: string;
  /** P(this item at this position | logging policy, request), in (0, 1]. */
  propensity: number;
  score: number;
  explored: boolean;
  shownAt: Date;
}

/**
 * `recsys_impressions`, the impression log OPE reads (range-partitioned by day on `shown_at`, UTC).
 * Minimal on purpose: ranking (issue 12 item 4) writes it, the OPE tool and the eval gate read it.
 */
export class ImpressionRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Day partitions for `days` UTC days from `from` (rows the default partition caught for them are moved in); returns how many were created. */
  async ensurePartitions(from: Date, days: number): Promise<number> {
    const day = from.toISOString().slice(0, 10);
    const rows = await this.prisma.$queryRawUnsafe<Array<{ n: number }>>(`SELECT recsys_ensure_impression_partitions($1::date, $2::int) AS n`, day, days);
    return Number(rows[0]?.n ?? 0);
  }

  /** Names of the day partitions, oldest first (`recsys_impressions_YYYYMMDD`). */
  async partitions(): Promise<string[]> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ name: string }>>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'recsys_impressions'::regclass AND c.relname ~ '^recsys_impressions_[0-9]{8}$' ORDER BY 1`,
    );
    return rows.map((r) => r.name);
  }

  /**
   * Retention: drops the day partitions of days before `day` (UTC) and deletes rows older than it
   * that the default partition caught. Dropping a partition is O(1) and leaves no dead tuples, which
   * is why the log is partitioned by day. Returns the dropped partitions' names.
   */
  async dropPartitionsBefore(day: Date): Promise<string[]> {
    const cutoffDay = day.toISOString().slice(0, 10);
    const cutoff = `recsys_impressions_${cutoffDay.replaceAll('-', '')}`;
    const old = (await this.partitions()).filter((p) => p < cutoff);
    for (const name of old) await this.prisma.$executeRawUnsafe(`DROP TABLE IF EXISTS "${name}"`); // names match ^recsys_impressions_[0-9]{8}$
    await this.prisma.$executeRawUnsafe(`DELETE FROM "recsys_impressions_default" WHERE "shown_at" < $1::date::timestamp AT TIME ZONE 'UTC'`, cutoffDay);
    return old;
  }

  /** Logs the shown items of one or more responses (one statement). */
  async insertMany(rows: readonly ImpressionRecord[]): Promise<number> {
    if (!rows.length) return 0;
    const r = await this.prisma.recsysImpression.createMany({ data: [...rows] });
    return r.count;
  }

  /**
   * Logs shown items in one INSERT … SELECT unnest(…) statement (about half the round trip of
   * `insertMany`'s createMany), for the ranking service's group commit. With `durable: false` the
   * transaction commits without waiting for its WAL flush (`synchronous_commit = off` for it alone):
   * the rows are in Postgres when it returns, and only a crash of Postgres itself within ~0.6 s
   * (3 × wal_writer_delay) could lose them.
   */
  async insertBatch(rows: readonly ImpressionRecord[], o: { durable?: boolean } = {}): Promise<number> {
    if (!rows.length) return 0;
    const col = <T>(f: (r: ImpressionRecord) => T) => rows.map(f);
    const insert = this.prisma.$executeRawUnsafe(
      `INSERT INTO recsys_impressions (request_id, position, tenant_id, user_id, item_id, surface, model_version, policy, propensity, score, explored, shown_at)
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[], $10::float8[], $11::bool[], $12::timestamptz[])`,
      col((r) => r.requestId),
      col((r) => r.position),
      col((r) => r.tenantId),
      col((r) => r.userId),
      col((r) => r.itemId),
      col((r) => r.surface),
      col((r) => r.modelVersion),
      col((r) => r.policy),
      col((r) => r.propensity),
      col((r) => r.score),
      col((r) => r.explored),
      col((r) => r.shownAt),
    );
    if (o.durable ?? true) return insert;
    const [, n] = await this.prisma.$transaction([this.prisma.$executeRawUnsafe(`SET LOCAL synchronous_commit = off`), insert]);
    return n;
  }

  /** A response's logged items, by position. */
  async forRequest(tenantId: string, requestId: string): Promise<ImpressionRecord[]> {
    return this.prisma.recsysImpression.findMany({ where: { tenantId, requestId }, orderBy: { position: 'asc' } });
  }
}
