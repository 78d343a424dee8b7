import { randomUUID } from 'node:crypto';
import { bucketsAt, FEATURE_WINDOWS, userFeatures, type BucketHash, type WindowName } from '@frontier/recsys-domain';
import { createTestRedisOn, REDIS_MODES, startRedisMode, type RedisModeServer, type TestRedisOn } from '@frontier/platform-testing';
import { FeatureStore, type CounterOp } from './feature-store';

// now: the buckets' expiries (PEXPIREAT) must lie ahead
const NOW = Date.now();
const H = 3_600_000;

/**
 * The feature store's multi-key work (the apply script over a tenant's markers and counters, the
 * one-script user read, pipelined item reads, the wipe) on a single Redis and on a 3-master Redis
 * Cluster: every key of a tenant shares the `{tenant}` hash tag, so all of it runs in one slot.
 */
describe.each(REDIS_MODES)('FeatureStore on a real %s Redis', (mode) => {
  let server: RedisModeServer;
  let redis: TestRedisOn;
  let store: FeatureStore;

  beforeAll(async () => {
    server = await startRedisMode(mode);
    redis = await createTestRedisOn(server.target, 'featurestore');
    store = new FeatureStore(redis.client, redis.prefix);
  }, 60_000);

  afterAll(async () => {
    await redis.cleanup();
    await server.dispose();
  });

  /** A click and an impression of `category` in the current bucket of every window. */
  const userOps = (t: string, user: string, category: string): CounterOp[] =>
    FEATURE_WINDOWS.flatMap((w) => {
      const b = bucketsAt(NOW, w).at(-1) as number;
      const key = store.userBucketKey(t, user, w.name, b);
      return [
        { key, field: `click:${category}`, by: 1, expiresAtMs: NOW + w.seconds * 1000 },
        { key, field: `impression:${category}`, by: 3, expiresAtMs: NOW + w.seconds * 1000 },
      ];
    });

  it('applies a batch once (idempotency key and counters in one script) and reads the user back in one script', async () => {
    const t = randomUUID();
    expect(await store.applyBatch(t, 'b1', userOps(t, 'u1', 'jazz'))).toBe('applied');
    expect(await store.applyBatch(t, 'b1', userOps(t, 'u1', 'jazz'))).toBe('already');
    expect(await store.applyBatch(t, 'b2', userOps(t, 'u1', 'rock'))).toBe('applied');

    const expected: Record<WindowName, Map<number, BucketHash>> = { '1h': new Map(), '24h': new Map(), '7d': new Map() };
    for (const w of FEATURE_WINDOWS) expected[w.name].set(bucketsAt(NOW, w).at(-1) as number, { 'click:jazz': 1, 'impression:jazz': 3, 'click:rock': 1, 'impression:rock': 3 });
    expect(await store.readUser(t, 'u1', NOW)).toEqual(userFeatures(expected, NOW));
    expect(await redis.client.pttl(store.userBucketKey(t, 'u1', '1h', bucketsAt(NOW, FEATURE_WINDOWS[0] as (typeof FEATURE_WINDOWS)[number]).at(-1) as number))).toBeGreaterThan(0);
  });

  it('item runs count once and bump the items version; item and creator reads are pipelined', async () => {
    const t = randomUUID();
    await store.putItemMetas(t, [
      { id: 'i1', creator: 'c1', category: 'jazz', createdAt: new Date(NOW - 2 * H), deletedAt: null },
      { id: 'i2', creator: 'c1', category: 'rock', createdAt: new Date(NOW - H), deletedAt: new Date(NOW) },
    ]);
    const ops: CounterOp[] = [
      { key: store.itemKey(t, 'i1'), field: 'click', by: 2, expiresAtMs: 0 },
      { key: store.creatorKey(t, 'c1'), field: 'click', by: 2, expiresAtMs: 0 },
      { key: store.itemBucketKey(t, 'i1', '24h', bucketsAt(NOW, FEATURE_WINDOWS[1] as (typeof FEATURE_WINDOWS)[number]).at(-1) as number), field: 'impression', by: 5, expiresAtMs: NOW + 24 * H },
    ];
    expect(await store.applyRun(t, 'r1', ops)).toBe('applied');
    expect(await store.applyRun(t, 'r1', ops)).toBe('already');
    expect(await store.itemsVersion(t)).toBe(1);
    const counts = await store.readItemCounts(t, ['i1', 'i2', 'missing'], NOW);
    expect(counts.get('i1')).toMatchObject({ meta: { creator: 'c1', category: 'jazz' }, deletedAtMs: null });
    expect(counts.get('i1')?.total.click).toBe(2);
    expect(counts.get('i1')?.creator.click).toBe(2);
    expect(counts.get('i1')?.windows['24h'].impression).toBe(5);
    expect(counts.get('i2')?.deletedAtMs).toBe(NOW);
    expect(counts.get('missing')?.meta).toBeNull();
  });

  it('a rebuild holds the tenant (applies answer busy), and wipe removes every key of the tenant but the flag', async () => {
    const t = randomUUID();
    const other = randomUUID();
    await store.applyBatch(t, 'b1', userOps(t, 'u1', 'jazz'));
    await store.applyBatch(other, 'b1', userOps(other, 'u1', 'jazz'));
    await store.markAlive(t);
    expect(await store.alive(t)).toBe(true);
    expect(await store.beginRebuild(t, 10_000)).toBe(true);
    expect(await store.beginRebuild(t, 10_000)).toBe(false);
    expect(await store.applyBatch(t, 'b2', userOps(t, 'u1', 'rock'))).toBe('busy');
    // fb:b1 marker, alive, three user buckets
    expect(await store.wipe(t)).toBe(5);
    expect(await store.alive(t)).toBe(false);
    expect(await store.applyBatch(t, 'b3', userOps(t, 'u1', 'rock'), { force: true })).toBe('applied');
    await store.endRebuild(t);
    expect(await store.applyBatch(t, 'b4', userOps(t, 'u1', 'rock'))).toBe('applied');
    // the other tenant is untouched
    expect((await store.readUser(other, 'u1', NOW)).windows['1h'].click).toBe(1);
  });
});
