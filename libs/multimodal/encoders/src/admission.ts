/** A request was refused before any work started: the queue is full, or its deadline cannot be met. */
export class BusyError extends Error {
  override name = 'BusyError';
  constructor(
    message: string,
    readonly retryAfterS: number,
  ) {
    super(message);
  }
}

export type Priority = 'interactive' | 'background';

interface Waiter {
  priority: Priority;
  grant: () => void;
  refuse: (e: BusyError) => void;
  timer: NodeJS.Timeout | undefined;
}

/** A granted slot: call once when the work is done. */
export type Release = () => void;

/**
 * Bounded concurrency with a bounded wait queue, deadline-aware. `admit(n, deadline)` decides at
 * once, synchronously, whether `n` more images fit (free slots + room in the queue) and whether
 * the last of them can be expected to start before the deadline (from a moving average of the
 * time one image holds a slot); if not it throws {@link BusyError} with a Retry-After. Admitted
 * work then `acquire`s its slots; a waiter whose deadline passes while it waits is refused at that
 * moment (never left to time out). Interactive waiters go before background ones.
 */
export class Admission {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private avg: number;
  private closed: string | undefined;

  constructor(
    readonly concurrency: number,
    readonly capacity: number,
    /** Starting guess of one image's time in a slot, ms (until measured). */
    initialMsPerImage = 250,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be an integer ≥ 1');
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('capacity must be an integer ≥ 0');
    this.avg = initialMsPerImage;
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Moving average of one image's time in a slot, ms. */
  get msPerImage(): number {
    return this.avg;
  }

  /** Seconds until the work now admitted is likely done (≥ 1): the Retry-After of a refusal. */
  retryAfterS(extra = 0): number {
    const rounds = Math.ceil((this.running + this.waiting.length + extra) / this.concurrency);
    return Math.max(1, Math.ceil((rounds * this.avg) / 1000));
  }

  /** Stop admitting (shutdown drain): `admit` throws BusyError(reason) from now on; admitted work still runs. */
  close(reason: string): void {
    this.closed = reason;
  }

  /** Refuse every waiter now (the drain's bound is up). */
  refuseWaiting(reason: string): void {
    for (const w of this.waiting.splice(0)) {
      clearTimeout(w.timer);
      w.refuse(new BusyError(reason, 1));
    }
  }

  /**
   * Checks that `n` images can be taken now (throws BusyError if not). Synchronous: call `acquire`
   * for each of them before the next await, so the check and the reservation cannot interleave
   * with another request's.
   */
  admit(n: number, deadline: number, now = Date.now()): void {
    if (this.closed) throw new BusyError(this.closed, 1);
    const free = Math.max(0, this.concurrency - this.running);
    const toQueue = Math.max(0, n - free);
    if (this.waiting.length + toQueue > this.capacity) {
      throw new BusyError(`encoder queue full (${this.running} running, ${this.waiting.length} of ${this.capacity} waiting; ${n} more asked)`, this.retryAfterS(toQueue));
    }
    if (toQueue > 0) {
      // the last image starts after the queue ahead of it and the images before it drain, `concurrency` at a time
      const startIn = Math.ceil((this.waiting.length + toQueue) / this.concurrency) * this.avg;
      if (now + startIn > deadline) {
        throw new BusyError(`deadline cannot be met: the last image would start in ~${Math.round(startIn)} ms, ${Math.max(0, deadline - now)} ms are left`, this.retryAfterS(toQueue));
      }
    } else if (now > deadline) {
      throw new BusyError('deadline already passed', 1);
    }
  }

  /** A slot (at once when one is free, else after the waiters before it); refused with BusyError at the deadline. */
  acquire(deadline: number, priority: Priority = 'interactive'): Promise<Release> {
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    return new Promise<Release>((resolve, reject) => {
      const w: Waiter = {
        priority,
        timer: undefined,
        grant: () => resolve(this.releaser()),
        refuse: reject,
      };
      const ms = deadline - Date.now();
      w.timer = setTimeout(() => {
        const i = this.waiting.indexOf(w);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new BusyError('deadline passed while waiting for an encoder slot', this.retryAfterS()));
      }, Math.max(0, ms));
      w.timer.unref?.();
      // interactive waiters go ahead of background ones, FIFO within a priority
      if (priority === 'interactive') {
        const firstBackground = this.waiting.findIndex((x) => x.priority === 'background');
        if (firstBackground < 0) this.waiting.push(w);
        else this.waiting.splice(firstBackground, 0, w);
      } else this.waiting.push(w);
    });
  }

  private releaser(): Release {
    const t0 = performance.now();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.avg = 0.8 * this.avg + 0.2 * (performance.now() - t0);
      const next = this.waiting.shift();
      if (next) {
        clearTimeout(next.timer);
        // the slot passes straight to the next waiter
        next.grant();
      } else this.running--;
    };
  }

  /** Resolves when nothing runs or waits, or after `timeoutMs` (then `false`). */
  async idle(timeoutMs: number): Promise<boolean> {
    const t0 = Date.now();
    while (this.running > 0 || this.waiting.length > 0) {
      if (Date.now() - t0 >= timeoutMs) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
    return true;
  }
}
