/**
 * Memory search under load (issue 14): N searches at concurrency C through memory-api's real HTTP
 * path — memory-api started as its own process (`apps/memory-api/src/main.ts`, production wiring:
 * pino request logs, API-key auth, Redis rate limiter, metrics), on a private Postgres database
 * and Redis prefix — with LoCoMo users: each user is one conversation ingested through the real
 * pipeline (every turn an observation, USE-lite vectors, encrypted at rest). Queries are the
 * conversation's own questions and turns (a turn is sent as the current turn with the 3 turns
 * before it as `recent_turns`), drawn without replacement per user; a share `--repeat` of the
 * requests re-asks an earlier query of the same user (the repeat rate actually sent is printed).
 *
 * Rows (one server start each, the same request list; a row named twice runs twice, reported as
 * `row.2`: interleave `--rows before,shipped,before,shipped`): `shipped` (memory-api's defaults),
 * `baseline` (MEMORY_QUERY_EMBEDDING=direct: USE-lite on every request, as before issue 14) and,
 * with `--rows`, `model` (USE-lite micro-batched across requests + query LRU), `nocache`
 * (MEMORY_LIVE_CACHE_ROWS=0: candidates read and decrypted per search) and `quiet` (LOG_LEVEL=warn:
 * no per-request log line); `before` (the memory-api of another checkout, `--before <dir>`: e.g. `git
 * archive <commit>` unpacked with node_modules and the generated Prisma client linked — the previous
 * code as a baseline in the same run), `w1`/`w2`/`w3` (MEMORY_API_WORKERS) and `semi32`/`w2semi32`
 * (V8's young generation at 32 MB). Per row: req/s,
 * latency p50/p95/p99, the server's CPU per request (/proc, all threads), the bench database's
 * Postgres backends' CPU per request over the same window (`pgCpuMsPerReq`), the embedding's share
 * of it (the query embedder's cost per query measured alone in this process on the same texts,
 * over the server's CPU per request), and the 1-minute load average before and after.
 *
 * Open loop (`--rate 200,1000`): after the closed-loop run, each rate sends `rate × --rate-s` requests
 * at fixed arrival times whatever the answers do; latency counts from each request's scheduled
 * time, `behind` counts requests the generator itself sent more than 10 ms late, `okPerS` the
 * answers that were 200 (overload becomes 503s when Postgres pool waits pass their bound).
 * `--profile <dir>`: memory-api (every cluster process) runs with --cpu-prof; the busy samples of
 * the closed-loop window are split by component of the request path (lib/profile-summary.ts).
 *
 *   node -r @swc-node/register bench/memory/search-load.ts [--locomo ../shared/data/locomo-dev.json]
 *     [--n 2000] [--c 50] [--users 6] [--repeat 0.1] [--recent 1] [--rows shipped,baseline] [--warmup 300]
 *     [--rate 200,500,1000] [--rate-s 3] [--before <dir>]
 *     [--profile <dir>] [--keep 1] [--db <url> --key <api key>]
 *
 * Seeding goes through the whole ingest pipeline (minutes on a busy machine): `--keep 1` leaves the
 * seeded database in place and prints `--db … --key …` for the next runs to reuse it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { turnObservationExtractor } from '@frontier/memory-domain';
import { createQueryEmbedder, createUseEmbedder, type QueryEmbeddingMode } from '@frontier/ml-embeddings';
import { mintApiKey } from '@frontier/platform-nest';
import { createTestRedis } from '@frontier/platform-testing';
import { benchArgs, datasetPath, printHeadline, round, usageError } from '../lib/harness';
import { benchEmbedder, openBenchDb, percentile } from './lib/bench-db';
import { createBenchMemory } from './lib/bench-memory';
import { loadLocomo, turnText, type LocomoConversation } from './lib/locomo-data';
import { ingestConversation } from './lib/locomo-ingest';
import { makeRng } from './lib/seed';
import { profileSummary } from './lib/profile-summary';

const ROOT = path.resolve(__dirname, '../..');
const locomo = datasetPath('locomo', '../shared/data/locomo-dev.json', { what: 'the LoCoMo conversations (JSON)' });
const { flags } = benchArgs();
const num = (name: string, def: number, min: number, max: number): number => {
  const v = Number(flags.get(name) ?? def);
  if (!Number.isFinite(v) || v < min || v > max) usageError(`--${name} must be a number from ${min} to ${max}, got ${flags.get(name)}`);
  return v;
};
const N = num('n', 2000, 1, 1_000_000);
const C = num('c', 50, 1, 1000);
const USERS = num('users', 6, 1, 1000);
const REPEAT = num('repeat', 0.1, 0, 1);
const WARMUP = num('warmup', 300, 0, 100_000);
/** Share of the turn queries sent with the 3 turns before them as `recent_turns` (0: every query a single short text). */
const RECENT = num('recent', 1, 0, 1);
const ROWS = (flags.get('rows') ?? 'shipped,baseline').split(',');
/** `--profile <dir>`: memory-api runs with --cpu-prof; self time per package/library is printed per row. */
const PROFILE = flags.get('profile');
const KEEP = flags.has('keep');
const REUSE = flags.get('db') ? { url: flags.get('db') as string, key: flags.get('key') ?? usageError('--db needs --key (printed by the --keep run)') } : null;
/** `--rate r1,r2`: open-loop runs after the closed one, requests sent at these arrival rates (req/s) for `--rate-s` seconds each. */
const RATES = (flags.get('rate') ?? '').split(',').filter(Boolean).map(Number);
if (RATES.some((r) => !Number.isFinite(r) || r <= 0 || r > 100_000)) usageError(`--rate must list arrival rates in req/s, got ${flags.get('rate')}`);
const RATE_S = num('rate-s', 3, 0.5, 600);
/** A request sent more than this after its scheduled time counts as fallen behind (the generator could not keep the rate). */
const LATE_MS = 10;
/** `--before <dir>`: a checkout of an earlier commit (node_modules linked) whose memory-api the `before` row runs. */
const BEFORE = flags.get('before');
const ROW_ENV: Record<string, Record<string, string>> = {
  shipped: {},
  // the previous code (--before <dir>) with its own defaults
  before: {},
  // this code, one process (MEMORY_API_WORKERS=1) / two worker processes
  w1: { MEMORY_API_WORKERS: '1' },
  w2: { MEMORY_API_WORKERS: '2' },
  w3: { MEMORY_API_WORKERS: '3' },
  // V8's young generation raised (fewer scavenges): one process, and two workers
  semi32: { MEMORY_API_WORKERS: '1', NODE_OPTIONS: '--max-semi-space-size=32' },
  w2semi32: { MEMORY_API_WORKERS: '2', MEMORY_API_SEMI_SPACE_MB: '32' },
  baseline: { MEMORY_QUERY_EMBEDDING: 'direct' },
  model: { MEMORY_QUERY_EMBEDDING: 'model' },
  // issue 14: candidates read and decrypted per search (no live-row cache), request logs off (LOG_LEVEL=warn)
  nocache: { MEMORY_LIVE_CACHE_ROWS: '0' },
  quiet: { LOG_LEVEL: 'warn' },
};
for (const r of ROWS) if (!ROW_ENV[r]) usageError(`--rows: unknown row "${r}" (rows: ${Object.keys(ROW_ENV).join(', ')})`);
if (ROWS.includes('before') && !BEFORE) usageError('--rows before needs --before <dir>: a checkout of the earlier commit with node_modules linked');

