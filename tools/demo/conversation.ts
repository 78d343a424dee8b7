/**
 * The conversation the demo feeds long-term memory. Default: `tools/demo/data/demo-conversation.json`
 * (made up, ships with the repo). `npm run demo -- <file>` takes another file in the same shape, or
 * a LoCoMo-format file (its first conversation, first six sessions).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface DemoTurn {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  /** Shown as the speaker's name; defaults to the conversation's speaker for the role. */
  speaker?: string;
}

export interface DemoSession {
  id: string;
  /** ISO 8601; every turn of the session is stamped with it. */
  started_at: string;
  turns: DemoTurn[];
}

export interface DemoQuestion {
  question: string;
  /** Expected answer (a short string the retrieved fact should contain), when known. */
  answer?: string;
  /** Turn ids the answer comes from. */
  evidence: string[];
}

export interface DemoConversation {
  description?: string;
  /** The memory API's user_id (no whitespace). */
  user: string;
  speakers: { user: string; assistant: string };
  sessions: DemoSession[];
  questions: DemoQuestion[];
}

export const DEFAULT_CONVERSATION = join(__dirname, 'data', 'demo-conversation.json');

/** Reads a demo conversation, or converts a LoCoMo-format file; fails with what is wrong. */
export function loadConversation(path = DEFAULT_CONVERSATION, locomoSessions = 6): DemoConversation {
  const file = resolve(path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the demo conversation ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (Array.isArray(raw)) return fromLocomo(raw as LocomoSample[], locomoSessions);
  const c = raw as Partial<DemoConversation>;
  if (!c.user || !/^\S+$/.test(c.user) || !c.speakers || !Array.isArray(c.sessions) || !c.sessions.length) {
    throw new Error(`${file} is neither a demo conversation (user, speakers, sessions[], questions[]) nor a LoCoMo file`);
  }
  return { ...c, questions: c.questions ?? [] } as DemoConversation;
}

const DAY = 86_400_000;

/**
 * The conversation moved forward by whole days so its last session started yesterday: recency is
 * scored against today, so a fixed file would otherwise read differently every month it ages.
 */
export function endingYesterday(c: DemoConversation, now = new Date()): { conversation: DemoConversation; days: number } {
  const last = Math.max(...c.sessions.map((s) => Date.parse(s.started_at)));
  const days = Math.max(0, Math.floor((now.getTime() - last) / DAY) - 1);
  const sessions = c.sessions.map((s) => ({ ...s, started_at: new Date(Date.parse(s.started_at) + days * DAY).toISOString() }));
  return { conversation: { ...c, sessions }, days };
}

interface LocomoSample {
  sample_id: string;
  conversation: Record<string, unknown>;
  qa: Array<{ question: string; answer?: unknown; evidence?: unknown[]; category: number }>;
}

/** "1:56 pm on 8 May, 2023" → Date (UTC). */
export function parseLocomoDate(s: string): Date {
  const m = /(\d{1,2}):(\d{2})\s*(am|pm) on (\d{1,2}) (\w+),? (\d{4})/i.exec(s);
  if (!m) throw new Error(`unparseable LoCoMo date: ${s}`);
  const [, hh, mm, ap, day, month, year] = m as unknown as [string, string, string, string, string, string, string];
  const h = (Number(hh) % 12) + (ap.toLowerCase() === 'pm' ? 12 : 0);
  return new Date(`${day} ${month} ${year} ${String(h).padStart(2, '0')}:${mm}:00 UTC`);
}

/** LoCoMo: speaker A plays the user, speaker B the assistant; the question on careers if any. */
function fromLocomo(data: LocomoSample[], sessions: number): DemoConversation {
  const sample = data[0];
  if (!sample) throw new Error('the LoCoMo file holds no conversation');
  const conv = sample.conversation;
  const user = String(conv['speaker_a']);
  const out: DemoSession[] = [];
  for (let n = 1; n <= sessions; n++) {
    const turns = conv[`session_${n}`] as Array<{ speaker: string; dia_id: string; text: string }> | undefined;
    if (!turns) break;
    out.push({
      id: `locomo-${sample.sample_id}-s${n}`,
      started_at: parseLocomoDate(String(conv[`session_${n}_date_time`])).toISOString(),
      turns: turns.map((t) => ({ id: t.dia_id, role: t.speaker === user ? 'user' : 'assistant', speaker: t.speaker, text: t.text })),
    });
  }
  const ids = new Set(out.flatMap((s) => s.turns.map((t) => t.id)));
  const answerable = sample.qa.filter((q) => q.evidence?.length && q.evidence.every((e) => ids.has(String(e))));
  const qa = answerable.find((q) => /career/i.test(q.question)) ?? answerable[0];
  return {
    description: `LoCoMo conversation ${sample.sample_id}, first ${out.length} sessions`,
    user: user.replace(/\s+/g, '-'),
    speakers: { user, assistant: String(conv['speaker_b']) },
    sessions: out,
    questions: qa ? [{ question: qa.question, evidence: (qa.evidence ?? []).map(String), ...(qa.answer !== undefined ? { answer: String(qa.answer) } : {}) }] : [],
  };
}
