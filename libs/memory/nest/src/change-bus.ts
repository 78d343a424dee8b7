import { randomUUID } from 'node:crypto';
import type { MemoryScope } from '@frontier/memory-contracts';
import type { Consumer, EventBus } from '@frontier/platform-events';

/** The event-bus stream of memory change notifications. */
export const MEMORY_CHANGES_STREAM = 'memory-changes';

/** Notifications kept in the stream (a fan-out subscriber reads from its end: old ones are of no use). */
const KEEP = 10_000;

interface ChangeMessage {
  origin: string;
  tenantId: string;
  userId: string;
}

/**
 * Tells every process that a user's memories changed (the event bus's fan-out: Redis Streams or
 * JetStream), so processes holding an embedded index copy drop it and reload from Postgres.
 * Messages a process sent itself are ignored.
 */
export class MemoryChangeBus {
  private readonly origin = randomUUID();
  private subscription: Consumer | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly stream: string = MEMORY_CHANGES_STREAM,
  ) {}

  async publish(scope: MemoryScope): Promise<void> {
    const message: ChangeMessage = { origin: this.origin, tenantId: scope.tenantId, userId: scope.userId };
    await this.bus.publish(this.stream, { id: randomUUID(), payload: message }, { maxLen: KEEP });
  }

  async subscribe(onChange: (scope: MemoryScope) => void | Promise<void>): Promise<void> {
    this.subscription = await this.bus.subscribe<ChangeMessage>(this.stream, async (e) => {
      const m = e.payload;
      if (m && m.origin !== this.origin && typeof m.tenantId === 'string' && typeof m.userId === 'string') await onChange({ tenantId: m.tenantId, userId: m.userId });
    });
  }

  /** Stops this process's subscription (the bus itself is the app's, closed by the platform). */
  async close(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }
}
