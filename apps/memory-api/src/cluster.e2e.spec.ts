import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { mintApiKey } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { workerCount } from './cluster';

const ROOT = path.resolve(__dirname, '../../..');

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

/** One request on a fresh connection (no keep-alive): the cluster's round robin spreads them over the workers. */
function call(port: number, method: string, url: string, key: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: url, method, agent: false, headers: { authorization: `Bearer ${key}`, ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : null }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Child pids of a process (its cluster workers). */
const children = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).flatMap((t) =>
    readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number),
  );

describe('memory-api with MEMORY_API_WORKERS=2 (node:cluster, real processes, Postgres and Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let api: ChildProcess;
  let port: number;
  let key: string;
  let exited: Promise<number | null>;

  beforeAll(async () => {
    db = await createTestDatabase('memory_cluster');
    redis = await createTestRedis('memcluster');
    const prisma = new PrismaService({ databaseUrl: db.url, poolSize: 1 });
    const tenant = await prisma.tenant.create({ data: { name: 'cluster' } });
    const minted = mintApiKey();
    await prisma.apiKey.create({ data: { tenantId: tenant.id, name: 'k', scopes: ['memory:*'], prefix: minted.prefix, secretHash: minted.secretHash } });
    await prisma.$disconnect();
    key = minted.plaintext;
    port = await freePort();
    api = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/memory-api/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, PORT: String(port), HOST: '127.0.0.1', MEMORY_API_WORKERS: '2', RATE_LIMIT_PER_KEY: '40' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    exited = new Promise((resolve) => api.once('exit', (code) => resolve(code)));
    const t0 = Date.now();
    for (;;) {
      const ready = await new Promise<boolean>((resolve) => http.get({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (res) => (res.resume(), resolve(res.statusCode === 200))).on('error', () => resolve(false)));
      // both workers up: the primary forks them together, each answers /readyz once its app listens
      if (ready && children(api.pid as number).length === 2) break;
      if (api.exitCode !== null || Date.now() - t0 > 150_000) throw new Error(`memory-api cluster not ready (exit ${api.exitCode})`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 180_000);

  afterAll(async () => {
    if (api && api.exitCode === null) api.kill('SIGKILL');
    await redis.cleanup();
    await db.drop();
  });

  it('counts workers: 0 means one per core, else the number given', () => {
    expect(workerCount(0, 8)).toBe(8);
    expect(workerCount(0, 0)).toBe(1);
    expect(workerCount(3, 8)).toBe(3);
  });

  it('every worker serves a write at once and never a deleted memory (each search checks Postgres), and shares one rate budget', async () => {
    const add = await call(port, 'POST', '/mem0/v3/memories/add', key, { user_id: 'ada', infer: false, async_mode: false, messages: [{ role: 'user', content: 'My violin teacher is called Imogen' }] });
    expect(add.status).toBe(200);
    const id = (add.body as Array<{ id: string }>)[0]?.id as string;
    const search = () => call(port, 'POST', '/v1/memories/search', key, { user_id: 'ada', query: 'who teaches me the violin?' });
    // fresh connections alternate between the two workers
    for (let i = 0; i < 4; i++) {
      const r = await search();
      expect(r.status).toBe(200);
      expect((r.body as { results: Array<{ id: string }> }).results.map((m) => m.id)).toContain(id);
    }
    expect((await call(port, 'DELETE', `/v1/memories/${id}?user_id=ada`, key)).status).toBeLessThan(300);
    for (let i = 0; i < 4; i++) {
      const r = await search();
      expect(r.status).toBe(200);
      expect((r.body as { results: Array<{ id: string }> }).results.map((m) => m.id)).not.toContain(id);
    }
    // 40 a minute for the key across both workers (counted in Redis): the 11 requests above and 29 more fit, the next is refused
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await search()).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.slice(0, 29).every((s) => s === 200)).toBe(true);
  }, 120_000);

  it('SIGTERM drains every worker and the primary exits 0', async () => {
    const workers = children(api.pid as number);
    expect(workers).toHaveLength(2);
    api.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const w of workers) expect(() => process.kill(w, 0)).toThrow();
  }, 60_000);
});
