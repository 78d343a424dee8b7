/**
 * Generates the static query table for USE-lite (`assets/use-lite-512.static.gz`), Model2Vec's
 * distillation then a Tokenlearn-style fit:
 * 1. every vocabulary token through USE-lite alone → its row; rows centred, SIF-weighted;
 * 2. a corpus of English sentences embedded by USE-lite; rows fitted (SGD) so that each sentence's
 *    pooled vector points where USE-lite's does.
 * The corpus is LoCoMo-format conversations (turns, 3 random word spans per turn, the
 * observations, session summaries and event summaries): only texts, never the questions or their
 * evidence labels. Deterministic for a given file (seeded spans and shuffles).
 *
 *   node -r @swc-node/register libs/ml/embeddings/scripts/distill-use-static.ts <locomo.json> [out.gz] [--epochs 20] [--lr 8]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fitTable, meanCosine, rng, tokenTable, type FitSample } from '../src/static/fit';
import { assetPath, USE_STATIC_TABLE_FILE } from '../src/static/static-embedder';
import { encodeStaticTable } from '../src/static/static-table';
import { UnigramTokenizer } from '../src/static/unigram-tokenizer';
import { USE_DIMENSION, USE_MODEL_ID, UseModelRunner } from '../src/use/use-model';

interface Turn {
  speaker: string;
  text: string;
}
type Conversation = { conversation: Record<string, unknown>; observation?: Record<string, Record<string, Array<[string, unknown]>>>; session_summary?: Record<string, string>; event_summary?: Record<string, Record<string, unknown>> };

/** The training texts of LoCoMo-format conversations (no questions, no labels). */
export function corpusOf(conversations: readonly Conversation[], seed = 12345): string[] {
  const next = rng(seed);
  const out: string[] = [];
  for (const c of conversations) {
    for (const [k, v] of Object.entries(c.conversation)) {
      if (!/^session_\d+$/.test(k) || !Array.isArray(v)) continue;
      for (const t of v as Turn[]) {
        out.push(`${t.speaker}: ${t.text}`);
        const words = t.text.split(/\s+/).filter(Boolean);
        for (let r = 0; r < 3 && words.length > 3; r++) {
          const len = 3 + Math.floor(next() * Math.min(10, words.length - 2));
          const start = Math.floor(next() * Math.max(1, words.length - len + 1));
          out.push(words.slice(start, start + len).join(' '));
        }
      }
    }
    for (const bySpeaker of Object.values(c.observation ?? {})) for (const items of Object.values(bySpeaker)) for (const [text] of items) out.push(text);
    for (const summary of Object.values(c.session_summary ?? {})) for (const s of String(summary).split(/(?<=[.!?])\s+/)) if (s.trim()) out.push(s.trim());
    for (const ev of Object.values(c.event_summary ?? {})) for (const items of Object.values(ev)) if (Array.isArray(items)) for (const text of items) if (typeof text === 'string') out.push(text);
  }
  return [...new Set(out.map((t) => t.trim()).filter(Boolean))];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, def: number) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args.splice(i, 2)[1]) : def;
  };
  const epochs = flag('epochs', 20);
  const lr = flag('lr', 8);
  const [input, output = assetPath(USE_STATIC_TABLE_FILE)] = args;
  if (!input) {
    process.stderr.write('usage: distill-use-static.ts <locomo.json> [out.gz] [--epochs 20] [--lr 8]\n');
    process.exit(2);
  }
  const t0 = performance.now();
  const runner = await UseModelRunner.load();
  const tokenizer = new UnigramTokenizer(runner.vocabulary);
  const init = tokenTable({ teacher: USE_MODEL_ID, dimension: USE_DIMENSION, tokenVectors: await runner.tokenVectors(), logProbs: runner.vocabulary.map((v) => v[1]), firstPiece: 6 });
  const tokensS = (performance.now() - t0) / 1000;
  const texts = corpusOf(JSON.parse(readFileSync(input, 'utf8')) as Conversation[]).sort((a, b) => a.length - b.length);
  const samples: FitSample[] = [];
  for (let i = 0; i < texts.length; i += 32) {
    const batch = texts.slice(i, i + 32);
    const flat = await runner.embedFlat(batch);
    batch.forEach((t, j) => samples.push({ ids: tokenizer.encode(t), target: flat.slice(j * USE_DIMENSION, (j + 1) * USE_DIMENSION) }));
    if (i % 3200 === 0) process.stderr.write(`embedded ${i}/${texts.length}\n`);
  }
  const embedS = (performance.now() - t0) / 1000 - tokensS;
  const table = fitTable(init, samples, { epochs, lr, seed: 7 });
  writeFileSync(output, encodeStaticTable(table));
  process.stdout.write(
    `${JSON.stringify({ output, recipe: table.recipe, corpus: texts.length, cosInit: +meanCosine(init, samples).toFixed(4), cosFit: +meanCosine(table, samples).toFixed(4), tokensS: +tokensS.toFixed(1), embedS: +embedS.toFixed(1), totalS: +((performance.now() - t0) / 1000).toFixed(1) })}\n`,
  );
}

if (require.main === module)
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
