import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { createTestDatabase, startPrivateRedis, type PrivateRedis, type TestDatabase } from '@frontier/platform-testing';
import { AppModule } from '../app.module';
import { MemoryApiEnv } from '../env';
import { SimDevice, until } from './sync.spec-helper';

/**
 * Redis (the push path) goes away while a device is connected: a change committed meanwhile is
 * never published, and when the subscription is back the device reads it from Postgres.
 */
describe('sync through a Redis outage (private Redis killed and restarted; real Postgres)', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let app: INestApplication;
  let key: string;
  const phone = new SimDevice('phone');

  beforeAll(async () => {
    db = await createTestDatabase('memory_sync_outage');
    redis = await startPrivateRedis();
    app = await createHttpApp(AppModule.register(loadEnv(MemoryApiEnv, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: 'outage' }), {}), { service: 'memory-api', logger: false });
    await app.listen(0, '127.0.0.1');
    const tenancy = app.get(TenancyService);
    const t = await tenancy.createTenant('acme');
    key = (await tenancy.issueKey(t.id, 'rw', ['memory:*'])).key;
  }, 120_000);

  afterAll(async () => {
    await phone.disconnect();
    await app?.close();
    await redis?.dispose();
    await db?.drop();
  });

  it('a change committed while Redis is down reaches the connected device once Redis is back', async () => {
    const http = request(app.getHttpServer());
    const auth = (device?: string) => ({ authorization: `Bearer ${key}`, ...(device ? { 'x-device-id': device } : {}) });
    const added = await http.post('/mem0/v3/memories/add').set(auth('laptop')).send({ user_id: 'ann', messages: [{ role: 'user', content: 'I keep my passport in the blue drawer' }], infer: false }).expect(200);
    const id = (added.body as Array<{ id: string }>)[0]?.id as string;
    await phone.connect((app.getHttpServer().address() as AddressInfo).port, 'ann', key);
    expect(phone.live()).toEqual({ [id]: 'I keep my passport in the blue drawer' });

    await redis.kill();
    const rev = (await http.get('/v1/sync').query({ user_id: 'ann', since: 'laptop:0' }).set(auth()).expect(200)).body.items[0].rev as string;
    // committed in Postgres; its push (and the biography job) cannot be published: the write may answer 503
    const edit = await http.post('/v1/sync/edits').set(auth('laptop')).send({ user_id: 'ann', id, base_rev: rev, edited_at: new Date().toISOString(), op: 'update', text: 'I keep my passport in the red drawer' });
    expect([200, 503]).toContain(edit.status);
    await new Promise((r) => setTimeout(r, 500));
    expect(phone.live()[id]).toBe('I keep my passport in the blue drawer');

    await redis.start();
    await until(() => phone.live()[id] === 'I keep my passport in the red drawer' || undefined, 30_000, 'the missed change after Redis came back');
    expect(Math.max(...phone.received.values())).toBe(1);
  }, 90_000);
});
