import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HierarchicalNSW } from 'hnswlib-node';
import type { RetrievalItem } from './buffer';
import { exactTopK, normalizeRow, type TopK } from './vectors';

/** HNSW parameters (hnswlib's names). */
export interface HnswParams {
  /** Graph degree. Default 16. */
  readonly m: number;
  /** Beam width while building. Default 100. */
  readonly efConstruction: number;
  /** Beam width while searching (raised to k when k is larger). Default 64. */
  readonly efSearch: number;
  readonly randomSeed: number;
}

export const DEFAULT_HNSW_PARAMS: HnswParams = { m: 16, efConstruction: 100, efSearch: 64, randomSeed: 100 };

/** What a build records about itself (`meta.json`). */
export interface SnapshotMeta {
  readonly buildId: string;
  readonly tenantId: string;
  readonly dim: number;
  readonly count: number;
  /** When the build read its first item (ISO). */
  readonly startedAt: string;
  /** Largest `updated_at` among the items read (ISO; null for an empty catalogue): changes after it belong to the buffer. */
  readonly watermark: string | null;
  readonly builtAt: string;
  readonly buildMs: number;
  readonly params: HnswParams;
}

/** Interns strings (creators, categories) into small integers. */
class Dictionary {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  constructor(names: readonly string[] = []) {
    for (const n of names) this.of(n);
  }
  of(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    return i;
  }
}

/** Collects items (e.g. page by page from Postgres), then builds the HNSW graph over them in one go. */
export class SnapshotBuilder {
  private n = 0;
  private vectors: Float32Array;
  private createdAt: Float64Array;
  private creatorOf: Int32Array;
  private categoryOf: Int32Array;
  private readonly ids: string[] = [];
  private readonly seen = new Set<string>();
  private readonly creators = new Dictionary();
  private readonly categories = new Dictionary();

  constructor(readonly dim: number, capacityHint = 1024) {
    const c = Math.max(16, capacityHint);
    this.vectors = new Float32Array(c * dim);
    this.createdAt = new Float64Array(c);
    this.creatorOf = new Int32Array(c);
    this.categoryOf = new Int32Array(c);
  }

  get size(): number {
    return this.n;
  }

  /** Adds an item (a repeated id is refused: the source must not yield one twice). */
  add(item: RetrievalItem): void {
    if (item.vector.length !== this.dim) throw new RangeError(`item ${item.id}: vector has ${item.vector.length} dimensions, the index ${this.dim}`);
    if (this.seen.has(item.id)) throw new Error(`item ${item.id} added twice`);
    if (this.n === this.createdAt.length) this.grow();
    const r = this.n++;
    this.seen.add(item.id);
    this.ids.push(item.id);
    this.vectors.set(item.vector, r * this.dim);
    normalizeRow(this.vectors, r * this.dim, this.dim);
    this.createdAt[r] = item.createdAtMs;
    this.creatorOf[r] = this.creators.of(item.creator);
    this.categoryOf[r] = this.categories.of(item.category);
  }

  private grow(): void {
    const c = this.createdAt.length * 2;
    const v = new Float32Array(c * this.dim);
    v.set(this.vectors);
    this.vectors = v;
    const t = new Float64Array(c);
    t.set(this.createdAt);
    this.createdAt = t;
    const cr = new Int32Array(c);
    cr.set(this.creatorOf);
    this.creatorOf = cr;
    const ca = new Int32Array(c);
    ca.set(this.categoryOf);
    this.categoryOf = ca;
  }

  /** Builds the graph (synchronous, CPU-bound: for tests and benchmarks; a service uses {@link buildAsync}). */
  build(meta: Omit<SnapshotMeta, 'count' | 'dim' | 'buildMs' | 'builtAt' | 'params'>, params: Partial<HnswParams> = {}): ItemSnapshot {
    const run = this.start(params);
    for (let r = 0; r < this.n; r++) run.add(r);
    return this.finish(run, meta);
  }

