/**
 * Ranking latency (issue 12 item 4): `RankingService.recommend` — the path recsys-api serves —
 * at 100k and 1M items, k = 10, against the brute-force-only baseline (the same path with
 * retrieval by an exact scan over every item instead of the HNSW index) in the same run,
 * requests interleaved so a load spike on the shared machine falls on both.
 *
 * What one request does here, as in the app: the user's features read from the real Redis feature
 * store (one pipelined round trip); candidates from the user's 1–3 favourite categories' centroid
 * queries to the HNSW build + the brute-force buffer (1,000 items added after the build); item
 * features from the app's per-items-version cache, warmed first (steady state; a cold read from
 * Redis is timed apart); the live
 * two-tower model (deserialized from a blob, tt-inputs-v1 dims; item-tower embeddings cached per
 * items-version like the app); trending boost; diversity caps; ε-greedy with propensities.
 * Impression logging is measured apart (group commit to a real Postgres, k rows a request), durable
 * (each batch waits for its WAL flush: the default) and with `synchronous_commit = off`: its latency
 * alone, 16 requests in flight, and the full path with logging, at the first size. The machine is
 * shared: each size reports the 1-minute load average and the CPU time a request took (all threads).
 * Each size's `gc` counts the timed loop's collections (bench/lib/gc-meter.ts): scavenges and
 * Mark-Compacts per 1,000 requests, their pause time a request, and the bytes a request adds to the old
 * generation — numbers the load hardly moves, where the p99 follows it.
 *
 *   node -r @swc-node/register bench/recsys/ranking.ts [--sizes 100000,1000000] [--dim 64] [--k 10] [--requests 2000]
 *     [--baseline-requests 200] [--m 16] [--ef-construction 64] [--ef 64] [--candidates 200]
 *     [--categories 1000] [--buffer 1000] [--users 1000] [--epsilon 0.05] [--no-log true] [--semi-space-mb 64]
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { PrismaService } from '@frontier/platform-prisma';
import { createTestDatabase } from '@frontier/platform-testing';
import { Rng } from '@frontier/platform-util';
import { SnapshotBuilder } from '@frontier/recsys-ann';
import { FeatureStore, ImpressionRepository, type RankingCatalogRepository } from '@frontier/recsys-data-access';
import {
  itemFeatures,
  MODEL_INPUT_DIMS,
  MODEL_INPUT_LAYOUT,
  serializeModel,
  TwoTowerModel,
  userEventIncrements,
  zeroCounts,
  type Counts,
  type FeatureEvent,
  type ItemFeatures,
} from '@frontier/recsys-domain';
import {
  ImpressionLog,
  ItemCatalogService,
  LiveModelService,
  rankingSettings,
  RankingService,
  StoreRankingFeatures,
  TenantCatalog,
  type ItemRef,
} from '@frontier/recsys-nest';
import { GcMeter } from '../lib/gc-meter';
import { benchArgs, median, noPositionalArgs, printHeadline, round, usageError } from '../lib/harness';

const { flags } = benchArgs();
noPositionalArgs('ranking.ts [--sizes 100000,1000000] [--dim 64] [--k 10] [--requests 2000] ...');
const num = (name: string, dflt: number) => {
  const v = flags.get(name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) usageError(`--${name} ${v}: not a number`);
  return n;
};
/**
 * recsys-api ships with V8's young generation at 64 MB a semi-space (`npm run start:recsys-api`, README
 * "Recommender service"): 4× fewer scavenges on a catalogue-sized heap. The bench measures what ships, so it
 * re-runs itself under that flag unless it is already set; `--semi-space-mb 0` measures V8's default instead.
 */
