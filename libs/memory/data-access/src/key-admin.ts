import type { Prisma, PrismaClient } from '@frontier/platform-prisma';
import type { RotationReport } from '@frontier/platform-crypto';
import type { MemoryScope } from '@frontier/memory-contracts';
import { isSealedBytes, isSealedText, SEALED_TEXT_PREFIX } from '@frontier/platform-crypto';
import type { MemoryCipher } from './cipher';

/** Rows sealed by one backfill run, per table. */
export interface BackfillReport {
  memories: number;
  events: number;
  turns: number;
  biographies: number;
}

const SEALED = `${SEALED_TEXT_PREFIX}%`;

/**
 * Operations on memory's keys (the `memory-keys` command): master-key rotation (re-wraps data keys
 * only) and the backfill that seals rows written before encryption at rest (they stay readable as
 * plaintext until then; every new write is sealed). Idempotent; safe beside live traffic (each row
 * is rewritten only if unchanged since it was read).
 */
export class MemoryKeyAdmin {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly cipher: MemoryCipher,
  ) {}

  rotateMasterKey(batch = 500): Promise<RotationReport> {
    return this.cipher.rotateMasterKey(batch);
  }

  /** Seals every plaintext text column and embedding, `batch` rows at a time. */
  async backfill(batch = 500): Promise<BackfillReport> {
    if (!this.cipher.sealing) throw new Error('MEMORY_ENCRYPTION is off: nothing to seal with');
    return {
      memories: await this.pages((after) => this.memories(after, batch)),
      events: await this.pages((after) => this.events(after, batch)),
      turns: await this.pages((after) => this.turns(after, batch)),
      biographies: await this.pages((after) => this.biographies(after, batch)),
    };
  }

  /** Keyset pages until one comes back empty: each returns the rows it sealed and the last key it saw. */
  private async pages(page: (after: string) => Promise<{ sealed: number; last: string | null }>): Promise<number> {
    let total = 0;
    for (let after = ''; ; ) {
      const p = await page(after);
      total += p.sealed;
      if (p.last === null) return total;
      after = p.last;
    }
  }

  private async memories(after: string, batch: number): Promise<{ sealed: number; last: string | null }> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string; tenant_id: string; user_id: string; text: string; embedding: Uint8Array | null; metadata: Prisma.JsonValue }>>`
      SELECT id::text AS id, tenant_id::text AS tenant_id, user_id, text, embedding, metadata FROM memories
      WHERE id::text > ${after} AND (text NOT LIKE ${SEALED} OR (embedding IS NOT NULL AND substring(embedding from 1 for 4) <> '\\x46584501'::bytea)
        OR (metadata->>'candidateKey' IS NOT NULL AND metadata->>'candidateKey' NOT LIKE 'k1:%'))
      ORDER BY id::text LIMIT ${batch}`;
    let n = 0;
    for (const row of rows) {
      const scope = { tenantId: row.tenant_id, userId: row.user_id };
      const o = await this.cipher.opener(scope, [row.text, row.embedding]);
      const seal = await this.cipher.sealer(scope);
      const vector = o.vector(row.embedding);
      const text = o.text('memories.text', row.text);
      const meta = row.metadata && typeof row.metadata === 'object' && !Array.isArray(row.metadata) ? row.metadata : null;
      const ck = meta?.['candidateKey'];
      const metadata = typeof ck === 'string' && !ck.startsWith('k1:') ? { metadata: { ...meta, candidateKey: seal.tag('candidate', ck) } } : {};
      const done = await this.prisma.memory.updateMany({
        where: { id: row.id, text: row.text },
        data: { text: isSealedText(row.text) ? row.text : seal.text('memories.text', text), ...(vector && row.embedding && !isSealedBytes(row.embedding) ? { embedding: seal.vector(vector) } : {}), ...metadata },
      });
      n += done.count;
    }
    return { sealed: n, last: rows.at(-1)?.id ?? null };
  }

  private async events(after: string, batch: number): Promise<{ sealed: number; last: string | null }> {
    const rows = await this.prisma.memoryEvent.findMany({
      where: { ...(after ? { id: { gt: after } } : {}), OR: [{ previousText: { not: null }, NOT: { previousText: { startsWith: SEALED_TEXT_PREFIX } } }, { newText: { not: null }, NOT: { newText: { startsWith: SEALED_TEXT_PREFIX } } }, { reason: { not: null }, NOT: { reason: { startsWith: SEALED_TEXT_PREFIX } } }] },
      orderBy: { id: 'asc' },
      take: batch,
    });
    let n = 0;
    for (const e of rows) {
      const scope: MemoryScope = { tenantId: e.tenantId, userId: e.userId };
      const o = await this.cipher.opener(scope, [e.previousText, e.newText, e.reason]);
      const seal = await this.cipher.sealer(scope);
      const done = await this.prisma.memoryEvent.updateMany({
        where: { id: e.id, previousText: e.previousText, newText: e.newText, reason: e.reason },
        data: {
          previousText: seal.maybe('memory_events.previous_text', o.maybe('memory_events.previous_text', e.previousText)),
          newText: seal.maybe('memory_events.new_text', o.maybe('memory_events.new_text', e.newText)),
          reason: seal.maybe('memory_events.reason', o.maybe('memory_events.reason', e.reason)),
        },
      });
      n += done.count;
    }
    return { sealed: n, last: rows.at(-1)?.id ?? null };
  }

  private async turns(after: string, batch: number): Promise<{ sealed: number; last: string | null }> {
    const rows = await this.prisma.memoryTurn.findMany({
      where: { ...(after ? { id: { gt: after } } : {}), NOT: { text: { startsWith: SEALED_TEXT_PREFIX } } },
      orderBy: { id: 'asc' },
      take: batch,
      select: { id: true, text: true, session: { select: { tenantId: true, userId: true } } },
    });
    let n = 0;
    for (const t of rows) {
      const seal = await this.cipher.sealer({ tenantId: t.session.tenantId, userId: t.session.userId });
      n += (await this.prisma.memoryTurn.updateMany({ where: { id: t.id, text: t.text }, data: { text: seal.text('memory_turns.text', t.text) } })).count;
    }
    return { sealed: n, last: rows.at(-1)?.id ?? null };
  }

  private async biographies(after: string, batch: number): Promise<{ sealed: number; last: string | null }> {
    const [t, u] = after.split('\u0000') as [string, string | undefined];
    const keyset = after ? { OR: [{ tenantId: { gt: t } }, { tenantId: t, userId: { gt: u ?? '' } }] } : {};
    const rows = await this.prisma.biography.findMany({ where: { ...keyset, NOT: { text: { startsWith: SEALED_TEXT_PREFIX } } }, orderBy: [{ tenantId: 'asc' }, { userId: 'asc' }], take: batch });
    let n = 0;
    for (const b of rows) {
      const seal = await this.cipher.sealer({ tenantId: b.tenantId, userId: b.userId });
      n += (await this.prisma.biography.updateMany({ where: { tenantId: b.tenantId, userId: b.userId, text: b.text }, data: { text: seal.text('biographies.text', b.text) } })).count;
    }
    const last = rows.at(-1);
    return { sealed: n, last: last ? `${last.tenantId}\u0000${last.userId}` : null };
  }
}
