// Mutation testing (StrykerJS) for recsys-domain: `npx nx mutate recsys-domain`, on demand only
// (not part of `npm test`). Other globs: `npx nx mutate recsys-domain -- --mutate 'src/model/**/*.ts'`.
// Results: docs/benchmarks.md § Test strength and docs/benchmarks/test-strength.md.
import { strykerConfig } from '../../../tools/stryker/stryker.base.mjs';

export default strykerConfig('recsys-domain', ['src/ope/**/*.ts', 'src/exploration/**/*.ts']);
