import { Inject, Injectable, Logger, type FactoryProvider, type OnApplicationShutdown } from '@nestjs/common';
import { createEventBus, type EventBus } from '@frontier/platform-events';
import type { RedisClient } from '@frontier/platform-redis';
import { REDIS } from './redis.provider';
import { PlatformSettings } from './settings';

/** Injection token of the app's {@link EventBus} (EVENT_BUS=redis|jetstream, NATS_URL). */
export const EVENT_BUS = Symbol.for('frontier:event-bus');

/**
 * The configured event bus: Redis Streams on the app's Redis under REDIS_PREFIX (default), or
 * NATS JetStream at NATS_URL (streams named after REDIS_PREFIX). JetStream connects in the
 * background: the app starts while NATS is down and a publish answers 503 until it is up.
 */
export const eventBusProvider: FactoryProvider<EventBus> = {
  provide: EVENT_BUS,
  inject: [REDIS, PlatformSettings],
  useFactory: (redis: RedisClient, s: PlatformSettings) => {
    const log = new Logger('EventBus');
    const kind = s.eventBus?.kind ?? 'redis';
    return createEventBus({ kind, redis, prefix: s.redisPrefix, log: (m) => log.warn(m), ...(s.eventBus?.natsUrl ? { natsUrl: s.eventBus.natsUrl } : {}) });
  },
};

/** Closes the bus at shutdown if the worker's drain has not already (consumers drained, connections closed). */
@Injectable()
export class EventBusCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_BUS) private readonly bus: EventBus) {}
  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
