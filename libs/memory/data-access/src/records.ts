import { createHash } from 'node:crypto';
import type { Memory as MemoryRow, MemoryTurn as TurnRow } from '@frontier/platform-prisma';
import { isMemoryType, type Memory, type MemoryType, type Turn } from '@frontier/memory-domain';

/** Every memory operation is scoped to one tenant's user. */
export interface MemoryScope {
  tenantId: string;
  userId: string;
}

export function encodeVector(v: Float32Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(v.byteLength);
  out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  return out;
}

export function decodeVector(bytes: Uint8Array | null | undefined): Float32Array | null {
  if (!bytes || bytes.byteLength % 4 !== 0 || bytes.byteLength === 0) return null;
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

export function toDomain(row: MemoryRow): Memory {
  const type: MemoryType = isMemoryType(row.type) ? row.type : 'context';
  return {
    id: row.id,
    userId: row.userId,
    text: row.text,
    type,
    confidence: row.confidence,
    ...(row.slot ? { slot: row.slot } : {}),
    provenance: { sessionId: row.sessionId ?? '', sourceHash: row.sourceHash, turnIds: row.turnIds },
    validAt: row.validAt,
    invalidAt: row.invalidAt,
    createdAt: row.createdAt,
    expiredAt: row.expiredAt,
    supersededBy: row.supersededById,
    retrievalCount: row.retrievalCount,
    lastRetrievedAt: row.lastRetrievedAt,
    deletedAt: row.deletedAt,
  };
}

export function toTurn(row: TurnRow): Turn {
  const role = row.role === 'assistant' || row.role === 'system' ? row.role : 'user';
  return { id: row.turnId, role, text: row.text, ...(row.at ? { at: row.at } : {}) };
}

/** SHA-256 over the canonical transcript (role, id, text of each turn in order). */
export function transcriptHash(turns: ReadonlyArray<{ turnId: string; role: string; text: string }>): string {
  const h = createHash('sha256');
  for (const t of turns) h.update(`${t.role}\u0000${t.turnId}\u0000${t.text}\u0001`);
  return h.digest('hex');
}

/** Prisma `where` for memories that may be retrieved now. */
export function liveWhere(scope: MemoryScope, now = new Date()) {
  return {
    tenantId: scope.tenantId,
    userId: scope.userId,
    deletedAt: null,
    supersededById: null,
    AND: [{ OR: [{ invalidAt: null }, { invalidAt: { gt: now } }] }, { OR: [{ expiredAt: null }, { expiredAt: { gt: now } }] }],
  };
}

/**
 * A run (mem0's `run_id`) groups sessions: the session whose id is the run id, and continuation
 * sessions `<run id>#<suffix>` (a run's later posts). `#<suffix>` alone is a session in no run.
 */
export const RUN_SEPARATOR = '#';

/** The run a session id belongs to (null when none). */
export function runOf(sessionExternalId: string): string | null {
  const i = sessionExternalId.indexOf(RUN_SEPARATOR);
  return i < 0 ? sessionExternalId : sessionExternalId.slice(0, i) || null;
}

/** Narrows one user's memories to those of an agent and/or a run (through their session). */
export interface EntityFilter {
  agentId?: string;
  runId?: string;
}

/** Prisma `where` fragment for an {@link EntityFilter} (empty when it narrows nothing). */
export function entityWhere(f: EntityFilter = {}) {
  if (f.agentId === undefined && f.runId === undefined) return {};
  return {
    session: {
      is: {
        ...(f.agentId !== undefined ? { agentId: f.agentId } : {}),
        ...(f.runId !== undefined ? { OR: [{ externalId: f.runId }, { externalId: { startsWith: `${f.runId}${RUN_SEPARATOR}` } }] } : {}),
      },
    },
  };
}

/** Prisma `where` fragment: facts valid from `since` / until `until` (their `validAt`). */
export function validRange(i: { since?: Date | undefined; until?: Date | undefined }) {
  return i.since || i.until ? { validAt: { ...(i.since ? { gte: i.since } : {}), ...(i.until ? { lte: i.until } : {}) } } : {};
}

/** Client session id and agent of the given session row ids. */
export async function sessionRefs(prisma: import('@frontier/platform-prisma').PrismaClient, rowIds: Array<string | null | undefined>): Promise<Map<string, { externalId: string; agentId: string | null }>> {
  const ids = [...new Set(rowIds.filter((x): x is string => !!x))];
  if (!ids.length) return new Map();
  const rows = await prisma.memorySession.findMany({ where: { id: { in: ids } }, select: { id: true, externalId: true, agentId: true } });
  return new Map(rows.map((r) => [r.id, { externalId: r.externalId, agentId: r.agentId }]));
}

/** Client session ids (external ids) of the given session row ids. */
export async function sessionExternalIds(prisma: import('@frontier/platform-prisma').PrismaClient, rowIds: Array<string | null | undefined>): Promise<Map<string, string>> {
  const ids = [...new Set(rowIds.filter((x): x is string => !!x))];
  if (!ids.length) return new Map();
  const rows = await prisma.memorySession.findMany({ where: { id: { in: ids } }, select: { id: true, externalId: true } });
  return new Map(rows.map((r) => [r.id, r.externalId]));
}