interface Req {
  user: string;
  query: string;
  recent?: string[];
}

/** Per user: its conversation's questions, and its turns with the 3 before them; shuffled. */
function requestList(convs: LocomoConversation[], next: () => number): { list: Req[]; repeats: number; meanWords: number } {
  const pools = Array.from({ length: USERS }, (_, u) => {
    const conv = convs[u % convs.length] as LocomoConversation;
    const turns = conv.sessions.flatMap((s) => s.turns.map(turnText));
    const items: Req[] = [...conv.questions.map((q) => ({ user: `load-${u}`, query: q.question })), ...turns.map((t, i) => ({ user: `load-${u}`, query: t, ...(i >= 3 && next() < RECENT ? { recent: turns.slice(i - 3, i) } : {}) }))];
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [items[i], items[j]] = [items[j] as Req, items[i] as Req];
    }
    return { items, sent: [] as Req[] };
  });
  const list: Req[] = [];
  const seen = new Set<string>();
  let repeats = 0;
  for (let i = 0; i < N; i++) {
    const p = pools[Math.floor(next() * USERS)] as (typeof pools)[number];
    const r = (p.sent.length && next() < REPEAT) || !p.items.length ? (p.sent[Math.floor(next() * p.sent.length)] as Req) : (p.items.pop() as Req);
    p.sent.push(r);
    const key = `${r.user}\u0000${[...(r.recent ?? []), r.query].join('\n')}`;
    if (seen.has(key)) repeats++;
    seen.add(key);
    list.push(r);
  }
  const words = list.reduce((n, r) => n + [...(r.recent ?? []), r.query].join(' ').split(/\s+/).length, 0);
  return { list, repeats, meanWords: words / list.length };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: C });
