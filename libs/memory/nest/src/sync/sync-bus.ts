import { duplicateClient, type RedisClient } from '@frontier/platform-redis';
import type { SyncMessage } from './sync.service';

/**
 * Live sync pushes between processes (Redis pub/sub): every process publishes the changes it
 * committed, and every process serving devices hears all of them (its own included) and hands
 * each to its sockets of that user. Only a hint: what a socket misses it reads from Postgres.
 */
export class SyncBus {
  private subscriber: RedisClient | undefined;
  private subscribing: Promise<void> | undefined;
  private readonly handlers = new Set<(m: SyncMessage) => void>();
  private readonly resubscribed = new Set<() => void>();

  constructor(
    private readonly publisher: RedisClient,
    readonly channel: string,
  ) {}

  async publish(m: SyncMessage): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(m));
  }

  /** Subscribes (once per process, on first use); resolves when Redis confirmed the subscription. */
  async listen(handler: (m: SyncMessage) => void): Promise<() => void> {
    this.handlers.add(handler);
    if (!this.subscribing) {
      // like the change bus: the subscriber queues its SUBSCRIBE until connected and waits indefinitely
      const sub = duplicateClient(this.publisher, { enableOfflineQueue: true, commandTimeout: undefined, maxRetriesPerRequest: null });
      this.subscriber = sub;
      sub.on('message', (_channel: string, raw: string) => {
        let m: SyncMessage;
        try {
          m = JSON.parse(raw) as SyncMessage;
        } catch {
          return; // not ours
        }
        if (typeof m?.tenantId !== 'string' || typeof m.userId !== 'string' || !Array.isArray(m.counters)) return;
        for (const h of this.handlers) h(m);
      });
      // after a lost connection, what was published meanwhile never arrives: listeners read Postgres
      let connected = false;
      sub.on('ready', () => {
        if (connected) for (const h of this.resubscribed) h();
        connected = true;
      });
      this.subscribing = sub.subscribe(this.channel).then(() => undefined);
    }
    await this.subscribing;
    return () => this.handlers.delete(handler);
  }

  /** Called when the subscription is back after a lost connection (pushes may have been missed). */
  onResubscribed(fn: () => void): () => void {
    this.resubscribed.add(fn);
    return () => this.resubscribed.delete(fn);
  }

  async close(): Promise<void> {
    const sub = this.subscriber;
    this.subscriber = undefined;
    this.subscribing = undefined;
    this.handlers.clear();
    this.resubscribed.clear();
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }
}
