/**
 * Offline fact extraction (issue 14, item 4): how much the rule-based extractor the service runs
 * offline finds.
 *
 * 1. LoCoMo fact recall: of the evidence turns of LoCoMo questions (categories 1–4), how many
 *    yield at least one fact when the turn is given to the extractor as a user turn; per question
 *    category, the share of questions with at least one evidence turn yielding a fact. Rows:
 *    `shipped` (the service default, `ruleBasedExtractor`), and `first-person` — a ceiling for
 *    first-person rules: any turn with "I", "I'm", "my", "we" counts as yielding a fact.
 * 2. Corpus precision/recall (libs/memory/domain/src/__fixtures__/extraction-corpus.json): the
 *    tuning split and the held-out split (written before any tuning, never tuned on) apart.
 *
 *   node -r @swc-node/register bench/memory/extraction.ts [locomo.json=../shared/data/locomo-dev.json] [corpus.json]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { extractByRules, scoreExtraction, type CorpusStatement, type ExtractionScore, type Turn } from '@frontier/memory-domain';
import { printHeadline, round } from '../lib/harness';
import { loadLocomo } from './lib/locomo-data';

const locomoPath = process.argv[2] ?? '../shared/data/locomo-dev.json';
const corpusPath = process.argv[3] ?? 'libs/memory/domain/src/__fixtures__/extraction-corpus.json';
const CATEGORY = { 1: 'multi-hop', 2: 'temporal', 3: 'open-domain', 4: 'single-hop' } as Record<number, string>;

type Method = (turn: Turn) => number;
const METHODS: Record<string, Method> = {
  shipped: (turn) => extractByRules([turn]).length,
  'first-person': (turn) => (/\b(?:I|I'm|I've|I'd|I'll|my|me|we|our)\b/i.test(turn.text) ? 1 : 0),
};

const conversations = loadLocomo(locomoPath);
const locomo: Record<string, unknown> = {};
for (const [name, method] of Object.entries(METHODS)) {
  const yields = new Map<string, boolean>();
  let facts = 0;
  let turns = 0;
  for (const c of conversations) {
    for (const s of c.sessions) {
      for (const t of s.turns) {
        const n = method({ id: t.dia_id, role: 'user', text: t.text, at: s.date });
        yields.set(`${c.sampleId}/${t.dia_id}`, n > 0);
        facts += n;
        turns += 1;
      }
    }
  }
  const evidence = new Set<string>();
  const perCategory: Record<string, { questions: number; withFact: number }> = {};
  for (const c of conversations) {
    for (const q of c.questions) {
      const keys = q.evidence.map((e) => `${c.sampleId}/${e}`).filter((k) => yields.has(k));
      keys.forEach((k) => evidence.add(k));
      const cat = (perCategory[CATEGORY[q.category] ?? String(q.category)] ??= { questions: 0, withFact: 0 });
      cat.questions += 1;
      if (keys.some((k) => yields.get(k))) cat.withFact += 1;
    }
  }
  const withFact = [...evidence].filter((k) => yields.get(k)).length;
  locomo[name] = {
    evidenceTurns: evidence.size,
    evidenceTurnsWithFact: withFact,
    factRecall: round(withFact / evidence.size),
    questionsWithFactByCategory: Object.fromEntries(Object.entries(perCategory).map(([k, v]) => [k, round(v.withFact / v.questions)])),
    turns,
    factsPerTurn: round(facts / turns),
  };
}

const statements = (JSON.parse(readFileSync(resolve(corpusPath), 'utf8')) as { statements: CorpusStatement[] }).statements;
const score = (split: string): ExtractionScore => scoreExtraction(statements.filter((s) => s.split === split), (text) => extractByRules([{ id: 't', role: 'user', text }]));
const brief = (r: ExtractionScore) => ({
  precision: round(r.overall.precision, 3),
  recall: round(r.overall.recall, 3),
  expectedFacts: r.overall.expected,
  predictedFacts: r.overall.predicted,
  negativesWithFacts: `${r.negatives.withFacts}/${r.negatives.statements}`,
  recallByCategory: Object.fromEntries(Object.entries(r.byCategory).filter(([, c]) => c.expected > 0).map(([k, c]) => [k, round(c.recall, 3)])),
  precisionByCategory: Object.fromEntries(Object.entries(r.byCategory).filter(([, c]) => c.predicted > 0).map(([k, c]) => [k, round(c.precision, 3)])),
});
const tune = score('tune');
const heldOut = score('held-out');
for (const e of heldOut.errors) process.stdout.write(`held-out miss: ${JSON.stringify(e)}\n`);

printHeadline('memory-extraction', {
  dataset: locomoPath,
  locomo,
  corpus: { path: corpusPath, tune: brief(tune), heldOut: brief(heldOut) },
});
