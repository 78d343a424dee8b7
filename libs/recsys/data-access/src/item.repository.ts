import type { PrismaClient, RecsysItem } from '@frontier/platform-prisma';

/** An item as the recommender's services see it (`embedding` decoded to float32). */
export interface ItemRecord {
  tenantId: string;
  id: string;
  creator: string;
  category: string;
  text: string;
  metadata: Record<string, unknown>;
  embedding: Float32Array | null;
  embeddingModel: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** One item to upsert; `embedding` already resolved (the client's or the embedding port's). */
export interface ItemUpsert {
  id: string;
  creator: string;
  category: string;
  text: string;
  metadata: Record<string, unknown>;
  embedding: Float32Array | null;
  /** Which model made the embedding (`client` when the caller sent it). */
  embeddingModel: string | null;
}

export interface UpsertedItem {
  id: string;
  /** true: a new row; false: an existing one replaced (a deleted one comes back). */
  created: boolean;
  createdAt: Date;
}

/** Little-endian float32 bytes (the `embedding` column). */
export const embeddingBytes = (v: Float32Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
export function embeddingFromBytes(b: Uint8Array | null): Float32Array | null {
  if (!b) return null;
  // copy: the driver's buffer may be a view into a pooled one, unaligned for a Float32Array
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
}

export const toItemRecord = (r: RecsysItem): ItemRecord => ({
  tenantId: r.tenantId,
  id: r.id,
  creator: r.creator,
  category: r.category,
  text: r.text,
  metadata: (r.metadata ?? {}) as Record<string, unknown>,
  embedding: embeddingFromBytes(r.embedding),
  embeddingModel: r.embeddingModel,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  deletedAt: r.deletedAt,
});

/** The `recsys_items` table; every read and write is scoped to one tenant. */
export class ItemRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Inserts or replaces items in one statement (ids must be distinct). A replaced item keeps its
   * `created_at` (its age) and comes back if it was deleted.
   */
  async upsert(tenantId: string, items: readonly ItemUpsert[]): Promise<UpsertedItem[]> {
    if (!items.length) return [];
    const col = <T>(f: (i: ItemUpsert) => T) => items.map(f);
    const rows = await this.prisma.$queryRawUnsafe<Array<{ id: string; created: boolean; created_at: Date }>>(
      `INSERT INTO recsys_items AS t (tenant_id, id, creator, category, text, metadata, embedding, embedding_dim, embedding_model)
       SELECT $1::uuid, x.id, x.creator, x.category, x.text, x.metadata::jsonb, decode(x.emb, 'base64'), x.dim, x.model
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[]) AS x(id, creator, category, text, metadata, emb, dim, model)
       ON CONFLICT (tenant_id, id) DO UPDATE SET creator = EXCLUDED.creator, category = EXCLUDED.category, text = EXCLUDED.text, metadata = EXCLUDED.metadata,
         embedding = EXCLUDED.embedding, embedding_dim = EXCLUDED.embedding_dim, embedding_model = EXCLUDED.embedding_model, updated_at = now(), deleted_at = NULL
       RETURNING t.id, (t.xmax = 0) AS created, t.created_at`,
      tenantId,
      col((i) => i.id),
      col((i) => i.creator),
      col((i) => i.category),
      col((i) => i.text),
      col((i) => JSON.stringify(i.metadata)),
      col((i) => (i.embedding ? embeddingBytes(i.embedding).toString('base64') : null)),
      col((i) => (i.embedding ? i.embedding.length : null)),
      col((i) => (i.embedding ? i.embeddingModel : null)),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return items.map((i) => {
      const r = byId.get(i.id) as { created: boolean; created_at: Date };
      return { id: i.id, created: r.created, createdAt: r.created_at };
    });
  }

  /** Soft delete: the row stays (events about it stay valid), ranking stops serving it. false when there is no such live item. */
  async softDelete(tenantId: string, id: string, at: Date = new Date()): Promise<boolean> {
    const r = await this.prisma.recsysItem.updateMany({ where: { tenantId, id, deletedAt: null }, data: { deletedAt: at, updatedAt: at } });
    return r.count > 0;
  }

  async get(tenantId: string, id: string): Promise<ItemRecord | null> {
    const row = await this.prisma.recsysItem.findUnique({ where: { tenantId_id: { tenantId, id } } });
    return row ? toItemRecord(row) : null;
  }

  /** The dimension of the tenant's stored embeddings (null before the first): one per tenant, so one index holds them all. */
  async embeddingDim(tenantId: string): Promise<number | null> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ dim: number }>>(`SELECT embedding_dim AS dim FROM recsys_items WHERE tenant_id = $1::uuid AND embedding_dim IS NOT NULL LIMIT 1`, tenantId);
    return rows[0]?.dim ?? null;
  }

  /** Tenants with items. */
  async tenants(): Promise<string[]> {
    const rows = await this.prisma.recsysItem.findMany({ select: { tenantId: true }, distinct: ['tenantId'] });
    return rows.map((r) => r.tenantId);
  }

  /** Ids of a creator's items (deleted ones too): the events behind its creator counts. */
  async idsOfCreator(tenantId: string, creator: string): Promise<string[]> {
    const rows = await this.prisma.recsysItem.findMany({ where: { tenantId, creator }, select: { id: true }, orderBy: { id: 'asc' } });
    return rows.map((r) => r.id);
  }

  /** Category of each known item among `ids` (deleted ones included: events about them stay valid). */
  async categories(tenantId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.prisma.$queryRawUnsafe<Array<{ id: string; category: string }>>(`SELECT id, category FROM recsys_items WHERE tenant_id = $1::uuid AND id = ANY($2::text[])`, tenantId, ids);
    return new Map(rows.map((r) => [r.id, r.category]));
  }

  /**
   * Live items changed after `after` (or all, without it), by (updated_at, id), `limit` at a time:
   * what an index build or the "new items" buffer reads. Pass the last row's `updatedAt`/`id` back as
   * the cursor.
   */
  async changedSince(tenantId: string, o: { after?: { updatedAt: Date; id: string }; limit?: number; includeDeleted?: boolean } = {}): Promise<ItemRecord[]> {
    const rows = await this.prisma.recsysItem.findMany({
      where: {
        tenantId,
        ...(o.includeDeleted ? {} : { deletedAt: null }),
        ...(o.after ? { OR: [{ updatedAt: { gt: o.after.updatedAt } }, { updatedAt: o.after.updatedAt, id: { gt: o.after.id } }] } : {}),
      },
      orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }],
      take: o.limit ?? 1_000,
    });
    return rows.map(toItemRecord);
  }

  /** Creator, category and creation time of every item of a tenant (deleted ones too), `limit` at a time by id: the feature store's item metadata. */
  async metas(tenantId: string, o: { afterId?: string; limit?: number } = {}): Promise<Array<{ id: string; creator: string; category: string; createdAt: Date; deletedAt: Date | null }>> {
    return this.prisma.recsysItem.findMany({
      where: { tenantId, ...(o.afterId !== undefined ? { id: { gt: o.afterId } } : {}) },
      select: { id: true, creator: true, category: true, createdAt: true, deletedAt: true },
      orderBy: { id: 'asc' },
      take: o.limit ?? 5_000,
    });
  }
}
