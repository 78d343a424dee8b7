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
