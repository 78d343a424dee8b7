import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient, RecsysTrainingRun } from '@frontier/platform-prisma';
import { ConflictError } from '@frontier/platform-util';

export type TrainingMode = 'head' | 'full';
export type RunState = 'running' | 'trained' | 'done';

/** The idempotency key of a training run. */
export interface RunKey {
  tenantId: string;
  kind: string;
  mode: TrainingMode;
  windowStart: Date;
  windowEnd: Date;
}

export interface TrainingRunRecord extends RunKey {
  id: string;
  state: RunState;
  attempts: number;
  owner: string | null;
  leaseUntil: Date | null;
  modelVersionId: string | null;
  outcome: Record<string, unknown>;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export const toTrainingRunRecord = (r: RecsysTrainingRun): TrainingRunRecord => ({
  id: r.id,
  tenantId: r.tenantId,
  kind: r.kind,
  mode: r.mode as TrainingMode,
  windowStart: r.windowStart,
  windowEnd: r.windowEnd,
  state: r.state as RunState,
  attempts: r.attempts,
  owner: r.owner,
  leaseUntil: r.leaseUntil,
  modelVersionId: r.modelVersionId,
  outcome: (r.outcome ?? {}) as Record<string, unknown>,
  error: r.error,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  finishedAt: r.finishedAt,
});

/** The run was taken over (its lease lapsed and another worker claimed it): this worker must stop. */
export class LostRunError extends ConflictError {
  constructor(runId: string, detail: string) {
    super('run', `training run ${runId}: ${detail}`, 'recsys.training_run_lost');
  }
}

/** Another run advanced the replay reservoir since this run read it: the run must start again. */
export class ReservoirConflictError extends ConflictError {
  constructor(tenantId: string, kind: string) {
    super('reservoir', `the replay reservoir of ${tenantId}/${kind} changed while this run trained: run it again`, 'recsys.reservoir_conflict');
  }
}

/**
 * One kept replay example, as the model saw it when it was trained on: `x` the model inputs
 * (user | item | context, little-endian float32, base64) of the input layout `l`, `y` the label,
 * `r` the request id.
 */
export interface ReplayItem {
  x: string;
  l: string;
  y: number;
  r: string;
}

export interface ReservoirState {
  capacity: number;
  seen: number;
  items: ReplayItem[];
  /** null: no row yet. */
  revision: number | null;
}

/**
 * Training runs (`recsys_training_runs`) and the replay reservoir (`recsys_replay_reservoirs`).
 *
 * A run is claimed with a lease: one worker at a time works on a window, a worker that died leaves
 * a lease that lapses, and the next claim resumes from the run's stored step. Each step's result
 * is stored in one transaction that first checks the claim still holds ({@link lockOwned}), so a
 * worker whose lease was taken over can never store anything.
 */
export class TrainingRunsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Claims the run of `key` for `owner` (creating its row on first sight): `claimed` is false when
   * the run is done, or another worker holds an unexpired lease on it. A claim counts an attempt.
   */
  async claim(key: RunKey, owner: string, leaseMs: number): Promise<{ run: TrainingRunRecord; claimed: boolean }> {
    await this.prisma.$executeRaw`
      INSERT INTO recsys_training_runs (id, tenant_id, kind, mode, window_start, window_end)
      VALUES (${randomUUID()}::uuid, ${key.tenantId}::uuid, ${key.kind}, ${key.mode}, ${key.windowStart}, ${key.windowEnd})
      ON CONFLICT (tenant_id, kind, mode, window_start, window_end) DO NOTHING`;
    const claimed = await this.prisma.$queryRaw<Array<{ id: string }>>`
      UPDATE recsys_training_runs
         SET owner = ${owner}::uuid, lease_until = clock_timestamp() + ${leaseMs} * interval '1 millisecond',
             attempts = attempts + 1, updated_at = clock_timestamp()
       WHERE tenant_id = ${key.tenantId}::uuid AND kind = ${key.kind} AND mode = ${key.mode}
         AND window_start = ${key.windowStart} AND window_end = ${key.windowEnd}
         AND state <> 'done' AND (owner IS NULL OR lease_until IS NULL OR lease_until < clock_timestamp())
      RETURNING id::text AS id`;
    const run = await this.prisma.recsysTrainingRun.findUniqueOrThrow({
      where: { tenantId_kind_mode_windowStart_windowEnd: { tenantId: key.tenantId, kind: key.kind, mode: key.mode, windowStart: key.windowStart, windowEnd: key.windowEnd } },
    });
    return { run: toTrainingRunRecord(run), claimed: claimed.length === 1 };
  }

  async get(id: string): Promise<TrainingRunRecord | null> {
    const r = await this.prisma.recsysTrainingRun.findUnique({ where: { id } });
    return r ? toTrainingRunRecord(r) : null;
  }

  async find(key: RunKey): Promise<TrainingRunRecord | null> {
    const r = await this.prisma.recsysTrainingRun.findUnique({
      where: { tenantId_kind_mode_windowStart_windowEnd: { tenantId: key.tenantId, kind: key.kind, mode: key.mode, windowStart: key.windowStart, windowEnd: key.windowEnd } },
    });
    return r ? toTrainingRunRecord(r) : null;
  }

