/** Wire shapes of the public APIs the console reads (snake_case as they answer). */

export const MEMORY_TYPES = ['biography', 'relationship', 'health', 'preference', 'work', 'location', 'plan', 'context', 'mood', 'politics', 'religion', 'sexuality', 'episode'] as const;

export interface Memory {
  id: string;
  user_id: string;
  memory: string;
  type: string;
  confidence: number;
  provenance: { session_id: string | null; source_hash: string | null; turn_ids: string[] };
  valid_at: string | null;
  created_at: string;
  superseded_by: string | null;
  retrieval_count: number;
  last_retrieved_at: string | null;
  score?: number;
}

export interface MemoryPage {
  results: Memory[];
  page: number;
  page_size: number;
  total: number;
}

export interface ErasureTicket {
  erasure_id: string;
  kind: string;
  status: string;
  requested_at: string;
  deleted: number;
}

export interface Erasure {
  id: string;
  kind: string;
  status: string;
  requested_at: string;
  completed_at: string | null;
  attempts: number;
  last_error: string | null;
}

export interface UsageRow {
  group: string;
  key_name?: string | null;
  requests: number;
  tokens: number;
  units: Record<string, number>;
  cost_usd: number;
}

export interface UsageSummary {
  group_by: 'modality' | 'key' | 'day';
  from: string;
  to: string;
  data: UsageRow[];
  total: { tokens: number; cost_usd: number };
}

export interface CtrPoint {
  at: string;
  impressions: number;
  explored: number;
  clicks: number;
  ctr: number | null;
  explorationShare: number | null;
}

export interface CtrReport {
  bucket: 'hour' | 'day';
  from: string;
  to: string;
  points: CtrPoint[];
  totals: { impressions: number; explored: number; clicks: number; ctr: number | null; explorationShare: number | null };
}

export interface FlaggedRow {
  id: string;
  reason: string;
  events: number;
  lastAt: string;
}

export interface Interval {
  estimate: number;
  lower: number;
  upper: number;
}

/** A policy's OPE as the training loop stores it in a version's metrics. */
export interface OpeSummary {
  rows: number;
  dr: Interval;
  snips: Interval;
  ips?: Interval;
  diagnostics: { ess: number; essFraction?: number; maxWeight?: number; maxWeightShare?: number };
  warnings: string[];
  reliable: boolean;
}

export interface ModelVersion {
  id: string;
  tenantId: string;
  kind: string;
  version: number;
  state: 'candidate' | 'live' | 'retired' | 'rejected';
  metrics: { ope?: { logged?: number; candidate?: OpeSummary | null }; gate?: { decision?: string; reasons?: string[] } };
  createdAt: string;
  promotedAt: string | null;
}

export interface ModelsReport {
  kind: string;
  live: ModelVersion | null;
  versions: ModelVersion[];
  promotions: Array<{ id: number; action: string; fromVersionId: string | null; toVersionId: string; reason: string; at: string }>;
}

/** chat-gateway's `GET /v1/usage/keys`: per key, its limits, spend and refused requests. */
export interface KeyLimits {
  rpm: number;
  tpm: number;
  daily_budget_usd: number;
  monthly_budget_usd: number;
}

export interface KeySpend {
  key_id: string;
  name: string;
  prefix: string;
  revoked: boolean;
  limits: KeyLimits;
  overridden: Array<keyof KeyLimits>;
  spend: { today_usd: number; month_usd: number; daily_remaining_usd: number | null; monthly_remaining_usd: number | null };
  rejected: { total: number; by_reason: Record<string, number>; by_day: Array<{ day: string; reason: string; count: number }> };
}

export interface KeySpendReport {
  day: string;
  month: string;
  defaults: KeyLimits;
  days: string[];
  reasons: string[];
  data: KeySpend[];
}
