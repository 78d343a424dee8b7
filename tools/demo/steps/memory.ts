import { relative } from 'node:path';
import { endingYesterday, type DemoConversation } from '../conversation';
import { call, exitOf, head, line, ok, start, startHttpApp, until, type DemoContext, type Json } from '../lib';

const day = (iso: unknown) => String(iso).slice(0, 10);

interface WireMemory {
  id: string;
  memory: string;
  type: string;
  confidence: number;
  slot: string | null;
  provenance: { session_id: string | null; turn_ids: string[] };
  valid_at: string;
  invalid_at: string | null;
  superseded_by: string | null;
}

/**
 * memory-api + memory-worker on a conversation: its sessions go in over HTTP, the worker extracts
 * facts offline (rule-based) and resolves what changed, and we print what the assistant now knows
 * and what it retrieves for each question, asked as the user's next chat turn (a hit: a retrieved
 * fact whose provenance is one of the question's evidence turns).
 */
export async function memory(ctx: DemoContext, written: DemoConversation, source: string): Promise<void> {
  const { conversation, days } = endingYesterday(written);
  const user = conversation.user;
  const { sessions } = conversation;
  head(`Long-term memory on a conversation (${relative(process.cwd(), source) || source})`);
  if (conversation.description) line(`  ${conversation.description}`);
  const span = (c: DemoConversation) => `${day(c.sessions[0]?.started_at)} … ${day(c.sessions[c.sessions.length - 1]?.started_at)}`;
  if (days) line(`  Dates moved ${days} days forward so the last chat was yesterday (as written: ${span(written)}); recency is scored against today.`);
  if (!ctx.apiKey) throw new Error('the platform step must run first (it issues the API key)');
  const base = await startHttpApp('memory-api', 'apps/memory-api/src/main.ts');
  ctx.urls = { ...ctx.urls, memory: base };
  ctx.userId = user;
  const worker = exitOf(start('memory-worker', 'apps/memory-worker/src/main.ts', {}), 'memory-worker');
  ok('memory-api and memory-worker started (offline models: USE-lite embeddings, rule-based extractor)');
  const key = ctx.apiKey;
  const q = `user_id=${encodeURIComponent(user)}`;

  for (const s of sessions) {
    const r = await call(base, 'POST', '/v1/sessions', {
      user_id: user,
      session_id: s.id,
      started_at: s.started_at,
      turns: s.turns.map((t) => ({ id: t.id, role: t.role, speaker: t.speaker ?? conversation.speakers[t.role], content: t.text, at: s.started_at })),
    }, key);
    if (r.status !== 202) throw new Error(`POST /v1/sessions → ${r.status} ${JSON.stringify(r.body)}`);
  }
  const turns = sessions.reduce((n, s) => n + s.turns.length, 0);
  ok(`POST /v1/sessions × ${sessions.length}: ${conversation.speakers.user}'s chats from ${day(sessions[0]?.started_at)} to ${day(sessions[sessions.length - 1]?.started_at)} (${turns} turns) → 202, extraction queued`);

  let facts = 0;
  for (const s of sessions) {
    const processed = until(`session ${s.id} to be processed`, async () => {
      const r = await call(base, 'GET', `/v1/sessions/${encodeURIComponent(s.id)}?${q}`, undefined, key);
      return r.body['status'] === 'processed' || r.body['status'] === 'skipped' ? r.body : undefined;
    }, 120_000);
    const st = await Promise.race([processed, worker]);
    facts += Number(st['memories']);
    line(`    ${s.id.padEnd(16)} ${day(s.started_at)}  ${String(st['turns']).padStart(2)} turns  ${String(st['token_count']).padStart(4)} tokens  ${st['status']} (${st['reason']})  ${st['memories']} fact(s) live`);
  }
  ok(`memory-worker processed all ${sessions.length} sessions: ${facts} fact(s) live, each with its session and turn as provenance`);

  // what changed: facts a later session superseded (same slot, newer in event time)
  const all = await call(base, 'GET', `/v1/memories?${q}&include_inactive=true&page_size=500`, undefined, key);
  const memories = all.body['results'] as WireMemory[];
  const byId = new Map(memories.map((m) => [m.id, m]));
  const superseded = memories.filter((m) => m.superseded_by);
  if (superseded.length) {
    line(`\n  What changed over time (${superseded.length} fact(s) superseded by a later session; GET /v1/memories?include_inactive=true):`);
    for (const old of superseded) {
      const now = byId.get(old.superseded_by as string);
      line(`    ${old.slot ?? old.type}: "${old.memory}" (${day(old.valid_at)}) → "${now?.memory ?? old.superseded_by}" (${day(now?.valid_at)})`);
    }
    const first = superseded[0] as WireMemory;
    const history = await call(base, 'GET', `/v1/memories/${first.id}/history?${q}`, undefined, key);
    const events = history.body as unknown as Array<{ event: string; actor: string; reason: string | null }>;
    line(`    history of the first (GET /v1/memories/:id/history): ${events.map((e) => `${e.event} by ${e.actor}${e.reason ? ` (${e.reason.replace(/[0-9a-f-]{36}/, (id) => `${id.slice(0, 8)}…`)})` : ''}`).join(' → ')}`);
  }

  const profile = await call(base, 'GET', `/v1/profile?${q}`, undefined, key);
  line(`\n  What the assistant now knows about ${conversation.speakers.user} (GET /v1/profile):`);
  const sections = profile.body['what_i_know'] as Array<{ type: string; label: string; sensitivity: string; facts: Array<{ text: string; confidence: number; since: string }> }>;
  const special = new Set(sections.filter((s) => s.sensitivity === 'special-category').map((s) => s.type));
  for (const section of sections) {
    line(`    ${section.label}${section.sensitivity === 'special-category' ? ' (special category: never put in the prompt unless asked)' : ''}`);
    for (const f of section.facts) line(`      - ${f.text} (since ${day(f.since)}, confidence ${f.confidence})`);
  }

  let hits = 0;
  let lastProfile = '';
  let leftOut: string[] = [];
  for (const question of conversation.questions) {
    const found = await call(base, 'POST', '/v1/memories/search', { user_id: user, query: question.question, limit: 3 }, key);
    const results = found.body['results'] as Array<WireMemory & { score: number; score_breakdown: Json }>;
    const expected = [question.answer ? `expected "${question.answer}"` : '', question.evidence.length ? `evidence ${question.evidence.join(', ')}` : ''].filter(Boolean).join('; ');
    line(`\n  Q: ${question.question}   (${expected})`);
    let rank = 0;
    results.forEach((m, i) => {
      const b = m.score_breakdown as Record<string, number>;
      const fromEvidence = m.provenance.turn_ids.some((t) => question.evidence.includes(t));
      if (fromEvidence && !rank) rank = i + 1;
      line(`    ${fromEvidence ? '✔' : ' '} ${m.score.toFixed(3)}  "${m.memory}"  [turn ${m.provenance.turn_ids.join(', ')}; relevance ${b['relevance']?.toFixed(2)} × recency ${b['recency']?.toFixed(2)} × confidence ${b['confidence']} × usage ${b['usage']?.toFixed(2)}]`);
    });
    if (rank) hits++;
    line(`    → ${rank ? `a fact from the evidence turns at rank ${rank}` : 'no fact from the evidence turns in the top 3'}`);
    lastProfile = String(found.body['profile']);
    leftOut = results.filter((m) => special.has(m.type)).map((m) => m.memory);
  }
  if (conversation.questions.length) {
    ok(`${hits} of ${conversation.questions.length} question(s) found a fact from their evidence turns in the top 3`);
    line(`\n  The block the chat model gets with the last question (POST /v1/memories/search → profile):\n${lastProfile.replace(/^/gm, '    ')}`);
    if (leftOut.length) line(`    (left out: ${leftOut.map((t) => `"${t}"`).join(', ')}, special category: retrieved and listed, but kept out of the prompt unless the chat is about it)`);
  }
  await exportAndErase(base, key, user, q, memories);
}

