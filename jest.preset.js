// Shared Jest preset: every project's jest.config.ts spreads this.
// SWC compiles TypeScript (type checking is the build target's job); decorators and their
// metadata are on so NestJS modules work in tests exactly as in the apps.
const path = require('node:path');

module.exports = {
  // node, with the main realm's typed-array constructors (native addons return those)
  testEnvironment: path.join(__dirname, 'tools/jest/shared-realm.environment.cjs'),
  // Jest wraps sandbox globals; numeric code calling Math.* in hot loops ran ~40x slower without this
  sandboxInjectedGlobals: ['Math'],
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
  // A suite that fails mid-test can leave a worker app or a client open; Jest would then wait for it
  // forever and CI would end on its wall-clock limit with no verdict. Shutdown and draining have
  // their own specs (they assert the close), so the runner itself need not wait on stray handles.
  forceExit: true,
  setupFiles: [path.join(__dirname, 'tools/jest/setup-env.js')],
  coverageReporters: ['text-summary', 'html'],
};
