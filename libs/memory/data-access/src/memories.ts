import { isMemoryType, whatDoYouKnow, type KnowledgeSection, type Memory, type MemoryType } from '@frontier/memory-domain';
import { now as clock, type MemoryDeps } from './deps';
import { BadRequestError, NotFoundError } from './errors';
import { markBiographyStale, softDelete } from './pipeline';
import { encodeVector, entityWhere, liveWhere, validRange, toDomain, type EntityFilter, type MemoryScope } from './records';

export interface ListInput extends EntityFilter {
  page?: number;
  pageSize?: number;
  type?: string;
  /** Client session id (run_id). */
  sessionId?: string;
  since?: Date;
  until?: Date;
  /** Include superseded/invalidated facts (history views). Soft-deleted ones never. */
  includeInactive?: boolean;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

async function sessionRowId(deps: MemoryDeps, scope: MemoryScope, externalId: string): Promise<string | null> {
  const s = await deps.prisma.memorySession.findUnique({ where: { tenantId_userId_externalId: { tenantId: scope.tenantId, userId: scope.userId, externalId } } });
  return s?.id ?? null;
}

export async function listMemories(deps: MemoryDeps, scope: MemoryScope, input: ListInput = {}): Promise<Page<Memory>> {
  const page = Math.max(1, input.page ?? 1);
  const pageSize = Math.min(Math.max(1, input.pageSize ?? 50), 500);
  if (input.type !== undefined && !isMemoryType(input.type)) throw new BadRequestError('type', `type must be one of the memory types`);
  const base = input.includeInactive ? { tenantId: scope.tenantId, userId: scope.userId, deletedAt: null } : liveWhere(scope, clock(deps));
  let sessionFilter = {};
  if (input.sessionId !== undefined) {
    const id = await sessionRowId(deps, scope, input.sessionId);
    if (!id) return { items: [], page, pageSize, total: 0 };
    sessionFilter = { sessionId: id };
  }
  const where = {
    ...base,
    ...sessionFilter,
    ...entityWhere(input),
    ...(input.type ? { type: input.type } : {}),
    ...validRange(input),
  };
  const [rows, total] = await Promise.all([
    deps.prisma.memory.findMany({ where, orderBy: [{ validAt: 'desc' }, { id: 'asc' }], skip: (page - 1) * pageSize, take: pageSize }),
    deps.prisma.memory.count({ where }),
  ]);
  return { items: rows.map(toDomain), page, pageSize, total };
}

export async function getMemory(deps: MemoryDeps, scope: MemoryScope, id: string): Promise<Memory> {
  const row = await deps.prisma.memory.findFirst({ where: { id, tenantId: scope.tenantId, userId: scope.userId, deletedAt: null } });
  if (!row) throw new NotFoundError('id', `memory ${id} not found`);
  return toDomain(row);
}

/** The scope of a memory known only by id within a tenant (mem0's routes carry no user id). */
export async function memoryScope(deps: MemoryDeps, tenantId: string, id: string, opts: { includeDeleted?: boolean } = {}): Promise<MemoryScope> {
  const row = await deps.prisma.memory.findFirst({ where: { id, tenantId, ...(opts.includeDeleted ? {} : { deletedAt: null }) }, select: { userId: true } });
  if (!row) throw new NotFoundError('id', `memory ${id} not found`);
  return { tenantId, userId: row.userId };
}

export interface UpdateInput {
  text?: string;
  type?: string;
  confidence?: number;
}

/** A user correction: new text is re-embedded and re-indexed; the change is recorded (UPDATE). */
export async function updateMemory(deps: MemoryDeps, scope: MemoryScope, id: string, input: UpdateInput, actor = 'user'): Promise<Memory> {
  const current = await getMemory(deps, scope, id);
  const text = input.text?.trim();
  if (input.text !== undefined && !text) throw new BadRequestError('text', 'text must not be empty');
  if (input.type !== undefined && !isMemoryType(input.type)) throw new BadRequestError('type', 'type must be one of the memory types');
  if (input.confidence !== undefined && !(input.confidence >= 0 && input.confidence <= 1)) throw new BadRequestError('confidence', 'confidence must be between 0 and 1');
  const vector = text && text !== current.text ? (await deps.embedder.embed([text]))[0] : undefined;
  const row = await deps.prisma.$transaction(async (tx) => {
    const updated = await tx.memory.update({
      where: { id },
      data: {
        ...(text ? { text } : {}),
        ...(input.type ? { type: input.type as MemoryType } : {}),
        ...(input.confidence !== undefined ? { confidence: input.confidence } : {}),
        ...(vector ? { embedding: encodeVector(vector), embeddingModel: deps.embedder.modelId } : {}),
      },
    });
    await tx.memoryEvent.create({ data: { memoryId: id, tenantId: scope.tenantId, userId: scope.userId, event: 'UPDATE', previousText: current.text, newText: updated.text, actor } });
    return updated;
  });
  if (vector) await deps.index.upsert(scope, [{ id, vector, text: row.text }]);
  await markBiographyStale(deps, scope);
  return toDomain(row);
}

export async function deleteMemory(deps: MemoryDeps, scope: MemoryScope, id: string, actor = 'user'): Promise<void> {
  await getMemory(deps, scope, id);
  await softDelete(deps, scope, [id], 'deleted by request', actor);
}

/** "Delete all memories from session X" in one call; returns how many were deleted. */
export async function deleteBySession(deps: MemoryDeps, scope: MemoryScope, sessionId: string, actor = 'user'): Promise<number> {
  const rowId = await sessionRowId(deps, scope, sessionId);
  if (!rowId) throw new NotFoundError('sessionId', `session ${sessionId} not found`);
  const rows = await deps.prisma.memory.findMany({ where: { sessionId: rowId, deletedAt: null }, select: { id: true } });
  return softDelete(deps, scope, rows.map((r) => r.id), `session ${sessionId} deleted`, actor);
}

/** Deletes all of a user's memories, or only an agent's / a run's (`filter`). */
export async function deleteAllMemories(deps: MemoryDeps, scope: MemoryScope, actor = 'user', filter: EntityFilter = {}): Promise<number> {
  const rows = await deps.prisma.memory.findMany({ where: { tenantId: scope.tenantId, userId: scope.userId, deletedAt: null, ...entityWhere(filter) }, select: { id: true } });
  const narrowed = filter.agentId !== undefined || filter.runId !== undefined;
  return softDelete(deps, scope, rows.map((r) => r.id), narrowed ? 'memories of an agent/run deleted' : 'all memories deleted', actor);
}

export interface HistoryEntry {
  id: string;
  memoryId: string;
  event: string;
  previousText: string | null;
  newText: string | null;
  reason: string | null;
  actor: string;
  at: Date;
}

export async function memoryHistory(deps: MemoryDeps, scope: MemoryScope, id: string): Promise<HistoryEntry[]> {
  const exists = await deps.prisma.memory.findFirst({ where: { id, tenantId: scope.tenantId, userId: scope.userId }, select: { id: true } });
  if (!exists) throw new NotFoundError('id', `memory ${id} not found`);
  return deps.prisma.memoryEvent.findMany({
    where: { memoryId: id, tenantId: scope.tenantId, userId: scope.userId },
    orderBy: { at: 'asc' },
    select: { id: true, memoryId: true, event: true, previousText: true, newText: true, reason: true, actor: true, at: true },
  });
}

export interface Profile {
  biography: { text: string; builtAt: Date; stale: boolean; generator: string } | null;
  knowledge: KnowledgeSection[];
}

/** Biography + "what do you know about me?" (every live fact, grouped by type). */
export async function profile(deps: MemoryDeps, scope: MemoryScope): Promise<Profile> {
  const [bio, rows] = await Promise.all([
    deps.prisma.biography.findUnique({ where: { tenantId_userId: { tenantId: scope.tenantId, userId: scope.userId } } }),
    deps.prisma.memory.findMany({ where: liveWhere(scope, clock(deps)) }),
  ]);
  return {
    biography: bio ? { text: bio.text, builtAt: bio.builtAt, stale: bio.stale, generator: bio.generator } : null,
    knowledge: whatDoYouKnow(rows.map(toDomain)),
  };
}
