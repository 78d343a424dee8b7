import { Client } from 'pg';
import { PrismaService } from '@frontier/platform-prisma';
import { createTestDatabase, type TestDatabase } from '@frontier/platform-testing';
import { EventRepository, FeatureStore, ItemRepository, TrainingLogRepository } from '@frontier/recsys-data-access';
import type { JobQueue } from '@frontier/platform-queue';
import { itemModelInput, userModelInput } from '@frontier/recsys-domain';
import { FeaturesService } from '../features/features.service';
import { PointInTimeFeatures } from './features';
import { seedSyntheticWorld, type SyntheticWorld } from './synthetic.spec-helper';

const HOUR = 3_600_000;
const W = new Date(Date.UTC(2026, 10, 20, 12));

// Training reads features in bulk (PointInTimeFeatures); FeaturesService's per-entity log reads are
// the feature pipeline's own training side (its spec proves they equal what serving reads from
// Redis). Both must give the same numbers at any moment.
describe('point-in-time training features = the feature pipeline’s reads from the log (real Postgres)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let logs: TrainingLogRepository;
  let pipeline: FeaturesService;
  let world: SyntheticWorld;
  let tenantId: string;

  beforeAll(async () => {
    db = await createTestDatabase('recsys_training_features');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    logs = new TrainingLogRepository(prisma);
    // the log reads need neither the Redis store nor the queue
    pipeline = new FeaturesService(new EventRepository(prisma), new ItemRepository(prisma), null as unknown as FeatureStore, null as unknown as JobQueue, {});
    tenantId = (await prisma.tenant.create({ data: { name: 'features' } })).id;
    world = await seedSyntheticWorld(db.url, { tenantId, windowEnd: W, requests: 400, seed: 9 });
    // a watch received 2 h late, and a flagged click: the first counts only once received, the second never
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      const batch = (await c.query(`SELECT id FROM recsys_event_batches WHERE tenant_id = $1 LIMIT 1`, [tenantId])).rows[0].id as string;
      const insert = `INSERT INTO recsys_events (tenant_id, event_id, batch_id, user_id, item_id, category, type, watch_seconds, at, received_at, flagged) VALUES ($1, $2, $3, 'user-1', $4, $5, $6, $7, $8, $9, $10)`;
      const item = world.items[0] as { id: string; category: string };
      await c.query(insert, [tenantId, 'late-watch', batch, item.id, item.category, 'watch', 12.34, new Date(W.getTime() - 5 * HOUR), new Date(W.getTime() - 3 * HOUR), false]);
      await c.query(insert, [tenantId, 'bot-click', batch, item.id, item.category, 'click', null, new Date(W.getTime() - 4 * HOUR), new Date(W.getTime() - 4 * HOUR), true]);
    } finally {
      await c.end();
    }
  }, 120_000);

  afterAll(async () => {
    await prisma?.onModuleDestroy();
    await db?.drop();
  });

  it('users and items, at moments before, between and after the late event, give identical features and model inputs', async () => {
    const moments = [W.getTime() - 20 * HOUR, W.getTime() - 4 * HOUR, W.getTime() - 2 * HOUR, W.getTime()];
    const users = ['user-0', 'user-1', 'user-2', 'user-59'];
    const items = [world.items[0]?.id, world.items[5]?.id, world.items[15]?.id] as string[];
    const bulk = await PointInTimeFeatures.load(logs, tenantId, {
      users: moments.flatMap((atMs) => users.map((userId) => ({ userId, atMs }))),
      items: moments.flatMap((atMs) => items.map((itemId) => ({ itemId, atMs }))),
    });
    let compared = 0;
    for (const atMs of moments) {
      for (const u of users) {
        const one = await pipeline.userFeaturesFromLog(tenantId, u, atMs);
        expect(bulk.user(u, atMs)).toEqual(one);
        expect(bulk.userInput(u, atMs)).toEqual(userModelInput(one));
        compared++;
      }
      for (const i of items) {
        const one = await pipeline.itemFeaturesFromLog(tenantId, i, atMs);
        expect(bulk.item(i, atMs)).toEqual(one);
        expect(itemModelInput(bulk.item(i, atMs), bulk.category(i))).toEqual(itemModelInput(one as NonNullable<typeof one>, world.items.find((x) => x.id === i)?.category as string));
        compared++;
      }
    }
    expect(compared).toBe(28);
    // the late watch: unknown 4 h before W (received 3 h before), known 2 h before
    expect(bulk.user('user-1', W.getTime() - 4 * HOUR).windows['24h'].watch).toBe(0);
    expect(bulk.user('user-1', W.getTime() - 2 * HOUR).windows['24h'].watch).toBe(1);
  }, 60_000);
});
