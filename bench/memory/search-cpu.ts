/**
 * Memory search CPU per request (issue 14): the search use case (`MemoryService.search`, record on
 * as served) in process, timed by CPU rather than wall clock — wall-clock latency on this shared
 * 2-core machine measures the other helpers' load. Per row and case: `process.cpuUsage()` (this
 * process: Nest-free service, Prisma, decryption, index, ranking) and the CPU of this database's
 * Postgres backends (`/proc/<pid>/stat` of `pg_stat_activity` for the bench database) over `--n`
 * sequential searches, repeated `--repeats` times; the median is reported.
 *
 * Data (sealed with per-user data keys like production rows; sessions attached):
 * - `big`: one user × `--big` memories (default 10,000);
 * - `mix`: `--users` users (default 1,000) × `--per-user` memories (default 100), a random user per
 *   search (every user resident after the warm-up).
 * Queries: three vocabulary words in a question; the query vector is precomputed (random unit): the
 * search path without the query embedder (0.02–0.5 ms with the shipped static table, measured apart).
 *
 * Rows, same process and data: `shipped` (the service's defaults) and `nocache`
 * (`liveCacheRows: 0`: every search reads and decrypts its candidates from Postgres, as before).
 *
 *   node -r @swc-node/register bench/memory/search-cpu.ts [--n 400] [--repeats 3] [--big 10000]
 *     [--users 1000] [--per-user 100] [--rows shipped,nocache] [--profile <dir>] [--keep 1 | --db <url> --tenant <id>]
 *
 * `--profile <dir>`: a V8 CPU profile of each row's measured searches only (inspector), one file per
 * row and case. `--keep 1` leaves the seeded database and prints `--db … --tenant …` to reuse it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { PrismaService } from '@frontier/platform-prisma';
import os from 'node:os';
import type { TextEmbedder } from '@frontier/ml-ports';
import { MemoryCipher } from '@frontier/memory-data-access';
import type { MemoryOptions } from '@frontier/memory-nest';
import { benchArgs, median, printHeadline, round, usageError } from '../lib/harness';
import { openBenchDb, type BenchDb } from './lib/bench-db';
import { createBenchMemory, type BenchMemory } from './lib/bench-memory';
import { makeRng, randomUnit, seedMemories, vocabulary } from './lib/seed';

const { flags } = benchArgs();
const num = (name: string, def: number, min: number, max: number): number => {
  const v = Number(flags.get(name) ?? def);
  if (!Number.isFinite(v) || v < min || v > max) usageError(`--${name} must be a number from ${min} to ${max}, got ${flags.get(name)}`);
  return v;
};
const N = num('n', 400, 1, 100_000);
const REPEATS = num('repeats', 3, 1, 50);
const BIG = num('big', 10_000, 0, 100_000);
const USERS = num('users', 1000, 0, 100_000);
const PER_USER = num('per-user', 100, 1, 10_000);
const ROWS = (flags.get('rows') ?? 'shipped,nocache').split(',');
const DIM = 512;
const MODEL = 'use-lite-512';
const PROFILE = flags.get('profile');
const KEEP = flags.has('keep');
const REUSE = flags.get('db') ? { url: flags.get('db') as string, tenantId: flags.get('tenant') ?? usageError('--db needs --tenant (printed by the --keep run)') } : null;
const ROW_OPTIONS: Record<string, MemoryOptions> = { shipped: {}, nocache: { liveCacheRows: 0 } as MemoryOptions };
for (const r of ROWS) if (!ROW_OPTIONS[r]) usageError(`--rows: unknown row ${r} (shipped, nocache)`);

const next = makeRng(11);
const words = vocabulary();
const pick = () => words[Math.floor(next() * words.length)] as string;
const question = () => `what do you remember about ${pick()}, ${pick()} and ${pick()}?`;

/** Any text → a random unit vector (the search path without the query model). */
const precomputed: TextEmbedder = { modelId: MODEL, adapter: 'precomputed', dimension: DIM, embed: async (texts) => texts.map(() => randomUnit(DIM, next)) };

/** Sessions (one per 20 memories) and sealed texts, as the ingest pipeline leaves them. */
async function sealAndAttach(db: BenchDb, prefix: string, users: number): Promise<void> {
  const cipher = MemoryCipher.fromEnv(db.prisma);
  for (let u = 0; u < users; u++) {
    const scope = { tenantId: db.tenantId, userId: `${prefix}${u}` };
    const rows = await db.prisma.memory.findMany({ where: scope, select: { id: true, text: true }, orderBy: { id: 'asc' } });
    const seal = await cipher.sealer(scope);
    const sessions: string[] = [];
    for (let s = 0; s * 20 < rows.length; s++) {
      sessions.push((await db.prisma.memorySession.create({ data: { ...scope, externalId: `s${s}`, sourceHash: 'bench', status: 'processed', startedAt: new Date() }, select: { id: true } })).id);
    }
    await db.prisma.$executeRaw`
      UPDATE memories m SET text = t.s, session_id = t.sid::uuid, turn_ids = ARRAY[t.turn]
      FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => seal.text('memories.text', r.text))}::text[], ${rows.map((_, i) => sessions[Math.floor(i / 20)] as string)}::text[], ${rows.map((_, i) => `t${i % 20}`)}::text[]) AS t(id, s, sid, turn)
      WHERE m.id = t.id`;
  }
}

