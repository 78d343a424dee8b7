import { DayPartitions, type PrismaClient, type RetentionReport } from '@frontier/platform-prisma';

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
  /** The log's day partitions: created ahead and dropped past the retention by recsys-worker's daily job. */
  readonly dayPartitions: DayPartitions;

  constructor(private readonly prisma: PrismaClient) {
    this.dayPartitions = DayPartitions.prisma(prisma, 'recsys_impressions');
  }

  /** Day partitions for `days` UTC days from `from` (rows the default partition caught for them are moved in); returns how many were created. */
  async ensurePartitions(from: Date, days: number): Promise<number> {
    return this.dayPartitions.ensure(from, days);
  }

  /** Names of the day partitions, oldest first (`recsys_impressions_YYYYMMDD`). */
  async partitions(): Promise<string[]> {
    return this.dayPartitions.list();
  }

  /**
   * Retention: rows the default partition caught are moved into their day's partition first (and
   * counted), then the day partitions of days before `day` (UTC) are dropped whole. Dropping a
   * partition is O(1) and leaves no dead tuples, which is why the log is partitioned by day.
   */
  async dropPartitionsBefore(day: Date): Promise<RetentionReport> {
    return this.dayPartitions.dropBefore(day);
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
