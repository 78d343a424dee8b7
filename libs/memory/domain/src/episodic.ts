import { tokenize } from './bm25';
import type { Candidate } from './memory';
import type { Turn } from './significance';

/**
 * The episodic tier (issue 14): every significant turn kept as an observation — what was said, by
 * whom, on which day — beside the semantic facts an extractor finds. Episodes are memory records of
 * type `episode`, so erasure, export, encryption at rest, sync and eviction cover them as they
 * cover facts; search ranks both tiers in one list and collapses a fact with its own turn.
 */
export const EPISODE_TYPE = 'episode' as const;

/** Extractor id recorded on episodic observations. */
export const EPISODIC_EXTRACTOR_ID = 'episodic-v1';

/** Confidence of an episode: what was said is certain; it sits above the pipeline's 0.7 gate. */
export const EPISODE_CONFIDENCE = 0.9;

export interface EpisodeOptions {
  /** Turns with fewer content words (not stop words) than this are not kept ("ok", "thanks!"). */
  minContentWords?: number;
  /** Roles kept (default the user's turns only: the memory is about the user). */
  roles?: ReadonlyArray<Turn['role']>;
  /** Turns never kept as episodes (e.g. a forget command's turn). */
  excludeTurnIds?: ReadonlySet<string>;
}

export const DEFAULT_EPISODES: Required<Omit<EpisodeOptions, 'excludeTurnIds'>> = { minContentWords: 2, roles: ['user'] };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "8 May 2023" (UTC): the day a turn was said, as the indexed text and the model see it. */
export function formatEpisodeDate(at: Date): string {
  return `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()}`;
}

/**
 * The text of an episode: `[8 May 2023] Caroline: I went to a support group yesterday.` — the date
 * lets "when" questions be answered from the item itself (and matched lexically), the speaker
 * lets "what did Caroline…" match.
 */
export function episodeText(turn: Pick<Turn, 'text' | 'at' | 'speaker'>): string {
  const body = turn.text.trim();
  const who = turn.speaker?.trim();
  const said = who ? `${who}: ${body}` : body;
  return turn.at ? `[${formatEpisodeDate(turn.at)}] ${said}` : said;
}

/** The part of an episode that is embedded: speaker and words, without the date (dates carry no meaning for an encoder). */
export function episodeEmbeddingText(turn: Pick<Turn, 'text' | 'speaker'>): string {
  const who = turn.speaker?.trim();
  return who ? `${who}: ${turn.text.trim()}` : turn.text.trim();
}

/** A turn worth keeping: of a kept role, not excluded, with at least `minContentWords` content words. */
export function isSignificantTurn(turn: Turn, o: EpisodeOptions = {}): boolean {
  const roles = o.roles ?? DEFAULT_EPISODES.roles;
  if (!roles.includes(turn.role)) return false;
  if (o.excludeTurnIds?.has(turn.id)) return false;
  return tokenize(turn.text).length >= (o.minContentWords ?? DEFAULT_EPISODES.minContentWords);
}

/** One `episode` candidate per significant turn, with the turn as provenance and its time as event time. */
export function episodesFromTurns(turns: readonly Turn[], o: EpisodeOptions = {}): Candidate[] {
  return turns.filter((t) => isSignificantTurn(t, o)).map((t) => ({ text: episodeText(t), type: EPISODE_TYPE, confidence: EPISODE_CONFIDENCE, turnIds: [t.id], ...(t.at ? { validAt: t.at } : {}) }));
}

/** True for a memory of the episodic tier. */
export const isEpisode = (m: { type: string }): boolean => m.type === EPISODE_TYPE;

/** Neighbouring episodes indexed on each side of an episode (LoCoMo dev at 300 words: ±1 71.9, ±2 74.1, ±3 73.2; every CV fold chose ±2). */
export const EPISODE_INDEX_WIDTH = 2;

/** An episode as the lexical index sees it: its text, and where its turn sits in the session. */
export interface EpisodeSlot {
  id: string;
  text: string;
  sessionId: string;
  /** The turn's position in its session's transcript. */
  ordinal: number;
}

/** An episode's text without its date prefix (`[8 May 2023] `). */
export const withoutDate = (text: string): string => text.replace(/^\[[^\]]*\]\s*/, '');

/**
 * What the lexical side indexes for each episode: its own text followed by the neighbouring
 * episodes of the same session (`width` on each side, dates dropped). A question's words often sit
 * in the turns around the answer; indexing them is cheap recall (LoCoMo dev at a 300-word budget:
 * the dated turn alone 64.7, with ±1 neighbours 71.9, ±2 74.1), and the item handed to the model stays the turn alone.
 */
export function episodeIndexTexts(episodes: readonly EpisodeSlot[], width = EPISODE_INDEX_WIDTH): Map<string, string> {
  const bySession = new Map<string, EpisodeSlot[]>();
  for (const e of episodes) {
    let xs = bySession.get(e.sessionId);
    if (!xs) bySession.set(e.sessionId, (xs = []));
    xs.push(e);
  }
  const out = new Map<string, string>();
  for (const xs of bySession.values()) {
    xs.sort((a, b) => a.ordinal - b.ordinal);
    xs.forEach((e, i) => {
      const around = [...xs.slice(Math.max(0, i - width), i), ...xs.slice(i + 1, i + 1 + width)].map((n) => withoutDate(n.text));
      out.set(e.id, [e.text, ...around].join(' '));
    });
  }
  return out;
}
