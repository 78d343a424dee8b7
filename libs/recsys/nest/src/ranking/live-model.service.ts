import { Logger } from '@nestjs/common';
import { RECSYS_MODEL_KIND } from '@frontier/recsys-contracts';
import type { RankingBus } from './bus';
import { LiveModel, type LiveModelSource } from './live-model';

interface TenantModel {
  /** The live version (null: none; or the live one cannot be served). */
  model: LiveModel | null;
  /** Id of the live version last read (also when it could not be served), null: none is live. */
  liveId: string | null;
  checkedAt: number;
  pending: Promise<void> | null;
}

/**
 * The live model of each tenant, hot-swapped without a restart: read from `recsys_model_versions`
 * (state `live`) on the tenant's first request, then re-checked (id only, weights left out) every
 * `pollMs` in the background and at once on a model-changed message; a new live version is loaded
 * beside the serving one and swapped in by one assignment, so a request scores with one version
 * from start to end. No live version, or one whose input layout this server does not build (logged),
 * means the fallback policy.
 */
export class LiveModelService {
  private readonly log = new Logger('LiveModel');
  private readonly tenants = new Map<string, TenantModel>();

  constructor(
    private readonly source: LiveModelSource,
    private readonly pollMs: number,
    private readonly kind = RECSYS_MODEL_KIND,
  ) {}

  start(bus: RankingBus | null): void {
    bus?.on('modelChanged', (m) => {
      if (this.tenants.has(m.tenantId) && (!m.kind || m.kind === this.kind)) void this.refresh(m.tenantId).catch((e: Error) => this.log.warn(`model refresh of ${m.tenantId}: ${e.message}`));
    });
  }

  /** The tenant's servable live model, or null. */
  async get(tenantId: string): Promise<LiveModel | null> {
    let t = this.tenants.get(tenantId);
    if (!t) {
      t = { model: null, liveId: null, checkedAt: 0, pending: null };
      this.tenants.set(tenantId, t);
      await this.refresh(tenantId);
    } else if (Date.now() - t.checkedAt > this.pollMs && !t.pending) {
      void this.refresh(tenantId).catch((e: Error) => this.log.warn(`model refresh of ${tenantId}: ${e.message}`));
    }
    return t.model;
  }

  /** Re-reads the live version and swaps it in if it changed (single flight per tenant). */
  async refresh(tenantId: string): Promise<void> {
    const t = this.tenants.get(tenantId);
    if (!t) return;
    t.pending ??= (async () => {
      t.checkedAt = Date.now();
      const summary = await this.source.liveSummary(tenantId, this.kind);
      if (!summary) {
        if (t.liveId) this.log.log(`tenant ${tenantId}: no live ${this.kind} any more; serving the fallback policy`);
        t.model = null;
        t.liveId = null;
        return;
      }
      if (summary.id === t.liveId) return;
      const full = await this.source.live(tenantId, this.kind);
      if (!full) return;
      let loaded: LiveModel | null = null;
      try {
        const r = LiveModel.fromBlob(full.id, full.version, full.weights);
        loaded = r.model;
        if (r.problem) this.log.error(`tenant ${tenantId}: live ${this.kind} version ${full.version} (${full.id}) cannot be served: ${r.problem}; serving the fallback policy`);
      } catch (e) {
        this.log.error(`tenant ${tenantId}: live ${this.kind} version ${full.version} (${full.id}) does not load: ${(e as Error).message}; serving the fallback policy`);
      }
      t.model = loaded;
      t.liveId = full.id;
      if (loaded) this.log.log(`tenant ${tenantId}: serving ${this.kind} version ${full.version} (${full.id})`);
    })().finally(() => {
      t.pending = null;
    });
    await t.pending;
  }
}