/** Issue 13: everything kept about the user as one file, then one fact erased everywhere, with its report. */
async function exportAndErase(base: string, key: string, user: string, q: string, memories: readonly WireMemory[]): Promise<void> {
  const exported = await call(base, 'GET', `/v1/export?${q}`, undefined, key);
  const doc = exported.body as { memories?: unknown[]; sessions?: Array<{ turns?: unknown[] }>; biography?: unknown };
  const turns = (doc.sessions ?? []).reduce((n, s) => n + (s.turns?.length ?? 0), 0);
  ok(`GET /v1/export → ${exported.status}: ${doc.memories?.length ?? 0} memories with history, ${doc.sessions?.length ?? 0} sessions (${turns} turns), biography ${doc.biography ? 'included' : 'none yet'} (stored encrypted at rest with ${user}'s own data key)`);
  const victim = memories.find((m) => !m.superseded_by && /vegetarian|risotto|dish/i.test(m.memory)) ?? memories.find((m) => !m.superseded_by);
  if (!victim) return;
  const del = await call(base, 'DELETE', `/v1/memories/${victim.id}?${q}`, undefined, key);
  if (del.status !== 202) throw new Error(`DELETE /v1/memories/:id → ${del.status} ${JSON.stringify(del.body)}`);
  const erasureId = String(del.body['erasure_id']);
  const after = await call(base, 'POST', '/v1/memories/search', { user_id: user, query: victim.memory, limit: 5 }, key);
  const stillServed = (after.body['results'] as WireMemory[]).some((m) => m.id === victim.id);
  ok(`DELETE /v1/memories/:id ("${victim.memory}") → 202, erasure ${erasureId.slice(0, 8)}…; a search for its own words at once: ${stillServed ? 'STILL SERVED' : 'not served'}`);
  if (stillServed) throw new Error('an erased memory was served after DELETE returned');
  const done = await until(`erasure ${erasureId} to complete`, async () => {
    const r = await call(base, 'GET', `/v1/erasures/${erasureId}?${q}`, undefined, key);
    return r.body['status'] === 'completed' ? r.body : undefined;
  }, 60_000);
  const report = done['report'] as { steps?: Array<{ store: string; where: string; removed: Record<string, number> }> } | null;
  ok(`GET /v1/erasures/:id → completed: ${(report?.steps ?? []).map((st) => `${st.store} (${Object.entries(st.removed).map(([k, v]) => `${k} ${v}`).join(', ')})`).join('; ')}`);
}
