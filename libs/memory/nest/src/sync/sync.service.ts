import { Inject, Injectable } from '@nestjs/common';
import type { MemoryScope } from '@frontier/memory-contracts';
import { isLive, isMemoryType } from '@frontier/memory-domain';
import { asWriter, BadRequestError, ConflictError, memoryRef, NotFoundError, type SyncChange, type VersionVector } from '@frontier/memory-data-access';
import { MEMORY_CONTEXT, type MemoryContext } from '../ports';
import { MemoryService, type MemoryView } from '../services/memory.service';
import { resolveWrite, type DeviceEdit, type WriteStamp } from './resolve';
import { formatVector, mergeVectors, parseVector } from './vector';

/** A memory as sync sends it: its current state, or a tombstone (`memory: null`). */
export interface SyncItem {
  /** HMAC-SHA256(sync key, id), base64url: what a tombstone is matched on once the id is erased. */
  ref: string;
  /** The memory id (null once erased: match on `ref`). */
  id: string | null;
  /** The memory's revision: apply an item only when its rev is greater than the one held. */
  rev: string;
  op: string;
  device_id: string;
  memory: ReturnType<typeof presentSynced> | null;
}

export interface SyncPage {
  items: SyncItem[];
  /** The vector to send next time (after applying these items). */
  vector: string;
  has_more: boolean;
  /** A snapshot's next page (only while `snapshot`). */
  cursor: string | null;
  /** True when this is a full snapshot (an empty `since`): replace local state with its pages. */
  snapshot: boolean;
  /** The user's sync key (base64url): HMAC-SHA256 of a memory id under it is that memory's `ref`. */
  sync_key: string;
}

/** What a live push carries (one committed transaction of one device). */
export interface SyncMessage {
  tenantId: string;
  userId: string;
  deviceId: string;
  counters: number[];
  items: SyncItem[];
  /** Too many changes to carry: the receiving hub reads them from Postgres. */
  truncated?: boolean;
}

export interface DeltaQuery {
  deviceId?: string;
  since?: string;
  cursor?: string;
  limit?: number;
}

export interface EditInput extends WriteStamp {
  id: string;
  /** The revision the device edited (the `rev` it holds); '0' when it never saw one. */
  baseRev: string;
  edit: DeviceEdit;
}

export interface EditOutcome {
  status: 'applied' | 'duplicate' | 'lost';
  /** The memory's state after the call (null when deleted). */
  memory: ReturnType<typeof presentSynced> | null;
  /** The write that won when this one lost. */
  winner?: { device_id: string; edited_at: Date };
}

const DEFAULT_PAGE = 500;
const MAX_PAGE = 1_000;
/** A push carries at most this many changes (a bulk delete beyond: receivers read Postgres). */
const MAX_PUSHED = 200;

/** A memory's synced state (no retrieval statistics: they change on reads and are not synced). */
export function presentSynced({ memory: m, session }: MemoryView, at = new Date()) {
  return {
    id: m.id,
    memory: m.text,
    type: m.type,
    confidence: m.confidence,
    slot: m.slot ?? null,
    session_id: session?.externalId ?? null,
    valid_at: m.validAt,
    invalid_at: m.invalidAt,
    created_at: m.createdAt,
    expired_at: m.expiredAt,
    superseded_by: m.supersededBy,
    live: isLive(m, at),
  };
}

interface SnapshotCursor {
  v: VersionVector;
  after: string;
}

/**
 * Cross-device sync: the delta a device missed (from the change log in Postgres, paged by the
 * version vector), full snapshots, the items a live push carries, and device edits with
 * deterministic concurrent-write resolution.
 */
@Injectable()
export class SyncService {
  constructor(
    @Inject(MEMORY_CONTEXT) private readonly ctx: MemoryContext,
    private readonly memories: MemoryService,
  ) {}

  private get log() {
    return this.ctx.memories.sync;
  }

