import { Redis } from 'ioredis';
import { loadEnv, PlatformEnv } from '@frontier/platform-config';
import { JetStreamEventBus, RedisEventBus, type EventBus } from '@frontier/platform-events';
import { eventBusProvider } from './event-bus.provider';
import { platformSettings, type PlatformSettings } from './settings';

describe('EVENT_BUS / NATS_URL → the app’s event bus', () => {
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
  const make = (env: Record<string, string>) => eventBusProvider.useFactory(redis, platformSettings('t', loadEnv(PlatformEnv, env))) as EventBus;
  afterAll(() => redis.disconnect());

  it('is Redis Streams by default and JetStream with EVENT_BUS=jetstream, its streams named after REDIS_PREFIX', async () => {
    const byDefault = make({});
    expect(byDefault).toBeInstanceOf(RedisEventBus);
    expect((byDefault as RedisEventBus).key('recsys-events')).toBe('frontier:events:{recsys-events}');
    const js = make({ EVENT_BUS: 'jetstream', NATS_URL: 'nats://127.0.0.1:1', REDIS_PREFIX: 'acme' }) as JetStreamEventBus;
    expect(js).toBeInstanceOf(JetStreamEventBus);
    expect(js.streamName('recsys-events')).toBe('acme_recsys-events');
    js.abort();
    await byDefault.close();
  });

  it('refuses a bad EVENT_BUS or NATS_URL at boot, naming the variable', () => {
    expect(() => loadEnv(PlatformEnv, { EVENT_BUS: 'kafka' }, 'app')).toThrow(/EVENT_BUS="kafka": EVENT_BUS must be redis or jetstream/);
    expect(() => loadEnv(PlatformEnv, { NATS_URL: 'http://x' }, 'app')).toThrow(/NATS_URL="http:\/\/x": NATS_URL must be nats:\/\//);
  });

  it('settings carry the choice (absent: the platform default, redis)', () => {
    const s: PlatformSettings = platformSettings('t', loadEnv(PlatformEnv, { EVENT_BUS: 'jetstream' }));
    expect(s.eventBus).toEqual({ kind: 'jetstream', natsUrl: 'nats://127.0.0.1:4222' });
  });
});
