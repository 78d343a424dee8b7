import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { ModelVersionsRepository } from './model-versions.repository';
import { isHoldoutRequest, TrainingLogRepository } from './training-log.repository';
import { LostRunError, ReservoirConflictError, TrainingRunsRepository, type RunKey } from './training-runs.repository';

const KIND = 'two-tower-mlp';

// The training loop's tables on a real Postgres: the registry (versions, promotion log, rollback),
// runs with their lease, the replay reservoir's revision check, and the impression/reward join.
describe('recsys training repositories on a real Postgres', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let registry: ModelVersionsRepository;
  let runs: TrainingRunsRepository;
  let log: TrainingLogRepository;
  let tenantId: string;

  beforeAll(async () => {
    db = await createTestDatabase('recsys_training_repos');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    registry = new ModelVersionsRepository(prisma);
    runs = new TrainingRunsRepository(prisma);
    log = new TrainingLogRepository(prisma);
    tenantId = (await prisma.tenant.create({ data: { name: 'training' } })).id;
  }, 60_000);

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('numbers versions, promotes with a log, rejects, and rolls back step by step to the first live version', async () => {
    const w = (b: number) => Uint8Array.from([b, b, b]);
    const v1 = await registry.register({ tenantId, kind: KIND, weights: w(1), metrics: { loss: 0.5 } });
    const v2 = await registry.register({ tenantId, kind: KIND, weights: w(2), metrics: {} });
    const v3 = await registry.register({ tenantId, kind: KIND, weights: w(3), metrics: {} });
    expect([v1.version, v2.version, v3.version, v1.state]).toEqual([1, 2, 3, 'candidate']);
    expect(Array.from((await registry.get(v2.id))?.weights ?? [])).toEqual([2, 2, 2]);

    const p1 = await registry.promote(v1.id, { reason: 'first' });
    expect([p1.from, p1.to.id, p1.to.state]).toEqual([null, v1.id, 'live']);
    const p2 = await registry.promote(v2.id, { reason: 'gate', metricsPatch: { gate: { decision: 'promoted' } } });
    expect([p2.from?.id, p2.from?.state, p2.to.id]).toEqual([v1.id, 'retired', v2.id]);
    expect((await registry.summary(v2.id))?.metrics).toEqual({ gate: { decision: 'promoted' } });
    await expect(registry.promote(v2.id, { reason: 'again' })).rejects.toThrow(/already live/);

    const r3 = await registry.reject(v3.id, { gate: { decision: 'rejected', reasons: ['worse'] } });
    expect(r3.state).toBe('rejected');
    await expect(registry.promote(v3.id, { reason: 'gate' })).rejects.toThrow(/rejected by the gate/);
    await expect(registry.reject(v3.id, {})).rejects.toThrow(/not a candidate/);

    const back = await registry.rollback(tenantId, KIND, 'bad metrics');
    expect([back.action, back.from?.id, back.to.id, back.to.state]).toEqual(['rollback', v2.id, v1.id, 'live']);
    expect((await registry.liveSummary(tenantId, KIND))?.id).toBe(v1.id);
    expect((await registry.summary(v2.id))?.state).toBe('retired');
    // v1 was the first live version: nothing before it
    await expect(registry.rollback(tenantId, KIND, 'again')).rejects.toThrow(/nothing to roll back to/);
    expect((await registry.promotions(tenantId, KIND)).map((p) => [p.action, p.toVersionId, p.undoneAt !== null])).toEqual([
      ['promote', v1.id, false],
      ['promote', v2.id, true],
      ['rollback', v1.id, false],
    ]);
    // at most one live version, whatever the path
    const live = await prisma.recsysModelVersion.count({ where: { tenantId, kind: KIND, state: 'live' } });
    expect(live).toBe(1);
    await expect(registry.rollback(randomUUID(), KIND, 'x')).rejects.toThrow(/has no live/);
  });

  it('claims a run once per lease, resumes after the lease lapses, refuses a lost owner, and a done run stays done', async () => {
    const key: RunKey = { tenantId, kind: KIND, mode: 'head', windowStart: new Date('2026-12-01T10:00:00Z'), windowEnd: new Date('2026-12-01T11:00:00Z') };
    const a = randomUUID();
    const b = randomUUID();
    const first = await runs.claim(key, a, 60_000);
    expect([first.claimed, first.run.state, first.run.attempts, first.run.owner]).toEqual([true, 'running', 1, a]);
    expect((await runs.claim(key, b, 60_000)).claimed).toBe(false);
    // a dies: its lease lapses, b takes over and a can store nothing
    await prisma.recsysTrainingRun.update({ where: { id: first.run.id }, data: { leaseUntil: new Date(Date.now() - 1) } });
    const second = await runs.claim(key, b, 60_000);
    expect([second.claimed, second.run.id, second.run.attempts]).toEqual([true, first.run.id, 2]);
    await expect(runs.heartbeat(first.run.id, a, 60_000)).rejects.toThrow(LostRunError);
    await expect(prisma.$transaction((tx) => runs.lockOwned(tx, first.run.id, a, 'running'))).rejects.toThrow(/lease lapsed/);
    await expect(prisma.$transaction((tx) => runs.lockOwned(tx, first.run.id, b, 'trained'))).rejects.toThrow(/expected state trained/);
    await runs.heartbeat(first.run.id, b, 60_000);
    await prisma.$transaction(async (tx) => {
      await runs.lockOwned(tx, first.run.id, b, 'running');
      await runs.markDone(tx, first.run.id, { status: 'no-data' });
    });
    const done = await runs.claim(key, a, 60_000);
    expect([done.claimed, done.run.state, done.run.outcome, done.run.owner]).toEqual([false, 'done', { status: 'no-data' }, null]);
    // release after a failure: the next claim needs no wait
    const k2 = { ...key, mode: 'full' as const };
    const c = await runs.claim(k2, a, 60_000);
    await runs.release(c.run.id, a, 'boom');
    const d = await runs.claim(k2, b, 60_000);
    expect([d.claimed, d.run.error]).toEqual([true, 'boom']);
  });

  it('advances the replay reservoir only from the revision a run read', async () => {
    const runId = randomUUID();
    const empty = await runs.loadReservoir(tenantId, KIND, 10);
    expect(empty).toEqual({ capacity: 10, seen: 0, items: [], revision: null });
    const item = { x: 'AAAA', l: 'tt-inputs-v1', y: 1, r: randomUUID() };
    await prisma.$transaction((tx) => runs.saveReservoir(tx, tenantId, KIND, { capacity: 10, seen: 1, items: [item] }, null, runId));
    const one = await runs.loadReservoir(tenantId, KIND, 10);
    expect(one).toEqual({ capacity: 10, seen: 1, items: [item], revision: 1 });
    // two runs read revision 1; the second to commit loses
    await prisma.$transaction((tx) => runs.saveReservoir(tx, tenantId, KIND, { capacity: 10, seen: 2, items: [item, item] }, 1, runId));
    await expect(prisma.$transaction((tx) => runs.saveReservoir(tx, tenantId, KIND, { capacity: 10, seen: 2, items: [item] }, 1, runId))).rejects.toThrow(ReservoirConflictError);
    await expect(prisma.$transaction((tx) => runs.saveReservoir(tx, tenantId, KIND, { capacity: 10, seen: 1, items: [] }, null, runId))).rejects.toThrow(ReservoirConflictError);
    expect((await runs.loadReservoir(tenantId, KIND, 10)).seen).toBe(2);
  });

  it('joins impressions with their unflagged rewards, splits held-out requests as md5 does, and reads events as of a moment', async () => {
    const t = (min: number) => new Date(Date.UTC(2026, 11, 1, 12, min));
    await prisma.recsysItem.createMany({
      data: [
        { tenantId, id: 'a', creator: 'c1', category: 'sport', createdAt: t(-600) },
        { tenantId, id: 'b', creator: 'c1', category: 'news', createdAt: t(-600) },
      ],
    });
    // enough requests that both sides of the split are present
    const requests = Array.from({ length: 40 }, () => randomUUID());
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      await c.query(`SELECT recsys_ensure_impression_partitions('2026-12-01'::date, 1)`);
      for (const [n, r] of requests.entries()) {
        for (const [pos, item] of ['a', 'b'].entries()) {
          await c.query(
            `INSERT INTO recsys_impressions (request_id, position, tenant_id, user_id, item_id, surface, model_version, policy, propensity, score, shown_at)
             VALUES ($1, $2, $3, 'u1', $4, 'home', 'v0', 'uniform', 0.5, 0, $5)`,
            [r, pos, tenantId, item, t(n % 30)],
          );
        }
      }
      const batch = randomUUID();
      await c.query(`INSERT INTO recsys_event_batches (id, tenant_id, events) VALUES ($1, $2, 3)`, [batch, tenantId]);
      const event = (id: string, r: string, item: string, type: string, min: number, flagged = false, received = min) =>
        c.query(
          `INSERT INTO recsys_events (tenant_id, event_id, batch_id, user_id, item_id, category, type, request_id, at, received_at, flagged)
           VALUES ($1, $2, $3, 'u1', $4, $5, $6, $7, $8, $9, $10)`,
          [tenantId, id, batch, item, item === 'a' ? 'sport' : 'news', type, r, t(min), t(received), flagged],
        );
      await event('e1', requests[0] as string, 'a', 'click', 31); // reward
      await event('e2', requests[1] as string, 'b', 'purchase', 31); // reward
      await event('e3', requests[2] as string, 'a', 'click', 31, true); // flagged: the impression is dropped
      await event('e4', requests[3] as string, 'a', 'skip', 31); // no reward
      await event('e5', requests[4] as string, 'a', 'click', 50); // after the cutoff: no reward
      await event('e6', requests[5] as string, 'b', 'watch', 20, false, 45); // received late
    } finally {
      await c.end();
    }
    const window = { tenantId, from: t(0), to: t(30), rewardsBefore: t(40) };
    const train = await log.impressions({ ...window, holdout: false });
    const held = await log.impressions({ ...window, holdout: true });
    const all = [...train, ...held];
    expect(all).toHaveLength(2 * 40 - 1);
    expect(held.length).toBeGreaterThan(0);
    expect(train.length).toBeGreaterThan(0);
    for (const r of train) expect(isHoldoutRequest(r.requestId)).toBe(false);
    for (const r of held) expect(isHoldoutRequest(r.requestId)).toBe(true);
    const rewardOf = (r: string, item: string) => all.find((x) => x.requestId === r && x.itemId === item)?.reward;
    expect([rewardOf(requests[0] as string, 'a'), rewardOf(requests[1] as string, 'b'), rewardOf(requests[3] as string, 'a'), rewardOf(requests[4] as string, 'a')]).toEqual([1, 1, 0, 0]);
    expect(rewardOf(requests[2] as string, 'a')).toBeUndefined();
    expect(rewardOf(requests[5] as string, 'b')).toBe(1); // happened at :20, before the cutoff
    const latest = await log.impressions({ ...window, holdout: false, limit: 3 });
    expect(latest).toEqual(train.slice(-3));

    expect(await log.tenantsWithImpressions(t(0), t(30))).toEqual([tenantId]);
    const evs = await log.userEvents(tenantId, ['u1'], t(0), t(40));
    expect(evs.map((e) => [e.itemId, e.type, e.receivedAtMs - e.atMs])).toEqual([
      ['b', 'watch', 25 * 60_000],
      ['a', 'click', 0],
      ['b', 'purchase', 0],
      ['a', 'skip', 0],
    ]);
    const creator = await log.creatorEvents(tenantId, ['c1'], t(0), t(60));
    expect(creator.map((e) => e.creator)).toEqual(['c1', 'c1', 'c1', 'c1', 'c1']);
    const counts = await log.itemCountsBefore(tenantId, ['a', 'b'], t(40));
    expect(counts.get('a')).toEqual({ impression: 0, click: 1, skip: 1, watch: 0, purchase: 0, wds: 0, wds2: 0 });
    expect((await log.creatorCountsBefore(tenantId, ['c1'], t(60))).get('c1')?.click).toBe(2);
    expect((await log.itemMeta(tenantId, ['a', 'zz'])).get('a')).toEqual({ createdAtMs: t(-600).getTime(), creator: 'c1', category: 'sport' });
  });
});
