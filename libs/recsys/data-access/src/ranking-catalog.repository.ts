import type { PrismaClient } from '@frontier/platform-prisma';

/** An item as retrieval needs it: no text or metadata, the embedding decoded. */
export interface CatalogRow {
  id: string;
  creator: string;
  category: string;
  /** Little-endian float32 decoded; null when the item has none. */
  embedding: Float32Array | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** Keyset cursor of {@link RankingCatalogRepository.changedSince} and {@link RankingCatalogRepository.buildPage}. */
export interface CatalogCursor {
  updatedAt: Date;
  id: string;
}

interface RawRow {
  id: string;
  creator: string;
  category: string;
  embedding: Uint8Array | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

function decode(b: Uint8Array | null): Float32Array | null {
  if (!b) return null;
  // copy: the driver's buffer may be a view into a pooled one, unaligned for a Float32Array
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
}

const toRow = (r: RawRow): CatalogRow => ({
  id: r.id,
  creator: r.creator,
  category: r.category,
  embedding: decode(r.embedding),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  deletedAt: r.deleted_at,
});

const COLUMNS = 'id, creator, category, embedding, created_at, updated_at, deleted_at';

/**
 * Ranking's reads of `recsys_items` (lean: id, creator, category, embedding, times) and of the event
 * log's popularity, for the index build (recsys-worker) and the serving catalogue (recsys-api).
 * Paging is by (updated_at, id) on the index `recsys_items_tenant_id_updated_at_id_idx`.
 */
export class RankingCatalogRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Tenants with at least one item. */
  async tenantsWithItems(): Promise<string[]> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ id: string }>>(
      `SELECT t.id::text AS id FROM tenants t WHERE EXISTS (SELECT 1 FROM recsys_items i WHERE i.tenant_id = t.id) ORDER BY t.id`,
    );
    return rows.map((r) => r.id);
  }

  /** The embedding dimension most of the tenant's live items have (null: none has an embedding). */
  async dominantDimension(tenantId: string): Promise<number | null> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ dim: number }>>(
      `SELECT embedding_dim AS dim FROM recsys_items WHERE tenant_id = $1::uuid AND deleted_at IS NULL AND embedding_dim IS NOT NULL
        GROUP BY embedding_dim ORDER BY count(*) DESC, embedding_dim LIMIT 1`,
      tenantId,
    );
    return rows[0]?.dim ?? null;
  }

  /** Live items with an embedding, by (updated_at, id) after `after`, `limit` at a time: what an index build reads. */
  async buildPage(tenantId: string, after: CatalogCursor | null, limit: number): Promise<CatalogRow[]> {
    // two statements rather than `$2 IS NULL OR …`, which a generic plan cannot use the index for
    const rows = after
      ? await this.prisma.$queryRawUnsafe<RawRow[]>(
          `SELECT ${COLUMNS} FROM recsys_items
            WHERE tenant_id = $1::uuid AND (updated_at, id) > ($2::timestamptz, $3::text) AND deleted_at IS NULL AND embedding IS NOT NULL
            ORDER BY updated_at, id LIMIT $4::int`,
          tenantId,
          after.updatedAt,
          after.id,
          limit,
        )
      : await this.prisma.$queryRawUnsafe<RawRow[]>(
          `SELECT ${COLUMNS} FROM recsys_items
            WHERE tenant_id = $1::uuid AND deleted_at IS NULL AND embedding IS NOT NULL
            ORDER BY updated_at, id LIMIT $2::int`,
          tenantId,
          limit,
        );
    return rows.map(toRow);
  }

  /**
   * Every item (deleted ones included: the reader must drop them) after `after` by (updated_at, id),
   * `limit` at a time: what a serving replica reads to catch up (from its watermark minus an overlap,
   * so a write committed late with an earlier `updated_at` is still seen).
   */
  async changedSince(tenantId: string, after: CatalogCursor, limit: number): Promise<CatalogRow[]> {
    const rows = await this.prisma.$queryRawUnsafe<RawRow[]>(
      `SELECT ${COLUMNS} FROM recsys_items
        WHERE tenant_id = $1::uuid AND (updated_at, id) > ($2::timestamptz, $3::text)
        ORDER BY updated_at, id LIMIT $4::int`,
      tenantId,
      after.updatedAt,
      after.id,
      limit,
    );
    return rows.map(toRow);
  }

  /**
   * The most engaged items since `since` (clicks + watches + purchases, flagged events left out),
   * with their impressions: the popularity behind cold start. Reads `recsys_events` by (tenant_id, at).
   */
  async popular(tenantId: string, since: Date, limit: number): Promise<Array<{ id: string; engagements: number; impressions: number }>> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ id: string; engagements: number; impressions: number }>>(
      `SELECT item_id AS id,
              count(*) FILTER (WHERE type IN ('click', 'watch', 'purchase'))::int AS engagements,
              count(*) FILTER (WHERE type = 'impression')::int AS impressions
         FROM recsys_events
        WHERE tenant_id = $1::uuid AND at >= $2::timestamptz AND NOT flagged
        GROUP BY item_id
       HAVING count(*) FILTER (WHERE type IN ('click', 'watch', 'purchase')) > 0
        ORDER BY engagements DESC, item_id
        LIMIT $3::int`,
      tenantId,
      since,
      limit,
    );
    return rows;
  }
}
