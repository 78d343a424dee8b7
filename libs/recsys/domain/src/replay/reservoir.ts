import { Rng } from '../random';

/**
 * Reservoir sample (Vitter's Algorithm R): after `seen` items, every item of the stream is in the
 * reservoir with probability min(1, capacity/seen). Two reservoirs over disjoint streams merge into
 * a uniform sample of the union: the number kept from each side follows the hypergeometric law
 * (drawn sequentially), then a uniform subset is taken from each side.
 */
export class ReservoirSampler<T> {
  readonly capacity: number;
  private readonly rng: Rng;
  private items: T[] = [];
  private seenCount = 0;

  constructor(capacity: number, seed = 1) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be >= 1');
    this.capacity = capacity;
    this.rng = new Rng(seed);
  }

  get seen(): number {
    return this.seenCount;
  }

  get size(): number {
    return this.items.length;
  }

  add(item: T): void {
    this.seenCount++;
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    const j = Math.floor(this.rng.nextDouble() * this.seenCount);
    if (j < this.capacity) this.items[j] = item;
  }

  values(): readonly T[] {
    return this.items;
  }

  /**
   * The state to persist between processes: the kept items and how many the stream has had. With
   * {@link ReservoirSampler.restore} a reservoir survives a restart (the training loop keeps one per
   * tenant in Postgres) and goes on sampling uniformly over the whole stream.
   */
  snapshot(): { readonly items: readonly T[]; readonly seen: number } {
    return { items: this.items.slice(), seen: this.seenCount };
  }

  /**
   * A reservoir continuing a persisted one: `items` kept after `seen` stream items (at most
   * `capacity` of them, and no more than `seen`). The PRNG starts afresh from `seed`: later
   * replacements stay uniform (each needs only an independent uniform draw).
   */
  static restore<T>(capacity: number, state: { readonly items: readonly T[]; readonly seen: number }, seed = 1): ReservoirSampler<T> {
    const r = new ReservoirSampler<T>(capacity, seed);
    if (!(Number.isInteger(state.seen) && state.seen >= 0)) throw new RangeError(`seen must be a non-negative integer, got ${state.seen}`);
    if (state.items.length > capacity) throw new RangeError(`${state.items.length} items exceed the capacity ${capacity}`);
    if (state.items.length !== Math.min(capacity, state.seen)) {
      throw new RangeError(`a reservoir of capacity ${capacity} that has seen ${state.seen} items holds ${Math.min(capacity, state.seen)}, not ${state.items.length}`);
    }
    r.items = state.items.slice();
    r.seenCount = state.seen;
    return r;
  }

  /** `k` distinct items drawn uniformly from the reservoir (all of them if k ≥ size). */
  sample(k: number, rng: Rng = this.rng): T[] {
    const pool = this.items.slice();
    const m = Math.min(k, pool.length);
    for (let j = 0; j < m; j++) {
      const t = j + Math.floor(rng.nextDouble() * (pool.length - j));
      const tmp = pool[j];
      pool[j] = pool[t];
      pool[t] = tmp;
    }
    return pool.slice(0, m);
  }

  /** A new reservoir, uniform over both streams (they must be disjoint), with this capacity. */
  merge(other: ReservoirSampler<T>, seed = 1): ReservoirSampler<T> {
    const out = new ReservoirSampler<T>(this.capacity, seed);
    const total = this.seenCount + other.seenCount;
    const k = Math.min(this.capacity, total);
    const rng = new Rng(seed ^ 0x9e3779b9);
    let fromThis = 0;
    let remainingThis = this.seenCount;
    for (let t = 0; t < k; t++) {
      if (rng.nextDouble() * (total - t) < remainingThis) {
        fromThis++;
        remainingThis--;
      }
    }
    out.items = [...this.sample(fromThis, rng), ...other.sample(k - fromThis, rng)];
    out.seenCount = total;
    return out;
  }
}
