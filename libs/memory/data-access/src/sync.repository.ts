import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac, randomBytes } from 'node:crypto';
import type { Prisma, PrismaClient } from '@frontier/platform-prisma';
import type { MemoryScope } from '@frontier/memory-contracts';

/** The device of writes that carry none (the worker's extraction, a client that sends no device id). */
export const SERVER_DEVICE = 'server';

export const SYNC_OPS = ['create', 'update', 'supersede', 'delete', 'restore'] as const;
export type SyncOp = (typeof SYNC_OPS)[number];

/** Device → the newest counter of that device's changes a copy has seen. */
export type VersionVector = Record<string, number>;

/** Who is writing: the device (its vector entry is bumped) and when it made the edit (its clock; default now). */
export interface SyncWriter {
  deviceId: string;
  editedAt?: Date;
}

/** One row of the change log (never any text). `rev` orders a memory's changes (the log's id). */
export interface SyncChange {
  rev: string;
  deviceId: string;
  counter: number;
  memoryId: string | null;
  memoryRef: string;
  op: SyncOp;
  editedAt: Date;
}

type CommitListener = (scope: MemoryScope, changes: SyncChange[]) => void;

const writer = new AsyncLocalStorage<SyncWriter>();

/** Runs `fn` as `w`: every memory change it makes is logged as that device's (memory-api sets it per request). */
export function asWriter<T>(w: SyncWriter, fn: () => T): T {
  return writer.run(w, fn);
}

/** The writer of the current call (the server device when none was set). */
export function currentWriter(): SyncWriter {
  return writer.getStore() ?? { deviceId: SERVER_DEVICE };
}

/** What a tombstone carries instead of the id: HMAC-SHA256(user's sync key, id), base64url. */
export function memoryRef(key: Uint8Array, memoryId: string): string {
  return createHmac('sha256', key).update(memoryId).digest('base64url');
}

interface ChangeRow {
  id: bigint;
  device_id: string;
  counter: number;
  memory_id: string | null;
  memory_ref: string;
  op: string;
  edited_at: Date;
}

const toChange = (r: ChangeRow): SyncChange => ({ rev: r.id.toString(), deviceId: r.device_id, counter: r.counter, memoryId: r.memory_id, memoryRef: r.memory_ref, op: r.op as SyncOp, editedAt: r.edited_at });

/**
 * The sync change log (`memory_sync_changes`), the devices' vector entries (`memory_sync_devices`)
 * and the users' sync keys. {@link record} runs inside the caller's transaction, so a change and
 * its log row commit together; listeners hear of them after the commit ({@link committed}).
 */
export class SyncLog {
  private readonly listeners = new Set<CommitListener>();

  constructor(private readonly prisma: PrismaClient) {}

