import type { TextEmbedder } from '@frontier/ml-ports';
import type { MemoryScope } from '@frontier/memory-contracts';
import type { DedupThresholds, Extractor, ForgetMatchOptions, NeighbourMode, RecencyPolicy, RelevanceWeights, RerankModel, UsageDiscount } from '@frontier/memory-domain';
import type { VectorIndex } from '@frontier/memory-vector-index';
import type { TenantSettingsRepository, BiographyRepository, ErasureRepository, LiveMemoryCache, MemoryCipher, MemoryRepository, SessionRepository, UserLockOptions } from '@frontier/memory-data-access';

export interface MemoryOptions {
  dedup?: DedupThresholds;
  relevance?: RelevanceWeights;
  usage?: UsageDiscount;
  /** Sessions below this many tokens (and with no command) are not extracted. Default 200. */
  minSessionTokens?: number;
  /** Per-user cap; beyond it the eviction order drops memories. Default 10,000. */
  maxMemoriesPerUser?: number;
  /** Candidates fetched from the index before re-scoring. Default `DEFAULT_CANDIDATE_POOL` (100). */
  candidatePool?: number;
  /** How clearly a "forget …" command must name a fact to delete it. Default `DEFAULT_FORGET_MATCH`. */
  forgetMatch?: ForgetMatchOptions;
  /** Days a memory deleted by a forget command can be restored. Default 7. */
  restoreGraceDays?: number;
  /** The reconciler queues again sessions still unprocessed this many seconds after their last change. Default 120. */
  reconcileAfterS?: number;
  /** Days the cross-device sync change log keeps (older rows are compacted daily; devices behind them resync). Default 30. */
  syncRetentionDays?: number;
  /** After this many re-queues a session still unprocessed is marked failed (a re-post retries it). Default 10. */
  maxRequeues?: number;
  /** The per-user dedup lock (how many of the pool's connections it may take). */
  lock?: UserLockOptions;
  /**
   * Secret of the keyed hashes (HMAC-SHA256) erasure keeps instead of ids and texts: the user of an
   * erasure record, erased facts' tombstones (`MEMORY_ERASURE_KEY`). Default: a fixed development key.
   */
  erasureKey?: string;
  /** The episodic tier (issue 14): every significant user turn kept as an `episode` memory beside the facts. Default true. */
  episodes?: boolean;
  /** How the recency decay enters the ranking. Default `DEFAULT_RECENCY` (chosen by cross-validation on LoCoMo dev). */
  recency?: RecencyPolicy;
  /** Neighbour turns attached to a retrieved episode. Default `DEFAULT_NEIGHBOURS`. */
  neighbours?: NeighbourMode;
  /** Share of the lexical score from each candidate's own text (0–1). Default `DEFAULT_OWN_TEXT_SHARE`. */
  ownTextShare?: number;
  /** Relevance of a candidate: the learned re-ranker's model (default `DEFAULT_RERANK_MODEL`); null = the dense/lexical blend (`relevance`, `ownTextShare`). */
  reranker?: RerankModel | null;
  /** Searches' retrieval counts are buffered and written this often (ms); 0 writes each search's at once. Default 1,000. */
  retrievalFlushMs?: number;
  /**
   * Live memories (decrypted, no vectors) the search path keeps per process across users, checked
   * against Postgres's sync version on every search (`LiveMemoryCache`); 0 reads and decrypts the
   * candidates per search. Default `DEFAULT_LIVE_CACHE_ROWS` (200,000).
   */
  liveCacheRows?: number;
}

/**
 * What happens after memory changes, outside the request (a port: memory-api and memory-worker
 * queue jobs and publish on Redis; benches and tests may do nothing or run inline).
 */
export abstract class MemoryNotifier {
  /** Live facts of the user changed: other processes refresh their index copy; the biography is rebuilt (debounced). */
  abstract changed(scope: MemoryScope): Promise<void>;
  /** A session was stored (or posted again while unprocessed): extract it, replacing a spent job. */
  abstract sessionStored(scope: MemoryScope, sessionRowId: string): Promise<void>;
  /**
   * The reconciler: make sure the session's extraction is queued. `queued` when a job was added
   * (none was left, or it had failed or finished), `pending` when one is waiting or running.
   * Default: announce the session as stored.
   */
  async requeue(scope: MemoryScope, sessionRowId: string): Promise<'queued' | 'pending'> {
    await this.sessionStored(scope, sessionRowId);
    return 'queued';
  }
  /** Rebuild this user's biography now (the monthly sweep). */
  abstract biographyDue(scope: MemoryScope): Promise<void>;
  /**
   * An erasure was requested (soft-deleted already): run its hard delete off the request path.
   * Default: nothing (benches and tests call `ErasureService.process` themselves; the reconciler
   * finds pending erasures in Postgres either way).
   */
  async erasureRequested(_erasureId: string): Promise<void> {
    // the caller runs the hard delete itself
  }
}

/** Does nothing: for benches and tests that drive the services directly. */
export class SilentNotifier extends MemoryNotifier {
  async changed(): Promise<void> {
    // nothing listens
  }
  async sessionStored(): Promise<void> {
    // the caller processes sessions itself
  }
  async biographyDue(): Promise<void> {
    // the caller rebuilds biographies itself
  }
}

/** Everything the memory services use: repositories, models, the index and the notifier. */
export interface MemoryContext {
  memories: MemoryRepository;
  sessions: SessionRepository;
  biographies: BiographyRepository;
  /** Erasure records and tombstones (issue 13). */
  erasures: ErasureRepository;
  /**
   * Encryption at rest (issue 13): the per-user data keys every repository seals with.
   * `keys.shredUser(scope)` destroys the user's key (crypto-shredding) — whole-user erasure's last step.
   */
  keys: MemoryCipher;
  /** Memory's per-tenant settings (the sensitive-attribute policy; absent: the defaults). */
  settings?: TenantSettingsRepository;
  embedder: TextEmbedder;
  /**
   * Embeds search queries into `embedder`'s space (default: `embedder` itself). Memory's module wires
   * `createQueryEmbedder` from `MEMORY_QUERY_EMBEDDING`: the static table distilled from USE-lite by
   * default, or the model micro-batched and cached (issue 14).
   */
  queryEmbedder?: TextEmbedder;
  index: VectorIndex;
  /** The search path's per-user copy of live memories (absent or null: read per search). */
  liveRows?: LiveMemoryCache | null;
  extractor: Extractor;
  notifier: MemoryNotifier;
  options: MemoryOptions;
  clock: () => Date;
}

/** Injection token of the {@link MemoryContext} in Nest apps. */
export const MEMORY_CONTEXT = Symbol.for('frontier:memory-context');

/** Injection token of the LLM that writes biographies (absent or null: the deterministic summary). */
export const MEMORY_BIOGRAPHY_LLM = Symbol.for('frontier:memory-biography-llm');