const SEMI_SPACE_MB = num('semi-space-mb', 64);
if (SEMI_SPACE_MB > 0 && !process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
  const child = spawnSync(process.execPath, [`--max-semi-space-size=${SEMI_SPACE_MB}`, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}
const SIZES = (flags.get('sizes') ?? '100000,1000000').split(',').map((s) => Number(s));
if (SIZES.some((n) => !Number.isInteger(n) || n < 1000)) usageError(`--sizes ${flags.get('sizes')}: integers of at least 1000`);
const DIM = num('dim', 64);
const K = num('k', 10);
const REQUESTS = num('requests', 2000);
const BASELINE = num('baseline-requests', 200);
const HNSW = { m: num('m', 16), efConstruction: num('ef-construction', 64), efSearch: num('ef', 64), randomSeed: 100 };
const CANDIDATES = num('candidates', 200);
const CATEGORIES = num('categories', 1000);
const BUFFER = num('buffer', 1000);
const USERS = num('users', 1000);
const EPSILON = num('epsilon', 0.05);
const LOG = flags.get('no-log') !== 'true';
const TENANT = randomUUID();
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};
const stats = (xs: number[]) => ({ n: xs.length, p50_ms: round(pct(xs, 50), 3), p99_ms: round(pct(xs, 99), 3), mean_ms: round(xs.reduce((a, b) => a + b, 0) / xs.length, 3) });
const mb = () => Math.round(process.memoryUsage().rss / 1e6);
const say = (s: string) => process.stderr.write(`${s}\n`);

// ------------------------------------------------------------------ shared: users, model, features
const rng = new Rng(12345);
const centroids = Array.from({ length: CATEGORIES }, () => Float32Array.from({ length: DIM }, () => rng.normal()));
const users = Array.from({ length: USERS }, (_, u) => {
  const favourites = Array.from({ length: 1 + rng.nextInt(3) }, () => rng.nextInt(CATEGORIES));
  return { id: `user-${u}`, favourites };
});

/** The users' window counts in the real Redis feature store (the app's serving read). */
async function writeUserFeatures(store: FeatureStore, nowMs: number): Promise<void> {
  for (const u of users) {
    const events: FeatureEvent[] = [];
    u.favourites.forEach((c, rank) => {
      for (let e = 0; e < 6 - 2 * rank; e++) events.push({ userId: u.id, itemId: `x${e}`, category: `cat-${c}`, type: e % 3 === 0 ? 'watch' : 'click', watchSeconds: e % 3 === 0 ? 30 : null, atMs: nowMs - (1 + e) * 3_600_000 });
    });
    const ops = events.flatMap((e) => userEventIncrements(e, nowMs).map((inc) => ({ key: store.userBucketKey(TENANT, u.id, inc.window, inc.bucket), field: inc.field, by: inc.by, expiresAtMs: inc.expiresAtMs })));
    await store.applyBatch(TENANT, randomUUID(), ops);
  }
}

/** Synthetic item statistics (deterministic per item). */
function syntheticItem(index: number, nowMs: number): ItemFeatures {
  const r = new Rng(index + 1);
  const counts = (impressions: number): Counts => ({ ...zeroCounts(), impression: impressions, click: Math.round(impressions * 0.05 * r.next()), watch: Math.round(impressions * 0.02), wds: impressions * 3, wds2: impressions * 12 });
  const total = counts(r.nextInt(5_000));
  return itemFeatures({ meta: { createdAtMs: nowMs - r.nextInt(30 * 86_400_000), creator: 'c', category: 'x' }, total, creator: counts(20_000), windows: { '1h': counts(r.nextInt(60)), '24h': counts(r.nextInt(800)), '7d': counts(r.nextInt(4_000)) } }, nowMs);
}

/**
 * The app's StoreRankingFeatures (its item cache included) over a store whose user reads are the
 * real Redis FeatureStore's and whose item reads are synthetic (no item counts in Redis here: a real
 * cold read is timed apart).
 */
function benchFeatures(store: FeatureStore, indexOf: (id: string) => number): StoreRankingFeatures {
  const hybrid = {
    readUser: (t: string, u: string, nowMs: number) => store.readUser(t, u, nowMs),
    itemsVersion: async () => 1,
    readItems: async (_t: string, ids: readonly string[], nowMs: number) => new Map(ids.map((id) => [id, syntheticItem(indexOf(id), nowMs)])),
  } as unknown as FeatureStore;
  return new StoreRankingFeatures(hybrid, { versionCheckMs: 3_600_000 });
}

/** The catalogue service with this size's catalogue in place (no Postgres behind it). */
class BenchCatalogs extends ItemCatalogService {
  constructor(private readonly c: TenantCatalog) {
    super(null as unknown as RankingCatalogRepository, rankingSettings());
  }
  override async catalog(): Promise<TenantCatalog> {
    return this.c;
  }
  override async popular(): Promise<{ ids: string[]; engagements: Map<string, number> }> {
    return { ids: [], engagements: new Map() };
  }
}

const model = new TwoTowerModel({ ...MODEL_INPUT_DIMS }, 7);
const blob = serializeModel(model, { layout: MODEL_INPUT_LAYOUT, version: 'bench' });
const liveModels = () => new LiveModelService({ liveSummary: async () => ({ id: 'bench-model', version: 1 }), live: async () => ({ id: 'bench-model', version: 1, weights: blob }) }, 3_600_000);
const noLog = new ImpressionLog({ ensurePartitions: async () => 0, insertBatch: async (rows) => rows.length });
const settings = rankingSettings({ epsilon: EPSILON, candidates: CANDIDATES, popularCandidates: 0 });

// ------------------------------------------------------------------ one size
async function runSize(n: number, store: FeatureStore) {
  const t0 = performance.now();
  const indexed = n - BUFFER;
  const builder = new SnapshotBuilder(DIM, indexed);
  const ids: string[] = new Array(n);
  const item = (i: number) => {
    const c = i % CATEGORIES;
    const v = new Float32Array(DIM);
    const base = centroids[c] as Float32Array;
    for (let j = 0; j < DIM; j++) v[j] = base[j] + 0.9 * rng.normal();
    ids[i] = `item-${i}`;
    return { id: `item-${i}`, creator: `creator-${i % Math.max(1, Math.floor(n / 20))}`, category: `cat-${c}`, vector: v, createdAtMs: Date.now() - (n - i) * 1000 };
  };
  for (let i = 0; i < indexed; i++) builder.add(item(i));
  const genMs = performance.now() - t0;
  say(`[${n}] generated ${indexed} items × ${DIM} in ${Math.round(genMs)} ms; building HNSW (M=${HNSW.m}, efConstruction=${HNSW.efConstruction}) ...`);
  const snapshot = builder.build({ buildId: `bench-${n}`, tenantId: TENANT, startedAt: new Date().toISOString(), watermark: new Date().toISOString() }, HNSW);
  say(`[${n}] built in ${snapshot.meta.buildMs} ms (rss ${mb()} MB)`);
  const catalog = new TenantCatalog(TENANT, DIM, snapshot);
  const now = new Date();
  catalog.apply(
    Array.from({ length: BUFFER }, (_, b) => {
      const it = item(indexed + b);
      return { id: it.id, creator: it.creator, category: it.category, embedding: it.vector, createdAt: now, updatedAt: now, deletedAt: null };
    }),
  );
  const indexOf = (id: string) => Number(id.slice(5));
  const features = benchFeatures(store, indexOf);
  const models = liveModels();
  const svc = new RankingService(new BenchCatalogs(catalog), features, models, noLog, settings);

  // retrieval alone: one favourite-category query, the app's budget, ANN vs exact, and ANN's recall
  const annQ: number[] = [];
  const exactQ: number[] = [];
  let recall = 0;
  const RQ = Math.min(200, BASELINE);
  for (let q = 0; q < RQ; q++) {
    const query = catalog.centroid(`cat-${(q * 7919) % CATEGORIES}`) as Float32Array;
    let t = performance.now();
    const a = catalog.search(query, CANDIDATES);
    annQ.push(performance.now() - t);
    t = performance.now();
    const e = catalog.searchExact(query, CANDIDATES);
    exactQ.push(performance.now() - t);
    const got = new Set(a.map((h) => h.id));
    recall += e.filter((h) => got.has(h.id)).length / e.length;
  }

  // steady state: every item's features and item-tower embedding cached, as after the first
  // requests following an item-stats run (a cold read is timed apart, above)
  const tw = performance.now();
  const live = await models.get(TENANT);
  for (let from = 0; from < n; from += 1000) {
    const refs: ItemRef[] = [];
    for (let i = from; i < Math.min(n, from + 1000); i++) refs.push(catalog.entry(ids[i] as string) as ItemRef);
    const f = await features.items(TENANT, refs, Date.now());
    live?.itemEmbeddings(
      refs.map((r) => r.id),
      features.itemsVersion(TENANT),
      (i) => f.input(i),
    );
  }
  const warmMs = performance.now() - tw;
  say(`[${n}] caches warmed in ${Math.round(warmMs)} ms (rss ${mb()} MB)`);

  // the whole path, interleaved: every (REQUESTS / BASELINE)-th request also runs the baseline
  for (let w = 0; w < 200; w++) await svc.recommend(TENANT, { userId: (users[w % USERS] as { id: string }).id, surface: 'home', k: K });
  for (let w = 0; w < 5; w++) await svc.recommend(TENANT, { userId: (users[w] as { id: string }).id, surface: 'home', k: K }, { retrieval: 'exact' });
  const ann: number[] = [];
  const exact: number[] = [];
  let annCpu = 0;
  let exactCpu = 0;
  let cold = 0;
  let explored = 0;
  const every = Math.max(1, Math.floor(REQUESTS / Math.max(1, BASELINE)));
  const gcMeter = new GcMeter();
  for (let r = 0; r < REQUESTS; r++) {
    const user = (users[(r * 31) % USERS] as { id: string }).id;
    let c = process.cpuUsage();
    let t = performance.now();
    const out = await svc.recommend(TENANT, { userId: user, surface: 'home', k: K });
    ann.push(performance.now() - t);
    c = process.cpuUsage(c);
    annCpu += (c.user + c.system) / 1000;
    if (out.items.length !== K) throw new Error(`expected ${K} items, got ${out.items.length}`);
    if (out.coldStart) cold++;
    if (out.items.some((i) => i.explored)) explored++;
    if (r % every === 0 && exact.length < BASELINE) {
      c = process.cpuUsage();
      t = performance.now();
      await svc.recommend(TENANT, { userId: user, surface: 'home', k: K }, { retrieval: 'exact' });
      exact.push(performance.now() - t);
      c = process.cpuUsage(c);
      exactCpu += (c.user + c.system) / 1000;
      gcMeter.sample();
    }
    gcMeter.sample();
  }
  const gc = await gcMeter.stop();
  const res = {
    items: n,
    indexed,
    buffered: BUFFER,
    generate_ms: Math.round(genMs),
    build_ms: snapshot.meta.buildMs,
    cache_warm_ms: Math.round(warmMs),
    rss_mb: mb(),
    retrieval: { query_k: CANDIDATES, ann: stats(annQ), exact: stats(exactQ), ann_recall: round(recall / RQ, 4) },
    full_path_ann: { ...stats(ann), cpu_ms_per_request: round(annCpu / ann.length, 3) },
    full_path_brute_force: { ...stats(exact), cpu_ms_per_request: round(exactCpu / Math.max(1, exact.length), 3) },
    gc,
    load_avg_1m: round(loadavg()[0] as number, 2),
    cold_start_share: round(cold / REQUESTS, 4),
    explored_slate_share: round(explored / REQUESTS, 4),
  };
  say(`[${n}] ${JSON.stringify(res)}`);
  return { res, catalog, features, models };
}

// ------------------------------------------------------------------ impression logging, measured apart
async function measureLogging(svcFor: (log: ImpressionLog) => RankingService) {
  const db = await createTestDatabase('bench_ranking');
  const prisma = new PrismaService({ databaseUrl: db.url, poolSize: 10 });
  await prisma.$connect();
  try {
    await prisma.$executeRawUnsafe(`INSERT INTO tenants (id, name) VALUES ($1::uuid, 'bench')`, TENANT);
    const rows = () => {
      const requestId = randomUUID();
      const shownAt = new Date();
      return Array.from({ length: K }, (_, j) => ({ requestId, position: j, tenantId: TENANT, userId: 'u', itemId: `item-${j}`, surface: 'home', modelVersion: 'bench', policy: 'epsilon-greedy', propensity: 0.95, score: 0.1, explored: false, shownAt }));
    };
    const out: Record<string, unknown> = {};
    let written = 0;
    for (const durable of [true, false]) {
      const log = new ImpressionLog(new ImpressionRepository(prisma), { durable });
      for (let w = 0; w < 50; w++) await log.write(rows());
      const seq: number[] = [];
      for (let r = 0; r < 500; r++) {
        const t = performance.now();
        await log.write(rows());
        seq.push(performance.now() - t);
      }
      // 16 requests in flight: group commit puts the rows of all waiting requests in one INSERT
      const conc: number[] = [];
      const inserts0 = log.stats.inserts;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let r = 0; r < 125; r++) {
            const t = performance.now();
            await log.write(rows());
            conc.push(performance.now() - t);
          }
        }),
      );
      const concMs = performance.now() - t0;
      const svc = svcFor(log);
      const full: number[] = [];
      for (let r = 0; r < 500; r++) {
        const t = performance.now();
        await svc.recommend(TENANT, { userId: (users[(r * 31) % USERS] as { id: string }).id, surface: 'home', k: K });
        full.push(performance.now() - t);
      }
      written += log.stats.rows;
      out[durable ? 'durable' : 'synchronous_commit_off'] = {
        write_sequential: stats(seq),
        write_16_in_flight: { ...stats(conc), requests_per_s: Math.round(2000 / (concMs / 1000)), rows_per_insert: round((2000 * K) / (log.stats.inserts - inserts0), 1) },
        full_path_ann_with_logging: stats(full),
      };
    }
    const stored = Number((await prisma.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM recsys_impressions`))[0]?.n);
    return { ...out, rows_written: written, rows_stored: stored };
  } finally {
    await prisma.$disconnect();
    await db.drop();
  }
}

async function main(): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  const prefix = `bench-ranking-${randomUUID().slice(0, 8)}`;
  const store = new FeatureStore(redis, prefix);
  try {
    await writeUserFeatures(store, Date.now());
    // a cold item-feature read: what a request pays for candidates the cache has not seen since the last item-stats run
    const coldReads: number[] = [];
    for (let r = 0; r < 20; r++) {
      const t = performance.now();
      await store.readItems(TENANT, Array.from({ length: CANDIDATES }, (_, i) => `item-${r * CANDIDATES + i}`), Date.now());
      coldReads.push(performance.now() - t);
    }
    say(`cold item-feature read of ${CANDIDATES} candidates from Redis: p50 ${round(median(coldReads), 2)} ms`);
    const sizes: Record<string, unknown> = {};
    let logging: unknown = null;
    for (const n of SIZES) {
      const { res, catalog, features, models } = await runSize(n, store);
      sizes[String(n)] = res;
      if (LOG && n === SIZES[0]) {
        say(`[${n}] impression logging on a real Postgres (group commit) ...`);
        logging = await measureLogging((log) => new RankingService(new BenchCatalogs(catalog), features, models, log, settings));
        say(`[${n}] logging ${JSON.stringify(logging)}`);
      }
      if (global.gc) global.gc();
    }
    const p99s = SIZES.map((n) => (sizes[String(n)] as { full_path_ann: { p99_ms: number } }).full_path_ann.p99_ms);
    printHeadline('recsys-ranking', {
      load_avg_1m: round(loadavg()[0] as number, 2),
      v8_max_semi_space_mb: process.execArgv.find((a) => a.startsWith('--max-semi-space-size'))?.split('=')[1] ?? 'default',
      cpus: cpus().length,
      k: K,
      dim: DIM,
      hnsw: HNSW,
      candidates: CANDIDATES,
      epsilon: EPSILON,
      requests: REQUESTS,
      baseline_requests: BASELINE,
      cold_item_feature_read_p50_ms: round(median(coldReads), 2),
      sizes,
      impression_logging: logging,
      target_p99_ms: 10,
      target_met: p99s.every((p) => p <= 10),
    });
  } finally {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
