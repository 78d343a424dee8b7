import type { Prisma, PrismaClient, RecsysModelVersion } from '@frontier/platform-prisma';
import { ConflictError, NotFoundError } from '@frontier/platform-util';

/** A model version's state in `recsys_model_versions` (CHECK-constrained in the migration). */
export type ModelState = 'candidate' | 'live' | 'retired' | 'rejected';

/**
 * A registered model version as the registry sees it (weights left out unless asked for: they can
 * be megabytes). The one writer of `recsys_model_versions`: the training loop, the gate and the
 * rollback command promote through it (every promotion logged).
 */
export interface ModelVersionSummary {
  id: string;
  tenantId: string;
  kind: string;
  version: number;
  state: ModelState;
  metrics: Record<string, unknown>;
  runId: string | null;
  parentId: string | null;
  createdAt: Date;
  promotedAt: Date | null;
  retiredAt: Date | null;
}

export interface ModelVersionWithWeights extends ModelVersionSummary {
  /** recsys-domain `serializeModel` bytes. */
  weights: Uint8Array;
}

export interface NewModelVersion {
  tenantId: string;
  kind: string;
  weights: Uint8Array;
  metrics: Record<string, unknown>;
  /** The training run that produced it (at most one version per run). */
  runId?: string | null;
  /** The version it was fine-tuned from. */
  parentId?: string | null;
}

/** A change of the live version, as the promotion log keeps it. */
export interface LiveChange {
  action: 'promote' | 'rollback';
  tenantId: string;
  kind: string;
  /** The version live before (null: none was). */
  from: ModelVersionSummary | null;
  /** The version live now. */
  to: ModelVersionSummary;
  reason: string;
  at: Date;
}

export interface PromotionEntry {
  id: number;
  action: 'promote' | 'rollback';
  fromVersionId: string | null;
  toVersionId: string;
  reason: string;
  undoneAt: Date | null;
  at: Date;
}

/** A transaction or the client itself. */
export type Db = PrismaClient | Prisma.TransactionClient;

/** First key of the registry's advisory locks ('rsm\0'): one lock per tenant and kind. */
const REGISTRY_LOCK_SPACE = 0x72736d00;

/**
 * Serialises every change of a tenant's versions of one kind (numbering, promotion, rollback)
 * across processes: `pg_advisory_xact_lock`, released when the transaction ends.
 */
