/**
 * `locomo-tune.ts --exp captions` (issue 14, sixth pass): what a shared photo's caption in the turn
 * text (`<text> [shared <blip_caption>]`, `--photos caption`) does to the learned re-ranker's pools —
 * recall and answer words split by whether a question's evidence shares a photo, the captions' words
 * counted free (ranking with captions, budget as without them), the shipped weights against a refit,
 * and the caption as re-ranker features (a flag, the share of the query's terms in the caption),
 * every fit leaving one conversation out. First, whether the episode filter or the rule extractor
 * treats a photo's turn differently (episodes kept, facts found, facts that carry caption words).
 */
import { confidentOnly, countWords, DEFAULT_RERANK_MODEL, episodesFromTurns, extractByRules, queryCues, tokenize, type RerankModel } from '@frontier/memory-domain';
import type { LocomoConversation } from './locomo-data';
import type { QuestionScore } from './locomo-eval';
import { evaluate, fitLogistic, irls, type QuestionRows } from './locomo-rerank';
import { domainTurns } from './locomo-variants';

const CAPTION = /\s?\[shared ([^\]]*)\]/;

/** Leave one conversation out: the logistic fitted on the others, `rank` (default the rows themselves) scored on the held one, in `qs` order. */
function loo(qs: readonly QuestionRows[], budgetWords: number, rank: readonly QuestionRows[] = qs): QuestionScore[] {
  const out = new Map<QuestionRows, QuestionScore>();
  for (const held of new Set(qs.map((q) => q.conv))) {
    const m = fitLogistic(qs.filter((q) => q.conv !== held), { l2: 1 });
    const test = rank.filter((q) => q.conv === held);
    evaluate(test, m, budgetWords).forEach((s, i) => out.set(test[i] as QuestionRows, s));
  }
  return rank.map((q) => out.get(q) as QuestionScore);
}

/** The caption as extra features of each row: [has a caption, share of the query's content terms in it]. */
function captionFeatures(question: string, text: string): number[] {
  const m = CAPTION.exec(text);
  if (!m) return [0, 0];
  const terms = queryCues(question).terms;
  const inCaption = new Set(tokenize(m[1] as string));
  return [1, terms.length ? terms.filter((t) => inCaption.has(t)).length / terms.length : 0];
}

