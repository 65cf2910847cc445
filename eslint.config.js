// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const { builtinModules } = require('node:module');

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

module.exports = tseslint.config(
  {
    ignores: [
      'dist/**',
      'packages/*/dist/**',
      'node_modules/**',
      '.leasehold/**',
      'coverage/**',
      '*.config.js',
      'eslint.config.js',
      'bin/**',
      'scripts/**/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // The product compiles and runs without the sandbox package (the production install leaves it out):
    // only src/app/sandbox-package.ts loads it, at run time, by name.
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@leasehold/sandbox',
              message:
                'Load the sandbox with loadSandboxPackage() (src/app/sandbox-package.ts): it is not in the production install.',
            },
          ],
          patterns: [
            {
              group: ['@leasehold/sandbox/*', '**/packages/*'],
              message: 'The sandbox is a workspace package, not part of the product.',
            },
          ],
        },
      ],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O.
    files: ['src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflow code must be deterministic: do I/O in an activity.',
          })),
          patterns: [
            {
              group: [
                '../activities/*',
                '../connectors/*',
                '@leasehold/sandbox',
                '../starter/*',
                '../logging',
                '../config/*',
              ],
              message: 'Workflows may import only deterministic code (policy, shared types).',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