  /** Called after each committed change (live push). Returns the unsubscribe function. */
  onCommitted(fn: CommitListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Tells the listeners (never throws: the change is committed whatever they do). */
  committed(scope: MemoryScope, changes: SyncChange[]): void {
    if (!changes.length) return;
    for (const l of this.listeners) {
      try {
        l(scope, changes);
      } catch {
        // a listener's failure must not fail the write; devices catch up from Postgres
      }
    }
  }

  /**
   * Logs changes of the current writer ({@link currentWriter}) in `tx`: bumps the device's
   * entry of the user's vector by one per change (the row lock orders one device's writes, so
   * its counters are gapless in commit order) and inserts one row per change.
   */
  async record(tx: Prisma.TransactionClient, scope: MemoryScope, items: Array<{ memoryId: string; op: SyncOp }>): Promise<SyncChange[]> {
    if (!items.length) return [];
    const w = currentWriter();
    const editedAt = w.editedAt ?? new Date();
    const key = await this.keyIn(tx, scope);
    const n = items.length;
    const [bumped] = await tx.$queryRaw<Array<{ counter: number }>>`
      INSERT INTO memory_sync_devices (tenant_id, user_id, device_id, counter) VALUES (${scope.tenantId}::uuid, ${scope.userId}, ${w.deviceId}, ${n})
      ON CONFLICT (tenant_id, user_id, device_id) DO UPDATE SET counter = memory_sync_devices.counter + ${n}, updated_at = now()
      RETURNING counter`;
    const last = (bumped as { counter: number }).counter;
    const counters = items.map((_, i) => last - n + 1 + i);
    const rows = await tx.$queryRaw<ChangeRow[]>`
      INSERT INTO memory_sync_changes (tenant_id, user_id, device_id, counter, memory_id, memory_ref, op, edited_at)
      SELECT ${scope.tenantId}::uuid, ${scope.userId}, ${w.deviceId}, t.c, t.m::uuid, t.r, t.o, ${editedAt}
      FROM unnest(${counters}::int[], ${items.map((i) => i.memoryId)}::text[], ${items.map((i) => memoryRef(key, i.memoryId))}::text[], ${items.map((i) => i.op)}::text[]) WITH ORDINALITY AS t(c, m, r, o, n)
      ORDER BY t.n
      RETURNING id, device_id, counter, memory_id, memory_ref, op, edited_at`;
    return rows.map(toChange).sort((a, b) => a.counter - b.counter);
  }

  private async keyIn(tx: Prisma.TransactionClient | PrismaClient, scope: MemoryScope): Promise<Buffer> {
    const rows = await tx.$queryRaw<Array<{ key: Uint8Array }>>`
      WITH ins AS (
        INSERT INTO memory_sync_keys (tenant_id, user_id, key) VALUES (${scope.tenantId}::uuid, ${scope.userId}, ${randomBytes(32)})
        ON CONFLICT (tenant_id, user_id) DO NOTHING RETURNING key)
      SELECT key FROM ins UNION ALL SELECT key FROM memory_sync_keys WHERE tenant_id = ${scope.tenantId}::uuid AND user_id = ${scope.userId}
      LIMIT 1`;
    return Buffer.from((rows[0] as { key: Uint8Array }).key);
  }

  /** The user's sync key (created on first use): devices match tombstones' refs with it. */
  async key(scope: MemoryScope): Promise<Buffer> {
    return this.keyIn(this.prisma, scope);
  }

  /** The user's vector (every device's counter) and each device's compaction floor. */
  async vector(scope: MemoryScope, tx: Prisma.TransactionClient | PrismaClient = this.prisma): Promise<{ counters: VersionVector; floors: VersionVector }> {
    const rows = await tx.memorySyncDevice.findMany({ where: { tenantId: scope.tenantId, userId: scope.userId }, select: { deviceId: true, counter: true, floor: true } });
    const counters: VersionVector = {};
    const floors: VersionVector = {};
    for (const r of rows) {
      counters[r.deviceId] = r.counter;
      floors[r.deviceId] = r.floor;
    }
    return { counters, floors };
  }

  /** Changes the holder of `since` has not seen, oldest first, at most `limit`. */
  async since(scope: MemoryScope, since: VersionVector, limit: number): Promise<SyncChange[]> {
    const rows = await this.prisma.$queryRaw<ChangeRow[]>`
      SELECT id, device_id, counter, memory_id, memory_ref, op, edited_at FROM memory_sync_changes
      WHERE tenant_id = ${scope.tenantId}::uuid AND user_id = ${scope.userId}
        AND counter > COALESCE((${JSON.stringify(since)}::jsonb ->> device_id)::int, 0)
      ORDER BY id LIMIT ${limit}`;
    return rows.map(toChange);
  }

  /** A memory's changes after revision `afterRev` (concurrent-write resolution), oldest first. */
  async changesOf(scope: MemoryScope, memoryId: string, afterRev: string): Promise<SyncChange[]> {
    const rows = await this.prisma.$queryRaw<ChangeRow[]>`
      SELECT id, device_id, counter, memory_id, memory_ref, op, edited_at FROM memory_sync_changes
      WHERE tenant_id = ${scope.tenantId}::uuid AND user_id = ${scope.userId} AND memory_id = ${memoryId}::uuid AND id > ${BigInt(afterRev)}
      ORDER BY id`;
    return rows.map(toChange);
  }

  /** The latest revision of each of these memories (0 when never logged). */
  async revs(scope: MemoryScope, memoryIds: string[]): Promise<Map<string, string>> {
    if (!memoryIds.length) return new Map();
    const rows = await this.prisma.$queryRaw<Array<{ memory_id: string; rev: bigint }>>`
      SELECT memory_id, max(id) AS rev FROM memory_sync_changes
      WHERE tenant_id = ${scope.tenantId}::uuid AND user_id = ${scope.userId} AND memory_id = ANY(${memoryIds}::uuid[])
      GROUP BY memory_id`;
    return new Map(rows.map((r) => [r.memory_id, r.rev.toString()]));
  }

  /**
   * Drops log rows older than `before` (every user, or one): each device's floor rises to the
   * newest counter dropped, and a vector below a floor must resync (a snapshot).
   */
  async compact(before: Date, scope?: MemoryScope): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const where = scope ? 'AND tenant_id = $2::uuid AND user_id = $3' : '';
      // one statement: delete, then raise each device's floor to the newest counter it lost
      const rows = await tx.$queryRawUnsafe<Array<{ removed: bigint }>>(
        `WITH gone AS (DELETE FROM memory_sync_changes WHERE at < $1 ${where} RETURNING tenant_id, user_id, device_id, counter),
              top AS (SELECT tenant_id, user_id, device_id, max(counter) AS floor, count(*) AS n FROM gone GROUP BY 1, 2, 3),
              raised AS (UPDATE memory_sync_devices d SET floor = top.floor FROM top
                         WHERE d.tenant_id = top.tenant_id AND d.user_id = top.user_id AND d.device_id = top.device_id AND d.floor < top.floor RETURNING 1)
         SELECT COALESCE(sum(n), 0)::bigint AS removed FROM top`,
        before,
        ...(scope ? [scope.tenantId, scope.userId] : []),
      );
      return Number(rows[0]?.removed ?? 0);
    });
  }

  /** Whole-user erasure: the user's log, vector entries and sync key go (their refs become unlinkable). */
  async forgetUser(scope: MemoryScope): Promise<void> {
    const where = { tenantId: scope.tenantId, userId: scope.userId };
    await this.prisma.$transaction([this.prisma.memorySyncChange.deleteMany({ where }), this.prisma.memorySyncDevice.deleteMany({ where }), this.prisma.memorySyncKey.deleteMany({ where })]);
  }
}
