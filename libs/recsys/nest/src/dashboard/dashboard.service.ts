import type { Redis } from 'ioredis';
import { Module, type DynamicModule } from '@nestjs/common';
import { RECSYS_MODEL_KIND } from '@frontier/recsys-contracts';
import { DashboardRepository, ModelVersionsRepository, type CtrPoint, type DashboardBucket, type FlaggedRow, type LiveChange, type ModelVersionSummary } from '@frontier/recsys-data-access';
import { InvalidInputError } from '@frontier/platform-util';
import { PlatformSettings, REDIS } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { ModelRegistryService } from '../training/model-registry.service';

const HOUR_MS = 3_600_000;
/** Longest window per bucket width: 14 days of hours, 366 days of days. */
export const MAX_WINDOW_MS: Record<DashboardBucket, number> = { hour: 14 * 24 * HOUR_MS, day: 366 * 24 * HOUR_MS };

export interface CtrWindow {
  from?: Date;
  to?: Date;
  bucket?: DashboardBucket;
}

export interface CtrReport {
  bucket: DashboardBucket;
  from: Date;
  to: Date;
  points: Array<CtrPoint & { ctr: number | null; explorationShare: number | null }>;
  totals: { impressions: number; explored: number; clicks: number; ctr: number | null; explorationShare: number | null };
}

export interface FlaggedReport {
  since: Date;
  items: FlaggedRow[];
  users: FlaggedRow[];
}

export interface ModelsReport {
  kind: string;
  live: ModelVersionSummary | null;
  /** Newest first; `metrics` as the registry stores them (training, gate, ope with CIs and diagnostics). */
  versions: ModelVersionSummary[];
  promotions: Awaited<ReturnType<ModelRegistryService['promotions']>>;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/**
 * What the console's Recommender page reads (CTR over time, exploration share, flagged items and
 * bot users, the model registry with its OPE) and the two operator actions (promote, roll back),
 * which go through {@link ModelRegistryService} like the `recsys` command.
 */
export class RecsysDashboardService {
  constructor(
    private readonly repo: DashboardRepository,
    private readonly registry: ModelRegistryService,
  ) {}

  async ctr(tenantId: string, w: CtrWindow, now = new Date()): Promise<CtrReport> {
    const bucket = w.bucket ?? 'hour';
    const to = w.to ?? now;
    const from = w.from ?? new Date(to.getTime() - (bucket === 'hour' ? 48 * HOUR_MS : 30 * 24 * HOUR_MS));
    if (from.getTime() >= to.getTime()) throw new InvalidInputError('from', 'from must be before to');
    if (to.getTime() - from.getTime() > MAX_WINDOW_MS[bucket]) throw new InvalidInputError('from', `a window of ${bucket}s spans at most ${MAX_WINDOW_MS[bucket] / (24 * HOUR_MS)} days`);
    const rows = await this.repo.ctrSeries(tenantId, from, to, bucket);
    const sum = (k: 'impressions' | 'explored' | 'clicks') => rows.reduce((s, r) => s + r[k], 0);
    const t = { impressions: sum('impressions'), explored: sum('explored'), clicks: sum('clicks') };
    return {
      bucket,
      from,
      to,
      points: rows.map((r) => ({ ...r, ctr: ratio(r.clicks, r.impressions), explorationShare: ratio(r.explored, r.impressions) })),
      totals: { ...t, ctr: ratio(t.clicks, t.impressions), explorationShare: ratio(t.explored, t.impressions) },
    };
  }

  async flagged(tenantId: string, o: { since?: Date; limit?: number }, now = new Date()): Promise<FlaggedReport> {
    const since = o.since ?? new Date(now.getTime() - 30 * 24 * HOUR_MS);
    const limit = o.limit ?? 50;
    const [items, users] = await Promise.all([this.repo.flagged(tenantId, 'item', since, limit), this.repo.flagged(tenantId, 'user', since, limit)]);
    // a bot's events are about the user: the items it clicked are not anomalies of their own
    const bot = (r: FlaggedRow) => r.reason.startsWith('bot');
    return { since, items: items.filter((i) => !bot(i)), users: users.filter(bot) };
  }

  async models(tenantId: string, o: { kind?: string; limit?: number }): Promise<ModelsReport> {
    const kind = o.kind ?? RECSYS_MODEL_KIND;
    const [versions, promotions] = await Promise.all([this.registry.list(tenantId, kind, o.limit ?? 20), this.registry.promotions(tenantId, kind)]);
    const live = versions.find((v) => v.state === 'live') ?? (await this.registry.versions.liveSummary(tenantId, kind));
    return { kind, live, versions, promotions };
  }

  promote(tenantId: string, version: number, o: { kind?: string; reason?: string; force?: boolean }): Promise<LiveChange> {
    return this.registry.promoteVersion(tenantId, o.kind ?? RECSYS_MODEL_KIND, version, { reason: o.reason ?? 'promoted from the console', force: o.force ?? false });
  }

  rollback(tenantId: string, o: { kind?: string; reason?: string }): Promise<LiveChange> {
    return this.registry.rollback(tenantId, o.kind ?? RECSYS_MODEL_KIND, o.reason ?? 'rolled back from the console');
  }
}

/** The dashboard's providers for recsys-api (needs `PlatformModule`: Prisma, Redis, settings). */
@Module({})
export class RecsysDashboardModule {
  static register(): DynamicModule {
    return {
      module: RecsysDashboardModule,
      providers: [
        { provide: DashboardRepository, inject: [PrismaService], useFactory: (p: PrismaService) => new DashboardRepository(p) },
        {
          provide: ModelRegistryService,
          inject: [PrismaService, REDIS, PlatformSettings],
          useFactory: (p: PrismaService, redis: Redis, s: PlatformSettings) => new ModelRegistryService(new ModelVersionsRepository(p), redis, s.redisPrefix),
        },
        { provide: RecsysDashboardService, inject: [DashboardRepository, ModelRegistryService], useFactory: (r: DashboardRepository, m: ModelRegistryService) => new RecsysDashboardService(r, m) },
      ],
      exports: [RecsysDashboardService],
    };
  }
}
