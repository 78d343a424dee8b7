import { Prisma, type Memory as MemoryRow, type PrismaClient } from '@frontier/platform-prisma';
import type { MemoryScope } from '@frontier/memory-contracts';
import type { Memory } from '@frontier/memory-domain';
import type { MemoryCipher } from './cipher';
import { toDomain } from './mappers';
import type { SyncChange, SyncLog } from './sync.repository';
import { compileFilter, FILTER_FROM, type FilterNode } from './memory-filter';

/** What Mem0's shape serves beside the domain record: the client's metadata, categories, update time, app. */
export interface MemoryAttributes {
  metadata: Record<string, unknown> | null;
  /** Custom categories matched (the memory's type comes first in what is served). */
  categories: string[];
  updatedAt: Date;
  appId: string | null;
}

export interface FilteredPageQuery {
  page: number;
  pageSize: number;
  /** Include superseded / invalidated memories (never deleted ones). */
  includeInactive?: boolean;
}

const live = (at: Date) =>
  Prisma.sql`m."superseded_by_id" IS NULL AND (m."invalid_at" IS NULL OR m."invalid_at" > ${at}) AND (m."expired_at" IS NULL OR m."expired_at" > ${at})`;

/**
 * Memories selected by a {@link FilterNode} across one tenant (Mem0's getAll and search name
 * users, agents, apps or runs in their filters, in any combination): the condition runs in
 * Postgres with every value bound as a parameter.
 */
export class FilteredMemories {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly cipher: MemoryCipher,
    /** When given, a change of a memory's times is logged for sync (devices, other processes' search caches). */
    private readonly sync?: SyncLog,
  ) {}

  private where(tenantId: string, at: Date, filter: FilterNode | null, o: { includeInactive?: boolean; owner?: string } = {}): Prisma.Sql {
    return Prisma.sql`m."tenant_id" = ${tenantId}::uuid AND m."deleted_at" IS NULL
      ${o.owner !== undefined ? Prisma.sql`AND m."user_id" = ${o.owner}` : Prisma.empty}
      ${o.includeInactive ? Prisma.empty : Prisma.sql`AND ${live(at)}`}
      ${filter ? Prisma.sql`AND ${compileFilter(filter)}` : Prisma.empty}`;
  }

  /** One page (newest statement first) and the total. */
  async page(tenantId: string, at: Date, filter: FilterNode | null, q: FilteredPageQuery): Promise<{ items: Memory[]; total: number }> {
    const where = this.where(tenantId, at, filter, q);
    // one statement: the page and the total (a window count); a page past the end counts apart
    const rows = await this.prisma.$queryRaw<Array<{ id: string; n: bigint }>>(
      Prisma.sql`SELECT m."id"::text AS id, count(*) OVER () AS n FROM ${FILTER_FROM} WHERE ${where} ORDER BY m."valid_at" DESC, m."id" ASC LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
    );
    const total = rows[0] ? Number(rows[0].n) : Number((await this.prisma.$queryRaw<Array<{ n: bigint }>>(Prisma.sql`SELECT count(*) AS n FROM ${FILTER_FROM} WHERE ${where}`))[0]?.n ?? 0);
    return { items: await this.load(rows.map((r) => r.id)), total };
  }

  /** Distinct owner scopes (users, or an agent's / app's / run's own) with a matching live memory; at most `limit`. */
  async owners(tenantId: string, at: Date, filter: FilterNode | null, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ user_id: string }>>(
      Prisma.sql`SELECT DISTINCT m."user_id" FROM ${FILTER_FROM} WHERE ${this.where(tenantId, at, filter)} ORDER BY m."user_id" LIMIT ${limit}`,
    );
    return rows.map((r) => r.user_id);
  }

  /** Ids of the scope's live memories that match. */
  async ids(scope: MemoryScope, at: Date, filter: FilterNode | null): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>(
      Prisma.sql`SELECT m."id"::text AS id FROM ${FILTER_FROM} WHERE ${this.where(scope.tenantId, at, filter, { owner: scope.userId })}`,
    );
    return rows.map((r) => r.id);
  }

  /** Memories by id, in the given order, texts opened with each owner's key. */
  async load(ids: string[]): Promise<Memory[]> {
    if (!ids.length) return [];
    const rows = await this.prisma.memory.findMany({ where: { id: { in: ids } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const ordered = ids.map((id) => byId.get(id)).filter((r): r is MemoryRow => !!r);
    return this.cipher.openRows(ordered, (r) => [r.text], (o, r) => toDomain({ ...r, text: o.text('memories.text', r.text) }));
  }

  /** {@link MemoryAttributes} of memories (whatever their state). */
  async attributes(ids: string[]): Promise<Map<string, MemoryAttributes>> {
    if (!ids.length) return new Map();
    const rows = await this.prisma.memory.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, userMetadata: true, categories: true, updatedAt: true, session: { select: { appId: true } } } });
    return new Map(
      rows.map((r) => [
        r.id,
        { metadata: (r.userMetadata as Record<string, unknown> | null) ?? null, categories: r.categories, updatedAt: r.updatedAt, appId: r.session?.appId ?? null },
      ]),
    );
  }

  /** Replaces the client's metadata of one memory (null clears it). */
  async setMetadata(scope: MemoryScope, id: string, metadata: Record<string, unknown> | null): Promise<boolean> {
    const n = await this.prisma.memory.updateMany({
      where: { id, tenantId: scope.tenantId, userId: scope.userId, deletedAt: null },
      data: { userMetadata: metadata === null ? Prisma.DbNull : (metadata as Prisma.InputJsonObject) },
    });
    return n.count === 1;
  }

  /**
   * Mem0's update `timestamp` (when it was said: `validAt`) and `expiration_date` (`invalidAt`;
   * null: no expiry) of a live, unsuperseded memory; false when there is none.
   */
  async setTimes(scope: MemoryScope, id: string, t: { validAt?: Date; invalidAt?: Date | null }): Promise<boolean> {
    let changes: SyncChange[] = [];
    const n = await this.prisma.$transaction(async (tx) => {
      const r = await tx.memory.updateMany({
        where: { id, tenantId: scope.tenantId, userId: scope.userId, deletedAt: null, supersededById: null },
        data: { ...(t.validAt ? { validAt: t.validAt } : {}), ...(t.invalidAt !== undefined ? { invalidAt: t.invalidAt } : {}) },
      });
      // an expiry set or lifted changes what may be served: devices and search caches hear of it
      if (r.count && this.sync) changes = await this.sync.record(tx, scope, [{ memoryId: id, op: 'update' }]);
      return r.count;
    });
    this.sync?.committed(scope, changes);
    return n === 1;
  }

  /** Sets the custom categories of memories. */
  async setCategories(scope: MemoryScope, byId: Map<string, string[]>): Promise<void> {
    for (const [id, categories] of byId) await this.prisma.memory.updateMany({ where: { id, tenantId: scope.tenantId, userId: scope.userId }, data: { categories } });
  }
}
