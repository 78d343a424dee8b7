import { tokenize } from './bm25';

/**
 * Neighbour turns attached to a retrieved episode (issue 14): the answer to a question is often
 * the next turn ("Where did you go?" → "To the lake"), and attaching costs budget words, so which
 * neighbours are attached is a measured choice (docs/benchmarks/memory-retrieval.md).
 * - `none`: the turn alone;
 * - `answer`: the next turn when this one asks a question, the previous one when it asked one;
 * - `query`: a neighbour sharing a content word with the query;
 * - `window`: both neighbours, always.
 */
export type NeighbourMode = 'none' | 'answer' | 'query' | 'window';

export const NEIGHBOUR_MODES: readonly NeighbourMode[] = ['none', 'answer', 'query', 'window'];

export interface ContextTurn {
  id: string;
  text: string;
}

export interface WithNeighbours<T> {
  item: T;
  before: ContextTurn[];
  after: ContextTurn[];
}

/** Where an item sits in its session's transcript; null for an item that is not a turn (a fact). */
export interface TurnLocation {
  sessionId: string;
  turnId: string;
}

const asks = (text: string) => text.includes('?');

/** Which neighbours of `turns[i]` to attach under `mode`. */
export function neighboursToAttach(turns: readonly ContextTurn[], i: number, mode: NeighbourMode, queryTerms: ReadonlySet<string>): { before: ContextTurn[]; after: ContextTurn[] } {
  const self = turns[i];
  const prev = i > 0 ? turns[i - 1] : undefined;
  const next = turns[i + 1];
  if (!self || mode === 'none') return { before: [], after: [] };
  const shares = (t: ContextTurn) => tokenize(t.text).some((w) => queryTerms.has(w));
  const pick = (t: ContextTurn | undefined, side: 'before' | 'after'): boolean => {
    if (!t) return false;
    if (mode === 'window') return true;
    if (mode === 'query') return shares(t);
    return side === 'after' ? asks(self.text) : asks(t.text);
  };
  return { before: prev && pick(prev, 'before') ? [prev] : [], after: next && pick(next, 'after') ? [next] : [] };
}

/**
 * Attaches neighbours to the items in rank order; a turn shown once (as an item or as a neighbour)
 * is not shown again: an episode already shown is dropped, a neighbour already shown is not attached.
 */
export function attachNeighbours<T>(
  items: readonly T[],
  o: { mode: NeighbourMode; query: string; locate: (item: T) => TurnLocation | null; transcript: (sessionId: string) => readonly ContextTurn[] | undefined },
): Array<WithNeighbours<T>> {
  const terms = new Set(tokenize(o.query));
  const shown = new Set<string>();
  const key = (s: string, t: string) => `${s}\u0000${t}`;
  const out: Array<WithNeighbours<T>> = [];
  for (const item of items) {
    const at = o.locate(item);
    if (!at) {
      out.push({ item, before: [], after: [] });
      continue;
    }
    if (shown.has(key(at.sessionId, at.turnId))) continue;
    shown.add(key(at.sessionId, at.turnId));
    const turns = o.transcript(at.sessionId) ?? [];
    const i = turns.findIndex((t) => t.id === at.turnId);
    const n = i < 0 ? { before: [], after: [] } : neighboursToAttach(turns, i, o.mode, terms);
    const fresh = (t: ContextTurn) => !shown.has(key(at.sessionId, t.id));
    const before = n.before.filter(fresh);
    const after = n.after.filter(fresh);
    for (const t of [...before, ...after]) shown.add(key(at.sessionId, t.id));
    out.push({ item, before, after });
  }
  return out;
}

/** Chosen by leave-one-conversation-out cross-validation on LoCoMo dev (docs/benchmarks/memory-retrieval.md). */
export const DEFAULT_NEIGHBOURS: NeighbourMode = 'none';
