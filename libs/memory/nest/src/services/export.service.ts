import { Inject, Injectable } from '@nestjs/common';
import type { MemoryScope } from '@frontier/memory-contracts';
import { isLive } from '@frontier/memory-domain';
import type { EntityFilter, ExportedMemory, ExportedSession } from '@frontier/memory-data-access';
import { presentMemory } from '../present/memory.presenter';
import { MEMORY_CONTEXT, type MemoryContext } from '../ports';
import { MemoryService, type ListInput, type MemoryView } from './memory.service';

/** Rows read per query: a large user is streamed page by page, never held whole. */
export const EXPORT_PAGE = 200;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** A memory of the export: the API's memory shape, its status, its whole history. */
function exportedMemory(m: ExportedMemory, at: Date) {
  const status = isLive(m.memory, at) ? 'live' : m.memory.supersededBy ? 'superseded' : 'invalidated';
  return {
    ...presentMemory({ memory: m.memory, session: m.sessionExternalId ? { externalId: m.sessionExternalId, agentId: null } : null }),
    status,
    history: m.history.map((e) => ({ event: e.event, old_memory: e.previousText, new_memory: e.newText, reason: e.reason, actor: e.actor, created_at: e.at, redacted: e.redacted })),
  };
}

function exportedSession(s: ExportedSession) {
  return {
    session_id: s.externalId,
    agent_id: s.agentId,
    status: s.status,
    started_at: s.startedAt,
    processed_at: s.processedAt,
    turns: s.turns.map((t) => ({ id: t.turnId, role: t.role, speaker: t.speaker, content: t.text, at: t.at })),
  };
}

/**
 * Everything kept about a user (issue 13, item 1): every memory that is not erased (live,
 * superseded, invalidated) with provenance, type, confidence, timestamps and history; every session
 * with its transcript; the biography as served. Streamed: JSON (one document, written a page at a
 * time) or Markdown for people. The Mem0 export reads its memories through {@link liveViews}.
 */
@Injectable()
export class ExportService {
  constructor(
    @Inject(MEMORY_CONTEXT) private readonly ctx: MemoryContext,
    private readonly memories: MemoryService,
  ) {}

  /** The export as chunks of text (`json` or `text`); the first chunk is produced after the first read. */
  stream(scope: MemoryScope, format: 'json' | 'text'): AsyncGenerator<string> {
    return format === 'text' ? this.markdown(scope) : this.json(scope);
  }

  private async *memoryPages(scope: MemoryScope): AsyncGenerator<ExportedMemory[]> {
    for (let after: string | null = null; ; ) {
      const page = await this.ctx.erasures.exports.memories(scope, after, EXPORT_PAGE);
      if (page.length) yield page;
      if (page.length < EXPORT_PAGE) return;
      after = (page.at(-1) as ExportedMemory).memory.id;
    }
  }

  private async *sessionPages(scope: MemoryScope): AsyncGenerator<ExportedSession[]> {
    for (let after: string | null = null; ; ) {
      const page = await this.ctx.erasures.exports.sessions(scope, after, EXPORT_PAGE);
      if (page.length) yield page;
      if (page.length < EXPORT_PAGE) return;
      after = (page.at(-1) as ExportedSession).id;
    }
  }

  private async *json(scope: MemoryScope): AsyncGenerator<string> {
    const at = this.ctx.clock();
    const profile = await this.memories.profile(scope);
    yield `{"format":"frontier-memory-export/1","user_id":${JSON.stringify(scope.userId)},"exported_at":${JSON.stringify(at.toISOString())},"memories":[`;
    let first = true;
    for await (const page of this.memoryPages(scope)) {
      yield page.map((m, i) => `${first && i === 0 ? '' : ','}${JSON.stringify(exportedMemory(m, at))}`).join('');
      first = false;
    }
    yield '],"sessions":[';
    first = true;
    for await (const page of this.sessionPages(scope)) {
      yield page.map((s, i) => `${first && i === 0 ? '' : ','}${JSON.stringify(exportedSession(s))}`).join('');
      first = false;
    }
    const bio = profile.biography;
    yield `],"biography":${JSON.stringify(bio ? { text: bio.text, built_at: bio.builtAt, stale: bio.stale, generator: bio.generator } : null)}}\n`;
  }

  private async *markdown(scope: MemoryScope): AsyncGenerator<string> {
    const at = this.ctx.clock();
    const profile = await this.memories.profile(scope);
    yield `# What Frontier keeps about ${scope.userId}\n\nExported ${at.toISOString()}.\n\n## Biography\n\n${profile.biography?.text ?? '(none)'}\n\n## Memories\n\n`;
    let any = false;
    for await (const page of this.memoryPages(scope)) {
      any = true;
      yield page
        .map((m) => {
          const e = exportedMemory(m, at);
          const period = `valid ${iso(m.memory.validAt)}${m.memory.invalidAt ? ` until ${iso(m.memory.invalidAt)}` : ''}`;
          const source = e.provenance.session_id ? `session ${e.provenance.session_id}${e.provenance.turn_ids.length ? ` (turns ${e.provenance.turn_ids.join(', ')})` : ''}` : 'no session';
          const history = e.history.map((h) => `  - ${h.event} ${iso(h.created_at)} by ${h.actor}${h.reason ? ` — ${h.reason}` : ''}`).join('\n');
          return `- **${e.memory}** — ${e.type}, ${e.status}, confidence ${e.confidence.toFixed(2)}, ${period}, recorded ${iso(m.memory.createdAt)}, from ${source}\n${history}\n`;
        })
        .join('');
    }
    if (!any) yield '(none)\n';
    yield '\n## Sessions\n';
    for await (const page of this.sessionPages(scope)) {
      yield page
        .map((s) => `\n### ${s.externalId}\n\nStarted ${iso(s.startedAt)}, ${s.status}.\n\n${s.turns.map((t) => `- ${t.speaker ?? t.role}: ${t.text}`).join('\n')}\n`)
        .join('');
    }
  }

  /** Live memories of a list query, a page at a time (the Mem0 export). */
  async *liveViews(scope: MemoryScope, input: Omit<ListInput, 'page' | 'pageSize'> & EntityFilter = {}): AsyncGenerator<MemoryView> {
    for (let n = 1; ; n++) {
      const page = await this.memories.list(scope, { ...input, page: n, pageSize: EXPORT_PAGE });
      yield* page.items;
      if (n * page.pageSize >= page.total) return;
    }
  }
}
