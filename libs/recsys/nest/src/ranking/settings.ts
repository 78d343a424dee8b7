import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HnswParams } from '@frontier/recsys-ann';

/** Ranking's configuration (apps build it from their validated env: `RECSYS_*`). */
export abstract class RankingSettings {
  /** Where recsys-worker writes index builds and recsys-api replicas read them (a volume they share). */
  abstract readonly indexDir: string;
  /** ε of the exploration policy, or 'adaptive' (recsys-domain `DEFAULT_ADAPTIVE_EPSILON`: 0.05, 0.15 at 01–06 UTC, 0.02 at 18–22 UTC). */
  abstract readonly epsilon: number | 'adaptive';
  /** Candidates retrieved per request (split over the user's top categories). */
  abstract readonly candidates: number;
  abstract readonly maxPerCreator: number;
  abstract readonly maxPerCategory: number;
  /** A user's favourite categories queried (one ANN query each). */
  abstract readonly queryCategories: number;
  /** Most popular items added to a known user's candidates (trending can lift them). */
  abstract readonly popularCandidates: number;
  /** Items a cold-start slate is chosen among (popular first, then the newest). */
  abstract readonly coldStartPool: number;
  /** How often a replica reads the items changed since its watermark (ms). */
  abstract readonly itemsPollMs: number;
  /** How often a replica looks for a newer index build on disk (ms; the index-built message is the fast path). */
  abstract readonly indexPollMs: number;
  /** How often a replica re-reads the live model version (ms; the model-changed message is the fast path). */
  abstract readonly modelPollMs: number;
  /** How often the popularity behind cold start is re-read (ms). */
  abstract readonly popularRefreshMs: number;
  /** A buffer larger than this asks recsys-worker for a rebuild of the tenant's index. */
  abstract readonly bufferRebuildAt: number;
  /** Each impression batch waits for its WAL flush (see `ImpressionLog`); false: `synchronous_commit = off` for it. */
  abstract readonly durableImpressions: boolean;
  /** HNSW parameters of builds (recsys-worker). */
  abstract readonly hnsw: Partial<HnswParams>;
}

export const DEFAULT_RANKING_SETTINGS: RankingSettings = {
  indexDir: join(tmpdir(), 'frontier-recsys-index'),
  epsilon: 'adaptive',
  candidates: 200,
  maxPerCreator: 2,
  maxPerCategory: 2,
  queryCategories: 3,
  popularCandidates: 20,
  coldStartPool: 100,
  itemsPollMs: 1_000,
  indexPollMs: 30_000,
  modelPollMs: 5_000,
  popularRefreshMs: 60_000,
  bufferRebuildAt: 20_000,
  durableImpressions: true,
  hnsw: {},
};

/** Settings from defaults and overrides (undefined overrides are ignored). */
export function rankingSettings(overrides: { [K in keyof RankingSettings]?: RankingSettings[K] | undefined } = {}): RankingSettings {
  const out: Record<string, unknown> = { ...DEFAULT_RANKING_SETTINGS };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) out[k] = v;
  return out as unknown as RankingSettings;
}