/** Open loop: enough sockets that the generator, not the pool, decides when a request leaves. */
const openAgent = new http.Agent({ keepAlive: true, maxSockets: 512 });

function post(port: number, key: string, r: Req, via = agent, t0 = performance.now()): Promise<{ status: number; ms: number }> {
  const body = JSON.stringify({ user_id: r.user, query: r.query, ...(r.recent ? { recent_turns: r.recent } : {}), limit: 5 });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/memories/search', method: 'POST', agent: via, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function runLoad(port: number, key: string, list: Req[], concurrency: number): Promise<{ ms: number[]; errors: Map<number, number>; wallMs: number }> {
  const ms: number[] = [];
  const errors = new Map<number, number>();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < list.length) {
        const r = await post(port, key, list[next++] as Req);
        ms.push(r.ms);
        if (r.status !== 200) errors.set(r.status, (errors.get(r.status) ?? 0) + 1);
      }
    }),
  );
  return { ms, errors, wallMs: performance.now() - t0 };
}

/**
 * Open loop: request i leaves at start + i / rate whatever the answers do (no coordinated
 * omission); its latency counts from that scheduled instant, so queueing anywhere — the
 * generator, the sockets, the server — is in it. `behind`: requests sent more than LATE_MS after
 * their slot (the generator itself could not keep up).
 */