export function captionsExperiment(qs: readonly QuestionRows[], convs: readonly LocomoConversation[], budgetWords: number, line: (name: string, xs: readonly QuestionScore[]) => string): void {
  const photo = new Set(convs.flatMap((c) => c.sessions.flatMap((s) => s.turns.filter((t) => t.caption).map((t) => `${c.sampleId}/${t.dia_id}`))));
  let photoTurns = 0;
  let photoEpisodes = 0;
  let facts = 0;
  let photoFacts = 0;
  let captionFacts = 0;
  for (const c of convs)
    for (const { turns } of domainTurns(c)) {
      const kept = new Set(episodesFromTurns(turns).flatMap((e) => e.turnIds));
      const fs = confidentOnly(extractByRules(turns));
      const photos = new Set(c.sessions.flatMap((s) => s.turns.filter((t) => t.caption).map((t) => t.dia_id)));
      photoTurns += turns.filter((t) => photos.has(t.id)).length;
      photoEpisodes += [...kept].filter((id) => photos.has(id)).length;
      facts += fs.length;
      photoFacts += fs.filter((f) => f.turnIds.some((id) => photos.has(id))).length;
      captionFacts += fs.filter((f) => /\[shared /.test(f.text)).length;
    }
  console.log(`turns sharing a photo ${photoTurns}, kept as episodes ${photoEpisodes}; rule facts ${facts}, from photo turns ${photoFacts}, holding caption text ${captionFacts}`);
  // the evidence itself: the answer's words in the evidence turns' words, with and without the caption (non-temporal questions: a temporal answer comes from the session date)
  const evidenceTurns = new Set(convs.flatMap((c) => c.questions.flatMap((q) => q.evidence.map((e) => `${c.sampleId}/${e}`))));
  const captionWords = convs.flatMap((c) => c.sessions.flatMap((s) => s.turns.flatMap((t) => (t.caption ? [countWords(` [shared ${t.caption}]`)] : []))));
  let asked = 0;
  let inWords = 0;
  let inCaptioned = 0;
  for (const c of convs) {
    const turns = new Map(c.sessions.flatMap((s) => s.turns.map((t) => [t.dia_id, t] as const)));
    for (const q of c.questions) {
      const want = q.answer && q.category !== 2 ? [...new Set(tokenize(q.answer))] : [];
      if (!want.length) continue;
      const ev = q.evidence.flatMap((e) => turns.get(e) ?? []);
      const words = new Set(ev.flatMap((t) => tokenize(t.text.replace(CAPTION, ''))));
      const captioned = new Set(ev.flatMap((t) => tokenize(`${t.text.replace(CAPTION, '')} ${t.caption ?? ''}`)));
      asked++;
      inWords += want.filter((w) => words.has(w)).length / want.length;
      inCaptioned += want.filter((w) => captioned.has(w)).length / want.length;
    }
  }
  const pc = (x: number) => (100 * x).toFixed(1);
  console.log(`evidence turns ${evidenceTurns.size}, sharing a photo ${[...evidenceTurns].filter((t) => photo.has(t)).length}; caption words per photo turn ${(captionWords.reduce((a, b) => a + b, 0) / Math.max(1, captionWords.length)).toFixed(1)}`);
  console.log(`answer words in the evidence turns (${asked} non-temporal questions): words only ${pc(inWords / asked)}, words + caption ${pc(inCaptioned / asked)}`);
  const cv = loo(qs, budgetWords);
  console.log(line('lr cv', cv));
  const groups: Array<[string, (q: QuestionRows) => boolean]> = [
    ['questions with photo evidence', (q) => q.question.evidence.some((e) => photo.has(`${q.conv}/${e}`))],
    ['… every evidence turn shares a photo', (q) => q.question.evidence.every((e) => photo.has(`${q.conv}/${e}`))],
    ['questions without photo evidence', (q) => !q.question.evidence.some((e) => photo.has(`${q.conv}/${e}`))],
  ];
  for (const [name, f] of groups) console.log(line(`lr cv, ${name} (${qs.filter(f).length})`, cv.filter((_, i) => f(qs[i] as QuestionRows))));
  // the same rankings with the captions' words not counted against the budget
  const free = qs.map((q) => ({ ...q, rows: q.rows.map((r) => { const m = CAPTION.exec(r.text); return m ? { ...r, words: r.words - countWords(m[0]) } : r; }) }));
  console.log(line("lr cv, the captions' words free", loo(qs, budgetWords, free)));
  const shorter = qs.map((q) => ({ ...q, rows: q.rows.map((r) => { const m = /\[shared (a (?:photo|photography|picture|image) of )/.exec(r.text); return m ? { ...r, words: r.words - countWords(m[1] as string) } : r; }) }));
  console.log(line('lr cv, "a photo of" not counted', loo(qs, budgetWords, shorter)));
  console.log(line('shipped weights (fitted without captions)', evaluate(qs, DEFAULT_RERANK_MODEL as RerankModel, budgetWords)));
  // the caption as re-ranker features
  for (const [name, cols] of [['caption flag', [0]], ['caption coverage', [1]], ['caption flag + coverage', [0, 1]]] as const) {
    const qx = qs.map((q) => ({ ...q, rows: q.rows.map((r) => { const c = captionFeatures(q.question.question, r.text); return { ...r, x: [...r.x, ...cols.map((k) => c[k] as number)] }; }) }));
    const scores: QuestionScore[] = [];
    for (const held of new Set(qs.map((q) => q.conv))) {
      const beta = irls(qx.filter((q) => q.conv !== held).flatMap((q) => q.rows.map((r) => ({ x: r.x, y: r.positive ? 1 : 0, w: 1 }))), 1);
      const m0 = fitLogistic(qs.filter((q) => q.conv !== held), { l2: 1 });
      scores.push(...evaluate(qx.filter((q) => q.conv === held), m0, budgetWords, { logit: (_q, r) => r.x.reduce((a, v, k) => a + v * (beta[k + 1] as number), beta[0] as number) }));
    }
    console.log(line(`lr cv + ${name}`, scores));
  }
}
