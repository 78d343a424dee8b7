import { Logger } from '@nestjs/common';
import type { MemoryScope } from '@frontier/memory-contracts';
import type { ErasureKind, ErasureSelection } from '@frontier/memory-data-access';
import type { Candidate, Turn } from '@frontier/memory-domain';
import type { MemoryContext } from '../ports';
import { ErasureKeys } from './erasure-keys';

/** What a DELETE answers (202): the erasure to follow at `GET /v1/erasures/:id`. */
export interface ErasureTicket {
  id: string;
  kind: ErasureKind;
  status: 'pending' | 'completed';
  requestedAt: Date;
  /** Memories soft-deleted by this request (not served from now on). */
  memories: number;
}

const log = new Logger('Erasure');
export const errorText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

async function bestEffort(what: string, f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } catch (e) {
    log.warn(`erasure: ${what} deferred to the hard-delete job (${errorText(e)})`);
  }
}

/**
 * An erasure request: soft delete and record in one transaction (nothing selected is served from
 * the commit on), then — at once where it can, else left to the job and the reconciler — this
 * process's index copy, the biography's staleness, other processes, and the hard-delete job.
 * Shared by the erasure routes and eviction at the cap.
 */
export async function requestErasure(ctx: MemoryContext, scope: MemoryScope, sel: ErasureSelection, actor: string): Promise<ErasureTicket> {
  const keys = new ErasureKeys(ctx.options.erasureKey);
  const { erasure, softDeleted } = await ctx.erasures.request(scope, keys.user(scope), sel, ctx.clock(), actor);
  await bestEffort('index', () => (softDeleted.length ? ctx.index.remove(scope, softDeleted) : Promise.resolve()));
  await bestEffort('biography', () => ctx.biographies.markStale(scope));
  await bestEffort('change', () => ctx.notifier.changed(scope));
  await bestEffort('queue', () => ctx.notifier.erasureRequested(erasure.id));
  return { id: erasure.id, kind: erasure.kind, status: 'pending', requestedAt: erasure.requestedAt, memories: softDeleted.length };
}

/**
 * Tombstones at extraction: a candidate whose keyed hash matches an erased fact of the user is
 * dropped — an echo (the assistant repeating it, an older transcript processed late) — unless the
 * user states it again: one of its source turns is a **user** turn said after the erasure (the
 * turn's time, else the session's start). A restated fact is kept and its tombstone dropped.
 */
export async function dropErasedFacts(
  ctx: MemoryContext,
  scope: MemoryScope,
  session: { startedAt: Date },
  turns: readonly Turn[],
  candidates: Candidate[],
): Promise<{ kept: Candidate[]; dropped: Candidate[] }> {
  if (!candidates.length) return { kept: candidates, dropped: [] };
  const keys = new ErasureKeys(ctx.options.erasureKey);
  const userKey = keys.user(scope);
  const factKeys = candidates.map((c) => keys.fact(c.text));
  const erased = await ctx.erasures.tombstones(scope.tenantId, userKey, [...new Set(factKeys)]);
  if (!erased.size) return { kept: candidates, dropped: [] };
  const byId = new Map(turns.map((t) => [t.id, t]));
  const kept: Candidate[] = [];
  const dropped: Candidate[] = [];
  const restated: string[] = [];
  candidates.forEach((c, i) => {
    const key = factKeys[i] as string;
    const at = erased.get(key);
    if (!at) return void kept.push(c);
    const saidAgain = c.turnIds.some((id) => {
      const t = byId.get(id);
      return t?.role === 'user' && (t.at ?? session.startedAt).getTime() > at.getTime();
    });
    if (saidAgain) {
      kept.push(c);
      restated.push(key);
    } else dropped.push(c);
  });
  await ctx.erasures.dropTombstones(scope.tenantId, userKey, restated);
  return { kept, dropped };
}
