import baseConfig, { dependencyChecks } from '../../../eslint.config.mjs';

export default [
  ...baseConfig,
  // express is imported for its types only (Request/Response): nothing requires it at run time
  // (@nestjs/platform-express brings it to the app), and its types come from @types/express
  ...dependencyChecks({ ignoredDependencies: ['express'] }),
];
