import type { FactoryProvider } from '@nestjs/common';
import { Redis } from 'ioredis';
import { PlatformSettings } from './settings';

/** Injection token of the app's shared ioredis client (commands only; BullMQ has its own). */
export const REDIS = Symbol.for('frontier:redis');

export const redisProvider: FactoryProvider<Redis> = {
  provide: REDIS,
  inject: [PlatformSettings],
  useFactory: (s: PlatformSettings) => new Redis(s.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false }),
};
