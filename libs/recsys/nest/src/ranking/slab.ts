/**
 * A bounded cache of fixed-width float rows keyed by id, in one Float32Array (plus a version and
 * per-slot strings): a million entries are a few hundred MB of flat memory instead of millions of
 * small typed arrays and objects for the garbage collector to walk. Full, it reuses slots in
 * insertion order (the oldest entry goes first).
 */
export class SlabCache {
  private readonly slotOf = new Map<string, number>();
  private ids: string[] = [];
  private tags: string[] = [];
  private versions: Float64Array;
  private rows: Float32Array;
  private next = 0;

  constructor(
    readonly width: number,
    readonly capacity: number,
    initial = 1_024,
  ) {
    const c = Math.max(1, Math.min(capacity, initial));
    this.versions = new Float64Array(c);
    this.rows = new Float32Array(c * width);
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** The entry's row (a view: copy to keep) when it is there with this version and tag; else undefined. */
  get(id: string, version: number, tag = ''): Float32Array | undefined {
    const s = this.slotOf.get(id);
    if (s === undefined || this.versions[s] !== version || this.tags[s] !== tag) return undefined;
    return this.rows.subarray(s * this.width, (s + 1) * this.width);
  }

  /** The entry whatever its version (for serving stale while re-reading): row, version, tag. */
  peek(id: string): { row: Float32Array; version: number; tag: string } | undefined {
    const s = this.slotOf.get(id);
    if (s === undefined) return undefined;
    return { row: this.rows.subarray(s * this.width, (s + 1) * this.width), version: this.versions[s], tag: this.tags[s] };
  }

  /** The entry's slot, or -1: with {@link versionAt}, {@link tagAt} and {@link copyRow}, a look-up that allocates nothing. */
  slot(id: string): number {
    return this.slotOf.get(id) ?? -1;
  }
  versionAt(slot: number): number {
    return this.versions[slot] as number;
  }
  tagAt(slot: number): string {
    return this.tags[slot] as string;
  }
  /** Copies `count` values of the slot's row (from its start) into `dst` at `offset`. */
  copyRow(slot: number, dst: Float32Array, offset: number, count = this.width): void {
    const from = slot * this.width;
    for (let j = 0; j < count; j++) dst[offset + j] = this.rows[from + j] as number;
  }

  /** Stores `row` (length `width`) for the entry; returns the stored view. */
  set(id: string, version: number, row: ArrayLike<number>, tag = ''): Float32Array {
    let s = this.slotOf.get(id);
    if (s === undefined) {
      if (this.slotOf.size < this.capacity) {
        s = this.slotOf.size;
        if (s >= this.versions.length) this.grow();
      } else {
        // full: reuse the oldest slot
        s = this.next;
        this.next = (this.next + 1) % this.capacity;
        this.slotOf.delete(this.ids[s]);
      }
      this.slotOf.set(id, s);
      this.ids[s] = id;
    }
    this.tags[s] = tag;
    this.versions[s] = version;
    this.rows.set(row, s * this.width);
    return this.rows.subarray(s * this.width, (s + 1) * this.width);
  }

  private grow(): void {
    const c = Math.min(this.capacity, this.versions.length * 2);
    const v = new Float64Array(c);
    v.set(this.versions);
    this.versions = v;
    const r = new Float32Array(c * this.width);
    r.set(this.rows);
    this.rows = r;
  }
}
