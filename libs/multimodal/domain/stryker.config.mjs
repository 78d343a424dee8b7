// Mutation testing (StrykerJS) for multimodal-domain: `npx nx mutate multimodal-domain`, on demand only
// (not part of `npm test`). One folder: `npx nx mutate multimodal-domain -- --mutate 'src/planner/**/*.ts'`.
// Barrel files (index.ts) hold no logic and are left out.
import { strykerConfig } from '../../../tools/stryker/stryker.base.mjs';

export default strykerConfig('multimodal-domain', ['src/**/*.ts', '!src/**/index.ts']);
