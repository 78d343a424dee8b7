import { createHash } from 'node:crypto';
import {
  assessSignificance,
  confidentOnly,
  decideCandidate,
  DEFAULT_DEDUP,
  evictionOrder,
  isLive,
  resolveConflict,
  type Candidate,
  type Neighbour,
} from '@frontier/memory-domain';
import { now as clock, type MemoryDeps } from './deps';
import { cosine, decodeVector, encodeVector, liveWhere, toDomain, toTurn, type MemoryScope } from './records';

export type MemoryEventName = 'ADD' | 'UPDATE' | 'SUPERSEDE' | 'DELETE' | 'NONE';

export interface ExtractionOutcome {
  sessionId: string;
  status: 'processed' | 'skipped';
  reason: string;
  results: Array<{ event: MemoryEventName; memoryId: string; text: string; reason?: string }>;
  /** True when live facts changed (the biography must be rebuilt). */
  changed: boolean;
}

const candidateKey = (sessionId: string, c: Candidate) => createHash('sha256').update(`${sessionId}\u0000${c.type}\u0000${c.text.toLowerCase()}`).digest('hex');

/**
 * Session end → significance → extraction → embed → dedup/conflict → store → index.
 * Idempotent: a processed session returns its recorded outcome; a half-processed one (crash,
 * retry) skips candidates it already stored (keyed by session + text) and re-indexes them.
 */
export async function processSession(deps: MemoryDeps, scope: MemoryScope, sessionRowId: string): Promise<ExtractionOutcome> {
  const { prisma } = deps;
  const session = await prisma.memorySession.findFirst({
    where: { id: sessionRowId, tenantId: scope.tenantId, userId: scope.userId },
    include: { turns: { orderBy: { ordinal: 'asc' } } },
  });
  if (!session) throw new Error(`session ${sessionRowId} not found for this user`);
  if (session.status === 'processed' || session.status === 'skipped') {
    const stored = await prisma.memory.findMany({ where: { sessionId: session.id }, select: { id: true, text: true, embedding: true } });
    // the index is derived: make sure what this session stored is in it (a crash may have left it behind)
    await reindex(deps, scope, stored);
    return { sessionId: session.externalId, status: session.status, reason: session.reason ?? 'already processed', results: [], changed: false };
  }
  const turns = session.turns.map(toTurn);
  const sig = assessSignificance(turns, deps.options?.minSessionTokens);
  if (!sig.significant) {
    await prisma.memorySession.update({ where: { id: session.id }, data: { status: 'skipped', reason: sig.reason, tokenCount: sig.tokens, processedAt: clock(deps) } });
    return { sessionId: session.externalId, status: 'skipped', reason: sig.reason, results: [], changed: false };
  }
  await prisma.memorySession.update({ where: { id: session.id }, data: { status: 'processing', tokenCount: sig.tokens } });

  const results: ExtractionOutcome['results'] = [];
  let changed = false;
  for (const cmd of sig.commands.filter((c) => c.kind === 'forget' && c.subject)) {
    const forgotten = await forget(deps, scope, cmd.subject, `user asked to forget (turn ${cmd.turnId})`);
    for (const f of forgotten) results.push({ event: 'DELETE', memoryId: f.id, text: f.text, reason: 'forget command' });
    changed ||= forgotten.length > 0;
  }

  const candidates = confidentOnly(await deps.extractor.extract(turns));
  const vectors = candidates.length ? await deps.embedder.embed(candidates.map((c) => c.text)) : [];
  for (const [i, candidate] of candidates.entries()) {
    const vector = vectors[i] as Float32Array;
    const outcome = await applyCandidate(deps, scope, session.id, session.sourceHash, session.startedAt, candidate, vector);
    results.push(outcome);
    changed ||= outcome.event !== 'NONE';
  }
  const evicted = await enforceCap(deps, scope);
  for (const e of evicted) results.push({ event: 'DELETE', memoryId: e.id, text: e.text, reason: 'evicted: over the per-user cap' });
  await prisma.memorySession.update({ where: { id: session.id }, data: { status: 'processed', reason: sig.reason, processedAt: clock(deps) } });
  if (changed) await markBiographyStale(deps, scope);
  return { sessionId: session.externalId, status: 'processed', reason: sig.reason, results, changed };
}

