import type { Candidate } from './memory';

/** One statement of an extraction corpus and the facts it should yield (none for chit-chat). */
export interface CorpusStatement {
  split: string;
  category: string;
  text: string;
  expect: Array<{ type: string; value: string }>;
}

export interface PrecisionRecall {
  precision: number;
  recall: number;
  /** Predictions that matched an expected fact. */
  truePositives: number;
  predicted: number;
  expected: number;
}

export interface ExtractionScore {
  overall: PrecisionRecall;
  byCategory: Record<string, PrecisionRecall>;
  /** Statements expecting no fact, and how many of them yielded one anyway. */
  negatives: { statements: number; withFacts: number };
  /** What was missed or wrong, for tuning: statement text, expected, predicted. */
  errors: Array<{ text: string; missed: string[]; wrong: string[] }>;
}

/** Lower case, letters and digits only, single spaces, no leading article. */
export function normalizeFact(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/^(?:a|an|the|my) /, '');
}

/** Same type, and every word of the expected content appears, in order, in the predicted value. */
export function factMatches(predicted: Pick<Candidate, 'type' | 'value' | 'text'>, expected: { type: string; value: string }): boolean {
  if (predicted.type !== expected.type) return false;
  const want = normalizeFact(expected.value);
  const got = ` ${normalizeFact(predicted.value ?? predicted.text)} `;
  return want.length > 0 && got.includes(` ${want} `);
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

/**
 * Precision and recall of an extractor over a corpus: each statement is one user turn; a
 * prediction is a true positive when it matches an expected fact not matched yet.
 */
export function scoreExtraction(statements: readonly CorpusStatement[], extract: (text: string) => readonly Candidate[]): ExtractionScore {
  const tally = new Map<string, { tp: number; predicted: number; expected: number }>();
  const bump = (key: string, tp: number, predicted: number, expected: number) => {
    const t = tally.get(key) ?? { tp: 0, predicted: 0, expected: 0 };
    tally.set(key, { tp: t.tp + tp, predicted: t.predicted + predicted, expected: t.expected + expected });
  };
  const errors: ExtractionScore['errors'] = [];
  let negatives = 0;
  let withFacts = 0;
  for (const s of statements) {
    const predicted = extract(s.text);
    const open = [...s.expect];
    const wrong: string[] = [];
    for (const p of predicted) {
      const i = open.findIndex((e) => factMatches(p, e));
      if (i >= 0) open.splice(i, 1);
      else wrong.push(`${p.type}=${p.value ?? p.text}`);
    }
    const tp = predicted.length - wrong.length;
    bump('*', tp, predicted.length, s.expect.length);
    bump(s.category, tp, predicted.length, s.expect.length);
    if (!s.expect.length) {
      negatives += 1;
      if (predicted.length) withFacts += 1;
    }
    if (open.length || wrong.length) errors.push({ text: s.text, missed: open.map((e) => `${e.type}=${e.value}`), wrong });
  }
  const pr = (t: { tp: number; predicted: number; expected: number }): PrecisionRecall => ({
    precision: ratio(t.tp, t.predicted),
    recall: ratio(t.tp, t.expected),
    truePositives: t.tp,
    predicted: t.predicted,
    expected: t.expected,
  });
  const byCategory = Object.fromEntries([...tally].filter(([k]) => k !== '*').map(([k, t]) => [k, pr(t)]));
  return { overall: pr(tally.get('*') ?? { tp: 0, predicted: 0, expected: 0 }), byCategory, negatives: { statements: negatives, withFacts }, errors };
}