  /** Newest first. */
  async list(tenantId: string, kind: string, limit = 20): Promise<TrainingRunRecord[]> {
    const rows = await this.prisma.recsysTrainingRun.findMany({ where: { tenantId, kind }, orderBy: [{ windowEnd: 'desc' }, { createdAt: 'desc' }], take: limit });
    return rows.map(toTrainingRunRecord);
  }

  /** Extends the lease; throws {@link LostRunError} when the run is no longer this owner's. */
  async heartbeat(runId: string, owner: string, leaseMs: number): Promise<void> {
    const n = await this.prisma.$executeRaw`
      UPDATE recsys_training_runs SET lease_until = clock_timestamp() + ${leaseMs} * interval '1 millisecond', updated_at = clock_timestamp()
       WHERE id = ${runId}::uuid AND owner = ${owner}::uuid AND lease_until >= clock_timestamp()`;
    if (n !== 1) throw new LostRunError(runId, 'the lease lapsed and the run was claimed again');
  }

  /** Gives the run up after a failure (the next attempt may claim it at once), recording why. */
  async release(runId: string, owner: string, error: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE recsys_training_runs SET owner = NULL, lease_until = NULL, error = ${error.slice(0, 2000)}, updated_at = clock_timestamp()
       WHERE id = ${runId}::uuid AND owner = ${owner}::uuid`;
  }

  /**
   * Inside a step's commit transaction: locks the run row and checks that `owner` still holds an
   * unexpired claim and the run is in `state`; otherwise {@link LostRunError} (nothing is stored).
   */
  async lockOwned(tx: Prisma.TransactionClient, runId: string, owner: string, state: RunState): Promise<void> {
    const rows = await tx.$queryRaw<Array<{ owner: string | null; state: string; live: boolean }>>`
      SELECT owner::text AS owner, state, (lease_until >= clock_timestamp()) AS live FROM recsys_training_runs WHERE id = ${runId}::uuid FOR UPDATE`;
    const r = rows[0];
    if (!r) throw new LostRunError(runId, 'no such run');
    if (r.owner !== owner || !r.live) throw new LostRunError(runId, 'the lease lapsed and the run was claimed again');
    if (r.state !== state) throw new LostRunError(runId, `expected state ${state}, found ${r.state}`);
  }

  /** Step 1 stored: the candidate version (registered in the same transaction) and the training outcome. */
  async markTrained(tx: Prisma.TransactionClient, runId: string, modelVersionId: string, outcome: Record<string, unknown>): Promise<void> {
    await tx.recsysTrainingRun.update({ where: { id: runId }, data: { state: 'trained', modelVersionId, outcome: outcome as Prisma.InputJsonObject, updatedAt: new Date() } });
  }

  /** Step 2 stored: the gate's decision; the run is finished and its claim released. */
  async markDone(tx: Prisma.TransactionClient, runId: string, outcome: Record<string, unknown>): Promise<void> {
    const at = new Date();
    await tx.recsysTrainingRun.update({
      where: { id: runId },
      data: { state: 'done', outcome: outcome as Prisma.InputJsonObject, owner: null, leaseUntil: null, error: null, updatedAt: at, finishedAt: at },
    });
  }

  async loadReservoir(tenantId: string, kind: string, capacity: number): Promise<ReservoirState> {
    const r = await this.prisma.recsysReplayReservoir.findUnique({ where: { tenantId_kind: { tenantId, kind } } });
    if (!r) return { capacity, seen: 0, items: [], revision: null };
    return { capacity: r.capacity, seen: Number(r.seen), items: r.items as unknown as ReplayItem[], revision: r.revision };
  }

  /**
   * Stores the reservoir a run advanced, only if nobody advanced it since the run read it
   * (`expectedRevision`); otherwise {@link ReservoirConflictError} and the transaction rolls back.
   */
  async saveReservoir(tx: Prisma.TransactionClient, tenantId: string, kind: string, state: Omit<ReservoirState, 'revision'>, expectedRevision: number | null, runId: string): Promise<void> {
    const items = JSON.stringify(state.items);
    const n =
      expectedRevision === null
        ? await tx.$executeRaw`
            INSERT INTO recsys_replay_reservoirs (tenant_id, kind, capacity, seen, items, revision, run_id)
            VALUES (${tenantId}::uuid, ${kind}, ${state.capacity}, ${state.seen}, ${items}::jsonb, 1, ${runId}::uuid)
            ON CONFLICT (tenant_id, kind) DO NOTHING`
        : await tx.$executeRaw`
            UPDATE recsys_replay_reservoirs
               SET capacity = ${state.capacity}, seen = ${state.seen}, items = ${items}::jsonb, revision = revision + 1, run_id = ${runId}::uuid, updated_at = clock_timestamp()
             WHERE tenant_id = ${tenantId}::uuid AND kind = ${kind} AND revision = ${expectedRevision}`;
    if (n !== 1) throw new ReservoirConflictError(tenantId, kind);
  }
}
