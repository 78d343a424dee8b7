import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { PrismaClient } from '@frontier/platform-prisma';
import { ConflictError, InvalidInputError } from '@frontier/platform-util';
import type { LiveChange, ModelVersionWithWeights, ReservoirState, TrainingLogRepository, TrainingMode, TrainingRunRecord, TrainingRunsRepository } from '@frontier/recsys-data-access';
import {
  deserializeModel,
  fnv1a32,
  incrementalHeadUpdate,
  interactionsOf,
  mixWithReplay,
  MODEL_INPUT_DIMS,
  MODEL_INPUT_LAYOUT,
  ReservoirSampler,
  serializeModel,
  TwoTowerModel,
  type Interaction,
} from '@frontier/recsys-domain';
import { buildExamples, toReplayItem, trainInChunks } from './examples';
import { evaluateModel, evaluationNeeds, loggedValue, prepareEvaluation, type ModelEvaluation } from './evaluation';
import { PointInTimeFeatures } from './features';
import { decideGate, type GateBaseline, type GateDecision } from './gate';
import type { ModelRegistryService } from './model-registry.service';
import { trainingDefaults, type ResolvedTrainingOptions, type TrainingOptions } from './options';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Where a run can be interrupted on purpose (tests kill a worker there by throwing). */
export type TrainingStep = 'before-trained-commit' | 'after-trained' | 'before-done-commit';

export interface TrainRequest {
  tenantId: string;
  mode: TrainingMode;
  /** End of the window (exclusive); the start is `windowEnd` − the mode's window length. */
  windowEnd: Date;
}

export type TrainOutcome =
  | {
      status: 'done';
      runId: string;
      attempts: number;
      /** True when an earlier attempt had already stored the candidate (the run resumed at the gate). */
      resumed: boolean;
      versionId: string;
      version: number;
      decision: 'promoted' | 'rejected';
      reasons: string[];
    }
  | { status: 'no-data'; runId: string }
  | { status: 'skipped'; runId: string; reason: string; outcome: Record<string, unknown> };

/** Another worker holds the run's lease: retry later (the job's backoff). */
export class RunBusyError extends ConflictError {
  constructor(run: TrainingRunRecord) {
    super('run', `training run ${run.id} (${run.mode} ${run.windowEnd.toISOString()}) is held by another worker until ${run.leaseUntil?.toISOString()}`, 'recsys.training_run_busy');
  }
}

/** The live version changed while the gate evaluated against it: evaluate again. */
export class LiveChangedError extends ConflictError {
  constructor(tenantId: string) {
    super('live', `the live model of ${tenantId} changed during the gate's evaluation: the run resumes at the gate`, 'recsys.live_changed');
  }
}

