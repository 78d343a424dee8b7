/**
 * BullMQ throughput on Redis Cluster vs a single Redis (issue 17, item 1), same run, both started
 * by the bench itself (private instances on loopback, no persistence):
 *   shipped        — a single redis-server, what tools/services/services.sh runs by default; the
 *                    queue prefix hash-tagged `{bench}` as every Frontier queue is;
 *   cluster        — a 3-master Redis Cluster (REDIS_CLUSTER_NODES), the same `{bench}` prefix: every
 *                    queue of a deployment lives in that one slot, so on one master;
 *   cluster-spread — the same cluster with `--queues` queues, each under its own hash tag
 *                    (`{bench-0}`, `{bench-1}`, …), so the queues spread over the masters (what a
 *                    per-queue tag would buy; Frontier does not ship it).
 * Each row: add `--jobs` trivial jobs (Queue.addBulk in chunks of `--chunk`), then one Worker per
 * queue (total concurrency `--concurrency`) processes them; jobs/s for the add phase, the process
 * phase and end to end. The machine's load is printed: on a 2-core box the cluster's three
 * redis-servers compete with node for the same cores.
 *
 * The rows run interleaved `--repeats` times after an untimed warm-up round (JIT, connections);
 * each figure is the median of its row's repeats.
 *
 *   node -r @swc-node/register bench/platform/queue-cluster.ts [--jobs 20000] [--concurrency 50] [--queues 3] [--chunk 500] [--repeats 3]
 */
import { loadavg, cpus } from 'node:os';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { bullConnection, bullPrefix } from '@frontier/platform-queue';
import { createRedis, hashTag, type RedisClient, type RedisTarget } from '@frontier/platform-redis';
import { startPrivateRedis, startPrivateRedisCluster } from '@frontier/platform-testing';
import { benchArgs, median, printHeadline, round, usageError } from '../lib/harness';

const USAGE = 'bench/platform/queue-cluster.ts [--jobs 20000] [--concurrency 50] [--queues 3] [--chunk 500] [--repeats 3]';
const { flags, positional } = benchArgs();
if (positional.length) usageError(`unexpected argument ${positional.join(' ')}; usage: ${USAGE}`);
for (const k of flags.keys()) if (!['jobs', 'concurrency', 'queues', 'chunk', 'repeats'].includes(k)) usageError(`unknown flag --${k}; usage: ${USAGE}`);
const int = (name: string, dflt: number, min: number) => {
  const v = Number(flags.get(name) ?? dflt);
  if (!Number.isInteger(v) || v < min) usageError(`--${name} must be a whole number ≥ ${min}, got ${flags.get(name)}`);
  return v;
};
const JOBS = int('jobs', 20_000, 100);
const CONCURRENCY = int('concurrency', 50, 1);
const QUEUES = int('queues', 3, 1);
const CHUNK = int('chunk', 500, 1);
const REPEATS = int('repeats', 3, 1);

interface Row {
  addPerS: number;
  processPerS: number;
  endToEndPerS: number;
  queues: number;
}

/** The connection BullMQ gets: options for a single Redis, a (lazy) Cluster client it duplicates for a cluster. */
function connection(target: RedisTarget, owned: RedisClient[]): ConnectionOptions {
  if (!target.clusterNodes) return bullConnection(target.url);
  const c = createRedis(target, { ...bullConnection(target.url), lazyConnect: true });
  owned.push(c);
  return c;
}

async function measure(target: RedisTarget, prefixes: readonly string[], jobs = JOBS): Promise<Row> {
  const owned: RedisClient[] = [];
  const queues = prefixes.map((prefix) => new Queue('bench', { connection: connection(target, owned), prefix }));
  await Promise.all(queues.map((q) => q.waitUntilReady()));
  const t0 = performance.now();
  const adds: Promise<unknown>[] = [];
  for (let i = 0; i < jobs; i += CHUNK) {
    const n = Math.min(CHUNK, jobs - i);
    const q = queues[(i / CHUNK) % queues.length] as Queue;
    adds.push(q.addBulk(Array.from({ length: n }, (_, j) => ({ name: 'tick', data: { i: i + j }, opts: { removeOnComplete: true, removeOnFail: true } }))));
  }
  await Promise.all(adds);
  const t1 = performance.now();
  let done = 0;
  let finish: () => void = () => undefined;
  const all = new Promise<void>((r) => (finish = r));
  const per = Math.max(1, Math.ceil(CONCURRENCY / prefixes.length));
  const workers = prefixes.map((prefix) => {
    const w = new Worker('bench', async () => undefined, { connection: connection(target, owned), prefix, concurrency: per, autorun: false });
    w.on('completed', () => {
      if (++done === jobs) finish();
    });
    return w;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const t2 = performance.now();
  for (const w of workers) void w.run();
  await all;
  const t3 = performance.now();
  await Promise.all(workers.map((w) => w.close()));
  await Promise.all(queues.map((q) => q.close()));
  for (const c of owned) c.disconnect();
  return { addPerS: round(jobs / ((t1 - t0) / 1000), 0), processPerS: round(jobs / ((t3 - t2) / 1000), 0), endToEndPerS: round(jobs / ((t1 - t0 + t3 - t2) / 1000), 0), queues: prefixes.length };
}

async function main(): Promise<void> {
  const [single, cluster] = await Promise.all([startPrivateRedis(), startPrivateRedisCluster()]);
  try {
    const plan: Record<string, () => Promise<Row>> = {
      shipped: () => measure({ url: single.url }, [bullPrefix('bench')]),
      cluster: () => measure(cluster.target, [bullPrefix('bench')]),
      'cluster-spread': () => measure(cluster.target, Array.from({ length: QUEUES }, (_, i) => hashTag(`bench-${i}`))),
    };
    const load = [loadavg()[0]];
    await measure({ url: single.url }, [bullPrefix('warmup')], Math.min(JOBS, 1_000));
    await measure(cluster.target, [bullPrefix('warmup')], Math.min(JOBS, 1_000));
    const runs: Record<string, Row[]> = {};
    for (let r = 0; r < REPEATS; r++) for (const [name, run] of Object.entries(plan)) (runs[name] ??= []).push(await run());
    const rows: Record<string, Row> = {};
    for (const [name, rs] of Object.entries(runs)) {
      rows[name] = { addPerS: median(rs.map((x) => x.addPerS)), processPerS: median(rs.map((x) => x.processPerS)), endToEndPerS: median(rs.map((x) => x.endToEndPerS)), queues: rs[0]?.queues ?? 0 };
    }
    load.push(loadavg()[0]);
    for (const [name, r] of Object.entries(rows)) {
      process.stdout.write(`${name.padEnd(15)} queues ${r.queues}  add ${String(r.addPerS).padStart(7)} jobs/s  process ${String(r.processPerS).padStart(7)} jobs/s  end-to-end ${String(r.endToEndPerS).padStart(7)} jobs/s\n`);
    }
    printHeadline('platform/queue-cluster', {
      jobs: JOBS,
      concurrency: CONCURRENCY,
      chunk: CHUNK,
      repeats: REPEATS,
      cores: cpus().length,
      load1: load.map((l) => round(l ?? 0, 2)),
      shipped: rows['shipped'],
      cluster: rows['cluster'],
      clusterSpread: rows['cluster-spread'],
      clusterVsShipped: round((rows['cluster']?.endToEndPerS ?? 0) / (rows['shipped']?.endToEndPerS ?? 1), 3),
    });
  } finally {
    await Promise.all([single.dispose(), cluster.dispose()]);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
