/** LoCoMo retrieval recall (issue 14): recall at a context budget in words, beside recall@5/@10. */
import { tokenize } from '@frontier/memory-domain';
import type { LocomoQuestion } from './locomo-data';

export const CATEGORIES = [1, 2, 3, 4] as const;
export const CATEGORY_NAMES: Record<number, string> = { 1: 'multi-hop', 2: 'temporal', 3: 'open-domain', 4: 'single-hop' };

/** One retrieved item as handed to the model: the turns it contains or cites, and its length. */
export interface RetrievedItem {
  turnIds: readonly string[];
  words: number;
  /** What the model reads of it (for the answer-words figure; absent: not counted). */
  text?: string;
}

/** What one question scored. */
export interface QuestionScore {
  category: number;
  /** Share of the question's evidence turns inside the budget (the primary figure). */
  budget: number;
  /** Some evidence turn inside the budget. */
  budgetAny: boolean;
  hit5: boolean;
  hit10: boolean;
  /** Items and words inside the budget. */
  items: number;
  words: number;
  /**
   * Share of the gold answer's content words (memory-domain tokenize: stemmed, stop words out) found
   * in the texts inside the budget — a lenient proxy of "the context can answer", the one figure a
   * shared photo's caption can move when its turn was already retrieved. Absent: no answer words, or
   * items without text.
   */
  answer?: number;
}

/**
 * Recall at a budget: items in rank order, whole items only, until their words would pass
 * `budgetWords`; an evidence turn counts when an item inside the budget contains or cites it. The
 * figure is the share of a question's evidence turns retrieved (a multi-hop question with three
 * evidence turns and one found scores 1/3), averaged over questions. @5/@10: some evidence turn
 * in the first 5/10 items (the earlier bench's hit@k).
 */
export function scoreQuestion(q: LocomoQuestion, ranked: readonly RetrievedItem[], budgetWords: number): QuestionScore {
  const ev = new Set(q.evidence);
  const found = new Set<string>();
  let used = 0;
  let items = 0;
  for (const it of ranked) {
    if (used + it.words > budgetWords) break;
    used += it.words;
    items++;
    for (const t of it.turnIds) if (ev.has(t)) found.add(t);
  }
  const first = ranked.findIndex((it) => it.turnIds.some((t) => ev.has(t)));
  const answer = answerShare(q, ranked.slice(0, items));
  return { category: q.category, budget: ev.size ? found.size / ev.size : 0, budgetAny: found.size > 0, hit5: first >= 0 && first < 5, hit10: first >= 0 && first < 10, items, words: used, ...(answer === undefined ? {} : { answer }) };
}

/** Share of the answer's content words inside the items' texts (undefined: no answer words, or an item without text). */
export function answerShare(q: Pick<LocomoQuestion, 'answer'>, items: ReadonlyArray<Pick<RetrievedItem, 'text'>>): number | undefined {
  const want = q.answer ? [...new Set(tokenize(q.answer))] : [];
  if (!want.length || items.some((it) => it.text === undefined)) return undefined;
  const have = new Set(items.flatMap((it) => tokenize(it.text ?? '')));
  return want.filter((w) => have.has(w)).length / want.length;
}

export interface Recall {
  n: number;
  budget: number;
  budgetAny: number;
  r5: number;
  r10: number;
  items: number;
  words: number;
  /** Mean answer-word share over the questions that have one ({@link QuestionScore.answer}); NaN: none. */
  answer: number;
}

/** Micro-averages per category and overall (`all`). */
export function summarise(scores: readonly QuestionScore[]): Record<string, Recall> {
  const out: Record<string, Recall> = {};
  for (const key of [...CATEGORIES.map(String), 'all']) {
    const xs = key === 'all' ? scores : scores.filter((s) => String(s.category) === key);
    const n = xs.length;
    const mean = (f: (s: QuestionScore) => number) => (n ? xs.reduce((a, s) => a + f(s), 0) / n : 0);
    const answered = xs.filter((s) => s.answer !== undefined);
    const answer = answered.length ? answered.reduce((a, s) => a + (s.answer ?? 0), 0) / answered.length : NaN;
    out[key] = { n, budget: mean((s) => s.budget), budgetAny: mean((s) => (s.budgetAny ? 1 : 0)), r5: mean((s) => (s.hit5 ? 1 : 0)), r10: mean((s) => (s.hit10 ? 1 : 0)), items: mean((s) => s.items), words: mean((s) => s.words), answer };
  }
  return out;
}

/** Per method, the scores of every question (in dataset order, conversation by conversation). */
export class Tally {
  readonly scores = new Map<string, QuestionScore[]>();

  add(method: string, s: QuestionScore): void {
    let xs = this.scores.get(method);
    if (!xs) this.scores.set(method, (xs = []));
    xs.push(s);
  }

  recall(method: string): Record<string, Recall> {
    return summarise(this.scores.get(method) ?? []);
  }

  methods(): string[] {
    return [...this.scores.keys()];
  }
}

const pct = (x: number) => (100 * x).toFixed(1);

/** Markdown: per category recall@budget (@5 / @10), then overall budget, any-hit, @5, @10, mean words used and answer words in the context. */
export function recallTable(rows: ReadonlyArray<{ name: string; r: Record<string, Recall> }>, budgetWords: number): string {
  const head = `| method | ${CATEGORIES.map((c) => `${c} ${CATEGORY_NAMES[c]} @${budgetWords}w (@5 / @10)`).join(' | ')} | **all @${budgetWords}w** | all any-hit @${budgetWords}w | all @5 / @10 | items / words used | answer words in context |`;
  const sep = `|---|${CATEGORIES.map(() => '---').join('|')}|---|---|---|---|---|`;
  const body = rows.map(({ name, r }) => {
    const cells = CATEGORIES.map((c) => {
      const x = r[String(c)];
      return x ? `${pct(x.budget)} (${pct(x.r5)} / ${pct(x.r10)})` : '–';
    });
    const a = r['all'];
    return `| ${name} | ${cells.join(' | ')} | **${a ? pct(a.budget) : '–'}** | ${a ? pct(a.budgetAny) : '–'} | ${a ? `${pct(a.r5)} / ${pct(a.r10)}` : '–'} | ${a ? `${a.items.toFixed(1)} / ${a.words.toFixed(0)}` : '–'} | ${a && Number.isFinite(a.answer) ? pct(a.answer) : '–'} |`;
  });
  return [head, sep, ...body].join('\n');
}