async function applyCandidate(
  deps: MemoryDeps,
  scope: MemoryScope,
  sessionRowId: string,
  sourceHash: string,
  sessionStart: Date,
  candidate: Candidate,
  vector: Float32Array,
): Promise<ExtractionOutcome['results'][number]> {
  const { prisma } = deps;
  const key = candidateKey(sessionRowId, candidate);
  const already = await prisma.memory.findFirst({ where: { sessionId: sessionRowId, metadata: { path: ['candidateKey'], equals: key } } });
  if (already) {
    await reindex(deps, scope, [already]);
    return { event: 'NONE', memoryId: already.id, text: already.text, reason: 'already stored by an earlier run of this session' };
  }
  const neighbours = await findNeighbours(deps, scope, candidate, vector);
  const decision = decideCandidate(candidate, neighbours, deps.options?.dedup ?? DEFAULT_DEDUP);
  const validAt = candidate.validAt ?? sessionStart;
  const at = clock(deps);
  if (decision.action === 'skip') {
    const dup = decision.duplicateOf;
    // a restatement reinforces the fact instead of duplicating it
    await prisma.memory.update({ where: { id: dup.id }, data: { confidence: Math.max(dup.confidence, candidate.confidence) } });
    return { event: 'NONE', memoryId: dup.id, text: dup.text, reason: `duplicate (cos ${decision.cosine.toFixed(3)})` };
  }
  let supersede: { id: string; invalidAt: Date; expiredAt: Date } | null = null;
  if (decision.action === 'conflict') {
    const r = resolveConflict(decision.with, { ...candidate, validAt }, at);
    if (r.action === 'keep-existing') return { event: 'NONE', memoryId: decision.with.id, text: decision.with.text, reason: r.reason };
    if (r.action === 'supersede') supersede = r.invalidate;
  }
  const created = await prisma.$transaction(async (tx) => {
    const row = await tx.memory.create({
      data: {
        tenantId: scope.tenantId,
        userId: scope.userId,
        text: candidate.text,
        type: candidate.type,
        confidence: candidate.confidence,
        slot: candidate.slot ?? null,
        sessionId: sessionRowId,
        sourceHash,
        turnIds: candidate.turnIds,
        extractor: deps.extractor.id,
        embeddingModel: deps.embedder.modelId,
        embedding: encodeVector(vector),
        metadata: { candidateKey: key },
        validAt,
        events: { create: [{ tenantId: scope.tenantId, userId: scope.userId, event: 'ADD', newText: candidate.text, actor: deps.extractor.id }] },
      },
    });
    if (supersede) {
      const old = await tx.memory.update({
        where: { id: supersede.id },
        data: { invalidAt: supersede.invalidAt, expiredAt: supersede.expiredAt, supersededById: row.id },
      });
      await tx.memoryEvent.create({
        data: { memoryId: old.id, tenantId: scope.tenantId, userId: scope.userId, event: 'SUPERSEDE', previousText: old.text, newText: candidate.text, reason: `superseded by ${row.id}`, actor: deps.extractor.id },
      });
    }
    return row;
  });
  await deps.index.upsert(scope, [{ id: created.id, vector, text: created.text }]);
  if (supersede) await deps.index.remove(scope, [supersede.id]);
  return supersede
    ? { event: 'UPDATE', memoryId: created.id, text: created.text, reason: `supersedes ${supersede.id}` }
    : { event: 'ADD', memoryId: created.id, text: created.text };
}