  /**
   * `GET /v1/sync`: with an empty `since`, a snapshot (pages by `cursor`); else the changes the
   * holder of `since` has not seen, collapsed to one item per memory (its current state or a
   * tombstone), a device's own changes left out. 409 `sync.resync_required` when the log no
   * longer holds what `since` lacks (compacted) or `since` is ahead of the server's vector.
   */
  async delta(scope: MemoryScope, q: DeltaQuery): Promise<SyncPage> {
    const limit = Math.min(Math.max(q.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
    const key = (await this.log.key(scope)).toString('base64url');
    if (q.cursor !== undefined) return this.snapshot(scope, limit, key, decodeCursor(q.cursor));
    const since = parseVector(q.since, 'since');
    if (!Object.keys(since).length) return this.snapshot(scope, limit, key, null);
    const { counters, floors } = await this.log.vector(scope);
    for (const [d, floor] of Object.entries(floors)) {
      if ((since[d] ?? 0) < floor) throw new ConflictError('since', `the change log no longer holds changes of device ${d} after ${since[d] ?? 0}: resync (send an empty since)`, 'sync.resync_required');
    }
    for (const [d, c] of Object.entries(since)) {
      if (c > (counters[d] ?? 0)) throw new ConflictError('since', `since is ahead of the server for device ${d} (${c} > ${counters[d] ?? 0}): resync (send an empty since)`, 'sync.resync_required');
    }
    const changes = await this.log.since(scope, since, limit + 1);
    const page = changes.slice(0, limit);
    const seen: VersionVector = {};
    for (const c of page) seen[c.deviceId] = Math.max(seen[c.deviceId] ?? 0, c.counter);
    const mine = page.filter((c) => c.deviceId !== q.deviceId);
    return { items: await this.items(scope, mine), vector: formatVector(mergeVectors(since, seen)), has_more: changes.length > limit, cursor: null, snapshot: false, sync_key: key };
  }

  /** A page of the user's undeleted memories; the vector is the one read before the first page. */
  private async snapshot(scope: MemoryScope, limit: number, key: string, cursor: SnapshotCursor | null): Promise<SyncPage> {
    const v = cursor?.v ?? (await this.log.vector(scope)).counters;
    const rows = await this.ctx.memories.undeletedAfter(scope, cursor?.after ?? null, limit + 1);
    const page = rows.slice(0, limit);
    const revs = await this.log.revs(scope, page.map((m) => m.id));
    const views = await this.memories.views(page);
    const at = this.ctx.clock();
    const raw = Buffer.from(key, 'base64url');
    const items: SyncItem[] = views.map((view) => ({ ref: memoryRef(raw, view.memory.id), id: view.memory.id, rev: revs.get(view.memory.id) ?? '0', op: 'snapshot', device_id: '', memory: presentSynced(view, at) }));
    const more = rows.length > limit;
    const last = page[page.length - 1];
    return { items, vector: formatVector(v), has_more: more, cursor: more && last ? encodeCursor({ v, after: last.id }) : null, snapshot: true, sync_key: key };
  }

  /** One item per memory (its last change among `changes`), with the memory's current state or a tombstone. */
  async items(scope: MemoryScope, changes: SyncChange[]): Promise<SyncItem[]> {
    const last = new Map<string, SyncChange>();
    for (const c of changes) last.set(c.memoryRef, c);
    const ids = [...last.values()].flatMap((c) => (c.memoryId ? [c.memoryId] : []));
    const states = await this.ctx.memories.undeletedByIds(scope, ids);
    const views = new Map((await this.memories.views(states)).map((v) => [v.memory.id, v]));
    const at = this.ctx.clock();
    return [...last.values()]
      .sort((a, b) => (BigInt(a.rev) < BigInt(b.rev) ? -1 : 1))
      .map((c) => {
        const view = c.memoryId ? views.get(c.memoryId) : undefined;
        return { ref: c.memoryRef, id: c.memoryId, rev: c.rev, op: c.op, device_id: c.deviceId, memory: view ? presentSynced(view, at) : null };
      });
  }

  /** What a live push of one committed transaction carries. */
  async message(scope: MemoryScope, changes: SyncChange[]): Promise<SyncMessage> {
    const base = { tenantId: scope.tenantId, userId: scope.userId, deviceId: (changes[0] as SyncChange).deviceId, counters: changes.map((c) => c.counter) };
    if (changes.length > MAX_PUSHED) return { ...base, counters: [base.counters[0] as number, base.counters[base.counters.length - 1] as number], items: [], truncated: true };
    return { ...base, items: await this.items(scope, changes) };
  }

  /**
   * A device's edit of one memory, made from revision `baseRev` at its own time `editedAt`:
   * under the user's lock, dedup first (a no-op edit is a duplicate), then the newest of the
   * concurrent writes (those after `baseRev`) wins, ties broken by device id. Applied edits are
   * logged as the device's, stamped with its edit time.
   */
  async edit(scope: MemoryScope, input: EditInput): Promise<EditOutcome> {
    if (!/^\d{1,19}$/.test(input.baseRev)) throw new BadRequestError('base_rev', 'base_rev must be a revision (digits) as sync returned it');
    if (input.edit.op === 'update' && input.edit.type !== undefined && !isMemoryType(input.edit.type)) throw new BadRequestError('type', 'type must be one of the memory types');
    if (!(await this.ctx.memories.exists(scope, input.id))) throw new NotFoundError('id', `memory ${input.id} not found`);
    const stamp: WriteStamp = { editedAt: input.editedAt, deviceId: input.deviceId };
    return this.ctx.memories.withUserLock(scope, async () => {
      const current = await this.ctx.memories.find(scope, input.id);
      const concurrent = (await this.log.changesOf(scope, input.id, input.baseRev)).map((c) => ({ editedAt: c.editedAt, deviceId: c.deviceId }));
      if (!current && input.edit.op === 'update') {
        const del = concurrent[concurrent.length - 1];
        return { status: 'lost', memory: null, ...(del ? { winner: { device_id: del.deviceId, edited_at: del.editedAt } } : {}) };
      }
      const r = resolveWrite(input.edit, stamp, current, concurrent);
      if (r.action === 'lost') return { status: 'lost', memory: await this.state(scope, input.id), winner: { device_id: r.to.deviceId, edited_at: r.to.editedAt } };
      if (r.action === 'duplicate') return { status: 'duplicate', memory: await this.state(scope, input.id) };
      const { edit } = input;
      await asWriter(stamp, async () => {
        if (edit.op === 'delete') await this.memories.delete(scope, input.id, `device:${input.deviceId}`);
        else await this.memories.update(scope, input.id, { ...(edit.text !== undefined ? { text: edit.text } : {}), ...(edit.type !== undefined ? { type: edit.type } : {}), ...(edit.confidence !== undefined ? { confidence: edit.confidence } : {}) }, `device:${input.deviceId}`);
      });
      return { status: 'applied', memory: await this.state(scope, input.id) };
    });
  }

  private async state(scope: MemoryScope, id: string): Promise<ReturnType<typeof presentSynced> | null> {
    const m = await this.ctx.memories.find(scope, id);
    return m ? presentSynced((await this.memories.views([m]))[0] as MemoryView, this.ctx.clock()) : null;
  }

  /** The daily compaction: rows older than `retentionDays` (default `syncRetentionDays`, 30) go. */
  async compactExpired(retentionDays = this.ctx.options.syncRetentionDays ?? 30): Promise<number> {
    return this.log.compact(new Date(this.ctx.clock().getTime() - retentionDays * 86_400_000));
  }

  /** Drops change-log rows older than `before`; devices whose vector falls below what is kept must resync. */
  async compact(before: Date, scope?: MemoryScope): Promise<number> {
    return this.log.compact(before, scope);
  }
}

function encodeCursor(c: SnapshotCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(raw: string): SnapshotCursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as SnapshotCursor;
    if (c && typeof c.after === 'string' && /^[0-9a-f-]{36}$/i.test(c.after) && c.v && typeof c.v === 'object') {
      parseVector(formatVector(c.v), 'cursor');
      return c;
    }
  } catch {
    // fall through
  }
  throw new BadRequestError('cursor', 'cursor must be a cursor a previous sync page returned');
}
