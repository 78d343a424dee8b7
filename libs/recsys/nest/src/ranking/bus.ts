import { duplicateClient, type RedisClient } from '@frontier/platform-redis';
import { recsysChannels, type RecsysIndexBuiltMessage, type RecsysItemsChangedMessage, type RecsysModelChangedMessage } from '@frontier/recsys-contracts';

type Handlers = {
  itemsChanged?: (m: RecsysItemsChangedMessage) => void;
  indexBuilt?: (m: RecsysIndexBuiltMessage) => void;
  modelChanged?: (m: RecsysModelChangedMessage) => void;
};

/**
 * Ranking's Redis pub/sub (recsys-contracts `recsysChannels`): publishes "items changed", "index
 * built" and "live model changed", and delivers them to a serving process on one subscriber
 * connection. Messages are hints; the subscribers also poll Postgres and the index folder.
 */
export class RankingBus {
  private subscriber: RedisClient | undefined;
  private readonly handlers: Handlers = {};
  readonly channels: ReturnType<typeof recsysChannels>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.channels = recsysChannels(prefix);
  }

  publishItemsChanged(m: RecsysItemsChangedMessage): Promise<number> {
    return this.redis.publish(this.channels.itemsChanged, JSON.stringify(m));
  }
  publishIndexBuilt(m: RecsysIndexBuiltMessage): Promise<number> {
    return this.redis.publish(this.channels.indexBuilt, JSON.stringify(m));
  }
  publishModelChanged(m: RecsysModelChangedMessage): Promise<number> {
    return this.redis.publish(this.channels.modelChanged, JSON.stringify(m));
  }

  on<K extends keyof Handlers>(event: K, handler: NonNullable<Handlers[K]>): void {
    this.handlers[event] = handler as Handlers[K];
  }

  async subscribe(): Promise<void> {
    if (this.subscriber) return;
    // the request-path client fails fast; a subscriber queues its SUBSCRIBE until connected and waits indefinitely
    const sub = duplicateClient(this.redis, { enableOfflineQueue: true, commandTimeout: undefined, maxRetriesPerRequest: null });
    this.subscriber = sub;
    sub.on('error', () => undefined);
    sub.on('message', (channel: string, raw: string) => {
      let m: { tenantId?: unknown; buildId?: unknown; kind?: unknown; versionId?: unknown };
      try {
        m = JSON.parse(raw) as typeof m;
      } catch {
        return;
      }
      if (typeof m.tenantId !== 'string') return;
      if (channel === this.channels.itemsChanged) this.handlers.itemsChanged?.({ tenantId: m.tenantId });
      else if (channel === this.channels.indexBuilt && typeof m.buildId === 'string') this.handlers.indexBuilt?.({ tenantId: m.tenantId, buildId: m.buildId });
      else if (channel === this.channels.modelChanged) this.handlers.modelChanged?.({ tenantId: m.tenantId, kind: String(m.kind ?? ''), versionId: String(m.versionId ?? '') });
    });
    await sub.subscribe(this.channels.itemsChanged, this.channels.indexBuilt, this.channels.modelChanged);
  }

  async close(): Promise<void> {
    const sub = this.subscriber;
    this.subscriber = undefined;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }
}
