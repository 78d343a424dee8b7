import { readFileSync } from 'node:fs';
import { call, head, line, ok, start, startHttpApp, until, type DemoContext } from '../lib';

interface LocomoTurn {
  speaker: string;
  dia_id: string;
  text: string;
}

/** "1:56 pm on 8 May, 2023" → Date (UTC). */
export function parseLocomoDate(s: string): Date {
  const m = /(\d{1,2}):(\d{2})\s*(am|pm) on (\d{1,2}) (\w+),? (\d{4})/i.exec(s);
  if (!m) throw new Error(`unparseable LoCoMo date: ${s}`);
  const [, hh, mm, ap, day, month, year] = m as unknown as [string, string, string, string, string, string, string];
  const h = (Number(hh) % 12) + (ap.toLowerCase() === 'pm' ? 12 : 0);
  return new Date(`${day} ${month} ${year} ${String(h).padStart(2, '0')}:${mm}:00 UTC`);
}

/**
 * memory-api + memory-worker on a LoCoMo conversation: the first sessions of one speaker go in
 * (the other speaker plays the assistant), the worker extracts facts offline (rule-based), and we
 * print what the assistant now knows and what it retrieves for a question.
 */
export async function memory(ctx: DemoContext, locomoPath: string, sessions = 6): Promise<void> {
  head(`Long-term memory on LoCoMo (${locomoPath})`);
  if (!ctx.apiKey) throw new Error('the platform step must run first (it issues the API key)');
  const data = JSON.parse(readFileSync(locomoPath, 'utf8')) as Array<{ sample_id: string; conversation: Record<string, unknown>; qa: Array<{ question: string; evidence: string[]; category: number }> }>;
  const sample = data[0];
  if (!sample) throw new Error(`${locomoPath} holds no conversation`);
  const conv = sample.conversation;
  const user = String(conv['speaker_a']);
  const base = await startHttpApp('memory-api', 'apps/memory-api/src/main.ts');
  start('memory-worker', 'apps/memory-worker/src/main.ts', {});
  ok(`memory-api and memory-worker started (offline models: USE-lite embeddings, rule-based extractor)`);
  const key = ctx.apiKey;
  const ids: string[] = [];
  for (let n = 1; n <= sessions; n++) {
    const turns = conv[`session_${n}`] as LocomoTurn[] | undefined;
    if (!turns) break;
    const sessionId = `locomo-${sample.sample_id}-s${n}`;
    const startedAt = parseLocomoDate(String(conv[`session_${n}_date_time`]));
    const r = await call(base, 'POST', '/v1/sessions', {
      user_id: user,
      session_id: sessionId,
      started_at: startedAt.toISOString(),
      turns: turns.map((t) => ({ id: t.dia_id, role: t.speaker === user ? 'user' : 'assistant', speaker: t.speaker, content: t.text, at: startedAt.toISOString() })),
    }, key);
    if (r.status !== 202) throw new Error(`POST /v1/sessions → ${r.status} ${JSON.stringify(r.body)}`);
    ids.push(sessionId);
  }
  ok(`POST /v1/sessions × ${ids.length}: ${user}'s first ${ids.length} sessions (${ids[0]} … ${ids[ids.length - 1]}) → 202, extraction queued`);
  let facts = 0;
  for (const id of ids) {
    const s = await until(`session ${id} to be processed`, async () => {
      const r = await call(base, 'GET', `/v1/sessions/${id}?user_id=${encodeURIComponent(user)}`, undefined, key);
      return r.body['status'] === 'processed' || r.body['status'] === 'skipped' ? r.body : undefined;
    }, 120_000);
    facts += Number(s['memories']);
  }
  ok(`memory-worker processed all ${ids.length} sessions: ${facts} fact(s) stored with provenance`);

  const profile = await call(base, 'GET', `/v1/profile?user_id=${encodeURIComponent(user)}`, undefined, key);
  line(`\n  What the assistant now knows about ${user} (GET /v1/profile):`);
  for (const section of profile.body['what_i_know'] as Array<{ label: string; facts: Array<{ text: string; confidence: number }> }>) {
    line(`    ${section.label}`);
    for (const f of section.facts) line(`      - ${f.text} (confidence ${f.confidence})`);
  }
  const qa = sample.qa.find((q) => /career/i.test(q.question)) ?? sample.qa[0];
  const question = qa?.question ?? `What does ${user} do?`;
  const found = await call(base, 'POST', '/v1/memories/search', { user_id: user, query: question, limit: 3 }, key);
  line(`\n  Q: ${question}   (LoCoMo evidence: ${qa?.evidence.join(', ')})`);
  for (const m of found.body['results'] as Array<{ memory: string; score: number; provenance: { turn_ids: string[] }; score_breakdown: Record<string, number> }>) {
    const b = m.score_breakdown;
    line(`    ${m.score.toFixed(3)}  "${m.memory}"  [turn ${m.provenance.turn_ids.join(', ')}; relevance ${b['relevance']?.toFixed(2)} × recency ${b['recency']?.toFixed(2)} × confidence ${b['confidence']} × usage ${b['usage']?.toFixed(2)}]`);
  }
  line(`\n  The block the chat model gets:\n${String(found.body['profile']).replace(/^/gm, '    ')}`);
}
