import { Worker, type Job } from 'bullmq';
import type { TextEmbedder } from '@frontier/ml-ports';
import { createUseEmbedder } from '@frontier/ml-embeddings';
import { MEMORY_QUEUE, MemoryJobs, type MemoryExtractSessionPayload, type MemoryScope } from '@frontier/memory-contracts';
import { PrismaService } from '@frontier/platform-prisma';
import { bullConnection, bullPrefix, JobQueue } from '@frontier/platform-queue';
import { createTestDatabase, createTestRedis, until, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { FrontierError } from '@frontier/platform-util';
import { RedisEventBus } from '@frontier/platform-events';
import { MemoryChangeBus } from '../change-bus';
import { createMemoryContext, createMemoryServices, type MemoryServices } from '../context';
import { Mem0Service } from '../mem0/mem0.service';
import { QueueingNotifier } from '../notifier';
import type { MemoryContext, MemoryOptions } from '../ports';
import type { SessionInput } from './session.service';


const session = (id: string, fact: string): SessionInput => ({ sessionId: id, turns: [{ role: 'user', content: `Remember this: ${fact}` }] });

describe('the reconciler: Postgres is the truth, the queue is derived (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let prisma: PrismaService;
  let embedder: TextEmbedder;
  let jobs: JobQueue;
  let bus: MemoryChangeBus;
  let ctx: MemoryContext;
  let svc: MemoryServices;
  let tenantId: string;
  const workers: Worker[] = [];
  const scope = (userId: string): MemoryScope => ({ tenantId, userId });

  const services = (options: MemoryOptions = {}, queue = jobs) => createMemoryServices(createMemoryContext({ prisma, embedder, notifier: new QueueingNotifier(queue, bus), index: ctx.index, options }));
  /** memory-worker's extraction handler on this suite's queue (its other jobs succeed doing nothing). */
  const startWorker = async (run: (d: MemoryExtractSessionPayload) => Promise<unknown> = (d) => svc.extraction.process({ tenantId: d.tenantId, userId: d.userId }, d.sessionId)) => {
    const w = new Worker(MEMORY_QUEUE, async (job: Job) => (job.name === MemoryJobs.extractSession.name ? run(job.data as MemoryExtractSessionPayload) : null), {
      connection: bullConnection(redis.url),
      prefix: bullPrefix(redis.prefix),
    });
    await w.waitUntilReady();
    workers.push(w);
    return w;
  };
  /** The outage: every run of the job fails as with Postgres down. */
  const outage = () => startWorker(async () => Promise.reject(new FrontierError('unavailable', 'postgres.unavailable', 'the database is unreachable')));
  const stopWorkers = async () => Promise.all(workers.splice(0).map((w) => w.close()));
  const extractJob = (rowId: string) => jobs.queue(MEMORY_QUEUE).getJob(`memory-extract.${rowId}`);
  const status = async (userId: string, externalId: string) => (await ctx.sessions.findByExternalId(scope(userId), externalId))?.status;
  const requeues = async (rowId: string) => (await prisma.memorySession.findUniqueOrThrow({ where: { id: rowId } })).requeues;
  const liveTexts = async (userId: string) => (await ctx.memories.allLive(scope(userId), new Date())).map((m) => m.text);
  /** A stored session whose job spent its attempts in an outage: what issue 10 found 49 times. */
  const spentInOutage = async (userId: string, id: string, fact: string) => {
    const s = await svc.sessions.store(scope(userId), session(id, fact));
    const job = await jobs.enqueue(MemoryJobs.extractSession, { tenantId, userId, sessionId: s.id }, { attempts: 1 });
    await outage();
    await until(async () => (await job.getState()) === 'failed');
    await stopWorkers();
    return s;
  };

  beforeAll(async () => {
    db = await createTestDatabase('memory_reconcile');
    redis = await createTestRedis('reconcile');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    embedder = await createUseEmbedder({ inline: true });
    jobs = new JobQueue({ redisUrl: redis.url, prefix: redis.prefix });
    bus = new MemoryChangeBus(new RedisEventBus(redis.client, { prefix: redis.prefix }));
    ctx = createMemoryContext({ prisma, embedder, notifier: new QueueingNotifier(jobs, bus) });
    svc = createMemoryServices(ctx);
    tenantId = (await prisma.tenant.create({ data: { name: 'reconcile' } })).id;
  }, 90_000);

  afterEach(async () => {
    await stopWorkers();
  });

  afterAll(async () => {
    await jobs.onApplicationShutdown();
    await ctx.index.close();
    await embedder.close?.();
    await prisma.onModuleDestroy();
    await redis.cleanup();
    await db.drop();
  });

  it('a session whose job spent its attempts in an outage is queued again by the reconciler and extracted once', async () => {
    const s = await spentInOutage('ann', 'a1', 'I am allergic to peanuts.');
    // what happened before: the same job id is a no-op, for the week BullMQ keeps failed jobs
    expect(await (await jobs.enqueue(MemoryJobs.extractSession, { tenantId, userId: 'ann', sessionId: s.id })).getState()).toBe('failed');
    expect(await status('ann', 'a1')).toBe('received');

    expect(await svc.reconciler.reconcile(3_600)).toEqual({ stale: 0, requeued: 0, pending: 0, failed: 0 });
    expect(await svc.reconciler.reconcile(0)).toMatchObject({ requeued: 1, pending: 0, failed: 0 });
    expect(await (await extractJob(s.id))?.getState()).toBe('waiting');
    expect(await requeues(s.id)).toBe(1);

    await startWorker();
    await until(async () => (await status('ann', 'a1')) === 'processed');
    expect(await liveTexts('ann')).toEqual(['I am allergic to peanuts']);
    expect((await svc.reconciler.reconcile(0)).stale).toBe(0);
  }, 60_000);

  it('posting a failed session again queues it for real', async () => {
    const s = await spentInOutage('bob', 'b1', 'I work at Globex.');
    const again = await svc.sessions.ingest(scope('bob'), session('b1', 'I work at Globex.'));
    expect(again).toMatchObject({ id: s.id, created: false, queued: true });
    expect(await (await extractJob(s.id))?.getState()).toBe('waiting');
    await startWorker();
    await until(async () => (await status('bob', 'b1')) === 'processed');
    expect(await liveTexts('bob')).toEqual(['I work at Globex']);
    // a processed session posted again queues nothing
    expect(await svc.sessions.ingest(scope('bob'), session('b1', 'I work at Globex.'))).toMatchObject({ status: 'processed', queued: false });
  }, 60_000);

  it('after Redis lost its keys (restart without persistence), the reconciler queues the waiting sessions again', async () => {
    const s = await svc.sessions.ingest(scope('cy'), session('c1', 'I live in Porto.'));
    expect(s.queued).toBe(true);
    // a pending job is left alone
    expect(await svc.reconciler.reconcile(0)).toMatchObject({ requeued: 0, pending: 1 });
    expect(await requeues(s.id)).toBe(0);
    // FLUSHDB of this suite's keys
    // BullMQ's keys are {prefix}:… (hash-tagged for Redis Cluster), the app's own prefix:…
    const keys = [...(await redis.client.keys(`${redis.prefix}:*`)), ...(await redis.client.keys(`{${redis.prefix}}:*`))];
    if (keys.length) await redis.client.del(...keys);
    expect(await extractJob(s.id)).toBeUndefined();

    expect(await svc.reconciler.reconcile(0)).toMatchObject({ requeued: 1, pending: 0 });
    await startWorker();
    await until(async () => (await status('cy', 'c1')) === 'processed');
    expect(await liveTexts('cy')).toEqual(['I live in Porto']);
  }, 60_000);

  it('a session queued again too often is marked failed with the reason; posting it again retries it', async () => {
    const strict = services({ maxRequeues: 1 });
    const s = await spentInOutage('dee', 'd1', 'I am a nurse.');
    expect(await strict.reconciler.reconcile(0)).toMatchObject({ requeued: 1 });
    // the re-queued job spends its attempts too
    await jobs.queue(MEMORY_QUEUE).remove(`memory-extract.${s.id}`);
    const last = await jobs.enqueue(MemoryJobs.extractSession, { tenantId, userId: 'dee', sessionId: s.id }, { attempts: 1 });
    await outage();
    await until(async () => (await last.getState()) === 'failed');
    await stopWorkers();
    await prisma.memorySession.update({ where: { id: s.id }, data: { updatedAt: new Date(Date.now() - 60_000) } });

    expect(await strict.reconciler.reconcile(30)).toMatchObject({ stale: 1, requeued: 0, failed: 1 });
    const failed = await ctx.sessions.findByExternalId(scope('dee'), 'd1');
    expect(failed).toMatchObject({ status: 'failed', reason: 'extraction did not complete after 1 re-queues; post the session again to retry' });

    expect(await strict.sessions.ingest(scope('dee'), session('d1', 'I am a nurse.'))).toMatchObject({ status: 'received', queued: true });
    expect(await requeues(s.id)).toBe(0);
    await startWorker();
    await until(async () => (await status('dee', 'd1')) === 'processed');
    expect(await liveTexts('dee')).toEqual(['I am a nurse']);
  }, 60_000);

  it('Redis unreachable when a session is posted: stored, answered queued: false, queued by the reconciler once Redis answers', async () => {
    const down = new JobQueue({ redisUrl: 'redis://127.0.0.1:1', prefix: redis.prefix });
    try {
      const t0 = Date.now();
      const r = await services({}, down).sessions.ingest(scope('eve'), session('e1', 'I have two sons.'));
      expect(r).toMatchObject({ created: true, status: 'received', queued: false });
      expect(Date.now() - t0).toBeLessThan(5_000);
    } finally {
      await down.onApplicationShutdown();
    }
    await prisma.memorySession.updateMany({ where: { externalId: 'e1' }, data: { updatedAt: new Date(Date.now() - 60_000) } });
    expect(await svc.reconciler.reconcile(30)).toMatchObject({ requeued: 1 });
    await startWorker();
    await until(async () => (await status('eve', 'e1')) === 'processed');
  }, 60_000);

  it('a Mem0 add interrupted by an outage after storing answers PENDING; the worker extracts it as the add would have (verbatim)', async () => {
    const down = new JobQueue({ redisUrl: 'redis://127.0.0.1:1', prefix: redis.prefix });
    const offline = services({}, down);
    const mem0 = new Mem0Service(offline.memories, offline.sessions, offline.extraction, undefined as never, offline.erasure, offline.exports, offline.ctx);
    try {
      const r = await mem0.add(tenantId, { user_id: 'fay', infer: false, messages: [{ role: 'user', content: 'Likes green tea' }] });
      expect(r).toMatchObject([{ status: 'PENDING', message: 'Memory processing has been queued for background execution' }]);
    } finally {
      await down.onApplicationShutdown();
    }
    // stored, and its facts too: the announcement (bus, biography job) is what failed
    const row = await prisma.memorySession.findFirstOrThrow({ where: { tenantId, userId: 'fay' } });
    expect(row).toMatchObject({ status: 'processing', extractMode: 'verbatim' });
    await prisma.memorySession.update({ where: { id: row.id }, data: { updatedAt: new Date(Date.now() - 60_000) } });
    expect(await svc.reconciler.reconcile(30)).toMatchObject({ requeued: 1 });
    await startWorker();
    await until(async () => (await prisma.memorySession.findUniqueOrThrow({ where: { id: row.id } })).status === 'processed');
    // verbatim, once (the worker's run found the fact stored by the interrupted one), and the change announced
    expect(await liveTexts('fay')).toEqual(['Likes green tea']);
    expect((await jobs.queue(MEMORY_QUEUE).getDelayed()).filter((j) => j.name === MemoryJobs.rebuildBiography.name && j.data.userId === 'fay')).toHaveLength(1);
  }, 60_000);
});
