// Root ESLint config. Module boundaries are the architecture: every project carries one scope:* and
// one type:* tag, and each tag lists exactly what it may depend on (no wildcards).
import nx from '@nx/eslint-plugin';

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
