import { Redis } from 'ioredis';
import { JetStreamEventBus, RedisEventBus, type EventBus } from '@frontier/platform-events';
import { createTestRedis, until, type TestRedis } from '@frontier/platform-testing';
import type { MemoryScope } from '@frontier/memory-contracts';
import { MemoryChangeBus } from './change-bus';

const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

describe('MemoryChangeBus on the event bus fan-out (real Redis; JetStream on the local nats-server)', () => {
  let redis: TestRedis;
  let client: Redis;
  beforeAll(async () => {
    redis = await createTestRedis('changebus');
    client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    await new Promise((r) => client.once('ready', r));
  });
  afterAll(async () => {
    client.disconnect();
    await redis.cleanup();
  });

  const buses: Record<string, () => EventBus> = {
    redis: () => new RedisEventBus(client, { prefix: redis.prefix, pollMs: 200 }),
    jetstream: () => new JetStreamEventBus(NATS_URL, { prefix: redis.prefix }),
  };

  it.each(Object.keys(buses))('%s: every other process hears of a change; the one that made it does not', async (kind) => {
    const make = buses[kind] as () => EventBus;
    const [a, b, c] = [make(), make(), make()]; // three processes
    const stream = `changes-${Date.now().toString(36)}`;
    const [ca, cb, cc] = [new MemoryChangeBus(a, stream), new MemoryChangeBus(b, stream), new MemoryChangeBus(c, stream)];
    const heard: Record<string, MemoryScope[]> = { a: [], b: [], c: [] };
    await ca.subscribe((s) => void heard['a']?.push(s));
    await cb.subscribe((s) => void heard['b']?.push(s));
    await cc.subscribe((s) => void heard['c']?.push(s));
    await ca.publish({ tenantId: 't', userId: 'ann' });
    await cb.publish({ tenantId: 't', userId: 'bob' });
    await until(async () => heard['c']?.length === 2 && heard['a']?.length === 1 && heard['b']?.length === 1, 15_000, 'the notifications');
    expect(heard).toEqual({ a: [{ tenantId: 't', userId: 'bob' }], b: [{ tenantId: 't', userId: 'ann' }], c: [{ tenantId: 't', userId: 'ann' }, { tenantId: 't', userId: 'bob' }] });
    for (const m of [ca, cb, cc]) await m.close();
    if (a instanceof JetStreamEventBus) await a.deleteStream(stream);
    await Promise.all([a, b, c].map((x) => x.close()));
  }, 30_000);
});
