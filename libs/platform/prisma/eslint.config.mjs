import baseConfig, { dependencyChecks } from '../../../eslint.config.mjs';

export default [
  ...baseConfig,
  // the generated client (src/generated, git-ignored, so the rule never sees it) requires
  // @prisma/client at run time: package.json lists it by hand
  ...dependencyChecks({ ignoredDependencies: ['@prisma/client'] }),
];
