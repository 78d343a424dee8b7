import { isEpisode } from './episodic';
import type { Memory } from './memory';
import { parseCandidate } from './rerank';

/**
 * One slot per source turn, the shorter item first (issue 14, fifth pass). A fact and the episode of
 * its own turn compete for one slot ({@link collapseByProvenance} keeps whichever ranks first); a
 * rule fact says the turn's point in a few words ("I started playing acoustic guitar about five
 * years ago") where the episode costs the whole turn with its date and speaker, and the fact cites
 * the turn. So a fact ranked below an episode of its own turn moves up to just before that episode;
 * the collapse then drops the episode and the slot costs the fact's words — but only while the fact
 * says nothing the episode does not (at least {@link FACT_IN_EPISODE_SHARE} of its content words are
 * in the episode's words): an episode corrected since ("Azores" → "Madeira") keeps its slot ahead of
 * the older fact. Items keep their order otherwise; facts lifted to the same episode keep theirs.
 * LoCoMo dev at 300 words: leave one conversation out 77.7 → 78.2, the service's row 77.1 → 77.6;
 * +0.06 ms CPU per search for a pool of 100 (docs/benchmarks/memory-retrieval.md, fifth pass).
 */
export interface TurnSlots<R> {
  /** The items in their new order. */
  order: R[];
  /** Each fact that moved, with the episode whose place it took. */
  lifted: Map<R, R>;
}

const turnKeys = (m: Pick<Memory, 'provenance'>): string[] => m.provenance.turnIds.map((t) => `${m.provenance.sessionId}\u0000${t}`);

/** The least share of a fact's distinct content words that its episode must hold for the fact to take the episode's slot. */
export const FACT_IN_EPISODE_SHARE = 1;

/** Whether `episode`'s words (date and speaker out) hold at least `share` of `fact`'s distinct content words (a fact without any: no). */
export function factInEpisode(fact: Pick<Memory, 'text'>, episode: Pick<Memory, 'text'>, share = FACT_IN_EPISODE_SHARE): boolean {
  const f = parseCandidate(fact.text, false, fact);
  const e = parseCandidate(episode.text, true, episode);
  let n = 0;
  let inside = 0;
  for (const t in f.tf) {
    n++;
    if (e.tf[t] !== undefined) inside++;
  }
  return n > 0 && inside >= share * n;
}

export function factsBeforeTheirEpisodes<R extends { memory: Pick<Memory, 'type' | 'provenance' | 'text'> }>(ranked: readonly R[], share = FACT_IN_EPISODE_SHARE): TurnSlots<R> {
  // the best-ranked episode of each turn
  const firstEpisode = new Map<string, number>();
  ranked.forEach((r, i) => {
    if (!isEpisode(r.memory)) return;
    for (const k of turnKeys(r.memory)) if (!firstEpisode.has(k)) firstEpisode.set(k, i);
  });
  const lifted = new Map<R, R>();
  // position: an episode stays at i; a fact goes to the place of its turn's best episode when that is earlier
  const place = ranked.map((r, i) => {
    if (isEpisode(r.memory)) return { r, at: i, fact: 0, i };
    let at = i;
    for (const k of turnKeys(r.memory)) {
      const e = firstEpisode.get(k);
      if (e !== undefined && e < at && factInEpisode(r.memory, (ranked[e] as R).memory, share)) at = e;
    }
    if (at < i) lifted.set(r, ranked[at] as R);
    return { r, at, fact: at < i ? -1 : 0, i };
  });
  place.sort((a, b) => a.at - b.at || a.fact - b.fact || a.i - b.i);
  return { order: place.map((p) => p.r), lifted };
}
