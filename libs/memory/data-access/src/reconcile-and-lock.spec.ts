import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { MemoryRepository } from './memory.repository';
import { SessionRepository } from './session.repository';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('per-user lock and the reconciler queries (real Postgres)', () => {
  let db: TestDatabase;
  // two clients with pools of their own: two processes on one database
  let a: PrismaService;
  let b: PrismaService;
  let tenantId: string;

  beforeAll(async () => {
    db = await createTestDatabase('memory_lock');
    a = new PrismaService({ databaseUrl: db.url, poolSize: 4 });
    b = new PrismaService({ databaseUrl: db.url, poolSize: 4 });
    await Promise.all([a.onModuleInit(), b.onModuleInit()]);
    tenantId = (await a.tenant.create({ data: { name: 'locks' } })).id;
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a.onModuleDestroy(), b.onModuleDestroy()]);
    await db.drop();
  });

  it('sections of one user never overlap, in one process or across two; other users run meanwhile', async () => {
    const repos = [new MemoryRepository(a), new MemoryRepository(b)];
    const inside = new Map<string, number>();
    const most = new Map<string, number>();
    const order: string[] = [];
    const section = (user: string, i: number) => async () => {
      inside.set(user, (inside.get(user) ?? 0) + 1);
      most.set(user, Math.max(most.get(user) ?? 0, inside.get(user) ?? 0));
      // real queries on the pool while the lock is held, and a pause for the others to pile up
      await a.memory.count({ where: { tenantId, userId: user } });
      await sleep(5);
      order.push(`${user}${i}`);
      inside.set(user, (inside.get(user) ?? 1) - 1);
      return i;
    };
    const runs = Array.from({ length: 24 }, (_, i) => {
      const user = i % 3 === 0 ? 'bob' : 'ann';
      return (repos[i % 2] as MemoryRepository).withUserLock({ tenantId, userId: user }, section(user, i));
    });
    expect((await Promise.all(runs)).sort((x, y) => x - y)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(Object.fromEntries(most)).toEqual({ ann: 1, bob: 1 });
    expect(order).toHaveLength(24);
  }, 60_000);

  it('many users at once on a small pool: no section waits forever for a connection (locks take at most `holders`)', async () => {
    const repo = new MemoryRepository(a, { holders: 2 });
    const t0 = Date.now();
    const done = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        repo.withUserLock({ tenantId, userId: `u${i}` }, async () => {
          // three pool round trips per section: with 4 lock transactions on a pool of 4 this would hang
          for (let k = 0; k < 3; k++) await a.memory.count({ where: { tenantId, userId: `u${i}` } });
          return i;
        }),
      ),
    );
    expect(done).toHaveLength(30);
    expect(Date.now() - t0).toBeLessThan(20_000);
  }, 60_000);

  it('a failing section releases the lock and rethrows its own error', async () => {
    const repo = new MemoryRepository(a);
    const scope = { tenantId, userId: 'cy' };
    await expect(repo.withUserLock(scope, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await new MemoryRepository(b).withUserLock(scope, async () => 'next')).toBe('next');
  });

  it('unprocessed sessions: received/processing and unchanged since the bound, paged oldest first; re-queue, fail, reopen', async () => {
    const sessions = new SessionRepository(a);
    const scope = { tenantId, userId: 'dee' };
    const make = async (externalId: string) => {
      const s = await sessions.create(scope, { externalId, agentId: null, sourceHash: externalId, startedAt: new Date(), turns: [] });
      if (!s) throw new Error('not created');
      return s;
    };
    const [s1, s2, s3, s4] = [await make('r1'), await make('r2'), await make('r3'), await make('r4')];
    expect(s1.extractMode).toBe('auto');
    const m1 = await sessions.create(scope, { externalId: 'm1', agentId: null, sourceHash: 'm', startedAt: new Date(), turns: [], extractMode: 'verbatim' });
    expect(m1?.extractMode).toBe('verbatim');
    await sessions.setState(s2.id, 'processing');
    await sessions.setState(s3.id, 'processed', { processedAt: new Date() });
    await sessions.setState(s4.id, 'skipped', { processedAt: new Date() });
    await sleep(20);
    const bound = new Date();
    await sleep(20);
    const late = await make('r5');

    const mine = (rows: Array<{ id: string; scope: { userId: string } }>) => rows.filter((r) => r.scope.userId === 'dee').map((r) => r.id);
    // s2's move to processing is its last change: it sorts after m1
    expect(mine(await sessions.unprocessed(bound, 100))).toEqual([s1.id, m1?.id, s2.id]);
    const first = await sessions.unprocessed(bound, 1);
    const rest = await sessions.unprocessed(bound, 100, first[0]);
    expect([...first, ...rest].map((r) => r.id)).toEqual((await sessions.unprocessed(bound, 100)).map((r) => r.id));

    // a re-queue counts and restarts the clock: s1 drops out of this bound
    await sessions.markRequeued(s1.id);
    const after = await sessions.unprocessed(bound, 100);
    expect(after.map((r) => r.id)).not.toContain(s1.id);
    expect((await sessions.unprocessed(new Date(Date.now() + 1_000), 100)).find((r) => r.id === s1.id)).toMatchObject({ requeues: 1, status: 'received', scope });
    expect(mine(await sessions.unprocessed(new Date(Date.now() + 1_000), 100))).toContain(late.id);

    expect(await sessions.markFailed(s2.id, 'gave up')).toBe(true);
    expect(await sessions.markFailed(s3.id, 'gave up')).toBe(false);
    expect((await sessions.findByExternalId(scope, 'r2'))?.status).toBe('failed');
    await sessions.reopen(s2.id);
    expect(await sessions.findByExternalId(scope, 'r2')).toMatchObject({ status: 'received', reason: null });
  });
});
