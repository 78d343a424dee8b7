// Shared Jest preset: every project's jest.config.ts spreads this.
// SWC compiles TypeScript (type checking is the build target's job); decorators and their
// metadata are on so NestJS modules work in tests exactly as in the apps.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  // Jest wraps sandbox globals; numeric code calling Math.* in hot loops ran ~40x slower without this
  sandboxInjectedGlobals: ['Math', 'Float32Array', 'Float64Array', 'Int32Array', 'Uint32Array', 'Uint8Array'],
  testMatch: ['**/?(*.)+(spec|test).ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: require('./tools/jest/path-mapper.js')(path.join(__dirname, 'tsconfig.base.json')),
  setupFiles: [path.join(__dirname, 'tools/jest/setup-env.js')],
  coverageReporters: ['text-summary', 'html'],
};