async function runOpen(port: number, key: string, list: Req[], rate: number, count: number): Promise<{ ms: number[]; errors: Map<number, number>; wallMs: number; behind: number }> {
  const ms: number[] = [];
  const errors = new Map<number, number>();
  const pending: Array<Promise<void>> = [];
  let behind = 0;
  const t0 = performance.now();
  for (let i = 0; i < count; ) {
    const now = performance.now();
    for (; i < count && t0 + (i * 1000) / rate <= now; i++) {
      const due = t0 + (i * 1000) / rate;
      if (now - due > LATE_MS) behind++;
      pending.push(
        post(port, key, list[i % list.length] as Req, openAgent, due).then(
          (r) => {
            ms.push(r.ms);
            if (r.status !== 200) errors.set(r.status, (errors.get(r.status) ?? 0) + 1);
          },
          () => void errors.set(-1, (errors.get(-1) ?? 0) + 1),
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  return { ms, errors, wallMs: performance.now() - t0, behind };
}

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

/** utime + stime of a process, all its threads, plus its live children's (cluster workers) (ms). */
function cpuMs(pid: number): number {
  let f: string;
  try {
    f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  let ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ = 100
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) ms += cpuMs(Number(child));
  }
  return ms;
}

async function startApi(env: NodeJS.ProcessEnv, port: number, profileDir?: string, root = ROOT): Promise<ChildProcess> {
  const prof = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...prof, '-r', '@swc-node/register', 'apps/memory-api/src/main.ts'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`memory-api exited with ${child.exitCode} at start`);
    const ok = await new Promise<boolean>((resolve) => {
      http.get({ host: '127.0.0.1', port, path: '/readyz' }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      }).on('error', () => resolve(false));
    });
    if (ok) return child;
    if (Date.now() - t0 > 180_000) throw new Error('memory-api not ready within 180 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}

const stop = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

/** The query embedder's own cost per query (ms, one at a time), on the request texts, measured in this process. */
async function embedCostMs(mode: QueryEmbeddingMode | 'shipped', texts: string[]): Promise<number> {
  const use = await createUseEmbedder({ inline: true });
  const q = mode === 'direct' ? use : await createQueryEmbedder(use, mode === 'shipped' ? {} : { mode });
  for (const t of texts.slice(0, 20)) await q.embed([t]);
  const t0 = performance.now();
  for (const t of texts) await q.embed([t]);
  const ms = (performance.now() - t0) / texts.length;
  await use.close?.();
  return ms;
}

const monoUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** CPU (ms, /proc) of every Postgres backend connected to the bench database now, by pid (the bench's own connection left out). */
async function pgBackendsCpu(pg: Pool): Promise<Map<number, number>> {
  const { rows } = await pg.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  return new Map(rows.map((r) => [r.pid, cpuMs(r.pid)]));
}

/** Postgres CPU spent between two {@link pgBackendsCpu} readings (a backend opened in between counts whole). */
const pgCpuSince = (before: Map<number, number>, after: Map<number, number>): number => [...after].reduce((ms, [pid, t]) => ms + t - (before.get(pid) ?? 0), 0);

async function main(): Promise<void> {
  const t0 = performance.now();
  const convs = loadLocomo(locomo);
  const redis = await createTestRedis('searchload');
  const rows: Record<string, Record<string, unknown>> = {};
  /** Per row: the closed-loop run's window (CLOCK_MONOTONIC µs) for the profile summary. */
  const measured: Record<string, [number, number]> = {};
  let db: Awaited<ReturnType<typeof openBenchDb>> | null = null;
  try {
    let url: string;
    let key: string;
    let memories: number | null = null;
    if (REUSE) {
      ({ url, key } = REUSE);
    } else {
      db = await openBenchDb('search_load');
      url = db.url;
      // users: each a LoCoMo conversation through the real pipeline (vectors disk-cached under tmp/)
      const seedEmbedder = benchEmbedder('tmp/memory-bench/search-load-embeddings.json');
      const deps = createBenchMemory({ prisma: db.prisma, embedder: seedEmbedder, extractor: turnObservationExtractor });
      memories = 0;
      for (let u = 0; u < USERS; u++) memories += (await ingestConversation(deps, { tenantId: db.tenantId, userId: `load-${u}` }, convs[u % convs.length] as LocomoConversation)).added;
      seedEmbedder.save();
      await seedEmbedder.close();
      await deps.ctx.index.close();
      process.stderr.write(`seeded ${USERS} users, ${memories} memories in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      const minted = mintApiKey();
      await db.prisma.apiKey.create({ data: { tenantId: db.tenantId, name: 'load', scopes: ['memory:*'], prefix: minted.prefix, secretHash: minted.secretHash } });
      key = minted.plaintext;
      if (KEEP) process.stderr.write(`kept: --db ${url} --key ${key} --users ${USERS}\n`);
    }
    const next = makeRng(14);
    const { list, repeats, meanWords } = requestList(convs, next);
    const warm: Req[] = [...Array.from({ length: USERS }, (_, u) => ({ user: `load-${u}`, query: 'hello again' })), ...Array.from({ length: WARMUP }, (_, i) => ({ user: `load-${i % USERS}`, query: `what do you remember about ${['work', 'family', 'travel', 'music', 'school', 'pets', 'books', 'food'][i % 8]} number ${i}?` }))];
    const sample = list.filter((_, i) => i % Math.max(1, Math.floor(list.length / 200)) === 0).map((r) => [...(r.recent ?? []), r.query].join('\n'));

    const pg = new Pool({ connectionString: url, max: 1 });
    const seen = new Map<string, number>();
    for (const row of ROWS) {
      // a row named again (interleaved repeats: --rows before,shipped,before,shipped) is reported as row.2, row.3, …
      const k = (seen.get(row) ?? 0) + 1;
      seen.set(row, k);
      const name = k === 1 ? row : `${row}.${k}`;
      const port = await freePort();
      const env = { ...process.env, NODE_ENV: 'development', DATABASE_URL: url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, PORT: String(port), HOST: '127.0.0.1', RATE_LIMIT_PER_KEY: '1000000', ...ROW_ENV[row] };
      const profileDir = PROFILE ? path.resolve(PROFILE, name) : undefined;
      const child = await startApi(env, port, profileDir, row === 'before' ? path.resolve(BEFORE as string) : ROOT);
      try {
        await runLoad(port, key, warm.slice(0, USERS), 1); // each user's index resident
        await runLoad(port, key, warm.slice(USERS), Math.min(C, 10));
        const loadBefore = os.loadavg()[0] as number;
        const pg0 = await pgBackendsCpu(pg);
        const cpu0 = cpuMs(child.pid as number);
        const w0 = monoUs();
        const r = await runLoad(port, key, list, C);
        measured[name] = [w0, monoUs()];
        const serverCpuPerReq = (cpuMs(child.pid as number) - cpu0) / list.length;
        const pgCpuPerReq = pgCpuSince(pg0, await pgBackendsCpu(pg)) / list.length;
        const loadAfter = os.loadavg()[0] as number;
        const open: Record<string, unknown> = {};
        for (const rate of RATES) {
          const count = Math.max(1, Math.round(rate * RATE_S));
          const l0 = os.loadavg()[0] as number;
          const c0 = cpuMs(child.pid as number);
          const o = await runOpen(port, key, list, rate, count);
          open[String(rate)] = {
            sent: count,
            achievedReqPerS: round((count / o.wallMs) * 1000, 1),
            // answered 200 per second (overload turns into 503s: Postgres pool waits past their bound)
            okPerS: round(((count - [...o.errors.values()].reduce((x, y) => x + y, 0)) / o.wallMs) * 1000, 1),
            p50: round(percentile(o.ms, 50), 2),
            p95: round(percentile(o.ms, 95), 2),
            p99: round(percentile(o.ms, 99), 2),
            behind: o.behind,
            errors: Object.fromEntries(o.errors),
            serverCpuMsPerReq: round((cpuMs(child.pid as number) - c0) / count, 3),
            load1: [round(l0, 2), round(os.loadavg()[0] as number, 2)],
          };
          process.stdout.write(`${name} open ${rate}/s: ${JSON.stringify(open[String(rate)])}\n`);
          await new Promise((r) => setTimeout(r, 1000)); // let the backlog of one rate clear before the next
        }
        const embedMs = row === 'model' ? null : await embedCostMs(row === 'baseline' ? 'direct' : 'shipped', sample);
        rows[name] = {
          reqPerS: round((list.length / r.wallMs) * 1000, 1),
          p50: round(percentile(r.ms, 50), 2),
          p95: round(percentile(r.ms, 95), 2),
          p99: round(percentile(r.ms, 99), 2),
          errors: Object.fromEntries(r.errors),
          serverCpuMsPerReq: round(serverCpuPerReq, 3),
          // the database's backends over the same window (the version check per search)
          pgCpuMsPerReq: round(pgCpuPerReq, 3),
          embedMsPerQuery: embedMs === null ? null : round(embedMs, 3),
          embeddingShare: embedMs === null ? null : round(Math.min(1, embedMs / serverCpuPerReq), 3),
          load1: [round(loadBefore, 2), round(loadAfter, 2)],
          ...(RATES.length ? { open } : {}),
        };
        process.stdout.write(`${name}: ${JSON.stringify(rows[name])}\n`);
      } finally {
        await stop(child);
      }
      if (profileDir) process.stdout.write(`${name} profile (shares of memory-api's busy CPU samples during the closed-loop run, all processes): ${JSON.stringify(profileSummary(profileDir, measured[name]))}\n`);
    }
    await pg.end();
    const shipped = rows['shipped'] as { reqPerS: number; p95: number } | undefined;
    printHeadline('memory-search-load', {
      n: N,
      concurrency: C,
      users: USERS,
      memories,
      repeatRate: round(repeats / list.length, 3),
      recentShare: RECENT,
      meanQueryWords: round(meanWords, 1),
      cores: os.cpus().length,
      ...rows,
      targetReqPerS: 1000,
      targetP95Ms: 50,
      targetMet: shipped ? shipped.reqPerS >= 1000 && shipped.p95 <= 50 : null,
      seconds: round((performance.now() - t0) / 1000, 1),
    });
  } finally {
    agent.destroy();
    openAgent.destroy();
    await redis.cleanup();
    if (db) await (KEEP ? db.prisma.$disconnect() : db.close());
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
