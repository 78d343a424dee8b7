// Root ESLint config. Module boundaries are the architecture: every project carries one scope:* and
// one type:* tag, and each tag lists exactly what it may depend on (no wildcards).
import fs from 'node:fs';
import path from 'node:path';
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

/** Scopes that serve every product scope; each other `scope:<x>` is a product. */
export const SHARED_SCOPES = ['platform', 'ml'];

/**
 * Every `scope:<x>` tag of the workspace's projects (read from their project.json files), so a
 * scope added by `npm run new-scope` gets its boundary without editing this file.
 */
export function workspaceScopes(root = import.meta.dirname) {
  const skip = new Set(['node_modules', 'dist', 'tmp', 'coverage', 'generated']);
  const scopes = new Set();
  const walk = (dir, depth) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && depth < 3 && !skip.has(e.name) && !e.name.startsWith('.')) walk(path.join(dir, e.name), depth + 1);
      else if (e.isFile() && e.name === 'project.json') {
        const tags = JSON.parse(fs.readFileSync(path.join(dir, e.name), 'utf8')).tags ?? [];
        for (const t of tags) if (t.startsWith('scope:')) scopes.add(t.slice('scope:'.length));
      }
    }
  };
  for (const top of ['apps', 'libs', 'tools']) if (fs.existsSync(path.join(root, top))) walk(path.join(root, top), 0);
  return [...scopes].sort();
}

/** A product scope may use itself, ml and platform, never another product; ml uses platform only. */
export function scopeConstraints(scopes = workspaceScopes()) {
  return [
    ...scopes.filter((s) => !SHARED_SCOPES.includes(s)).map((s) => ({ sourceTag: `scope:${s}`, onlyDependOnLibsWithTags: [`scope:${s}`, 'scope:ml', 'scope:platform'] })),
    { sourceTag: 'scope:ml', onlyDependOnLibsWithTags: ['scope:ml', 'scope:platform'] },
    { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:platform'] },
  ];
}

export const depConstraints = [
  // type: what kind of project may use what kind
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:data-access', 'type:contracts', 'type:provider', 'type:util', 'type:platform'] },
  // a scope's Nest module: services (use cases) and wiring; apps → feature → data-access → domain
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:contracts', 'type:provider', 'type:util', 'type:platform'] },
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
  // scope: systems stay apart; platform and ml serve everyone (one entry per scope in use)
  ...scopeConstraints(),
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

/**
 * Files under bench/ or tools/ that still import libs/memory/data-access by a relative path; they
 * are exempt from PUBLIC_ENTRIES_ONLY until those imports move to @frontier/memory-data-access.
 * Empty: none do today. Add a file here only while such an import is being migrated.
 */
export const DATA_ACCESS_INTERNAL_IMPORTERS = [];

/**
 * Benches and tools use libraries as any consumer does, through `@frontier/<name>` (or a
 * deliberate secondary entry such as `@frontier/ml-audio/testing`), never `libs/<scope>/<lib>/src/...`.
 * tools/workspace/src/public-entries.spec.ts lints bench/ and tools/ with this rule in CI.
 */
export const PUBLIC_ENTRIES_ONLY = {
  files: ['bench/**/*.{ts,mts,cts,js,mjs,cjs}', 'tools/**/*.{ts,mts,cts,js,mjs,cjs}'],
  ignores: DATA_ACCESS_INTERNAL_IMPORTERS,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: '(^|/)libs/[^/]+/[^/]+/src(/|$)',
            message: "Import the library's public entry (@frontier/<name>, see tsconfig.base.json paths), not its sources; export what is missing from its src/index.ts.",
          },
        ],
      },
    ],
  },
};

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
  PUBLIC_ENTRIES_ONLY,
];