/** The window of a mode that ends at the last boundary at or before `now`: the hour (head) or the UTC day (full). */
export function windowEndFor(mode: TrainingMode, now: Date): Date {
  const unit = mode === 'head' ? HOUR_MS : DAY_MS;
  return new Date(Math.floor(now.getTime() / unit) * unit);
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const json = (x: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(x)) as Record<string, unknown>;

/** The parent model when its shape and input layout are what training builds now. */
function loadCompatible(v: ModelVersionWithWeights | null): TwoTowerModel | null {
  if (!v) return null;
  try {
    const { model, metadata } = deserializeModel(v.weights);
    const c = model.config;
    if (metadata['layout'] !== MODEL_INPUT_LAYOUT || c.userDim !== MODEL_INPUT_DIMS.userDim || c.itemDim !== MODEL_INPUT_DIMS.itemDim || c.contextDim !== MODEL_INPUT_DIMS.contextDim) return null;
    return model;
  } catch {
    return null;
  }
}

/**
 * The training loop (issue 12 item 5). One run per (tenant, kind, mode, window), in two steps,
 * each stored in one transaction by the owner of the run's lease:
 *
 *  1. train: read the window's impressions (held-out requests excluded) with their rewards and
 *     point-in-time features; 'head' fine-tunes the live model's head on them plus 20 % replay
 *     from the tenant's reservoir (`incrementalHeadUpdate`), 'full' trains a new model from scratch
 *     over the 7-day window; store the candidate's weights and training metrics as a new version,
 *     the advanced reservoir, and the run's state `trained` — together.
 *  2. gate: evaluate the candidate (and the live version) on the held-out requests of the last 24 h
 *     (holdout log-loss/AUC, DR and SNIPS with bootstrap intervals and weight diagnostics), decide
 *     (gate.ts), and store the decision — promotion (the live one retired, logged) or rejection
 *     with its reasons — with the run's state `done`, together; then announce a promotion.
 *
 * A worker killed anywhere resumes from the last stored step when the job is retried: nothing is
 * counted twice (one version per run, the reservoir advanced once per window, one decision), and
 * a re-run of a done window is a no-op.
 */
export class TrainingService {
  private readonly log = new Logger(TrainingService.name);
  readonly options: ResolvedTrainingOptions;
  /** Fault injection for tests: called at each {@link TrainingStep}; throwing there is a worker dying there. */
  stepHook: ((step: TrainingStep, run: TrainingRunRecord) => void | Promise<void>) | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly runs: TrainingRunsRepository,
    private readonly logs: TrainingLogRepository,
    private readonly registry: ModelRegistryService,
    options: TrainingOptions = {},
  ) {
    this.options = trainingDefaults(options);
  }

  get kind(): string {
    return this.options.kind;
  }

  /** Tenants with impressions in the window of `mode` ending at `windowEnd` (what the scheduled fan-out queues). */
  async tenantsToTrain(mode: TrainingMode, windowEnd: Date): Promise<string[]> {
    return this.logs.tenantsWithImpressions(new Date(windowEnd.getTime() - this.windowLength(mode)), windowEnd);
  }

  windowLength(mode: TrainingMode): number {
    return mode === 'head' ? this.options.headWindowMs : this.options.fullWindowMs;
  }

  async train(req: TrainRequest): Promise<TrainOutcome> {
    if (Number.isNaN(req.windowEnd.getTime())) throw new InvalidInputError('windowEnd', 'windowEnd is not a date');
    const key = { tenantId: req.tenantId, kind: this.kind, mode: req.mode, windowStart: new Date(req.windowEnd.getTime() - this.windowLength(req.mode)), windowEnd: req.windowEnd };
    const owner = randomUUID();
    const { run, claimed } = await this.runs.claim(key, owner, this.options.leaseMs);
    if (!claimed) {
      if (run.state === 'done') return { status: 'skipped', runId: run.id, reason: 'this window was already trained and gated', outcome: run.outcome };
      throw new RunBusyError(run);
    }
    const resumed = run.state === 'trained';
    try {
      if (run.state === 'running') {
        const trained = await this.trainStep(run, owner);
        if (!trained) return { status: 'no-data', runId: run.id };
        await this.stepHook?.('after-trained', run);
      }
      const fresh = (await this.runs.get(run.id)) as TrainingRunRecord;
      return await this.gateStep(fresh, owner, resumed);
    } catch (e) {
      await this.runs.release(run.id, owner, e instanceof Error ? e.message : String(e)).catch(() => undefined);
      throw e;
    }
  }

  /** The run's seed: the same window trains the same model (whichever attempt, whichever tenant). */
  private seedOf(run: TrainingRunRecord): number {
    return (fnv1a32(`${run.kind}/${run.mode}/${run.windowEnd.toISOString()}`) ^ this.options.seed) >>> 0;
  }

  /** Passes of a full training over `rows` rows: `fullEpochs`, or more to reach `minFullSteps` optimizer steps. */
  private fullEpochs(rows: number): number {
    const o = this.options;
    return Math.max(o.fullEpochs, Math.ceil((o.minFullSteps * o.batchSize) / Math.max(1, rows)));
  }

  /** Yields to the event loop; renews the lease when a third of it has passed. */
  private pacer(run: TrainingRunRecord, owner: string): () => Promise<void> {
    let beat = Date.now();
    return async () => {
      await yieldToLoop();
      if (Date.now() - beat > this.options.leaseMs / 3) {
        await this.runs.heartbeat(run.id, owner, this.options.leaseMs);
        beat = Date.now();
      }
    };
  }

  /** Step 1. Returns false when the window had no impressions (the run is done, no candidate). */
  private async trainStep(run: TrainingRunRecord, owner: string): Promise<boolean> {
    const o = this.options;
    const seed = this.seedOf(run);
    const pause = this.pacer(run, owner);
    const rows = await this.logs.impressions({
      tenantId: run.tenantId,
      from: run.windowStart,
      to: run.windowEnd,
      rewardsBefore: new Date(run.windowEnd.getTime() + o.rewardDelayMs),
      holdout: false,
      limit: o.maxTrainingRows,
    });
    if (!rows.length) {
      await this.prisma.$transaction(async (tx) => {
        await this.runs.lockOwned(tx, run.id, owner, 'running');
        await this.runs.markDone(tx, run.id, { status: 'no-data', rows: 0 });
      });
      this.log.log(`${run.tenantId} ${run.mode} ${run.windowEnd.toISOString()}: no impressions in the window`);
      return false;
    }
    const parent = run.mode === 'head' ? await this.registry.versions.live(run.tenantId, run.kind) : null;
    const parentModel = loadCompatible(parent);
    const model = parentModel ?? new TwoTowerModel({ ...MODEL_INPUT_DIMS, ...o.model }, seed, { learningRate: o.learningRate });
    // the reservoir is a sample of every hourly window, whatever model each one trained
    const reservoir: ReservoirState | null = run.mode === 'head' ? await this.runs.loadReservoir(run.tenantId, run.kind, o.reservoirCapacity) : null;
    const features = await PointInTimeFeatures.load(this.logs, run.tenantId, {
      users: rows.map((r) => ({ userId: r.userId, atMs: r.shownAtMs })),
      items: rows.map((r) => ({ itemId: r.itemId, atMs: Math.floor(r.shownAtMs / HOUR_MS) * HOUR_MS })),
    });
    const set = buildExamples(rows, features, reservoir?.items ?? []);
    await pause();

    let loss: number;
    let epochs = o.headEpochs;
    let replayRows = 0;
    let trainedAs: string;
    let nextReservoir: Omit<ReservoirState, 'revision'> | null = null;
    if (reservoir) {
      // entries of an older input layout are dropped, and with them the reservoir starts afresh
      const intact = set.replay.length === reservoir.items.length;
      const sampler = ReservoirSampler.restore<Interaction>(reservoir.capacity, intact ? { items: set.replay, seen: reservoir.seen } : { items: [], seen: 0 }, seed);
      const common = { epochs: o.headEpochs, batchSize: o.batchSize, seed, replayFraction: o.replayFraction };
      if (parentModel) {
        const r = incrementalHeadUpdate(model, set.window, set.tables, sampler, common);
        loss = r.loss;
        replayRows = r.replayRows;
        trainedAs = 'head update of the live version (towers frozen) on the last hour + replay';
      } else {
        // nothing live to update: the whole model learns the window and the replay
        const mixed = mixWithReplay(set.window, sampler, o.replayFraction, seed);
        replayRows = mixed.label.length - set.window.label.length;
        epochs = this.fullEpochs(mixed.label.length);
        loss = await trainInChunks(model, mixed, set.tables, { groups: 'all', batchSize: o.batchSize, epochs, seed }, pause);
        for (const it of interactionsOf(set.window)) sampler.add(it);
        trainedAs = 'full training on the last hour + replay (no compatible live version to update)';
      }
      nextReservoir = { capacity: sampler.capacity, seen: sampler.seen, items: sampler.values().map((it) => toReplayItem(it, set)) };
    } else {
      epochs = this.fullEpochs(set.window.label.length);
      loss = await trainInChunks(model, set.window, set.tables, { groups: 'all', batchSize: o.batchSize, epochs, seed }, pause);
      trainedAs = 'full retrain from scratch on the window';
    }
    await pause();

    const training = {
      mode: run.mode,
      trainedAs,
      windowStart: run.windowStart.toISOString(),
      windowEnd: run.windowEnd.toISOString(),
      rows: set.window.label.length + replayRows,
      windowRows: set.window.label.length,
      replayRows,
      positives: set.positives,
      loss,
      epochs,
      parentId: parentModel ? (parent?.id ?? null) : null,
      parentVersion: parentModel ? (parent?.version ?? null) : null,
      seed,
      inputLayout: MODEL_INPUT_LAYOUT,
      model: model.config,
      reservoir: nextReservoir ? { seen: nextReservoir.seen, size: nextReservoir.items.length, capacity: nextReservoir.capacity } : null,
    };
    const weights = serializeModel(model, { layout: MODEL_INPUT_LAYOUT, kind: run.kind, mode: run.mode, windowEnd: run.windowEnd.toISOString(), run: run.id });
    await this.stepHook?.('before-trained-commit', run);
    await this.prisma.$transaction(
      async (tx) => {
        await this.runs.lockOwned(tx, run.id, owner, 'running');
        const v = await this.registry.versions.register({ tenantId: run.tenantId, kind: run.kind, weights, metrics: { training: json(training) }, runId: run.id, parentId: training.parentId }, tx);
        if (nextReservoir && reservoir) await this.runs.saveReservoir(tx, run.tenantId, run.kind, nextReservoir, reservoir.revision, run.id);
        await this.runs.markTrained(tx, run.id, v.id, { status: 'trained', versionId: v.id, version: v.version, training: json(training) });
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    this.log.log(`${run.tenantId} ${run.mode} ${run.windowEnd.toISOString()}: candidate trained on ${training.rows} rows (loss ${loss.toFixed(4)})`);
    return true;
  }

  /** Step 2: evaluate and decide; the decision and the run's end are stored together. */
  private async gateStep(run: TrainingRunRecord, owner: string, resumed: boolean): Promise<TrainOutcome> {
    const candidate = run.modelVersionId ? await this.registry.versions.get(run.modelVersionId) : null;
    if (!candidate) throw new Error(`training run ${run.id} is trained but its version ${run.modelVersionId} is missing`);
    if (candidate.state !== 'candidate') {
      // decided by hand meanwhile (promoted or rejected through the registry): the run just ends
      await this.prisma.$transaction(async (tx) => {
        await this.runs.lockOwned(tx, run.id, owner, 'trained');
        await this.runs.markDone(tx, run.id, { status: 'done', versionId: candidate.id, version: candidate.version, decision: `decided outside the gate: ${candidate.state}` });
      });
      return { status: 'skipped', runId: run.id, reason: `version ${candidate.version} is already ${candidate.state}`, outcome: { versionId: candidate.id } };
    }
    const { live, decision, metricsPatch, gate } = await this.assess(run.tenantId, candidate, run.windowEnd, this.seedOf(run), this.pacer(run, owner));
    await this.stepHook?.('before-done-commit', run);
    let change: LiveChange | null = null;
    await this.prisma.$transaction(
      async (tx) => {
        await this.runs.lockOwned(tx, run.id, owner, 'trained');
        const nowLive = await this.registry.versions.liveSummary(run.tenantId, run.kind, tx);
        if ((nowLive?.id ?? null) !== (live?.id ?? null)) throw new LiveChangedError(run.tenantId);
        if (decision.promote) change = await this.registry.promoteInTransaction(tx, candidate.id, `gate: ${run.mode} run ${run.windowEnd.toISOString()}`, metricsPatch);
        else await this.registry.versions.reject(candidate.id, metricsPatch, tx);
        await this.runs.markDone(tx, run.id, { status: 'done', versionId: candidate.id, version: candidate.version, decision: gate.decision, reasons: decision.reasons });
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    if (change) await this.registry.announce(change);
    this.log.log(`${run.tenantId} ${run.mode} ${run.windowEnd.toISOString()}: v${candidate.version} ${gate.decision}${decision.reasons.length ? ` (${decision.reasons.join('; ')})` : ''}`);
    const after = await this.runs.get(run.id);
    return {
      status: 'done',
      runId: run.id,
      attempts: after?.attempts ?? run.attempts,
      resumed,
      versionId: candidate.id,
      version: candidate.version,
      decision: decision.promote ? 'promoted' : 'rejected',
      reasons: decision.reasons,
    };
  }

  /**
   * The gate on a registered candidate outside any training run (a model trained elsewhere and
   * registered by hand, or a re-check): evaluated on the held-out requests of the `gateWindowMs`
   * before `windowEnd` and promoted or rejected exactly as a run's candidate is.
   */
  async gateVersion(req: { tenantId: string; versionId: string; windowEnd: Date; seed?: number }): Promise<{ versionId: string; version: number; decision: 'promoted' | 'rejected'; reasons: string[] }> {
    const candidate = await this.registry.versions.get(req.versionId);
    if (!candidate || candidate.tenantId !== req.tenantId || candidate.kind !== this.kind) throw new InvalidInputError('versionId', `tenant ${req.tenantId} has no ${this.kind} version ${req.versionId}`);
    if (candidate.state !== 'candidate') throw new ConflictError('versionId', `version ${candidate.version} is ${candidate.state}, not a candidate`, 'recsys.model_version_state');
    const { live, decision, metricsPatch } = await this.assess(req.tenantId, candidate, req.windowEnd, req.seed ?? this.options.seed);
    let change: LiveChange | null = null;
    await this.prisma.$transaction(
      async (tx) => {
        const nowLive = await this.registry.versions.liveSummary(req.tenantId, this.kind, tx);
        if ((nowLive?.id ?? null) !== (live?.id ?? null)) throw new LiveChangedError(req.tenantId);
        if (decision.promote) change = await this.registry.promoteInTransaction(tx, candidate.id, 'gate: by request', metricsPatch);
        else await this.registry.versions.reject(candidate.id, metricsPatch, tx);
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    if (change) await this.registry.announce(change);
    return { versionId: candidate.id, version: candidate.version, decision: decision.promote ? 'promoted' : 'rejected', reasons: decision.reasons };
  }

  /**
   * The gate's evaluation of `candidate` on the held-out requests of the `gateWindowMs` before
   * `windowEnd`, against the live version (or, with none, the logging policy), and its decision.
   */
  private async assess(tenantId: string, candidate: ModelVersionWithWeights, windowEnd: Date, seed: number, pause: () => Promise<void> = yieldToLoop) {
    const o = this.options;
    const live = await this.registry.versions.live(tenantId, this.kind);
    const from = new Date(windowEnd.getTime() - o.gateWindowMs);
    const rows = await this.logs.impressions({ tenantId, from, to: windowEnd, rewardsBefore: new Date(windowEnd.getTime() + o.rewardDelayMs), holdout: true, limit: o.maxEvalRows });
    const evalOptions = { epsilon: o.epsilon, nResamples: o.bootstrapResamples, alpha: o.alpha, seed };

    let decision: GateDecision;
    let candEval: ModelEvaluation | null = null;
    let liveEval: ModelEvaluation | null = null;
    let logged = NaN;
    if (!rows.length) {
      const baseline: GateBaseline = { source: live ? 'live' : 'logging', versionId: live?.id ?? null, version: live?.version ?? null, dr: NaN, snips: NaN };
      decision = { promote: false, reasons: [`0 held-out impressions in the last ${o.gateWindowMs / HOUR_MS} h (minimum ${o.gate.minRows})`], checks: [], rule: o.gate, baseline };
    } else {
      const features = await PointInTimeFeatures.load(this.logs, tenantId, evaluationNeeds(rows, o.maxEvalActions));
      const set = prepareEvaluation(rows, features, o.maxEvalActions);
      candEval = await evaluateModel(deserializeModel(candidate.weights).model, set, evalOptions, pause);
      const liveModel = loadCompatible(live);
      if (liveModel) liveEval = await evaluateModel(liveModel, set, evalOptions, pause);
      logged = loggedValue(set);
      const baseline: GateBaseline =
        liveEval && live
          ? { source: 'live', versionId: live.id, version: live.version, dr: liveEval.ope.dr.estimate, snips: liveEval.ope.snips.estimate }
          : { source: 'logging', versionId: null, version: null, dr: logged, snips: logged };
      decision = decideGate(candEval.ope, baseline, o.gate);
    }
    const gate = { decision: decision.promote ? 'promoted' : 'rejected', reasons: decision.reasons, checks: decision.checks, rule: decision.rule, baseline: decision.baseline, at: new Date().toISOString() };
    const metricsPatch = json({
      holdout: candEval?.holdout ?? null,
      ope: {
        window: { from: from.toISOString(), to: windowEnd.toISOString(), heldOutRows: rows.length, maxActions: o.maxEvalActions },
        epsilon: o.epsilon,
        nResamples: o.bootstrapResamples,
        alpha: o.alpha,
        logged,
        candidate: candEval?.ope ?? null,
        live: liveEval ? { versionId: live?.id, version: live?.version, ...liveEval.ope, holdout: liveEval.holdout } : null,
      },
      gate,
    });
    return { live, decision, metricsPatch, gate };
  }
}
