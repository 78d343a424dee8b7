import { tokenize } from '@frontier/memory-domain';

/**
 * Experiment (`locomo-tune --exp phrase`): query phrases as re-ranker features — the question's
 * adjacent content-word pairs (stemmed, stop words out, as BM25 reads them) found adjacent in the
 * candidate's text: [share of the question's pairs found, any pair found, longest run of question
 * words in order]. BM25 and the dense score see words, not their order.
 */
export function phraseFeatures(question: string, text: string): number[] {
  const q = tokenize(question);
  const t = tokenize(text.replace(/^\[[^\]]*\]\s*/, ''));
  if (q.length < 2 || t.length < 2) return [0, 0, 0];
  const pairs = new Set<string>();
  for (let i = 1; i < q.length; i++) pairs.add(`${q[i - 1]} ${q[i]}`);
  const inText = new Set<string>();
  for (let i = 1; i < t.length; i++) inText.add(`${t[i - 1]} ${t[i]}`);
  let found = 0;
  for (const p of pairs) if (inText.has(p)) found++;
  // longest run: consecutive question words matched consecutively in the text
  let longest = 0;
  for (let i = 0; i < t.length; i++) {
    for (let j = 0; j < q.length; j++) {
      let k = 0;
      while (i + k < t.length && j + k < q.length && t[i + k] === q[j + k]) k++;
      if (k > longest) longest = k;
    }
  }
  return [found / pairs.size, found > 0 ? 1 : 0, Math.min(longest, 4) / 4];
}