  /**
   * Builds the graph, yielding to the event loop every `yieldEvery` items so the process keeps
   * answering (a job's lock renewal, health checks) during a build of minutes.
   */
  async buildAsync(meta: Omit<SnapshotMeta, 'count' | 'dim' | 'buildMs' | 'builtAt' | 'params'>, params: Partial<HnswParams> = {}, yieldEvery = 2_000): Promise<ItemSnapshot> {
    const run = this.start(params);
    for (let r = 0; r < this.n; r++) {
      run.add(r);
      if ((r + 1) % yieldEvery === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return this.finish(run, meta);
  }

  private start(params: Partial<HnswParams>) {
    const p = { ...DEFAULT_HNSW_PARAMS, ...params };
    const t0 = performance.now();
    const graph = new HierarchicalNSW('ip', this.dim);
    graph.initIndex(Math.max(1, this.n), p.m, p.efConstruction, p.randomSeed);
    const row = new Array<number>(this.dim);
    const add = (r: number) => {
      const off = r * this.dim;
      for (let j = 0; j < this.dim; j++) row[j] = this.vectors[off + j];
      graph.addPoint(row, r);
    };
    return { p, t0, graph, add };
  }

  private finish(run: { p: HnswParams; t0: number; graph: HierarchicalNSW }, meta: Omit<SnapshotMeta, 'count' | 'dim' | 'buildMs' | 'builtAt' | 'params'>): ItemSnapshot {
    const n = this.n;
    const full: SnapshotMeta = { ...meta, dim: this.dim, count: n, params: run.p, buildMs: Math.round(performance.now() - run.t0), builtAt: new Date().toISOString() };
    return new ItemSnapshot(full, run.graph, {
      ids: this.ids,
      vectors: this.vectors.slice(0, n * this.dim),
      createdAtMs: this.createdAt.slice(0, n),
      creatorOf: this.creatorOf.slice(0, n),
      categoryOf: this.categoryOf.slice(0, n),
      creators: this.creators.names,
      categories: this.categories.names,
    });
  }
}

interface Columns {
  ids: string[];
  vectors: Float32Array;
  createdAtMs: Float64Array;
  creatorOf: Int32Array;
  categoryOf: Int32Array;
  creators: string[];
  categories: string[];
}

/** Tenant ids name folders: only UUID-shaped ones are accepted (no path can escape the root). */
function checkTenant(tenantId: string): void {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tenantId)) throw new Error(`not a tenant id: ${JSON.stringify(tenantId)}`);
}

const FILES = { meta: 'meta.json', names: 'items.json', columns: 'columns.bin', graph: 'index.hnsw' } as const;
const CURRENT = 'CURRENT';

/**
 * A built ANN index over one tenant's item embeddings: the hnswlib graph (inner product on unit
 * vectors = cosine) plus the columns ranking needs (ids, creator, category, creation time, the unit
 * vectors). Rows are labels 0..n−1. Items deleted or changed since the build are marked deleted in
 * this process's copy (hnswlib skips them); the buffer serves their new versions.
 */
export class ItemSnapshot {
  readonly labelOf: Map<string, number>;
  private readonly deleted: Uint8Array;
  private deletedCount = 0;
  private readonly queryRow: number[];

  constructor(
    readonly meta: SnapshotMeta,
    private readonly graph: HierarchicalNSW,
    private readonly cols: Columns,
  ) {
    this.labelOf = new Map(cols.ids.map((id, r) => [id, r]));
    this.deleted = new Uint8Array(cols.ids.length);
    this.queryRow = new Array<number>(meta.dim);
    graph.setEf(meta.params.efSearch);
  }

  get dim(): number {
    return this.meta.dim;
  }
  /** Rows in the snapshot, deleted ones included. */
  get count(): number {
    return this.cols.ids.length;
  }
  get liveCount(): number {
    return this.cols.ids.length - this.deletedCount;
  }
  get vectors(): Float32Array {
    return this.cols.vectors;
  }

  id(label: number): string {
    return this.cols.ids[label];
  }
  creator(label: number): string {
    return this.cols.creators[this.cols.creatorOf[label]];
  }
  category(label: number): string {
    return this.cols.categories[this.cols.categoryOf[label]];
  }
  createdAtMs(label: number): number {
    return this.cols.createdAtMs[label];
  }
  isDeleted(label: number): boolean {
    return this.deleted[label] === 1;
  }
  vector(label: number): Float32Array {
    return this.cols.vectors.subarray(label * this.dim, (label + 1) * this.dim);
  }

  /** Leaves an item out of every later search (deleted, or changed and now served by the buffer). */
  remove(id: string): boolean {
    const label = this.labelOf.get(id);
    if (label === undefined || this.deleted[label]) return false;
    this.deleted[label] = 1;
    this.deletedCount++;
    this.graph.markDelete(label);
    return true;
  }

  /** Approximate top-k by cosine with a unit `query` (hnswlib); exact over the columns if the graph walk comes up short. */
  search(query: ArrayLike<number>, k: number, ef?: number): TopK {
    const want = Math.min(k, this.liveCount);
    if (want <= 0) return { labels: new Int32Array(0), scores: new Float32Array(0) };
    for (let j = 0; j < this.dim; j++) this.queryRow[j] = query[j];
    const beam = Math.max(ef ?? this.meta.params.efSearch, want);
    this.graph.setEf(beam);
    try {
      const r = this.graph.searchKnn(this.queryRow, want);
      const labels = Int32Array.from(r.neighbors);
      const scores = Float32Array.from(r.distances, (d) => 1 - d);
      return { labels, scores };
    } catch {
      // hnswlib throws when the walk finds fewer than `want` live nodes (many deletions)
      return this.exact(query, want);
    }
  }

  /** Exact top-k over the snapshot's live rows (the brute-force baseline). */
  exact(query: ArrayLike<number>, k: number): TopK {
    return exactTopK(this.cols.vectors, this.count, this.dim, query, k, this.deletedCount ? this.deleted : undefined);
  }

