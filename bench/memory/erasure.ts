/**
 * Erasure (issue 13): how long a DELETE takes (the soft delete and the erasure record, in one
 * transaction, plus the best-effort index/biography/queue steps) and how long until the hard delete
 * has written its report `completed` (two workers, as memory-worker's default concurrency, taking
 * the jobs from an in-process queue), for single-memory, session (with transcript) and whole-user
 * erasures; beside the baseline in the same run: the plain soft delete shipped before (today's
 * `MemoryService.delete` / `deleteBySession` / `deleteAll`: a flag, nothing removed).
 * Real Postgres (a private database), the embedded index; a hashing embedder (erasure embeds nothing).
 *
 *   node -r @swc-node/register bench/memory/erasure.ts [erasuresPerKind=200] [users=90]
 */
import { randomUUID } from 'node:crypto';
import type { MemoryScope } from '@frontier/memory-contracts';
import { encodeVector } from '@frontier/memory-data-access';
import { createMemoryContext, createMemoryServices, MemoryNotifier, type MemoryServices } from '@frontier/memory-nest';
import { printHeadline, round } from '../lib/harness';
import { openBenchDb, percentile } from './lib/bench-db';
import { hashingEmbedder } from './lib/hashing-embedder';

process.env['MEMORY_ENCRYPTION'] ??= 'off';
const PER_KIND = Number(process.argv[2] ?? 200);
const USERS = Number(process.argv[3] ?? 90);
const SESSIONS = 8;
const FACTS = 6;
const WORKERS = 2;

/** memory-worker's queue, in process: erasure ids in, `WORKERS` loops processing them. */
class QueueNotifier extends MemoryNotifier {
  readonly queue: string[] = [];
  async changed(): Promise<void> {}
  async sessionStored(): Promise<void> {}
  async biographyDue(): Promise<void> {}
  override async erasureRequested(id: string): Promise<void> {
    this.queue.push(id);
  }
}

const stats = (xs: number[]) => ({ n: xs.length, p50: round(percentile(xs, 50), 2), p99: round(percentile(xs, 99), 2) });

