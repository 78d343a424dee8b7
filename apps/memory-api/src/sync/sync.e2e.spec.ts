import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { AddressInfo } from 'node:net';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { ErasureService, SyncService } from '@frontier/memory-nest';
import { AppModule } from '../app.module';
import { MemoryApiEnv } from '../env';
import { SimDevice, until } from './sync.spec-helper';

/**
 * Two memory-api replicas as two Nest apps in this process, each on its own port (one Postgres,
 * one Redis, the real USE-lite embedder): devices on either replica get every change once.
 */
describe('cross-device sync over WebSocket, two replicas behind one Redis (two Nest apps in one process, separate ports)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let a: INestApplication;
  let b: INestApplication;
  let portA: number;
  let portB: number;
  let key: string;
  let tenantId: string;
  const devices: SimDevice[] = [];
  // a delete answers 204, or 202 with an erasure record once the hard-delete job exists
  const deleted = (r: { status: number }) => expect([202, 204]).toContain(r.status);

  const start = async (base: Record<string, string>) => {
    const app = await createHttpApp(AppModule.register(loadEnv(MemoryApiEnv, base), {}), { service: 'memory-api', logger: false });
    await app.listen(0, '127.0.0.1');
    return app;
  };
  const http = (app: INestApplication) => request(app.getHttpServer());
  const auth = (device?: string) => ({ authorization: `Bearer ${key}`, ...(device ? { 'x-device-id': device } : {}) });
  const device = (id: string) => {
    const d = new SimDevice(id);
    devices.push(d);
    return d;
  };
  /** A device's write: a verbatim memory (Mem0 add, infer: false); returns its id. */
  const create = async (app: INestApplication, user: string, dev: string, text: string): Promise<string> => {
    const r = await http(app).post('/mem0/v3/memories/add').set(auth(dev)).send({ user_id: user, messages: [{ role: 'user', content: text }], infer: false }).expect(200);
    const added = (r.body as Array<{ id: string; event: string }>).find((x) => x.event === 'ADD');
    if (!added) throw new Error(`not added: ${JSON.stringify(r.body)}`);
    return added.id;
  };
  const snapshot = async (app: INestApplication, user: string) => {
    const r = await http(app).get('/v1/sync').query({ user_id: user }).set(auth()).expect(200);
    const sim = new SimDevice('truth');
    sim.key = Buffer.from(r.body.sync_key, 'base64url');
    sim.apply(r.body.items);
    expect(r.body.snapshot).toBe(true);
    return sim;
  };

  beforeAll(async () => {
    db = await createTestDatabase('memory_sync');
    redis = await createTestRedis('memsync');
    const base = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix };
    a = await start(base);
    b = await start(base);
    portA = (a.getHttpServer().address() as AddressInfo).port;
    portB = (b.getHttpServer().address() as AddressInfo).port;
    const tenancy = a.get(TenancyService);
    const t = await tenancy.createTenant('acme');
    tenantId = t.id;
    key = (await tenancy.issueKey(t.id, 'rw', ['memory:*'])).key;
  }, 180_000);

  afterAll(async () => {
    for (const d of devices) await d.disconnect();
    await a?.close();
    await b?.close();
    await redis?.cleanup();
    await db?.drop();
  });

  it('refuses a malformed vector or device id with a 400 naming the field, and a socket without a key', async () => {
    const r = await http(a).get('/v1/sync').query({ user_id: 'zed', since: 'phone:x' }).set(auth()).expect(400);
    expect(JSON.stringify(r.body)).toMatch(/since/);
    const h = await http(a).get('/v1/memories').query({ user_id: 'zed' }).set(auth('bad device')).expect(400);
    expect(JSON.stringify(h.body)).toMatch(/X-Device-Id/);
    await http(a).get('/v1/sync').query({ user_id: 'zed', device_id: 'server' }).set(auth()).expect(400);
    const WebSocket = (await import('ws')).default;
    const ws = new WebSocket(`ws://127.0.0.1:${portA}/v1/sync/ws?user_id=zed&device_id=p`);
    const code = await new Promise<number>((resolve) => ws.on('close', (c: number) => resolve(c)));
    expect(code).toBe(4401);
  }, 30_000);

  it('one device offline while the other writes; on reconnect (to the other replica) both hold the same state, with no gap and no duplicate', async () => {
    const user = 'alice';
    const phone = device('phone');
    const laptop = device('laptop');
    await phone.connect(portA, user, key);
    await laptop.connect(portB, user, key);
    // both start from the same (empty) snapshot; the laptop goes offline
    await laptop.disconnect();
    const mine = new Map<string, string>();
    const texts = ['My daughter Mia is seven years old', 'I work as a nurse at the city hospital', 'I grow tomatoes on my balcony', 'Our cat is called Pixel', 'I am training for the Lisbon marathon'];
    for (const t of texts) mine.set(await create(a, user, 'phone', t), t);
    const [first, second, third] = [...mine.keys()] as [string, string, string];
    await http(a).patch(`/v1/memories/${first}`).set(auth('phone')).send({ user_id: user, text: 'My daughter Mia is eight years old' }).expect(200);
    mine.set(first, 'My daughter Mia is eight years old');
    await http(b).delete(`/v1/memories/${second}`).query({ user_id: user }).set(auth('phone')).expect(deleted);
    mine.delete(second);
    // a change the server makes (no device id) reaches the phone too
    await http(a).patch(`/v1/memories/${third}`).set(auth()).send({ user_id: user, text: 'I grow cherry tomatoes on my balcony' }).expect(200);
    mine.set(third, 'I grow cherry tomatoes on my balcony');
    await until(() => phone.state.get(third)?.text === 'I grow cherry tomatoes on my balcony' || undefined, 20_000, 'the server change pushed to the phone');
    // the phone applies its own writes itself (it is never sent its own changes)
    for (const [id, text] of mine) if (!phone.state.has(id)) phone.state.set(id, { rev: 0n, text, live: true });
    phone.state.set(first, { rev: phone.state.get(first)?.rev ?? 0n, text: mine.get(first) as string, live: true });
    phone.state.delete(second);

    await laptop.connect(portB, user, key);
    const truth = await snapshot(a, user);
    expect(laptop.live()).toEqual(truth.live());
    expect(phone.live()).toEqual(truth.live());
    expect(Object.values(truth.live()).sort()).toEqual([...mine.values()].sort());
    expect(Math.max(...laptop.received.values())).toBe(1); // each rev once
    // the vector the laptop holds now: a delta from it is empty
    const again = await http(b).get('/v1/sync').query({ user_id: user, since: laptop.vector, device_id: 'laptop' }).set(auth()).expect(200);
    expect(again.body.items).toEqual([]);
  }, 120_000);

  it('each change is delivered exactly once to each device, whichever replica took the write and serves the device', async () => {
    const user = 'bob';
    const d1 = device('d1');
    const d2 = device('d2');
    const d3 = device('d3');
    await d1.connect(portA, user, key);
    await d2.connect(portB, user, key);
    await d3.connect(portA, user, key);
    const ids: string[] = [];
    const topics = ['violin lessons', 'sourdough baking', 'rock climbing', 'birdwatching', 'chess openings', 'pottery classes', 'salsa dancing', 'astronomy club'];
    for (const [i, t] of topics.entries()) ids.push(await create(i % 2 ? b : a, user, 'writer', `I have recently started ${t}`));
    await http(b).delete(`/v1/memories/${ids[0]}`).query({ user_id: user }).set(auth('writer')).expect(deleted);
    const revs = await a.get(PrismaService).memorySyncChange.findMany({ where: { tenantId, userId: user }, select: { id: true } });
    expect(revs).toHaveLength(topics.length + 1);
    for (const d of [d1, d2, d3]) {
      await until(() => revs.every((r) => d.received.has(r.id.toString())) || undefined, 20_000, `${d.id} got every change`);
    }
    await new Promise((r) => setTimeout(r, 300)); // a late duplicate would land here
    for (const d of [d1, d2, d3]) {
      for (const r of revs) expect([d.id, r.id.toString(), d.received.get(r.id.toString())]).toEqual([d.id, r.id.toString(), 1]);
      expect(d.live()).toEqual((await snapshot(b, user)).live());
    }
  }, 120_000);

  it('concurrent device edits: dedup first, then the newer edit wins, ties to the greater device id — in either arrival order', async () => {
    const user = 'carol';
    const t0 = Date.now() - 60_000;
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    const outcome = async (order: Array<{ dev: string; text: string; s: number }>) => {
      const id = await create(a, user, 'seed', `Seed fact number ${order.map((o) => o.text).join(' ')}`);
      const base = (await http(a).get('/v1/sync').query({ user_id: user }).set(auth()).expect(200)).body.items.find((i: { id: string }) => i.id === id).rev as string;
      const results = [];
      for (const o of order) {
        results.push((await http(o.dev === 'phone' ? a : b).post('/v1/sync/edits').set(auth(o.dev)).send({ user_id: user, id, base_rev: base, edited_at: at(o.s), op: 'update', text: o.text }).expect(200)).body);
      }
      const final = (await http(a).get(`/v1/memories/${id}`).query({ user_id: user }).set(auth()).expect(200)).body.memory as string;
      return { final, statuses: results.map((r: { status: string }) => r.status) };
    };
    // newer wins, whatever arrives first
    expect((await outcome([{ dev: 'phone', text: 'I prefer tea', s: 1 }, { dev: 'laptop', text: 'I prefer coffee', s: 2 }])).final).toBe('I prefer coffee');
    const rev = await outcome([{ dev: 'laptop', text: 'I prefer coffee', s: 2 }, { dev: 'phone', text: 'I prefer tea', s: 1 }]);
    expect(rev).toEqual({ final: 'I prefer coffee', statuses: ['applied', 'lost'] });
    // same time: the greater device id ("phone" > "laptop") wins, in both orders
    expect((await outcome([{ dev: 'phone', text: 'I like cats', s: 3 }, { dev: 'laptop', text: 'I like dogs', s: 3 }])).final).toBe('I like cats');
    expect((await outcome([{ dev: 'laptop', text: 'I like dogs', s: 3 }, { dev: 'phone', text: 'I like cats', s: 3 }])).final).toBe('I like cats');
    // dedup first: the same edit from both devices is applied once, the other is a duplicate
    expect(await outcome([{ dev: 'phone', text: 'I walk to work', s: 4 }, { dev: 'laptop', text: 'I walk to work.', s: 9 }])).toEqual({ final: 'I walk to work', statuses: ['applied', 'duplicate'] });
    // truly concurrent (both in flight at once): still the newer one
    const id = await create(a, user, 'seed', 'My favourite season is autumn');
    const base = (await http(a).get('/v1/sync').query({ user_id: user }).set(auth()).expect(200)).body.items.find((i: { id: string }) => i.id === id).rev as string;
    await Promise.all([
      http(a).post('/v1/sync/edits').set(auth('phone')).send({ user_id: user, id, base_rev: base, edited_at: at(7), op: 'update', text: 'My favourite season is spring' }).expect(200),
      http(b).post('/v1/sync/edits').set(auth('laptop')).send({ user_id: user, id, base_rev: base, edited_at: at(8), op: 'delete' }).expect(200),
    ]);
    await http(a).get(`/v1/memories/${id}`).query({ user_id: user }).set(auth()).expect(404);
  }, 120_000);

  it("a tenant's sensitive-attribute policy: read, set (memory:admin), a bad value is a 400 naming the field", async () => {
    expect((await http(a).get('/v1/settings').set(auth()).expect(200)).body).toEqual({ sensitive_policy: 'explicit-only' });
    const bad = await http(a).put('/v1/settings').set(auth()).send({ sensitive_policy: 'sometimes' }).expect(400);
    expect(JSON.stringify(bad.body)).toMatch(/sensitive_policy/);
    expect((await http(b).put('/v1/settings').set(auth()).send({ sensitive_policy: 'never' }).expect(200)).body).toEqual({ sensitive_policy: 'never' });
    const ro = (await a.get(TenancyService).issueKey(tenantId, 'ro', ['memory:read'])).key;
    await http(a).put('/v1/settings').set({ authorization: `Bearer ${ro}` }).send({ sensitive_policy: 'allow' }).expect(403);
    await http(b).put('/v1/settings').set(auth()).send({ sensitive_policy: 'explicit-only' }).expect(200);
  }, 30_000);

  it("erasing a fact that superseded another: the hard delete clears the older fact's superseded_by, and devices get that update", async () => {
    const user = 'fay';
    const tablet = device('tablet');
    await tablet.connect(portB, user, key);
    const add = async (text: string) => (await http(a).post('/mem0/v3/memories/add').set(auth('laptop')).send({ user_id: user, messages: [{ role: 'user', content: text }] }).expect(200)).body as Array<{ id: string; event: string }>;
    const porto = (await add('I live in Porto')).find((r) => r.event === 'ADD')?.id as string;
    const braga = (await add('I live in Braga')).find((r) => r.event === 'UPDATE' || r.event === 'ADD')?.id as string;
    await until(() => (tablet.state.get(porto) && tablet.state.get(braga) && !tablet.state.get(porto)?.live) || undefined, 20_000, 'the supersession pushed');
    const ticket = (await http(a).delete(`/v1/memories/${braga}`).query({ user_id: user }).set(auth('laptop'))).body as { erasure_id?: string };
    await until(() => !tablet.state.has(braga) || undefined, 20_000, 'the tombstone pushed');
    if (ticket.erasure_id) await a.get(ErasureService).process(ticket.erasure_id);
    const row = await a.get(PrismaService).memory.findUnique({ where: { id: porto }, select: { supersededById: true } });
    expect(row?.supersededById ?? null).toBeNull();
    const updates = await a.get(PrismaService).memorySyncChange.findMany({ where: { memoryId: porto, op: 'update' } });
    expect(updates).toHaveLength(1);
    await until(() => tablet.received.has(updates[0]?.id.toString() as string) || undefined, 20_000, "the older fact's update pushed");
    expect(Math.max(...tablet.received.values())).toBe(1);
  }, 60_000);

  it('pages a large delta by vector, answers resync_required once the log is compacted, and keeps no erased id in a tombstone', async () => {
    const user = 'dave';
    const ids: string[] = [];
    for (const t of ['I collect vintage stamps', 'I speak fluent Portuguese', 'I drive an electric scooter', 'I volunteer at the food bank']) ids.push(await create(a, user, 'tablet', t));
    // all zeros: every change in the log (an empty since would be a snapshot)
    const p1 = (await http(a).get('/v1/sync').query({ user_id: user, since: 'tablet:0' }).set(auth()).expect(200)).body;
    expect([p1.snapshot, p1.items.length, p1.vector]).toEqual([false, 4, 'tablet:4']);
    const d1 = (await http(a).get('/v1/sync').query({ user_id: user, since: 'server:0,tablet:1', limit: 2 }).set(auth()).expect(200)).body;
    expect([d1.items.length, d1.has_more, d1.vector]).toEqual([2, true, 'tablet:3']);
    const d2 = (await http(a).get('/v1/sync').query({ user_id: user, since: d1.vector, limit: 2 }).set(auth()).expect(200)).body;
    expect([d2.items.length, d2.has_more, d2.vector]).toEqual([1, false, 'tablet:4']);
    // the hard-delete step removes the row: the log keeps only the keyed ref
    await http(a).delete(`/v1/memories/${ids[1]}`).query({ user_id: user }).set(auth('tablet')).expect(deleted);
    const prisma = a.get(PrismaService);
    await prisma.memory.deleteMany({ where: { id: ids[1] } });
    const t = (await http(a).get('/v1/sync').query({ user_id: user, since: 'tablet:4' }).set(auth()).expect(200)).body;
    expect(t.items).toEqual([expect.objectContaining({ id: null, memory: null, op: 'delete' })]);
    const { createHmac } = await import('node:crypto');
    expect(t.items[0].ref).toBe(createHmac('sha256', Buffer.from(t.sync_key, 'base64url')).update(ids[1] as string).digest('base64url'));
    expect(await prisma.memorySyncChange.count({ where: { memoryId: ids[1] } })).toBe(0);
    // compaction: a vector older than what the log keeps must resync
    await a.get(SyncService).compact(new Date(Date.now() + 1000), { tenantId, userId: user });
    const stale = await http(a).get('/v1/sync').query({ user_id: user, since: 'tablet:2' }).set(auth()).expect(409);
    expect(JSON.stringify(stale.body)).toMatch(/resync/);
    await http(a).get('/v1/sync').query({ user_id: user, since: 'tablet:5' }).set(auth()).expect(200);
    await http(a).get('/v1/sync').query({ user_id: user, since: 'tablet:99' }).set(auth()).expect(409);
  }, 120_000);
});
