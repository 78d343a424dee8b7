import baseConfig, { dependencyChecks } from '../../../eslint.config.mjs';

// src/testing/ holds the spec-only OBD reader; tsconfig.lib.json keeps it out of the build
export default [...baseConfig, ...dependencyChecks({ ignoredFiles: ['{projectRoot}/src/testing/**'] })];
