import type { RedisClient } from '@frontier/platform-redis';
import type { EventBus, EventBusKind, EventBusOptions } from './event-bus';
import { JetStreamEventBus } from './jetstream-event-bus';
import { RedisEventBus } from './redis-event-bus';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

export interface EventBusConfig extends EventBusOptions {
  /** `EVENT_BUS`: `redis` (default) or `jetstream`. */
  kind: EventBusKind;
  /** The app's Redis client (the Redis bus publishes with it and duplicates it for its consumers). */
  redis: RedisClient;
  /** `NATS_URL` (jetstream only). */
  natsUrl?: string;
}

/** The configured bus: Redis Streams by default, NATS JetStream with `EVENT_BUS=jetstream`. */
export function createEventBus(c: EventBusConfig): EventBus {
  const { kind, redis, natsUrl, ...options } = c;
  return kind === 'jetstream' ? new JetStreamEventBus(natsUrl ?? DEFAULT_NATS_URL, options) : new RedisEventBus(redis, options);
}
