import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { TenancyService } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { createTestDatabase, createTestRedis, freePort, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { SimDevice, until } from './sync.spec-helper';

const WORKSPACE = resolve(__dirname, '../../../..');

interface Api {
  child: ChildProcess;
  base: string;
  port: number;
  log: string[];
}

/** memory-api as a real process (TypeScript through @swc-node/register, as `npm run demo` starts it). */
async function startApi(env: Record<string, string>): Promise<Api> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/memory-api/src/main.ts'], {
    cwd: WORKSPACE,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', TZ: 'UTC', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  child.stdout?.on('data', (b: Buffer) => log.push(b.toString()));
  child.stderr?.on('data', (b: Buffer) => log.push(b.toString()));
  const base = `http://127.0.0.1:${port}`;
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`memory-api exited ${child.exitCode}: ${log.join('').slice(-2000)}`);
      return (await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.status === 200).catch(() => false)) || undefined;
    },
    240_000,
    'memory-api /readyz',
  );
  return { child, base, port, log };
}

async function stop(api: Api | undefined): Promise<void> {
  if (!api || api.child.exitCode !== null) return;
  const exited = new Promise((r) => api.child.once('exit', r));
  api.child.kill('SIGTERM');
  const t = setTimeout(() => api.child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(t);
}

describe('sync fan-out across two real memory-api processes behind one Redis (child processes)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let prisma: PrismaService;
  let p1: Api | undefined;
  let p2: Api | undefined;
  let key: string;
  let tenantId: string;
  const devices: SimDevice[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('memory_sync_procs');
    redis = await createTestRedis('memsyncp');
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, NODE_ENV: 'test' };
    [p1, p2] = await Promise.all([startApi(env), startApi(env)]);
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    const tenancy = new TenancyService(prisma);
    tenantId = (await tenancy.createTenant('acme')).id;
    key = (await tenancy.issueKey(tenantId, 'rw', ['memory:*'])).key;
  }, 300_000);

  afterAll(async () => {
    for (const d of devices) await d.disconnect();
    await Promise.all([stop(p1), stop(p2)]);
    await prisma?.onModuleDestroy();
    await redis?.cleanup();
    await db?.drop();
  }, 60_000);

  it('delivers each change exactly once to each device, whichever process took the write and serves the device', async () => {
    const [a, b] = [p1 as Api, p2 as Api];
    const user = 'erin';
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-device-id': 'writer' };
    const d1 = new SimDevice('d1');
    const d2 = new SimDevice('d2');
    const d3 = new SimDevice('d3');
    devices.push(d1, d2, d3);
    await d1.connect(a.port, user, key);
    await d2.connect(b.port, user, key);
    await d3.connect(b.port, user, key);
    const ids: string[] = [];
    const texts = ['I play the cello in a community orchestra', 'I am learning Japanese calligraphy', 'I restore old motorcycles on weekends', 'I brew kombucha at home', 'I coach a youth football team', 'I keep bees in my garden'];
    for (const [i, t] of texts.entries()) {
      const api = i % 2 ? b : a;
      const r = await fetch(`${api.base}/mem0/v3/memories/add`, { method: 'POST', headers, body: JSON.stringify({ user_id: user, messages: [{ role: 'user', content: t }], infer: false }) });
      expect(r.status).toBe(200);
      ids.push(((await r.json()) as Array<{ id: string }>)[0]?.id as string);
    }
    expect((await fetch(`${b.base}/v1/memories/${ids[0]}`, { method: 'PATCH', headers, body: JSON.stringify({ user_id: user, text: 'I play the viola in a community orchestra' }) })).status).toBe(200);
    expect([202, 204]).toContain((await fetch(`${a.base}/v1/memories/${ids[1]}?user_id=${user}`, { method: 'DELETE', headers })).status);

    const revs = (await prisma.memorySyncChange.findMany({ where: { tenantId, userId: user }, select: { id: true } })).map((r) => r.id.toString());
    expect(revs).toHaveLength(texts.length + 2);
    for (const d of [d1, d2, d3]) await until(() => revs.every((r) => d.received.has(r)) || undefined, 30_000, `${d.id} got every change`);
    await new Promise((r) => setTimeout(r, 500)); // a late duplicate would land here
    for (const d of [d1, d2, d3]) {
      expect(revs.map((r) => [d.id, r, d.received.get(r)])).toEqual(revs.map((r) => [d.id, r, 1]));
      expect(d.live()).toEqual(d1.live());
    }
    expect(Object.values(d2.live()).sort()).toEqual(['I am learning Japanese calligraphy', 'I brew kombucha at home', 'I coach a youth football team', 'I keep bees in my garden', 'I play the viola in a community orchestra', 'I restore old motorcycles on weekends'].filter((t) => t !== texts[1]).sort());
  }, 120_000);
});
