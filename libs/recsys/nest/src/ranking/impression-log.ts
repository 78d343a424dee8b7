import { Logger } from '@nestjs/common';
import type { ImpressionRecord } from '@frontier/recsys-data-access';

/** One shown item as the impression log keeps it: recsys-data-access's `ImpressionRecord`. */
export type ImpressionRow = ImpressionRecord;

/** Where impressions go (recsys-data-access `ImpressionRepository` fits). */
export interface ImpressionSink {
  ensurePartitions(from: Date, days: number): Promise<number>;
  /** One statement; `durable: false` may commit without waiting for the WAL flush. */
  insertBatch(rows: readonly ImpressionRow[], o: { durable: boolean }): Promise<number>;
}

export interface ImpressionLogOptions {
  /**
   * Wait for each batch's WAL flush before answering (default). `false` commits with
   * `synchronous_commit = off` for the impression INSERT alone: the rows are stored before the
   * answer, and only a crash of Postgres itself could lose the last ~0.6 s of them (about 3 ms less a
   * request on a disk whose flush takes that long).
   */
  readonly durable?: boolean;
  /** Most rows one INSERT takes. Default 2,000. */
  readonly maxRows?: number;
}

interface Waiting {
  rows: readonly ImpressionRow[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * The impression log's writer: group commit. A response's rows are queued and the response waits
 * until they are stored; while one INSERT runs, the rows of every request that arrives meanwhile
 * wait for the next one, which takes them all (at most `maxRows`) — batching that adds no delay when
 * the log is idle and one round trip per batch under load. A failed INSERT fails every request of
 * its batch (none answers with items the log does not hold). Before the first row of each UTC day
 * the day partitions for today and tomorrow are ensured (idempotent; the default partition catches
 * anything else).
 */
export class ImpressionLog {
  private readonly log = new Logger('ImpressionLog');
  private queue: Waiting[] = [];
  private flushing: Promise<void> | null = null;
  private partitionsDay = '';
  private partitionsPending: Promise<void> | null = null;
  /** Rows and INSERTs so far (metrics, benchmark). */
  readonly stats = { rows: 0, inserts: 0 };

  private readonly durable: boolean;
  private readonly maxRows: number;

  constructor(
    private readonly sink: ImpressionSink,
    o: ImpressionLogOptions = {},
  ) {
    this.durable = o.durable ?? true;
    this.maxRows = o.maxRows ?? 2_000;
  }

  async write(rows: readonly ImpressionRow[]): Promise<void> {
    if (!rows.length) return;
    await this.ensurePartitions(rows[0].shownAt);
    await new Promise<void>((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.flushing ??= this.flush().finally(() => {
        this.flushing = null;
      });
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch: Waiting[] = [];
      let n = 0;
      while (this.queue.length && (n === 0 || n + this.queue[0].rows.length <= this.maxRows)) {
        const w = this.queue.shift() as Waiting;
        batch.push(w);
        n += w.rows.length;
      }
      try {
        await this.sink.insertBatch(batch.flatMap((w) => w.rows), { durable: this.durable });
        this.stats.rows += n;
        this.stats.inserts++;
        for (const w of batch) w.resolve();
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
  }

  private async ensurePartitions(at: Date): Promise<void> {
    const day = at.toISOString().slice(0, 10);
    if (day === this.partitionsDay) return;
    this.partitionsPending ??= this.sink
      .ensurePartitions(new Date(`${day}T00:00:00Z`), 2)
      .then((created) => {
        this.partitionsDay = day;
        if (created) this.log.log(`created ${created} impression partition(s) from ${day}`);
      })
      .finally(() => {
        this.partitionsPending = null;
      });
    await this.partitionsPending;
  }
}
