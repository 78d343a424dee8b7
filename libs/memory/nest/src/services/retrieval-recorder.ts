import { Logger } from '@nestjs/common';

/** Where counted retrievals are written: `MemoryRepository.recordRetrieval`. */
export interface RetrievalSink {
  recordRetrieval(ids: string[], at: Date, by?: number): Promise<void>;
}

/** Default delay before buffered retrievals are written (issue 14: one UPDATE per second, not per search). */
export const DEFAULT_RETRIEVAL_FLUSH_MS = 1_000;

const log = new Logger('RetrievalRecorder');

/**
 * Counts retrievals (usage discount, eviction recency) off the search path: ids are coalesced per
 * process and written every `flushMs` (one UPDATE per distinct count), and at shutdown
 * ({@link close}). With `flushMs <= 0` each call writes at once (the behaviour before issue 14).
 * The buffer holds ids only — never texts — and writing a count to a row erased meanwhile
 * changes nothing (hard-deleted rows are gone; the update matches none).
 */
export class RetrievalRecorder {
  private pending = new Map<string, number>();
  private latest: Date | null = null;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly sink: RetrievalSink,
    private readonly flushMs = DEFAULT_RETRIEVAL_FLUSH_MS,
  ) {}

  async record(ids: readonly string[], at: Date): Promise<void> {
    if (!ids.length) return;
    if (this.flushMs <= 0) return this.sink.recordRetrieval([...ids], at);
    for (const id of ids) this.pending.set(id, (this.pending.get(id) ?? 0) + 1);
    if (!this.latest || at > this.latest) this.latest = at;
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes what is buffered now (tests, shutdown); resolves once written. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    const at = this.latest;
    this.pending = new Map();
    this.latest = null;
    const previous = this.flushing;
    this.flushing = (async () => {
      await previous;
      if (!at || !batch.size) return;
      const byCount = new Map<number, string[]>();
      for (const [id, n] of batch) byCount.set(n, [...(byCount.get(n) ?? []), id]);
      for (const [n, ids] of byCount) {
        try {
          await this.sink.recordRetrieval(ids, at, n);
        } catch (e) {
          // counts are advisory (ranking's usage discount): a failed write is logged, not retried
          log.warn(`retrieval counts not written for ${ids.length} memories: ${(e as Error).message}`);
        }
      }
    })();
    return this.flushing;
  }

  /** Stops the timer and writes what is buffered (application shutdown). */
  async close(): Promise<void> {
    await this.flush();
  }
}
