interface Pending<I, O> {
  item: I;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

export interface BatcherOptions {
  /** A batch closes this long after its first item arrives… */
  windowMs: number;
  /** …or as soon as it holds this many. */
  maxBatch: number;
  /** Batches run at once (e.g. one per model worker thread); items arriving meanwhile gather into the next batch. */
  maxInFlight?: number;
}

/**
 * Cross-request micro-batching: items submitted by concurrent callers within a short window (or
 * until `maxBatch`) go to the model in one call. While `maxInFlight` batches run, new items keep
 * gathering, so under load batches fill up on their own. `run` returns one output per item, in
 * order; if it throws, every item of the batch gets the error unless `split` says which item to
 * blame (that one fails, the rest are retried as a batch).
 */
export class MicroBatcher<I, O> {
  private queue: Array<Pending<I, O>> = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  /** Sizes of the batches run so far, by size (for health and tests). */
  readonly sizes = new Map<number, number>();

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly options: BatcherOptions,
    /** Which item of a failed batch caused `error` (index), if it can tell. */
    private readonly split?: (error: unknown) => number | undefined,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.options.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.windowMs);
    });
  }

  /** Batches run so far and the items in them. */
  get stats(): { batches: number; items: number; largest: number } {
    let batches = 0;
    let items = 0;
    for (const [size, count] of this.sizes) {
      batches += count;
      items += size * count;
    }
    return { batches, items, largest: Math.max(0, ...this.sizes.keys()) };
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length && this.inFlight < (this.options.maxInFlight ?? 1)) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.execute(batch).finally(() => {
        this.inFlight--;
        // what gathered while this batch ran goes now (a window already passed for it)
        if (this.queue.length) this.flush();
      });
    }
  }

  private async execute(batch: Array<Pending<I, O>>): Promise<void> {
    this.sizes.set(batch.length, (this.sizes.get(batch.length) ?? 0) + 1);
    try {
      const out = await this.run(batch.map((p) => p.item));
      if (out.length !== batch.length) throw new Error(`batch of ${batch.length} returned ${out.length} results`);
      batch.forEach((p, i) => p.resolve(out[i] as O));
    } catch (e) {
      const bad = batch.length > 1 ? this.split?.(e) : undefined;
      if (bad === undefined || bad < 0 || bad >= batch.length) {
        for (const p of batch) p.reject(e);
        return;
      }
      batch[bad]?.reject(e);
      await this.execute(batch.filter((_, i) => i !== bad));
    }
  }
}
