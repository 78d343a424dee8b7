// Root ESLint config. Module boundaries are the architecture: every project carries one scope:* and
// one type:* tag, and each tag lists exactly what it may depend on (no wildcards).
import nx from '@nx/eslint-plugin';
import * as jsoncParser from 'jsonc-eslint-parser';

/** Driver and framework packages a pure domain library must never import. */
export const DOMAIN_BANNED_IMPORTS = [
  '@nestjs/*',
  '@prisma/*',
  'prisma',
  'bullmq',
  'ioredis',
  '@qdrant/*',
  'onnxruntime-*',
  'class-validator',
  'class-transformer',
  'pg',
  'express',
];

export const depConstraints = [
  // type: what kind of project may use what kind
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:contracts', 'type:provider', 'type:util', 'type:platform'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:contracts', 'type:provider', 'type:util', 'type:platform'] },
  { sourceTag: 'type:provider', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:util', 'type:provider'] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:platform'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
  {
    sourceTag: 'type:domain',
    onlyDependOnLibsWithTags: ['type:domain', 'type:util'],
    bannedExternalImports: DOMAIN_BANNED_IMPORTS,
  },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'], bannedExternalImports: DOMAIN_BANNED_IMPORTS },
  // scope: systems stay apart; platform and ml serve everyone
  { sourceTag: 'scope:memory', onlyDependOnLibsWithTags: ['scope:memory', 'scope:ml', 'scope:platform'] },
  { sourceTag: 'scope:recsys', onlyDependOnLibsWithTags: ['scope:recsys', 'scope:ml', 'scope:platform'] },
  { sourceTag: 'scope:multimodal', onlyDependOnLibsWithTags: ['scope:multimodal', 'scope:ml', 'scope:platform'] },
  { sourceTag: 'scope:ml', onlyDependOnLibsWithTags: ['scope:ml', 'scope:platform'] },
  { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:platform'] },
];

/**
 * Files under a library root that never reach its built package: tool configs (eslint, jest,
 * stryker, prisma) and test-only helpers (`*.spec-helper.ts`, `__fixtures__/`). Specs are already
 * outside the `production` inputs the rule reads.
 */
export const NON_PACKAGE_FILES = [
  '{projectRoot}/*.config.{js,cjs,mjs,ts}',
  '{projectRoot}/src/**/*.spec-helper.ts',
  '{projectRoot}/src/**/__fixtures__/**',
];

/**
 * `@nx/dependency-checks` on a library's package.json: every package its built sources import
 * (npm packages at the root package.json's version, workspace libs at their package.json version)
 * must be in `dependencies`, and nothing else may be. A library's eslint.config.mjs spreads
 * `dependencyChecks()`; pass `ignoredFiles` for further test-only files its build excludes, and
 * `ignoredDependencies` (with the reason next to it) for what the rule cannot see or judge.
 * tslib is not ignored: with `importHelpers` (tsconfig.base.json) the emitted code requires it at
 * run time, so it is a real dependency. Publishable libraries (type:domain/contracts/util) turn
 * importHelpers off in their tsconfig.lib.json and so need no tslib at all.
 */
export function dependencyChecks({ ignoredFiles = [], ignoredDependencies = [] } = {}) {
  return [
    {
      files: ['**/package.json'],
      languageOptions: { parser: jsoncParser },
      rules: {
        '@nx/dependency-checks': [
          'error',
          {
            buildTargets: ['build'],
            checkMissingDependencies: true,
            checkObsoleteDependencies: true,
            checkVersionMismatches: true,
            // a consumer installs what the package.json lists; each lib declares its own imports
            includeTransitiveDependencies: false,
            ignoredFiles: [...NON_PACKAGE_FILES, ...ignoredFiles],
            ignoredDependencies,
          },
        ],
      },
    },
  ];
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/generated/**', '.services/**', 'tmp/**', '**/jest.config.cjs'],
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints,
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // env and DTO classes need explicit property types: class-transformer reads them as metadata
      '@typescript-eslint/no-inferrable-types': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // End-to-end specs boot an API and its worker together in one process (e.g. memory-api's spec
    // starts memory-worker's module); only they may reach into a sibling app's sources.
    files: ['**/*.e2e.spec.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
