import baseConfig, { dependencyChecks } from '../../../eslint.config.mjs';

export default [
  ...baseConfig,
  // express is imported for its types only (Response in the chat SSE writer and filter): nothing
  // requires it at run time (@nestjs/platform-express brings it to the app; types from @types/express)
  ...dependencyChecks({ ignoredDependencies: ['express'] }),
];