/** CPU seconds (user + system) of these Postgres backends so far (0 for one gone). */
function pgCpuMs(pids: number[]): number {
  const tick = 1000 / 100; // USER_HZ
  let ms = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ms += (Number(f[11]) + Number(f[12])) * tick;
    } catch {
      // the backend exited
    }
  }
  return ms;
}

async function backends(db: BenchDb): Promise<number[]> {
  const rows = await db.prisma.$queryRaw<Array<{ pid: number }>>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`;
  return rows.map((r) => r.pid);
}

interface CaseResult {
  nodeCpuMsPerSearch: number;
  pgCpuMsPerSearch: number;
  wallMsPerSearch: number;
  runs: Array<{ node: number; pg: number; wall: number }>;
}

/** `fn` under the V8 profiler when `--profile` is given (only the measured searches). */
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (!PROFILE) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(path.join(PROFILE, `search-cpu-${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

async function measure(db: BenchDb, deps: BenchMemory, user: () => string): Promise<CaseResult> {
  const ask = () => deps.svc.memories.search({ tenantId: db.tenantId, userId: user() }, { query: question(), limit: 10 });
  const runs: CaseResult['runs'] = [];
  for (let r = 0; r < REPEATS; r++) {
    const pids = await backends(db);
    const pg0 = pgCpuMs(pids);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) await ask();
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    runs.push({ node: round((c.user + c.system) / 1000 / N, 3), pg: round((pgCpuMs(pids) - pg0) / N, 3), wall: round(wall / N, 3) });
  }
  return { nodeCpuMsPerSearch: median(runs.map((x) => x.node)), pgCpuMsPerSearch: median(runs.map((x) => x.pg)), wallMsPerSearch: median(runs.map((x) => x.wall)), runs };
}

async function runRow(db: BenchDb, row: string): Promise<Record<string, CaseResult>> {
  const deps = createBenchMemory({ prisma: db.prisma, embedder: precomputed, index: { kind: 'embedded', residentUsers: USERS + 10 }, options: ROW_OPTIONS[row] as MemoryOptions });
  const out: Record<string, CaseResult> = {};
  try {
    if (BIG > 0) {
      const solo = () => 'solo0';
      for (let i = 0; i < 100; i++) await deps.svc.memories.search({ tenantId: db.tenantId, userId: solo() }, { query: question(), limit: 10 });
      out['big'] = await profiled(`${row}-big`, () => measure(db, deps, solo));
      process.stderr.write(`${row} big: ${JSON.stringify(out['big'])}\n`);
    }
    if (USERS > 0) {
      const any = () => `u${Math.floor(next() * USERS)}`;
      for (let u = 0; u < USERS; u++) await deps.svc.memories.search({ tenantId: db.tenantId, userId: `u${u}` }, { query: question(), limit: 10 }); // every user resident
      out['mix'] = await profiled(`${row}-mix`, () => measure(db, deps, any));
      process.stderr.write(`${row} mix: ${JSON.stringify(out['mix'])}\n`);
    }
  } finally {
    await deps.svc.memories.beforeApplicationShutdown();
    await deps.ctx.index.close();
  }
  return out;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const load0 = os.loadavg()[0] as number;
  const db: BenchDb = REUSE ? await reuse(REUSE.url, REUSE.tenantId) : await openBenchDb('search-cpu', 4);
  try {
    if (!REUSE) {
      if (BIG > 0) await seedMemories(db.url, { tenantId: db.tenantId, users: 1, perUser: BIG, dim: DIM, modelId: MODEL, userPrefix: 'solo' });
      if (BIG > 0) await sealAndAttach(db, 'solo', 1);
      if (USERS > 0) await seedMemories(db.url, { tenantId: db.tenantId, users: USERS, perUser: PER_USER, dim: DIM, modelId: MODEL, userPrefix: 'u' });
      if (USERS > 0) await sealAndAttach(db, 'u', USERS);
      if (KEEP) process.stderr.write(`kept: --db ${db.url} --tenant ${db.tenantId} --big ${BIG} --users ${USERS}\n`);
    }
    process.stderr.write(`seeded and sealed in ${round((performance.now() - t0) / 1000, 1)} s\n`);
    const rows: Record<string, Record<string, CaseResult>> = {};
    for (const row of ROWS) rows[row] = await runRow(db, row);
    const brief = (r: Record<string, CaseResult>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { nodeCpuMs: v.nodeCpuMsPerSearch, pgCpuMs: v.pgCpuMsPerSearch, wallMs: v.wallMsPerSearch }]));
    printHeadline('memory-search-cpu', {
      n: N,
      repeats: REPEATS,
      big: BIG,
      users: USERS,
      perUser: PER_USER,
      ...Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, brief(v)])),
      load1: [round(load0, 2), round(os.loadavg()[0] as number, 2)],
      seconds: round((performance.now() - t0) / 1000, 1),
    });
  } finally {
    await (KEEP || REUSE ? db.prisma.$disconnect() : db.close());
  }
}

/** A database seeded by an earlier `--keep` run. */
async function reuse(url: string, tenantId: string): Promise<BenchDb> {
  const prisma = new PrismaService({ databaseUrl: url, poolSize: 4 });
  await prisma.$connect();
  return { prisma, tenantId, url, close: () => prisma.$disconnect() };
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
