import { QueueFullError, type ModelRole } from '@frontier/ml-ports';

/**
 * Runs at most `concurrency` tasks at once and keeps at most `capacity` waiting; beyond that it
 * rejects at once with QueueFullError (shed load rather than let latency grow without bound).
 */
export class BoundedQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly role: ModelRole,
    readonly concurrency = 1,
    readonly capacity = 64,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be an integer ≥ 1');
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('capacity must be an integer ≥ 0');
  }

  get pending(): number {
    return this.waiting.length;
  }

  get active(): number {
    return this.running;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.capacity) throw new QueueFullError(this.role, this.capacity);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // hand the slot straight to the next task; otherwise release it
      if (next) next();
      else this.running--;
    }
  }
}
