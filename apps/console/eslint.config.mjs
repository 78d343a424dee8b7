import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // the SPA: the workspace's TypeScript rules apply to .tsx too
    files: ['web/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
