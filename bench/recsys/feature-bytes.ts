/**
 * Redis memory of the feature store (issue 17 cost model): bytes a user and bytes an item that the
 * shipped pipeline leaves in Redis — events stored through EventsService, featured by
 * FeaturesService.applyBatch and FeaturesService.aggregateItems (what recsys-api and recsys-worker
 * run), then `MEMORY USAGE` of every key, grouped by what it holds. No baseline: this is a size.
 *
 *   node -r @swc-node/register bench/recsys/feature-bytes.ts [--users 500] [--items 500] [--events-per-user 30] [--days 6]
 */
import { EventRepository, FeatureStore, ItemRepository } from '@frontier/recsys-data-access';
import { EventsService, FeaturesService, ItemEmbedder, ItemsService, type EventInput, type RecsysConfig } from '@frontier/recsys-nest';
import type { PlatformSettings } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { JobQueue } from '@frontier/platform-queue';
import { createTestDatabase, createTestRedis } from '@frontier/platform-testing';
import { Rng } from '@frontier/platform-util';
import { loadavg } from 'node:os';
import { benchArgs, printHeadline, round, usageError } from '../lib/harness';

const { flags, positional } = benchArgs();
const USAGE = 'usage: bench/recsys/feature-bytes.ts [--users 500] [--items 500] [--events-per-user 30] [--days 6]';
if (positional.length) usageError(`unexpected argument ${positional.join(' ')}; ${USAGE}`);
const int = (name: string, dflt: number, min: number, max: number) => {
  const v = Number(flags.get(name) ?? dflt);
  if (!Number.isInteger(v) || v < min || v > max) usageError(`--${name} must be a whole number from ${min} to ${max}, got ${flags.get(name)}`);
  return v;
};
const USERS = int('users', 500, 10, 100_000);
const ITEMS = int('items', 500, 10, 100_000);
const PER_USER = int('events-per-user', 30, 1, 1_000);
const DAYS = int('days', 6, 1, 6);

/** Items carry their embedding here: the embedding port is never asked. */
class NoEmbedder extends ItemEmbedder {
  get(): never {
    throw new Error('not used');
  }
}

async function main(): Promise<void> {
  const db = await createTestDatabase('bench_feature_bytes');
  const redis = await createTestRedis('benchfeaturebytes');
  const prisma = new PrismaService({ databaseUrl: db.url });
  await prisma.onModuleInit();
  const jobs = new JobQueue({ redisUrl: redis.url, prefix: redis.prefix });
  try {
    const config: RecsysConfig = { reconcileAfterS: 1, itemRunLagS: 0 };
    const store = new FeatureStore(redis.client, redis.prefix);
    const events = new EventRepository(prisma);
    const items = new ItemRepository(prisma);
    const features = new FeaturesService(events, items, store, jobs, config);
    const ingest = new EventsService(events, items, jobs, config);
    const catalog = new ItemsService(items, store, new NoEmbedder(), redis.client, { redisPrefix: redis.prefix } as PlatformSettings);
    const t = (await prisma.tenant.create({ data: { name: 'feature-bytes' } })).id;
    for (let i = 0; i < ITEMS; i += 500) {
      const rows = Array.from({ length: Math.min(500, ITEMS - i) }, (_, j) => ({ id: `v${i + j}`, creator: `c${(i + j) % 50}`, category: `k${(i + j) % 20}`, text: '', embedding: [1, 0, 0] }));
      await catalog.upsert(t, rows);
    }
    const rng = new Rng(17);
    const types = ['impression', 'impression', 'impression', 'click', 'skip', 'watch'] as const;
    const now = Date.now();
    let seq = 0;
    const all: EventInput[] = [];
    for (let u = 0; u < USERS; u++) {
      for (let e = 0; e < PER_USER; e++) {
        const type = types[Math.floor(rng.next() * types.length)] ?? 'click';
        all.push({
          eventId: `e${++seq}`,
          userId: `user-${u}`,
          itemId: `v${Math.floor(rng.next() * ITEMS)}`,
          type,
          at: new Date(now - Math.floor(rng.next() * DAYS * 86_400_000) - 60_000),
          ...(type === 'watch' ? { watchSeconds: 5 + Math.floor(rng.next() * 60) } : {}),
        });
      }
    }
    for (let i = 0; i < all.length; i += 1_000) await ingest.ingest(t, all.slice(i, i + 1_000));
    for (const b of await events.batchesSince(t, new Date(0))) await features.applyBatch(t, b, { nowMs: now });
    await features.aggregateItems();

    const groups = new Map<string, { keys: number; bytes: number }>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.client.scan(cursor, 'MATCH', `${redis.prefix}:recsys:*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const kind = /:u:/.test(key) ? 'user buckets' : /:iw:/.test(key) ? 'item buckets' : /:i:/.test(key) ? 'item' : /:c:/.test(key) ? 'creator' : 'other';
        const bytes = Number((await redis.client.memory('USAGE', key)) ?? 0);
        const g = groups.get(kind) ?? { keys: 0, bytes: 0 };
        g.keys += 1;
        g.bytes += bytes;
        groups.set(kind, g);
      }
    } while (cursor !== '0');
    for (const [k, g] of groups) console.log(`${k}: ${g.keys} keys, ${g.bytes} bytes`);
    const user = groups.get('user buckets') ?? { keys: 0, bytes: 0 };
    const itemBytes = (groups.get('item')?.bytes ?? 0) + (groups.get('item buckets')?.bytes ?? 0);
    printHeadline('recsys-feature-bytes', {
      users: USERS,
      items: ITEMS,
      eventsPerUser: PER_USER,
      days: DAYS,
      loadavg1: round(loadavg()[0] ?? 0, 2),
      bytesPerUser: Math.round(user.bytes / USERS),
      keysPerUser: round(user.keys / USERS, 1),
      bytesPerItem: Math.round(itemBytes / ITEMS),
      groups: Object.fromEntries(groups),
    });
  } finally {
    await jobs.onApplicationShutdown();
    await prisma.onModuleDestroy();
    await redis.cleanup();
    await db.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