export async function lockRegistry(tx: Prisma.TransactionClient, tenantId: string, kind: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${REGISTRY_LOCK_SPACE}::int, hashtext(${`${tenantId}/${kind}`}))`;
}

const SUMMARY = {
  id: true,
  tenantId: true,
  kind: true,
  version: true,
  state: true,
  metrics: true,
  runId: true,
  parentId: true,
  createdAt: true,
  promotedAt: true,
  retiredAt: true,
} as const;

type SummaryRow = Omit<RecsysModelVersion, 'weights'>;

export const toModelVersionSummary = (r: SummaryRow): ModelVersionSummary => ({
  id: r.id,
  tenantId: r.tenantId,
  kind: r.kind,
  version: r.version,
  state: r.state as ModelState,
  metrics: (r.metrics ?? {}) as Record<string, unknown>,
  runId: r.runId,
  parentId: r.parentId,
  createdAt: r.createdAt,
  promotedAt: r.promotedAt,
  retiredAt: r.retiredAt,
});

const withWeights = (r: RecsysModelVersion): ModelVersionWithWeights => ({ ...toModelVersionSummary(r), weights: new Uint8Array(r.weights) });

/**
 * The model registry (`recsys_model_versions` and the promotion log `recsys_model_promotions`).
 * At most one version per tenant and kind is `live` (a partial unique index); every change of the
 * live version goes through {@link promote} or {@link rollback}, under the registry lock, and is
 * logged. Serving reads {@link live}; the training loop {@link register}s candidates.
 */
export class ModelVersionsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async live(tenantId: string, kind: string): Promise<ModelVersionWithWeights | null> {
    const r = await this.prisma.recsysModelVersion.findFirst({ where: { tenantId, kind, state: 'live' } });
    return r ? withWeights(r) : null;
  }

  /** The live version without its weights (cheap: what a poller compares). */
  async liveSummary(tenantId: string, kind: string, db: Db = this.prisma): Promise<ModelVersionSummary | null> {
    const r = await db.recsysModelVersion.findFirst({ where: { tenantId, kind, state: 'live' }, select: SUMMARY });
    return r ? toModelVersionSummary(r) : null;
  }

  async get(id: string, db: Db = this.prisma): Promise<ModelVersionWithWeights | null> {
    const r = await db.recsysModelVersion.findUnique({ where: { id } });
    return r ? withWeights(r) : null;
  }

  async summary(id: string, db: Db = this.prisma): Promise<ModelVersionSummary | null> {
    const r = await db.recsysModelVersion.findUnique({ where: { id }, select: SUMMARY });
    return r ? toModelVersionSummary(r) : null;
  }

  async byVersion(tenantId: string, kind: string, version: number): Promise<ModelVersionSummary | null> {
    const r = await this.prisma.recsysModelVersion.findUnique({ where: { tenantId_kind_version: { tenantId, kind, version } }, select: SUMMARY });
    return r ? toModelVersionSummary(r) : null;
  }

  /** Newest first. */
  async list(tenantId: string, kind: string, limit = 20): Promise<ModelVersionSummary[]> {
    const rows = await this.prisma.recsysModelVersion.findMany({ where: { tenantId, kind }, select: SUMMARY, orderBy: { version: 'desc' }, take: limit });
    return rows.map(toModelVersionSummary);
  }

  /** Oldest first. */
  async promotions(tenantId: string, kind: string): Promise<PromotionEntry[]> {
    const rows = await this.prisma.recsysModelPromotion.findMany({ where: { tenantId, kind }, orderBy: { id: 'asc' } });
    return rows.map((r) => ({
      id: Number(r.id),
      action: r.action as PromotionEntry['action'],
      fromVersionId: r.fromVersionId,
      toVersionId: r.toVersionId,
      reason: r.reason,
      undoneAt: r.undoneAt,
      at: r.at,
    }));
  }

  /**
   * Registers a candidate with the next version number of its tenant and kind. Inside `tx` (the
   * training run's commit) the weights are stored in the same transaction as the run's step;
   * without, in a transaction of its own.
   */
  async register(v: NewModelVersion, tx?: Prisma.TransactionClient): Promise<ModelVersionSummary> {
    const run = async (t: Prisma.TransactionClient) => {
      await lockRegistry(t, v.tenantId, v.kind);
      const top = await t.recsysModelVersion.aggregate({ where: { tenantId: v.tenantId, kind: v.kind }, _max: { version: true } });
      const row = await t.recsysModelVersion.create({
        data: {
          tenantId: v.tenantId,
          kind: v.kind,
          version: (top._max.version ?? 0) + 1,
          state: 'candidate',
          metrics: v.metrics as Prisma.InputJsonObject,
          weights: new Uint8Array(v.weights),
          runId: v.runId ?? null,
          parentId: v.parentId ?? null,
        },
        select: SUMMARY,
      });
      return toModelVersionSummary(row);
    };
    return tx ? run(tx) : this.prisma.$transaction(run);
  }

  /** Merges `patch` into a version's metrics (top-level keys replaced). */
  async patchMetrics(id: string, patch: Record<string, unknown>, db: Db = this.prisma): Promise<ModelVersionSummary> {
    const cur = await db.recsysModelVersion.findUnique({ where: { id }, select: { metrics: true } });
    if (!cur) throw new NotFoundError('version', `model version ${id} does not exist`, 'recsys.model_version_not_found');
    const metrics = { ...((cur.metrics ?? {}) as Record<string, unknown>), ...patch } as Prisma.InputJsonObject;
    return toModelVersionSummary(await db.recsysModelVersion.update({ where: { id }, data: { metrics }, select: SUMMARY }));
  }

  /** A candidate the gate refused: state `rejected`, the reasons in its metrics. */
  async reject(id: string, patch: Record<string, unknown>, tx?: Prisma.TransactionClient): Promise<ModelVersionSummary> {
    const run = async (t: Prisma.TransactionClient) => {
      const v = await this.requireVersion(t, id);
      await lockRegistry(t, v.tenantId, v.kind);
      if (v.state !== 'candidate') throw new ConflictError('version', `version ${v.version} is ${v.state}, not a candidate`, 'recsys.model_version_state');
      await this.patchMetrics(id, patch, t);
      return toModelVersionSummary(await t.recsysModelVersion.update({ where: { id }, data: { state: 'rejected' }, select: SUMMARY }));
    };
    return tx ? run(tx) : this.prisma.$transaction(run);
  }

  /**
   * Makes `id` the live version of its tenant and kind: the live one (if any) is retired in the
   * same transaction and the change is logged. A candidate, or a version retired earlier, can be
   * promoted; a rejected one only with `force` (by hand, never by the gate).
   */
  async promote(id: string, o: { reason: string; metricsPatch?: Record<string, unknown>; force?: boolean }, tx?: Prisma.TransactionClient): Promise<LiveChange> {
    const run = async (t: Prisma.TransactionClient): Promise<LiveChange> => {
      const target = await this.requireVersion(t, id);
      await lockRegistry(t, target.tenantId, target.kind);
      const fresh = await this.requireVersion(t, id);
      if (fresh.state === 'live') throw new ConflictError('version', `version ${fresh.version} is already live`, 'recsys.model_version_state');
      if (fresh.state === 'rejected' && !o.force) throw new ConflictError('version', `version ${fresh.version} was rejected by the gate; promote it by hand with force`, 'recsys.model_version_state');
      const at = new Date();
      const from = await this.liveSummary(fresh.tenantId, fresh.kind, t);
      if (from) await t.recsysModelVersion.update({ where: { id: from.id }, data: { state: 'retired', retiredAt: at } });
      if (o.metricsPatch) await this.patchMetrics(id, o.metricsPatch, t);
      const to = toModelVersionSummary(await t.recsysModelVersion.update({ where: { id }, data: { state: 'live', promotedAt: at, retiredAt: null }, select: SUMMARY }));
      await t.recsysModelPromotion.create({ data: { tenantId: to.tenantId, kind: to.kind, action: 'promote', fromVersionId: from?.id ?? null, toVersionId: to.id, reason: o.reason, at } });
      return { action: 'promote', tenantId: to.tenantId, kind: to.kind, from: from ? { ...from, state: 'retired', retiredAt: at } : null, to, reason: o.reason, at };
    };
    return tx ? run(tx) : this.prisma.$transaction(run);
  }

  /**
   * Makes the version that was live before the current one live again: undoes the latest
   * promotion not yet undone (it must be the one that made the current version live), retires the
   * current version and logs a 'rollback'. Repeated rollbacks walk further back.
   */
  async rollback(tenantId: string, kind: string, reason: string): Promise<LiveChange> {
    return this.prisma.$transaction(async (t) => {
      await lockRegistry(t, tenantId, kind);
      const current = await this.liveSummary(tenantId, kind, t);
      if (!current) throw new NotFoundError('tenant', `tenant ${tenantId} has no live ${kind} model to roll back`, 'recsys.no_live_model');
      const undo = await t.recsysModelPromotion.findFirst({ where: { tenantId, kind, action: 'promote', undoneAt: null }, orderBy: { id: 'desc' } });
      if (!undo || undo.toVersionId !== current.id || !undo.fromVersionId) {
        throw new ConflictError('tenant', `version ${current.version} is the earliest live ${kind} model of tenant ${tenantId} still on record: nothing to roll back to`, 'recsys.nothing_to_roll_back');
      }
      const previous = await this.summary(undo.fromVersionId, t);
      if (!previous) throw new ConflictError('tenant', `the version live before ${current.version} no longer exists`, 'recsys.nothing_to_roll_back');
      const at = new Date();
      await t.recsysModelVersion.update({ where: { id: current.id }, data: { state: 'retired', retiredAt: at } });
      const to = toModelVersionSummary(await t.recsysModelVersion.update({ where: { id: previous.id }, data: { state: 'live', promotedAt: at, retiredAt: null }, select: SUMMARY }));
      await t.recsysModelPromotion.update({ where: { id: undo.id }, data: { undoneAt: at } });
      await t.recsysModelPromotion.create({ data: { tenantId, kind, action: 'rollback', fromVersionId: current.id, toVersionId: to.id, reason, at } });
      return { action: 'rollback', tenantId, kind, from: { ...current, state: 'retired', retiredAt: at }, to, reason, at };
    });
  }

  private async requireVersion(db: Db, id: string): Promise<ModelVersionSummary> {
    const v = await this.summary(id, db);
    if (!v) throw new NotFoundError('version', `model version ${id} does not exist`, 'recsys.model_version_not_found');
    return v;
  }
}
