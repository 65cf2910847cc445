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
  {
    // Workflow modules are loaded once and shared by every run (preloaded, see src/worker/workflow-bundle.ts):
    // state at module scope would leak from one request's run into another's. State lives in the workflow
    // function's closures; module scope holds constants only.
    files: ['src/workflows/**/*.ts', 'src/policy/approval.ts', 'src/policy/duration.ts', 'src/policy/review.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: ':matches(Program, ExportNamedDeclaration) > VariableDeclaration[kind!="const"]',
          message: 'No mutable state at module scope: workflow modules are shared by every run (preloadModules).',
        },
        {
          selector:
            ':matches(Program, ExportNamedDeclaration) > VariableDeclaration > VariableDeclarator > NewExpression[callee.name=/^(Map|Set|WeakMap|WeakSet|Array)$/]',
          message: 'No mutable collection at module scope: workflow modules are shared by every run (preloadModules).',
        },
      ],
    },
  },
);
