/** LoCoMo loading for the memory benches: sessions with dates, cleaned evidence ids, shared photos' captions. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchArgs, usageError } from '../../lib/harness';

export interface LocomoTurn {
  speaker: string;
  dia_id: string;
  /** What the turn says: the words, and with `photos: 'caption'` the shared photo's caption after them. */
  text: string;
  /** The BLIP caption of the photo the turn shares ("a photo of a painting of a sunset over a lake"), if any. */
  caption?: string;
}

/**
 * What a turn that shares a photo says (issue 14, sixth pass): `caption` — its words and
 * ` [shared <blip_caption>]` (LoCoMo's own RAG baselines format such a turn as `<speaker> said,
 * "<text>" and shared <blip_caption>`; a chat product sends an image's description with the
 * message), `drop` — the words only (the benches before the sixth pass). The dataset's `query`
 * (the authors' image search term, a label) and `img_url` are never read.
 */
export type PhotoMode = 'caption' | 'drop';
export const PHOTO_MODES: readonly PhotoMode[] = ['caption', 'drop'];

/** A turn's words with its photo's caption: `<text> [shared <caption>]`. */
export const withCaption = (text: string, caption: string | undefined): string => (caption ? `${text} [shared ${caption}]` : text);

/** The `--photos drop|caption` flag (default `drop`: the input every pass's headline and the baselines used). */
export function photosFlag(usage: string): PhotoMode {
  const v = benchArgs().flags.get('photos') ?? 'drop';
  if (!(PHOTO_MODES as readonly string[]).includes(v)) usageError(`--photos must be caption or drop; usage: ${usage}`);
  return v as PhotoMode;
}

export interface LocomoQuestion {
  question: string;
  category: number;
  /** Cleaned evidence dialog ids ("D8:6", never packed or zero-padded). */
  evidence: string[];
  /** The gold answer (scoring only: the answer-words figure of locomo-eval.ts). */
  answer?: string;
}

export interface LocomoSession {
  n: number;
  date: Date;
  turns: LocomoTurn[];
}

export interface LocomoConversation {
  sampleId: string;
  sessions: LocomoSession[];
  questions: LocomoQuestion[];
  /** Questions of categories 1–4 dropped because no evidence id survived cleaning. */
  droppedQuestions: number;
}

interface RawTurn {
  speaker: string;
  dia_id: string;
  text: string;
  blip_caption?: unknown;
}

interface RawConversation {
  sample_id: string;
  conversation: Record<string, unknown>;
  qa: Array<{ question: string; category: number; evidence?: unknown[]; answer?: unknown }>;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** "1:56 pm on 8 May, 2023" → that instant in UTC. */
export function parseLocomoDate(s: string): Date {
  const m = /^(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([A-Za-z]+),?\s+(\d{4})$/i.exec(s.trim());
  if (!m) throw new Error(`unparsed LoCoMo date: ${s}`);
  const month = MONTHS.indexOf((m[5] ?? '').toLowerCase());
  if (month < 0) throw new Error(`unknown month in ${s}`);
  let hour = Number(m[1]) % 12;
  if ((m[3] ?? '').toLowerCase() === 'pm') hour += 12;
  return new Date(Date.UTC(Number(m[6]), month, Number(m[4]), hour, Number(m[2])));
}

/** "D8:6; D9:17" → [D8:6, D9:17]; "D:11:26" → D11:26; "D30:05" → D30:5; "D" → dropped. */
export function cleanEvidence(raw: readonly unknown[]): string[] {
  const out = new Set<string>();
  for (const e of raw) for (const m of String(e).matchAll(/D:?(\d+):(\d+)/g)) out.add(`D${Number(m[1])}:${Number(m[2])}`);
  return [...out];
}

/** `photos`: what a turn sharing a photo says (default `drop`: the other memory benches' input is unchanged; locomo.ts and its tuning harness pass `--photos`). */
export function loadLocomo(path: string, o: { photos?: PhotoMode } = {}): LocomoConversation[] {
  const photos = o.photos ?? 'drop';
  const turn = (t: RawTurn): LocomoTurn => {
    const caption = typeof t.blip_caption === 'string' && t.blip_caption.trim() ? t.blip_caption.trim() : undefined;
    return { speaker: t.speaker, dia_id: t.dia_id, text: photos === 'caption' ? withCaption(t.text, caption) : t.text, ...(caption ? { caption } : {}) };
  };
  const raw = JSON.parse(readFileSync(resolve(path), 'utf8')) as RawConversation[];
  return raw.map((c) => {
    const sessions: LocomoSession[] = [];
    for (let n = 1; ; n++) {
      const turns = c.conversation[`session_${n}`];
      const date = c.conversation[`session_${n}_date_time`];
      if (!Array.isArray(turns)) {
        if (date === undefined) break;
        continue; // a dated session without turns
      }
      sessions.push({ n, date: parseLocomoDate(String(date)), turns: (turns as RawTurn[]).map(turn) });
    }
    const relevant = c.qa.filter((q) => q.category >= 1 && q.category <= 4);
    const questions = relevant.map((q) => ({ question: String(q.question), category: q.category, evidence: cleanEvidence(q.evidence ?? []), ...(q.answer === undefined || q.answer === null ? {} : { answer: String(q.answer) }) }));
    const kept = questions.filter((q) => q.evidence.length > 0);
    return { sampleId: c.sample_id, sessions, questions: kept, droppedQuestions: questions.length - kept.length };
  });
}

/** The memory text of a turn, as stored and as the baselines index it. */
export const turnText = (t: LocomoTurn): string => `${t.speaker}: ${t.text}`;
