import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

/** What a {@link GcMeter} counted over its window, per 1,000 requests where it says so. */
export interface GcCounts {
  readonly requests: number;
  /** Young-generation collections (scavenges) and full ones (Mark-Compact), per 1,000 requests. */
  readonly scavenges_per_1000: number;
  readonly mark_compacts_per_1000: number;
  /** Their pause time per request (ms), as the `gc` performance entries report it. */
  readonly scavenge_ms_per_request: number;
  readonly mark_compact_ms_per_request: number;
  /** The longest single pause (ms). */
  readonly max_pause_ms: number;
  /** Bytes that entered the old generation per request: promoted by scavenges or allocated there directly. */
  readonly old_gen_bytes_per_request: number;
}

const OLD = new Set(['old_space', 'large_object_space', 'code_space']);
const oldUsed = () => getHeapSpaceStatistics().reduce((s, sp) => (OLD.has(sp.space_name) ? s + sp.space_used_size : s), 0);

/**
 * Counts garbage collections (perf_hooks `gc` entries) and old-generation growth over a window of
 * requests: numbers that hardly move with the load on a shared machine, unlike latencies. Call
 * {@link sample} after each request (it sums the old generation's growth between calls; a
 * Mark-Compact shrinking it in between is not growth) and {@link stop} at the end.
 */
export class GcMeter {
  private readonly entries: PerformanceEntry[] = [];
  private readonly observer = new PerformanceObserver((list) => this.entries.push(...list.getEntries()));
  private last = oldUsed();
  private grown = 0;
  private requests = 0;

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** After a request: adds the old generation's growth since the previous call. */
  sample(): void {
    this.requests++;
    const now = oldUsed();
    if (now > this.last) this.grown += now - this.last;
    this.last = now;
  }

  /** Stops observing (entries still queued are delivered first). */
  async stop(): Promise<GcCounts> {
    await new Promise((r) => setImmediate(r));
    this.observer.disconnect();
    const kind = (e: PerformanceEntry) => ((e as PerformanceEntry & { detail?: unknown }).detail as { kind?: number } | null | undefined)?.kind;
    const minor = this.entries.filter((e) => kind(e) === constants.NODE_PERFORMANCE_GC_MINOR);
    const major = this.entries.filter((e) => kind(e) === constants.NODE_PERFORMANCE_GC_MAJOR);
    const n = Math.max(1, this.requests);
    const ms = (es: PerformanceEntry[]) => es.reduce((s, e) => s + e.duration, 0);
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    return {
      requests: this.requests,
      scavenges_per_1000: r3((minor.length * 1000) / n),
      mark_compacts_per_1000: r3((major.length * 1000) / n),
      scavenge_ms_per_request: r3(ms(minor) / n),
      mark_compact_ms_per_request: r3(ms(major) / n),
      max_pause_ms: r3(Math.max(0, ...this.entries.map((e) => e.duration))),
      old_gen_bytes_per_request: Math.round(this.grown / n),
    };
  }
}
