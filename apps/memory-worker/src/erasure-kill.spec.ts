import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { MEMORY_QUEUE, MemoryJobs } from '@frontier/memory-contracts';
import { createMemoryContext, createMemoryServices, type ErasureReport } from '@frontier/memory-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { JobQueue } from '@frontier/platform-queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';

const ROOT = resolve(__dirname, '../../..');
const SESSIONS = 800;
const PER_SESSION = 8;

/** memory-worker as a real OS process (as `npm run start:memory-worker` runs it). */
function startWorker(env: Record<string, string>): { child: ChildProcess; log: () => string } {
  let log = '';
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/memory-worker/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, TZ: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (log += b.toString()));
  return { child, log: () => log };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('memory-worker SIGKILLed in the middle of an erasure (a real child process, real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let prisma: PrismaService;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('memory_erasure_kill');
    redis = await createTestRedis('erasurekill');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
  }, 60_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await prisma?.onModuleDestroy();
    await redis?.cleanup();
    await db?.drop();
  });

  it('resumes and finishes; in between, the user is gone from every answer and Postgres is never half-deleted', async () => {
    const tenantId = (await prisma.tenant.create({ data: { name: 'kill' } })).id;
    const scope = { tenantId, userId: 'victim' };
    // a big user: the hard delete takes long enough to be killed in the middle
    for (let s = 0; s < SESSIONS; s += 250) {
      await prisma.$transaction(async (tx) => {
        for (let k = s; k < Math.min(s + 250, SESSIONS); k++) {
          const row = await tx.memorySession.create({ data: { tenantId, userId: 'victim', externalId: `s${k}`, sourceHash: `h${k}`, startedAt: new Date(), status: 'processed', turns: { create: Array.from({ length: PER_SESSION }, (_, i) => ({ ordinal: i, turnId: `t${i}`, role: 'user', text: `secret ${k}-${i}` })) } } });
          await tx.memory.createMany({ data: Array.from({ length: PER_SESSION }, (_, i) => ({ tenantId, userId: 'victim', text: `secret ${k}-${i}`, type: 'context', confidence: 0.9, sessionId: row.id, sourceHash: `h${k}`, turnIds: [`t${i}`], extractor: 'test', validAt: new Date() })) });
        }
      }, { timeout: 120_000 });
    }
    const total = SESSIONS * PER_SESSION;
    expect(await prisma.memory.count({ where: { userId: 'victim' } })).toBe(total);

    // the request, as memory-api makes it: soft delete + record, then the job
    const embedder = { modelId: 'none', adapter: 'test', dimension: 4, embed: async (t: readonly string[]) => t.map(() => new Float32Array([1, 0, 0, 0])) };
    const ctx = createMemoryContext({ prisma, embedder });
    const svc = createMemoryServices(ctx);
    const ticket = await svc.erasure.eraseUser(scope);
    const jobs = new JobQueue({ redisUrl: redis.url, prefix: redis.prefix });
    await jobs.enqueue(MemoryJobs.erase, { erasureId: ticket.id });

    // what any client sees, checked continuously from now on
    const violations: string[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const n = await prisma.memory.count({ where: { userId: 'victim' } });
        if (n !== 0 && n !== total) violations.push(`half-deleted in Postgres: ${n} of ${total} memories left`);
        if ((await svc.memories.list(scope)).total !== 0) violations.push('list served the erased user');
        if ((await svc.memories.profile(scope)).knowledge.length) violations.push('profile served the erased user');
        let doc = '';
        for await (const chunk of svc.exports.stream(scope, 'json')) doc += chunk;
        if (doc.includes('secret')) violations.push('export served the erased user');
        await sleep(50);
      }
    })();

    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '1' };
    const first = startWorker(env);
    children.push(first.child);
    const q = jobs.queue(MEMORY_QUEUE);
    const t0 = Date.now();
    while ((await (await q.getJob(`memory-erase.${ticket.id}`))?.getState()) !== 'active') {
      if (Date.now() - t0 > 90_000) throw new Error(`the erase job never started:\n${first.log()}`);
      await sleep(20);
    }
    await sleep(150);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect((await prisma.memoryErasure.findUniqueOrThrow({ where: { id: ticket.id } })).status).toBe('pending');

    // a new worker: the stalled job comes back (BullMQ's stall check; the erasure reconciler queues a lost one)
    const second = startWorker(env);
    children.push(second.child);
    const t1 = Date.now();
    while ((await prisma.memoryErasure.findUniqueOrThrow({ where: { id: ticket.id } })).status !== 'completed') {
      if (Date.now() - t1 > 120_000) throw new Error(`the erasure did not complete:\n${second.log()}`);
      await sleep(200);
    }
    watching = false;
    await watch;
    second.child.kill('SIGTERM');
    await jobs.onApplicationShutdown();
    await ctx.index.close();

    expect(violations).toEqual([]);
    const report = (await prisma.memoryErasure.findUniqueOrThrow({ where: { id: ticket.id } })).report as unknown as ErasureReport;
    expect(report).toMatchObject({ kind: 'user', residue: 'none' });
    expect(await prisma.memory.count({ where: { userId: 'victim' } })).toBe(0);
    expect(await prisma.memorySession.count({ where: { userId: 'victim' } })).toBe(0);
    expect(await prisma.memoryTurn.count()).toBe(0);
  }, 300_000);
});
