// Shared StrykerJS settings for the libraries' `mutate` targets (run from the library's folder).
//
// The sandbox (Stryker's mutated copy of the library) sits in <root>/tmp/stryker-<project>/sandbox-*,
// three levels below the workspace root exactly like libs/<scope>/<name>, so the library's own
// jest.config.cjs (preset '../../../jest.preset.js'), its tsconfig chain ('../../../tsconfig.base.json')
// and node_modules resolve unchanged. Nothing is mutated in place: other work in the tree is safe.

/** Never mutated, whatever `--mutate` says: specs, spec helpers and the spec-only fixtures. */
export const NOT_MUTATED = ['!src/**/*.spec.ts', '!src/**/*.spec-helper.ts', '!src/testing/**'];

/**
 * @param {string} project Nx project name (reports go to reports/mutation/<project>/)
 * @param {string[]} mutate default globs, relative to the library root; `--mutate` on the CLI overrides them
 * @returns {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export function strykerConfig(project, mutate) {
  const reports = `../../../reports/mutation/${project}`;
  return {
    packageManager: 'npm',
    testRunner: 'jest',
    jest: { projectType: 'custom', configFile: 'jest.config.cjs', enableFindRelatedTests: false },
    // Mutants that do not compile are discarded before any test runs (TypeScript 6 works here).
    checkers: ['typescript'],
    tsconfigFile: 'tsconfig.lib.json',
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    mutate: [...mutate, ...NOT_MUTATED],
    coverageAnalysis: 'perTest',
    concurrency: 2,
    // property tests and the Monte Carlo specs are slow; a mutant that loops forever still times out
    timeoutMS: 20_000,
    timeoutFactor: 2,
    incremental: true,
    incrementalFile: `${reports}/stryker-incremental.json`,
    tempDirName: `../../../tmp/stryker-${project}`,
    symlinkNodeModules: false, // the sandbox is inside the workspace: <root>/node_modules resolves as usual
    cleanTempDir: true,
    reporters: ['html', 'json', 'clear-text', 'progress'],
    htmlReporter: { fileName: `${reports}/mutation.html` },
    jsonReporter: { fileName: `${reports}/mutation.json` },
    clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0, reportScoreTable: true, reportMutants: true },
    thresholds: { high: 90, low: 85, break: null },
  };
}
