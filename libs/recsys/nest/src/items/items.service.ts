import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { recsysChannels } from '@frontier/recsys-contracts';
import { PlatformSettings, REDIS } from '@frontier/platform-nest';
import { FeatureStore, ItemRepository, type ItemUpsert, type UpsertedItem } from '@frontier/recsys-data-access';
import { InvalidInputError, NotFoundError, isFrontierError } from '@frontier/platform-util';
import { ItemEmbedder } from '../embedder';

/** An item as PUT /v1/items sends it (validated by the DTO). */
export interface ItemInput {
  id: string;
  creator: string;
  category: string;
  text?: string;
  metadata?: Record<string, unknown>;
  /** A content embedding of the tenant's dimension; computed through the embedding port when absent. */
  embedding?: number[];
}

export interface UpsertItemsResult {
  items: Array<UpsertedItem & { embedding: string }>;
  created: number;
  updated: number;
}

/** Texts per call to the embedding port. */
const EMBED_CHUNK = 64;

/** The item catalogue's use cases: batch upsert (with content embeddings) and soft delete. */
@Injectable()
export class ItemsService {
  private readonly log = new Logger(ItemsService.name);

  private readonly itemsChangedChannel: string;

  constructor(
    private readonly items: ItemRepository,
    private readonly store: FeatureStore,
    private readonly embedder: ItemEmbedder,
    @Inject(REDIS) private readonly redis: Redis,
    settings: PlatformSettings,
  ) {
    this.itemsChangedChannel = recsysChannels(settings.redisPrefix).itemsChanged;
  }

  /**
   * Inserts or replaces a batch of items (all or nothing). An item without `embedding` gets one
   * from the embedding port, from its text (its category when the text is empty). Every embedding
   * of a tenant has one dimension (the first stored sets it): a different one is refused naming the
   * item, as is an id given twice.
   */
  async upsert(tenantId: string, input: readonly ItemInput[]): Promise<UpsertItemsResult> {
    const first = new Map<string, number>();
    input.forEach((it, i) => {
      const j = first.get(it.id);
      if (j !== undefined) throw new InvalidInputError(`items.${i}.id`, `items.${i}.id "${it.id}" is already items.${j}.id: each id once per batch`);
      first.set(it.id, i);
    });
    let dim = await this.items.embeddingDim(tenantId);
    const dimOwner = dim === null ? null : 'stored items';
    let owner = dimOwner;
    input.forEach((it, i) => {
      if (!it.embedding) return;
      if (dim === null) [dim, owner] = [it.embedding.length, `items.${i}`];
      else if (it.embedding.length !== dim) throw new InvalidInputError(`items.${i}.embedding`, `items.${i}.embedding has ${it.embedding.length} dimensions; this tenant's embeddings have ${dim} (${owner})`);
    });
    const vectors = new Map<number, { v: Float32Array; model: string }>();
    input.forEach((it, i) => it.embedding && vectors.set(i, { v: Float32Array.from(it.embedding), model: 'client' }));
    const missing = input.map((_, i) => i).filter((i) => !vectors.has(i));
    if (missing.length) {
      const e = await this.embedder.get();
      if (dim !== null && e.dimension !== dim) {
        const i = missing[0] as number;
        throw new InvalidInputError(`items.${i}.embedding`, `items.${i}.embedding is required: this tenant's embeddings have ${dim} dimensions (${owner}), the embedding model ${e.modelId} makes ${e.dimension}`);
      }
      for (let s = 0; s < missing.length; s += EMBED_CHUNK) {
        const chunk = missing.slice(s, s + EMBED_CHUNK);
        const texts = chunk.map((i) => (input[i]?.text ?? '').trim() || (input[i]?.category as string));
        let out: Float32Array[];
        try {
          out = await e.embed(texts);
        } catch (err) {
          // the port names `texts[k]`: name the item instead
          if (isFrontierError(err) && err.category === 'invalid') {
            const k = Number(/\[(\d+)\]/.exec(err.field ?? '')?.[1] ?? 0);
            throw new InvalidInputError(`items.${chunk[k]}.text`, `items.${chunk[k]}.text: ${err.message}`);
          }
          throw err;
        }
        chunk.forEach((i, k) => vectors.set(i, { v: out[k] as Float32Array, model: e.modelId }));
      }
    }
    const rows: ItemUpsert[] = input.map((it, i) => {
      const v = vectors.get(i) as { v: Float32Array; model: string };
      return { id: it.id, creator: it.creator, category: it.category, text: it.text ?? '', metadata: it.metadata ?? {}, embedding: v.v, embeddingModel: v.model };
    });
    const stored = await this.items.upsert(tenantId, rows);
    await this.changed(
      tenantId,
      input.map((it, i) => ({ id: it.id, creator: it.creator, category: it.category, createdAt: stored[i]?.createdAt as Date, deletedAt: null })),
    );
    const created = stored.filter((s) => s.created).length;
    return { items: stored.map((s, i) => ({ ...s, embedding: vectors.get(i)?.model as string })), created, updated: stored.length - created };
  }

  /** Soft delete: events about the item stay valid; it is no longer served. 404 when there is no live item of that id. */
  async remove(tenantId: string, id: string): Promise<{ id: string; deleted: true }> {
    const at = new Date();
    if (!(await this.items.softDelete(tenantId, id, at))) throw new NotFoundError('id', `item ${id} not found`, 'recsys.item_not_found');
    const item = await this.items.get(tenantId, id);
    if (item) await this.changed(tenantId, [{ id, creator: item.creator, category: item.category, createdAt: item.createdAt, deletedAt: at }]);
    return { id, deleted: true };
  }

  /**
   * "Items changed", in one place: their metadata goes to the feature store (item age, creator,
   * deletion). Postgres already holds the change; a Redis failure here is logged, not answered
   * (a feature rebuild rewrites every item's metadata).
   */
  private async changed(tenantId: string, metas: Parameters<FeatureStore['putItemMetas']>[1]): Promise<void> {
    try {
      await this.store.putItemMetas(tenantId, metas);
      // ranking replicas catch up at once (they also poll Postgres every second: the message is a hint)
      await this.redis.publish(this.itemsChangedChannel, JSON.stringify({ tenantId }));
    } catch (e) {
      this.log.warn(`item metadata not written to the feature store (${e instanceof Error ? e.message : String(e)}); a feature rebuild restores it`);
    }
  }
}
