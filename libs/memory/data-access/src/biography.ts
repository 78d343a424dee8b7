import { createHash } from 'node:crypto';
import type { ChatModel } from '@frontier/ml-ports';
import { deterministicBiography, whatDoYouKnow } from '@frontier/memory-domain';
import { now as clock, type MemoryDeps } from './deps';
import { liveWhere, toDomain, type MemoryScope } from './records';

export interface BiographyOutcome {
  rebuilt: boolean;
  factCount: number;
  generator: string;
  text: string;
}

/**
 * Tier 2: rebuilds the ~1,000-token biography from live facts — with the LLM when one is
 * configured, else the deterministic grouped summary. Skipped when the facts are unchanged and
 * the biography is not stale; special-category facts never go into it.
 */
export async function rebuildBiography(deps: MemoryDeps, scope: MemoryScope, llm?: ChatModel, force = false): Promise<BiographyOutcome> {
  const rows = await deps.prisma.memory.findMany({ where: liveWhere(scope, clock(deps)), orderBy: { validAt: 'desc' } });
  const facts = rows.map(toDomain);
  const fingerprint = createHash('sha256').update(facts.map((f) => `${f.id}:${f.text}`).sort().join('\n')).digest('hex');
  const key = { tenantId_userId: { tenantId: scope.tenantId, userId: scope.userId } };
  const current = await deps.prisma.biography.findUnique({ where: key });
  if (!force && current && !current.stale && current.fingerprint === fingerprint) {
    return { rebuilt: false, factCount: current.factCount, generator: current.generator, text: current.text };
  }
  let text = deterministicBiography(facts);
  let generator = 'deterministic-v1';
  if (llm && facts.length) {
    const sections = whatDoYouKnow(facts).filter((s) => s.sensitivity !== 'special-category');
    const listing = sections.map((s) => `${s.label}:\n${s.facts.map((f) => `- ${f.text}`).join('\n')}`).join('\n');
    const r = await llm.complete({
      messages: [
        { role: 'system', content: 'Write a concise biography of the user (at most 1,000 tokens) in the second person ("You …"), using only these facts. Do not add anything.' },
        { role: 'user', content: listing },
      ],
      temperature: 0,
      maxTokens: 1200,
    });
    text = r.content.trim();
    generator = `llm:${llm.modelId}`;
  }
  const data = { text, factCount: facts.length, fingerprint, generator, stale: false, builtAt: clock(deps) };
  await deps.prisma.biography.upsert({ where: key, create: { tenantId: scope.tenantId, userId: scope.userId, ...data }, update: data });
  return { rebuilt: true, factCount: facts.length, generator, text };
}

/**
 * Users with live memories whose biography is missing, stale, or built more than `olderThanDays`
 * ago: the monthly sweep queues a rebuild for each.
 */
export async function usersNeedingBiography(deps: MemoryDeps, olderThanDays = 30): Promise<MemoryScope[]> {
  const cutoff = new Date(clock(deps).getTime() - olderThanDays * 86_400_000);
  const rows = await deps.prisma.$queryRaw<Array<{ tenant_id: string; user_id: string }>>`
    SELECT DISTINCT m.tenant_id::text AS tenant_id, m.user_id
    FROM memories m
    LEFT JOIN biographies b ON b.tenant_id = m.tenant_id AND b.user_id = m.user_id
    WHERE m.deleted_at IS NULL AND m.superseded_by_id IS NULL
      AND (b.user_id IS NULL OR b.stale OR b.built_at < ${cutoff})`;
  return rows.map((r) => ({ tenantId: r.tenant_id, userId: r.user_id }));
}
