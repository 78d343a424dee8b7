import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { PrismaService } from '@frontier/platform-prisma';
import { createTestDatabase, createTestRedis, until, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { recsysChannels, type RecsysModelChangedMessage } from '@frontier/recsys-contracts';
import { ModelVersionsRepository, TrainingLogRepository, TrainingRunsRepository } from '@frontier/recsys-data-access';
import { deserializeModel, MODEL_INPUT_DIMS, MODEL_INPUT_LAYOUT, serializeModel, TwoTowerModel } from '@frontier/recsys-domain';
import { buildExamples } from './examples';
import { evaluationNeeds, prepareEvaluation, type EvalSet } from './evaluation';
import { PointInTimeFeatures } from './features';
import { ModelRegistryService } from './model-registry.service';
import { seedSyntheticWorld, trueValue, type SyntheticWorld } from './synthetic.spec-helper';
import { RunBusyError, TrainingService, type TrainingStep } from './training.service';

const KIND = 'two-tower-mlp';
const HOUR = 3_600_000;
// the logs: 3,000 requests of 3 uniformly random items out of 16 over the 24 h before W
const W = new Date(Date.UTC(2026, 10, 20, 12));
// a smaller model than the default 64-d one, to keep the suite quick on two cores
const OPTIONS = { seed: 11, model: { embeddingDim: 32, towerHidden: 32, headHidden: [16, 8] } };

describe('training loop and eval gate on synthetic logs (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let prisma: PrismaService;
  let subscriber: Redis;
  let versions: ModelVersionsRepository;
  let runs: TrainingRunsRepository;
  let logs: TrainingLogRepository;
  let registry: ModelRegistryService;
  let training: TrainingService;
  let world: SyntheticWorld;
  let tenantId: string;
  let heldOut: EvalSet;
  const messages: RecsysModelChangedMessage[] = [];
  const ids: Record<string, string> = {};

  const modelOf = async (id: string) => deserializeModel((await versions.get(id))?.weights as Uint8Array).model;
  const truth = async (id: string) => trueValue(await modelOf(id), heldOut, world, training.options.epsilon);
  const metricsOf = async (id: string) => (await versions.summary(id))?.metrics as Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    db = await createTestDatabase('recsys_training');
    redis = await createTestRedis('recsystraining');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    versions = new ModelVersionsRepository(prisma);
    runs = new TrainingRunsRepository(prisma);
    logs = new TrainingLogRepository(prisma);
    registry = new ModelRegistryService(versions, redis.client, redis.prefix);
    training = new TrainingService(prisma, runs, logs, registry, OPTIONS);
    tenantId = (await prisma.tenant.create({ data: { name: 'synthetic' } })).id;
    world = await seedSyntheticWorld(db.url, { tenantId, windowEnd: W, requests: 3_000, seed: 5 });
    // what the gate will see: the held-out requests of the last 24 h
    const rows = await logs.impressions({ tenantId, from: new Date(W.getTime() - 24 * HOUR), to: W, rewardsBefore: new Date(W.getTime() + 15 * 60_000), holdout: true });
    heldOut = prepareEvaluation(rows, await PointInTimeFeatures.load(logs, tenantId, evaluationNeeds(rows)));
    subscriber = redis.client.duplicate();
    subscriber.on('message', (_channel: string, raw: string) => messages.push(JSON.parse(raw) as RecsysModelChangedMessage));
    await subscriber.subscribe(recsysChannels(redis.prefix).modelChanged);
  }, 120_000);

  afterAll(async () => {
    await subscriber?.quit();
    await prisma?.onModuleDestroy();
    await redis?.cleanup();
    await db?.drop();
  });

  it('the synthetic logs are what they claim: uniform logging at 1/16, a CTR near the truth of 0.1625', () => {
    expect(world.impressions).toBe(9_000);
    expect(heldOut.rows.length).toBeGreaterThan(1_500);
    expect(heldOut.rows.every((r) => r.propensity === 1 / 16)).toBe(true);
    const ctr = heldOut.rows.reduce((s, r) => s + r.reward, 0) / heldOut.rows.length;
    expect(Math.abs(ctr - 0.1625)).toBeLessThan(0.03);
  });

  it('promotes a model better than what is served (no live version yet: the logging policy is the baseline), and announces it', async () => {
    const out = await training.train({ tenantId, mode: 'full', windowEnd: W });
    expect(out).toMatchObject({ status: 'done', decision: 'promoted', version: 1, resumed: false, attempts: 1, reasons: [] });
    if (out.status !== 'done') throw new Error('not done');
    ids['good'] = out.versionId;
    const v = await versions.summary(out.versionId);
    expect([v?.state, v?.runId !== null, v?.promotedAt instanceof Date]).toEqual(['live', true, true]);
    const m = await metricsOf(out.versionId);
    expect(m['training']).toMatchObject({ mode: 'full', positives: expect.any(Number), inputLayout: MODEL_INPUT_LAYOUT });
    expect(m['training']?.['windowRows']).toBeGreaterThan(6_000); // the 80 % not held out
    expect(m['holdout']?.['auc']).toBeGreaterThan(0.75);
    const ope = m['ope'] as { candidate: { dr: { estimate: number; lower: number; upper: number }; snips: { lower: number }; reliable: boolean; diagnostics: { ess: number } }; logged: number };
    const gate = m['gate'] as { decision: string; baseline: { source: string } };
    expect([gate.decision, gate.baseline.source, ope.candidate.reliable]).toEqual(['promoted', 'logging', true]);
    expect(ope.candidate.dr.lower).toBeGreaterThan(ope.logged);
    // the estimate is right: the candidate's true value (known preferences) lies in its DR interval
    const v1 = await truth(out.versionId);
    expect(v1).toBeGreaterThan(0.35); // the logging policy's is 0.1625, the best ε-greedy one's 0.483
    expect(ope.candidate.dr.lower - 0.01).toBeLessThanOrEqual(v1);
    expect(ope.candidate.dr.upper + 0.01).toBeGreaterThanOrEqual(v1);
    await until(async () => messages.length === 1, 5_000);
    expect(messages).toEqual([{ tenantId, kind: KIND, versionId: out.versionId }]);
  }, 120_000);

  it('refuses a worse model: a candidate trained on inverted rewards is rejected with the reasons in its metrics; the live version stays', async () => {
    const rows = await logs.impressions({ tenantId, from: new Date(W.getTime() - 24 * HOUR), to: W, rewardsBefore: W, holdout: false });
    const features = await PointInTimeFeatures.load(logs, tenantId, { users: rows.map((r) => ({ userId: r.userId, atMs: r.shownAtMs })), items: rows.map((r) => ({ itemId: r.itemId, atMs: Math.floor(r.shownAtMs / HOUR) * HOUR })) });
    const set = buildExamples(rows, features);
    for (let t = 0; t < set.window.label.length; t++) set.window.label[t] = 1 - (set.window.label[t] as number);
    const model = new TwoTowerModel({ ...MODEL_INPUT_DIMS, ...OPTIONS.model }, 3);
    model.train(set.window, set.tables, { groups: 'all', epochs: 15, seed: 3 });
    const worse = await versions.register({ tenantId, kind: KIND, weights: serializeModel(model, { layout: MODEL_INPUT_LAYOUT }), metrics: { training: { note: 'inverted rewards' } } });
    ids['worse'] = worse.id;
    expect(await truth(worse.id)).toBeLessThan((await truth(ids['good'] as string)) - 0.2);

    const out = await training.gateVersion({ tenantId, versionId: worse.id, windowEnd: W });
    expect(out.decision).toBe('rejected');
    expect(out.reasons.map((r) => r.split(':')[0])).toEqual(['dr', 'snips']);
    expect(out.reasons[0]).toMatch(/lower bound < live [0-9.]+ − [0-9.]+ = /);
    const v = await versions.summary(worse.id);
    const gate = (await metricsOf(worse.id))['gate'] as { decision: string; reasons: string[]; baseline: { source: string; versionId: string } };
    expect([v?.state, gate.decision, gate.baseline.source, gate.baseline.versionId, gate.reasons]).toEqual(['rejected', 'rejected', 'live', ids['good'], out.reasons]);
    expect((await versions.liveSummary(tenantId, KIND))?.id).toBe(ids['good']);
    await new Promise((r) => setTimeout(r, 200));
    expect(messages).toHaveLength(1); // nothing changed, nothing announced
  }, 120_000);

  it('promotes a better candidate over a worse live version (promoted by hand), comparing on the same held-out rows', async () => {
    const forced = await registry.promoteVersion(tenantId, KIND, 2, { force: true, reason: 'test: a bad model goes live' });
    expect([forced.from?.id, forced.to.id]).toEqual([ids['good'], ids['worse']]);
    await until(async () => messages.length === 2, 5_000);
    const out = await training.train({ tenantId, mode: 'full', windowEnd: new Date(W.getTime() + HOUR) });
    expect(out).toMatchObject({ status: 'done', decision: 'promoted', version: 3 });
    if (out.status !== 'done') throw new Error('not done');
    ids['better'] = out.versionId;
    const m = await metricsOf(out.versionId);
    const ope = m['ope'] as { candidate: { dr: { lower: number } }; live: { version: number; dr: { estimate: number } } };
    expect([(m['gate'] as { baseline: { source: string } }).baseline.source, ope.live.version]).toEqual(['live', 2]);
    expect(ope.candidate.dr.lower).toBeGreaterThan(ope.live.dr.estimate);
    expect((await versions.liveSummary(tenantId, KIND))?.id).toBe(out.versionId);
    await until(async () => messages.length === 3, 5_000);
    expect(messages[2]).toEqual({ tenantId, kind: KIND, versionId: out.versionId });
  }, 120_000);

  it('rollback makes the previous live version live again (announced), step by step, and stops at the first', async () => {
    const back = await registry.rollback(tenantId, KIND, 'test');
    expect([back.from?.id, back.to.id]).toEqual([ids['better'], ids['worse']]);
    expect((await versions.liveSummary(tenantId, KIND))?.id).toBe(ids['worse']);
    expect((await versions.summary(ids['better'] as string))?.state).toBe('retired');
    await until(async () => messages.length === 4, 5_000);
    expect(messages[3]).toEqual({ tenantId, kind: KIND, versionId: ids['worse'] });
    expect((await registry.rollback(tenantId, KIND)).to.id).toBe(ids['good']);
    await expect(registry.rollback(tenantId, KIND)).rejects.toThrow(/nothing to roll back to/);
    expect((await versions.liveSummary(tenantId, KIND))?.id).toBe(ids['good']);
    expect(await prisma.recsysModelVersion.count({ where: { tenantId, state: 'live' } })).toBe(1);
  }, 60_000);

  it('a worker killed during training resumes without double counting: one version, the reservoir advanced once, one decision; a re-run is a no-op', async () => {
    const kill = (at: TrainingStep) => {
      training.stepHook = (step) => {
        if (step === at) throw new Error(`killed at ${step}`);
      };
    };
    const key = { tenantId, kind: KIND, mode: 'head' as const, windowStart: new Date(W.getTime() - HOUR), windowEnd: W };
    const windowRows = (await logs.impressions({ tenantId, from: key.windowStart, to: W, rewardsBefore: new Date(W.getTime() + 15 * 60_000), holdout: false })).length;
    const count = () => prisma.recsysModelVersion.count({ where: { tenantId } });
    const before = await count();

    // killed while training: nothing stored but the attempt
    kill('before-trained-commit');
    await expect(training.train({ tenantId, mode: 'head', windowEnd: W })).rejects.toThrow(/killed at before-trained-commit/);
    expect(await count()).toBe(before);
    expect((await runs.loadReservoir(tenantId, KIND, 2_000)).revision).toBeNull();
    expect(await runs.find(key)).toMatchObject({ state: 'running', attempts: 1, owner: null, error: 'killed at before-trained-commit' });

    // killed between the steps: the candidate and the reservoir are stored, the gate not yet run
    kill('after-trained');
    await expect(training.train({ tenantId, mode: 'head', windowEnd: W })).rejects.toThrow(/killed at after-trained/);
    expect(await count()).toBe(before + 1);
    const run = await runs.find(key);
    expect(run).toMatchObject({ state: 'trained', attempts: 2 });
    const candidate = await versions.summary(run?.modelVersionId as string);
    expect([candidate?.state, candidate?.parentId, candidate?.runId]).toEqual(['candidate', ids['good'], run?.id]);
    const reservoir = await runs.loadReservoir(tenantId, KIND, 2_000);
    expect([reservoir.seen, reservoir.items.length, reservoir.revision]).toEqual([windowRows, Math.min(2_000, windowRows), 1]);
    expect((candidate?.metrics['training'] as { windowRows: number; trainedAs: string }).trainedAs).toMatch(/^head update/);

    // a dead worker still holding the lease: the next attempt waits (retried by the job's backoff)
    training.stepHook = null;
    await runs.claim(key, randomUUID(), 60_000);
    await expect(training.train({ tenantId, mode: 'head', windowEnd: W })).rejects.toThrow(RunBusyError);
    await prisma.recsysTrainingRun.update({ where: { id: run?.id as string }, data: { leaseUntil: new Date(Date.now() - 1) } });

    // the retry resumes at the gate: the same candidate decided once, nothing counted twice
    const out = await training.train({ tenantId, mode: 'head', windowEnd: W });
    expect(out).toMatchObject({ status: 'done', resumed: true, versionId: run?.modelVersionId, attempts: 4 });
    expect(await count()).toBe(before + 1);
    const after = await runs.loadReservoir(tenantId, KIND, 2_000);
    expect([after.seen, after.revision]).toEqual([windowRows, 1]);
    expect(['live', 'rejected']).toContain((await versions.summary(run?.modelVersionId as string))?.state);
    expect(await runs.find(key)).toMatchObject({ state: 'done', owner: null });

    // a re-run of the same window is a no-op
    const again = await training.train({ tenantId, mode: 'head', windowEnd: W });
    expect(again).toMatchObject({ status: 'skipped', runId: run?.id });
    expect(await count()).toBe(before + 1);
    expect((await runs.loadReservoir(tenantId, KIND, 2_000)).seen).toBe(windowRows);

    // the next hour's head update replays 20 % from the reservoir and advances it by that hour only
    const next = await training.train({ tenantId, mode: 'head', windowEnd: new Date(W.getTime() + HOUR) });
    expect(next.status).toBe('no-data'); // the logs end at W: no impressions in [W, W + 1 h)
    expect((await runs.loadReservoir(tenantId, KIND, 2_000)).seen).toBe(windowRows);
  }, 120_000);

  it('a window with no held-out rows is refused by the gate rather than promoted blind', async () => {
    const lonely = (await prisma.tenant.create({ data: { name: 'no-logs' } })).id;
    const model = new TwoTowerModel({ ...MODEL_INPUT_DIMS, ...OPTIONS.model }, 1);
    const v = await versions.register({ tenantId: lonely, kind: KIND, weights: serializeModel(model, { layout: MODEL_INPUT_LAYOUT }), metrics: {} });
    const out = await training.gateVersion({ tenantId: lonely, versionId: v.id, windowEnd: W });
    expect([out.decision, out.reasons]).toEqual(['rejected', ['0 held-out impressions in the last 24 h (minimum 500)']]);
  });
});
