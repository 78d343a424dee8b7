// Mutation testing (StrykerJS) for memory-domain: `npx nx mutate memory-domain`, on demand only
// (not part of `npm test`). Other globs: `npx nx mutate memory-domain -- --mutate 'src/eviction.ts'`.
// Results: docs/benchmarks.md § Test strength and docs/benchmarks/test-strength.md.
import { strykerConfig } from '../../../tools/stryker/stryker.base.mjs';

export default strykerConfig('memory-domain', ['src/scoring.ts', 'src/dedup.ts', 'src/significance.ts', 'src/command-grammar.ts', 'src/forget-match.ts']);
