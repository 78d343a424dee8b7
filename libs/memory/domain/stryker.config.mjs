// Mutation testing (StrykerJS) for memory-domain: `npx nx mutate memory-domain`, on demand only
// (not part of `npm test`). Other globs: `npx nx mutate memory-domain -- --mutate 'src/eviction.ts'`.
// extractor.ts / extraction-rules.ts / extraction-eval.ts (issue 14): killed by extraction-rules.spec.ts, the corpus
// spec's golden table (every statement's candidates) and the edge specs (extractor-edges, extraction-rules-edges); the
// word lists (extraction-lexicon.ts) are data, not mutated.
// Results: docs/benchmarks.md § Test strength and docs/benchmarks/test-strength.md.
import { strykerConfig } from '../../../tools/stryker/stryker.base.mjs';

export default strykerConfig('memory-domain', ['src/scoring.ts', 'src/dedup.ts', 'src/significance.ts', 'src/command-grammar.ts', 'src/forget-match.ts', 'src/extractor.ts', 'src/extraction-rules.ts', 'src/extraction-eval.ts', 'src/retrieval.ts', 'src/episodic.ts', 'src/neighbours.ts', 'src/rerank.ts']);