/** Nearest live memories by the index, plus any live memory filling the same slot. */
async function findNeighbours(deps: MemoryDeps, scope: MemoryScope, candidate: Candidate, vector: Float32Array): Promise<Neighbour[]> {
  const hits = await deps.index.search(scope, { vector, k: 5 });
  const ids = hits.map((h) => h.id);
  const rows = await deps.prisma.memory.findMany({
    where: { ...liveWhere(scope, clock(deps)), OR: [{ id: { in: ids } }, ...(candidate.slot ? [{ slot: candidate.slot }] : [])] },
  });
  const at = clock(deps);
  const out: Neighbour[] = [];
  for (const row of rows) {
    const m = toDomain(row);
    if (!isLive(m, at)) continue;
    const stored = decodeVector(row.embedding);
    const hit = hits.find((h) => h.id === row.id);
    out.push({ memory: m, cosine: hit?.cosine ?? (stored ? cosine(stored, vector) : 0) });
  }
  return out;
}

async function reindex(deps: MemoryDeps, scope: MemoryScope, rows: Array<{ id: string; text: string; embedding: Uint8Array | null }>): Promise<void> {
  const items = rows.flatMap((r) => {
    const v = decodeVector(r.embedding);
    return v ? [{ id: r.id, vector: v, text: r.text }] : [];
  });
  if (items.length) await deps.index.upsert(scope, items);
}

/** Soft-deletes live memories matching a "forget that …" subject (lexically or by meaning). */
async function forget(deps: MemoryDeps, scope: MemoryScope, subject: string, reason: string): Promise<Array<{ id: string; text: string }>> {
  const [vector] = await deps.embedder.embed([subject]);
  const hits = await deps.index.search(scope, { vector: vector as Float32Array, text: subject, k: 5 });
  const ids = hits.filter((h) => h.cosine >= 0.8 || (h.lexical ?? 0) >= 0.99).map((h) => h.id);
  if (!ids.length) return [];
  const rows = await deps.prisma.memory.findMany({ where: { ...liveWhere(scope, clock(deps)), id: { in: ids } }, select: { id: true, text: true } });
  await softDelete(deps, scope, rows.map((r) => r.id), reason, 'user');
  return rows;
}

/**
 * Keeps a user at most `maxMemoriesPerUser` live memories (default 10,000): the domain's eviction
 * order drops the least recently retrieved first and durable facts last.
 */
export async function enforceCap(deps: MemoryDeps, scope: MemoryScope): Promise<Array<{ id: string; text: string }>> {
  const cap = deps.options?.maxMemoriesPerUser ?? 10_000;
  const where = liveWhere(scope, clock(deps));
  if ((await deps.prisma.memory.count({ where })) <= cap) return [];
  const rows = await deps.prisma.memory.findMany({ where });
  const victims = evictionOrder(rows.map(toDomain), cap);
  await softDelete(deps, scope, victims.map((v) => v.id), `evicted: over the cap of ${cap} memories`, 'eviction');
  return victims.map((v) => ({ id: v.id, text: v.text }));
}

/** Soft delete at once (retrieval filters it), with a DELETE event; the index entry goes too. */
export async function softDelete(deps: MemoryDeps, scope: MemoryScope, ids: string[], reason: string, actor: string): Promise<number> {
  if (!ids.length) return 0;
  const at = clock(deps);
  const rows = await deps.prisma.memory.findMany({ where: { tenantId: scope.tenantId, userId: scope.userId, id: { in: ids }, deletedAt: null }, select: { id: true } });
  if (!rows.length) return 0;
  await deps.prisma.$transaction([
    deps.prisma.memory.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { deletedAt: at } }),
    deps.prisma.memoryEvent.createMany({
      // the deleted text is NOT copied into history (mem0 keeps it there in plaintext; we do not)
      data: rows.map((r) => ({ memoryId: r.id, tenantId: scope.tenantId, userId: scope.userId, event: 'DELETE', reason, actor })),
    }),
  ]);
  await deps.index.remove(scope, rows.map((r) => r.id));
  await markBiographyStale(deps, scope);
  return rows.length;
}

export async function markBiographyStale(deps: MemoryDeps, scope: MemoryScope): Promise<void> {
  await deps.prisma.biography.updateMany({ where: { tenantId: scope.tenantId, userId: scope.userId }, data: { stale: true } });
}
