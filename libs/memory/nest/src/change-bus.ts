import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { MemoryScope } from '@frontier/memory-contracts';

/**
 * Tells every process that a user's memories changed (Redis pub/sub), so processes holding an
 * embedded index copy drop it and reload from Postgres. Messages a process sent itself are ignored.
 */
export class MemoryChangeBus {
  private readonly origin = randomUUID();
  private subscriber: Redis | undefined;

  constructor(
    private readonly publisher: Redis,
    private readonly channel: string,
  ) {}

  async publish(scope: MemoryScope): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify({ origin: this.origin, tenantId: scope.tenantId, userId: scope.userId }));
  }

  async subscribe(onChange: (scope: MemoryScope) => void | Promise<void>): Promise<void> {
    // the publisher fails fast (no offline queue, command timeout); a subscriber must queue its
    // SUBSCRIBE until connected and wait on its connection indefinitely
    this.subscriber = this.publisher.duplicate({ enableOfflineQueue: true, commandTimeout: undefined, maxRetriesPerRequest: null });
    this.subscriber.on('message', (_channel: string, raw: string) => {
      try {
        const m = JSON.parse(raw) as { origin: string; tenantId: string; userId: string };
        if (m.origin !== this.origin && typeof m.tenantId === 'string' && typeof m.userId === 'string') void onChange({ tenantId: m.tenantId, userId: m.userId });
      } catch {
        // not ours; ignore
      }
    });
    await this.subscriber.subscribe(this.channel);
  }

  async close(): Promise<void> {
    if (this.subscriber) await this.subscriber.quit().catch(() => this.subscriber?.disconnect());
    this.subscriber = undefined;
  }
}
