// Lint rules that keep Pier's layers honest. The import rules below enforce DESIGN §2:
// shared/ ← renderer/, shared/ ← electron/*; only electron/main and electron/preload import
// 'electron'. DO NOT RELAX them to make a change compile: move the code instead.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'url', 'util', 'stream', 'events'];

export default tseslint.config(
  { ignores: ['dist/**', '.tsbuild/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Plain Node scripts (build, launch, test orchestration).
    files: ['scripts/**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', Buffer: 'readonly' },
    },
  },
  {
    // Tests read loosely typed JSON answers; asserting on them is the point.
    files: ['**/*.test.ts', '**/*.test.tsx', '**/*.itest.ts', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'shared/ is pure TypeScript: no Node built-ins.' },
            {
              group: ['electron', 'react', 'react-dom', 'pg', '**/electron/**', '**/renderer/**'],
              message: 'shared/ imports nothing of ours and nothing platform-specific.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'The renderer is sandboxed: no Node built-ins.' },
            {
              group: ['electron', 'pg', '**/electron/**'],
              message: 'The renderer imports shared/ only; talk to main through the contract.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/main/**', 'electron/preload/**', 'electron/**/*.test.ts', 'electron/**/*.itest.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*'],
              message: "Only electron/main and electron/preload import 'electron'; services stay plain Node.",
            },
            { group: ['**/renderer/**', 'react', 'react-dom'], message: 'Main-process code never imports the renderer.' },
            {
              group: ['**/electron/main/**', '../main/*', '../../main/*'],
              message: 'Services do not reach back into electron/main (the composition root).',
            },
          ],
        },
      ],
    },
  },
  // Layout belongs to Prettier (`npm test` runs `prettier --check`); lint keeps to meaning.
  prettier,
);