  /** Mean unit vector (normalized) of each category's live items. */
  categoryCentroids(): Map<string, { sum: Float64Array; count: number }> {
    const out = new Map<string, { sum: Float64Array; count: number }>();
    const byIdx = this.cols.categories.map(() => ({ sum: new Float64Array(this.dim), count: 0 }));
    for (let r = 0; r < this.count; r++) {
      if (this.deleted[r]) continue;
      const c = byIdx[this.cols.categoryOf[r]];
      const off = r * this.dim;
      for (let j = 0; j < this.dim; j++) c.sum[j] += this.cols.vectors[off + j];
      c.count++;
    }
    this.cols.categories.forEach((name, i) => byIdx[i].count > 0 && out.set(name, byIdx[i]));
    return out;
  }

  // ------------------------------------------------------------------------------- files

  /**
   * Writes the build under `<root>/<tenant>/<buildId>/` (into a temporary folder renamed at the
   * end), then points `<root>/<tenant>/CURRENT` at it (temp + rename, atomic), and removes builds
   * older than the previous one. Returns the build's folder.
   */
  async save(root: string): Promise<string> {
    checkTenant(this.meta.tenantId);
    const tenantDir = join(root, this.meta.tenantId);
    const final = join(tenantDir, this.meta.buildId);
    const tmp = `${final}.tmp-${randomUUID()}`;
    await mkdir(tmp, { recursive: true });
    const n = this.count;
    const bin = Buffer.alloc(n * 8 + n * this.dim * 4 + n * 8);
    let off = 0;
    for (const part of [this.cols.createdAtMs, this.cols.vectors, this.cols.creatorOf, this.cols.categoryOf]) {
      Buffer.from(part.buffer, part.byteOffset, part.byteLength).copy(bin, off);
      off += part.byteLength;
    }
    await writeFile(join(tmp, FILES.columns), bin);
    await writeFile(join(tmp, FILES.names), JSON.stringify({ ids: this.cols.ids, creators: this.cols.creators, categories: this.cols.categories }));
    if (n > 0) await this.graph.writeIndex(join(tmp, FILES.graph));
    await writeFile(join(tmp, FILES.meta), JSON.stringify(this.meta, null, 2));
    await rename(tmp, final);
    const previous = await currentBuildId(root, this.meta.tenantId);
    const pointer = join(tenantDir, `${CURRENT}.tmp-${randomUUID()}`);
    await writeFile(pointer, this.meta.buildId);
    await rename(pointer, join(tenantDir, CURRENT));
    for (const e of await readdir(tenantDir)) {
      if (e !== this.meta.buildId && e !== previous && e !== CURRENT && !e.includes('.tmp-')) await rm(join(tenantDir, e), { recursive: true, force: true });
    }
    return final;
  }

  /** Loads `<root>/<tenant>/<buildId>/` (the current build when `buildId` is omitted); null when there is none. */
  static async load(root: string, tenantId: string, buildId?: string): Promise<ItemSnapshot | null> {
    checkTenant(tenantId);
    const id = buildId ?? (await currentBuildId(root, tenantId));
    if (!id) return null;
    const dir = join(root, tenantId, id);
    const meta = JSON.parse(await readFile(join(dir, FILES.meta), 'utf8')) as SnapshotMeta;
    const names = JSON.parse(await readFile(join(dir, FILES.names), 'utf8')) as { ids: string[]; creators: string[]; categories: string[] };
    const raw = await readFile(join(dir, FILES.columns));
    // copy into a fresh, aligned buffer (a small file's Buffer may sit at an odd offset of a shared pool)
    const buf = new Uint8Array(raw.byteLength);
    buf.set(raw);
    const n = meta.count;
    const d = meta.dim;
    let off = 0;
    const createdAtMs = new Float64Array(buf.buffer, off, n);
    off += n * 8;
    const vectors = new Float32Array(buf.buffer, off, n * d);
    off += n * d * 4;
    const creatorOf = new Int32Array(buf.buffer, off, n);
    off += n * 4;
    const categoryOf = new Int32Array(buf.buffer, off, n);
    const graph = new HierarchicalNSW('ip', d);
    if (n > 0) await graph.readIndex(join(dir, FILES.graph), false);
    else graph.initIndex(1, meta.params.m, meta.params.efConstruction, meta.params.randomSeed);
    return new ItemSnapshot(meta, graph, { ids: names.ids, vectors, createdAtMs, creatorOf, categoryOf, creators: names.creators, categories: names.categories });
  }
}

/** The build `<root>/<tenant>/CURRENT` names, or null. */
export async function currentBuildId(root: string, tenantId: string): Promise<string | null> {
  checkTenant(tenantId);
  try {
    const id = (await readFile(join(root, tenantId, CURRENT), 'utf8')).trim();
    return id || null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
