import type { Candidate } from './memory';
import type { Extractor } from './extractor';
import type { Turn } from './significance';

/**
 * Every non-empty turn becomes one `context` memory, verbatim, with the turn as provenance. Not a
 * product extractor: benchmarks use it to measure retrieval and scoring apart from extraction
 * (LoCoMo "turns as observations"). Confidence sits above the pipeline's 0.7 gate.
 */
export function observationsFromTurns(turns: readonly Turn[], confidence = 0.9): Candidate[] {
  return turns.flatMap((t) => {
    const text = t.text.trim();
    return text ? [{ text, type: 'context' as const, confidence, turnIds: [t.id], ...(t.at ? { validAt: t.at } : {}) }] : [];
  });
}

export const turnObservationExtractor: Extractor = {
  id: 'turn-observations-v1',
  extract: async (turns) => observationsFromTurns(turns),
};