async function main(): Promise<void> {
  const db = await openBenchDb('erasure');
  const { prisma, tenantId } = db;
  const embedder = hashingEmbedder(256);
  const notifier = new QueueNotifier();
  const ctx = createMemoryContext({ prisma, embedder, notifier });
  const svc: MemoryServices = createMemoryServices(ctx);
  const scope = (userId: string): MemoryScope => ({ tenantId, userId });

  // --- seed: users × sessions × facts (transcripts, facts with vectors, ADD events), in bulk
  const users = Array.from({ length: USERS }, (_, u) => `user-${u}`);
  const sessions = new Map<string, string[]>();
  const memories = new Map<string, string[]>();
  for (const user of users) {
    sessions.set(user, []);
    memories.set(user, []);
    for (let s = 0; s < SESSIONS; s++) {
      const ext = `${user}-s${s}`;
      const texts = Array.from({ length: FACTS }, (_, i) => `Fact ${i} of session ${s}: my favourite thing ${randomUUID().slice(0, 8)}`);
      const row = await prisma.memorySession.create({ data: { tenantId, userId: user, externalId: ext, sourceHash: ext, startedAt: new Date(), status: 'processed', turns: { create: texts.map((text, i) => ({ ordinal: i, turnId: `t${i}`, role: 'user', text })) } } });
      const vectors = await embedder.embed(texts);
      const ids = texts.map(() => randomUUID());
      await prisma.memory.createMany({ data: texts.map((text, i) => ({ id: ids[i] as string, tenantId, userId: user, text, type: 'context', confidence: 0.9, sessionId: row.id, sourceHash: ext, turnIds: [`t${i}`], extractor: 'bench', embeddingModel: embedder.modelId, embedding: encodeVector(vectors[i] as Float32Array), validAt: new Date() })) });
      await prisma.memoryEvent.createMany({ data: texts.map((text, i) => ({ memoryId: ids[i] as string, tenantId, userId: user, event: 'ADD', newText: text, actor: 'bench' })) });
      sessions.get(user)?.push(ext);
      memories.get(user)?.push(...ids);
    }
  }
  // users split: a third for the baseline, the rest for erasures; within each, single → session → whole user
  const third = Math.floor(USERS / 3);
  const base = users.slice(0, third);
  const erase = users.slice(third);
  // singles from each user's first two sessions, sessions from the other six, round-robin over users
  const roundRobin = <T>(lists: T[][], n: number): T[] => {
    const out: T[] = [];
    for (let i = 0; out.length < n && lists.some((l) => i < l.length); i++) for (const l of lists) if (i < l.length && out.length < n) out.push(l[i] as T);
    return out;
  };
  const pickMemories = (pool: string[], n: number) => roundRobin(pool.map((u) => (memories.get(u) ?? []).slice(0, 2 * FACTS).map((id) => ({ user: u, id }))), n);
  const pickSessions = (pool: string[], n: number) => roundRobin(pool.map((u) => (sessions.get(u) ?? []).slice(2).map((ext) => ({ user: u, ext }))), n);

  // --- the workers: take erasure ids, run the hard delete; completion time per id
  const requestedAt = new Map<string, number>();
  const completion: Record<string, number[]> = { memory: [], session: [], user: [] };
  const kindOf = new Map<string, string>();
  let running = true;
  const worker = async () => {
    while (running || notifier.queue.length) {
      const id = notifier.queue.shift();
      if (!id) {
        await new Promise((r) => setTimeout(r, 2));
        continue;
      }
      await svc.erasure.process(id);
      completion[kindOf.get(id) as string]?.push(performance.now() - (requestedAt.get(id) as number));
    }
  };
  const workers = Array.from({ length: WORKERS }, worker);

  const soft: Record<string, number[]> = { memory: [], session: [], user: [] };
  const baseline: Record<string, number[]> = { memory: [], session: [], user: [] };
  const time = async <T>(into: number[], f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const r = await f();
    into.push(performance.now() - t);
    return r;
  };
  const track = (kind: string, t0: number, id: string) => {
    requestedAt.set(id, t0);
    kindOf.set(id, kind);
  };

  // baseline first (same database, same sizes)
  for (const m of pickMemories(base, PER_KIND)) await time(baseline.memory as number[], () => svc.memories.delete(scope(m.user), m.id));
  for (const s of pickSessions(base, PER_KIND)) await time(baseline.session as number[], () => svc.memories.deleteBySession(scope(s.user), s.ext));
  for (const u of base.slice(Math.floor(base.length / 2))) await time(baseline.user as number[], () => svc.memories.deleteAll(scope(u)));

  // erasures: a client at a time, the two workers behind
  for (const m of pickMemories(erase, PER_KIND)) {
    const t0 = performance.now();
    const t = await time(soft.memory as number[], () => svc.erasure.eraseMemory(scope(m.user), m.id));
    track('memory', t0, t.id);
  }
  for (const s of pickSessions(erase, PER_KIND)) {
    const t0 = performance.now();
    const t = await time(soft.session as number[], () => svc.erasure.eraseSession(scope(s.user), s.ext));
    track('session', t0, t.id);
  }
  for (const u of erase.slice(Math.floor(erase.length / 2))) {
    const t0 = performance.now();
    const t = await time(soft.user as number[], () => svc.erasure.eraseUser(scope(u)));
    track('user', t0, t.id);
  }
  running = false;
  await Promise.all(workers);
  const pendingLeft = await prisma.memoryErasure.count({ where: { status: 'pending' } });

  const rows = (['memory', 'session', 'user'] as const).map((k) => ({ kind: k, baselineSoftDelete: stats(baseline[k] as number[]), eraseCall: stats(soft[k] as number[]), toCompleted: stats(completion[k] as number[]) }));
  console.log(`erasure bench: ${USERS} users × ${SESSIONS} sessions × ${FACTS} facts; ${WORKERS} workers; times in ms`);
  console.log('kind      baseline soft delete p50/p99 | erasure DELETE p50/p99 | to report completed p50/p99');
  for (const r of rows) console.log(`${r.kind.padEnd(9)} ${r.baselineSoftDelete.p50}/${r.baselineSoftDelete.p99} (n=${r.baselineSoftDelete.n}) | ${r.eraseCall.p50}/${r.eraseCall.p99} (n=${r.eraseCall.n}) | ${r.toCompleted.p50}/${r.toCompleted.p99}`);
  await ctx.index.close();
  await db.close();
  printHeadline('memory-erasure', { users: USERS, perKind: PER_KIND, workers: WORKERS, pendingLeft, rows });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
