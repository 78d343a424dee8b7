import baseConfig, { dependencyChecks } from '../../../eslint.config.mjs';

// src/testing/ is the `/testing` entry (fixtures for specs and benches); tsconfig.lib.json keeps it out of the build
export default [...baseConfig, ...dependencyChecks({ ignoredFiles: ['{projectRoot}/src/testing/**'] })];
