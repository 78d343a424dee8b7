import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { createTestDatabase, startPrivateRedisCluster, type PrivateRedisCluster, type TestDatabase } from '@frontier/platform-testing';
import { AppModule } from '../app.module';
import { MemoryApiEnv } from '../env';
import { SimDevice, until } from './sync.spec-helper';

/**
 * The sync fan-out of sync.e2e.spec.ts on a Redis Cluster (issue 17): two memory-api replicas
 * started with REDIS_CLUSTER_NODES of a private 3-master cluster (pub/sub, job queue, caches all
 * through Cluster clients); devices on either replica get every change exactly once.
 */
describe('cross-device sync, two replicas behind a private 3-master Redis Cluster', () => {
  let db: TestDatabase;
  let cluster: PrivateRedisCluster;
  const apps: INestApplication[] = [];
  const devices: SimDevice[] = [];
  let key: string;

  beforeAll(async () => {
    [db, cluster] = await Promise.all([createTestDatabase('memory_sync_cluster'), startPrivateRedisCluster()]);
    const env = loadEnv(MemoryApiEnv, { DATABASE_URL: db.url, REDIS_URL: cluster.url, REDIS_CLUSTER_NODES: cluster.clusterNodes, REDIS_PREFIX: 'memsynccluster' });
    for (let i = 0; i < 2; i++) {
      const app = await createHttpApp(AppModule.register(env, {}), { service: 'memory-api', logger: false });
      await app.listen(0, '127.0.0.1');
      apps.push(app);
    }
    const tenancy = (apps[0] as INestApplication).get(TenancyService);
    const t = await tenancy.createTenant('acme');
    key = (await tenancy.issueKey(t.id, 'rw', ['memory:*'])).key;
  }, 180_000);

  afterAll(async () => {
    for (const d of devices) await d.disconnect();
    for (const app of apps) await app.close();
    await cluster?.dispose();
    await db?.drop();
  });

  it('each change reaches each device once, whichever replica took the write and serves the device', async () => {
    const [a, b] = apps as [INestApplication, INestApplication];
    const port = (app: INestApplication) => (app.getHttpServer().address() as AddressInfo).port;
    const user = 'carol';
    for (const [id, app] of [['d1', a], ['d2', b], ['d3', a]] as const) {
      const d = new SimDevice(id);
      devices.push(d);
      await d.connect(port(app), user, key);
    }
    const topics = ['violin lessons', 'sourdough baking', 'rock climbing', 'birdwatching'];
    for (const [i, t] of topics.entries()) {
      await request((i % 2 ? b : a).getHttpServer())
        .post('/mem0/v3/memories/add')
        .set({ authorization: `Bearer ${key}`, 'x-device-id': 'writer' })
        .send({ user_id: user, messages: [{ role: 'user', content: `I have recently started ${t}` }], infer: false })
        .expect(200);
    }
    const revs = await a.get(PrismaService).memorySyncChange.findMany({ where: { userId: user }, select: { id: true } });
    expect(revs).toHaveLength(topics.length);
    for (const d of devices) await until(() => revs.every((r) => d.received.has(r.id.toString())) || undefined, 20_000, `${d.id} got every change`);
    await new Promise((r) => setTimeout(r, 300)); // a late duplicate would land here
    for (const d of devices) for (const r of revs) expect([d.id, d.received.get(r.id.toString())]).toEqual([d.id, 1]);
  }, 120_000);
});
