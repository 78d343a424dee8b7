import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { SnapshotBuilder } from '@frontier/recsys-ann';
import type { CatalogCursor, RankingCatalogRepository } from '@frontier/recsys-data-access';
import type { RankingBus } from './bus';
import type { RankingSettings } from './settings';

export interface IndexBuildReport {
  tenantId: string;
  buildId: string;
  items: number;
  dim: number;
  /** Live items with an embedding of another dimension (not indexed). */
  skipped: number;
  readMs: number;
  buildMs: number;
  saveMs: number;
}

const PAGE = 5_000;

/**
 * recsys-worker's index build (job `recsys.rebuild-index`): pages through a tenant's live items with
 * an embedding by (updated_at, id), builds the HNSW snapshot (yielding to the event loop, so the
 * job's lock is renewed during a long build), writes it to the shared index folder as the tenant's
 * CURRENT build and announces it on the index-built channel. The build's watermark is the largest
 * `updated_at` it read: serving replicas buffer whatever changed after it.
 */
export class IndexBuilderService {
  private readonly log = new Logger('RankingIndexBuilder');

  constructor(
    private readonly repo: RankingCatalogRepository,
    private readonly settings: RankingSettings,
    private readonly bus: RankingBus | null,
  ) {}

  /** Builds one tenant's index, or every tenant's with items. */
  async rebuild(tenantId?: string): Promise<IndexBuildReport[]> {
    const tenants = tenantId ? [tenantId] : await this.repo.tenantsWithItems();
    const out: IndexBuildReport[] = [];
    for (const t of tenants) {
      const r = await this.buildTenant(t);
      if (r) out.push(r);
    }
    return out;
  }

  async buildTenant(tenantId: string): Promise<IndexBuildReport | null> {
    const dim = await this.repo.dominantDimension(tenantId);
    if (dim === null) return null;
    const startedAt = new Date();
    const t0 = performance.now();
    const builder = new SnapshotBuilder(dim, 4_096);
    let cursor: CatalogCursor | null = null;
    let watermark: Date | null = null;
    let skipped = 0;
    for (;;) {
      const rows = await this.repo.buildPage(tenantId, cursor, PAGE);
      for (const r of rows) {
        if (!r.embedding || r.embedding.length !== dim) {
          skipped++;
          continue;
        }
        builder.add({ id: r.id, creator: r.creator, category: r.category, vector: r.embedding, createdAtMs: r.createdAt.getTime() });
      }
      if (rows.length) {
        const last = rows[rows.length - 1];
        cursor = { updatedAt: last.updatedAt, id: last.id };
        watermark = last.updatedAt;
      }
      if (rows.length < PAGE) break;
    }
    const readMs = performance.now() - t0;
    const stamp = startedAt.toISOString().replace(/[-:.]/g, '');
    const snapshot = await builder.buildAsync({ buildId: `${stamp}-${randomUUID().slice(0, 8)}`, tenantId, startedAt: startedAt.toISOString(), watermark: watermark?.toISOString() ?? null }, this.settings.hnsw);
    const t1 = performance.now();
    await snapshot.save(this.settings.indexDir);
    const saveMs = performance.now() - t1;
    await this.bus?.publishIndexBuilt({ tenantId, buildId: snapshot.meta.buildId }).catch((e: Error) => this.log.warn(`announcing build ${snapshot.meta.buildId}: ${e.message}`));
    const report = { tenantId, buildId: snapshot.meta.buildId, items: snapshot.count, dim, skipped, readMs: Math.round(readMs), buildMs: snapshot.meta.buildMs, saveMs: Math.round(saveMs) };
    this.log.log(`tenant ${tenantId}: index build ${report.buildId}: ${report.items} items × ${dim} (read ${report.readMs} ms, build ${report.buildMs} ms, save ${report.saveMs} ms${skipped ? `, ${skipped} of another dimension skipped` : ''})`);
    return report;
  }
}
