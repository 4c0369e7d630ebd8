// Lint rules that keep Pier's layers honest. The import rules below enforce DESIGN §2:
// shared/ ← renderer/, shared/ ← electron/*; only electron/main and electron/preload import
// 'electron'. DO NOT RELAX them to make a change compile: move the code instead.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'url', 'util', 'stream', 'events'];

/** Patterns every main-process service obeys (all of electron/ but main and preload). */
const electronBase = [
  { group: ['electron', 'electron/*'], message: "Only electron/main and electron/preload import 'electron'; services stay plain Node." },
  { group: ['**/renderer/**', 'react', 'react-dom'], message: 'Main-process code never imports the renderer.' },
  {
    group: ['**/electron/main/**', '../main/*', '../../main/*'],
    message: 'Services do not reach back into electron/main (the composition root).',
  },
];

/**
 * The services inside electron/ and what each may import besides shared/ (DESIGN §2, README "Map").
 * Lower layers know nothing of higher ones: the engine, admin and local control plane are plain
 * Node over Postgres; branchData joins engine and cloud; rpc routes by location; app composes the
 * services; server (the HTTP surface) and main (Electron) may use everything.
 */
const SERVICE_IMPORTS = {
  errors: [],
  files: [],
  platform: ['errors', 'files'],
  engine: ['errors'],
  admin: ['errors'],
  vault: ['errors', 'files'],
  local: ['errors', 'files'],
  cloud: ['errors', 'files', 'vault', 'platform'],
  branchData: ['errors', 'engine', 'cloud'],
  rpc: ['errors', 'admin', 'branchData', 'cloud', 'platform'],
  app: ['errors', 'files', 'platform', 'engine', 'admin', 'vault', 'local', 'cloud', 'branchData', 'rpc'],
};
const ELECTRON_FOLDERS = [
  'admin',
  'app',
  'branchData',
  'cloud',
  'engine',
  'errors',
  'files',
  'local',
  'main',
  'preload',
  'rpc',
  'server',
  'vault',
];

/**
 * One config per service and folder depth, so a relative import's `../` count names exactly the
 * electron/ folder it reaches (a service's own sub-folders, like cloud/rpc, are not mistaken for one).
 */
function electronLayers() {
  const tests = [
    'electron/**/*.test.ts',
    'electron/**/*.itest.ts',
    'electron/**/*.testing.ts',
    'electron/**/testing/**',
    'electron/**/test/**',
  ];
  const configs = [
    {
      files: ['electron/**/*.ts'],
      ignores: ['electron/main/**', 'electron/preload/**', ...tests],
      rules: { 'no-restricted-imports': ['error', { patterns: electronBase }] },
    },
  ];
  for (const [service, allowed] of Object.entries(SERVICE_IMPORTS)) {
    const forbidden = ELECTRON_FOLDERS.filter((f) => f !== service && !allowed.includes(f));
    for (let depth = 1; depth <= 4; depth++) {
      const up = '../'.repeat(depth);
      configs.push({
        files: [`electron/${service}/${'*/'.repeat(depth - 1)}*.ts`],
        ignores: tests,
        rules: {
          'no-restricted-imports': [
            'error',
            {
              patterns: [
                ...electronBase,
                {
                  group: forbidden.flatMap((f) => [`${up}${f}`, `${up}${f}/**`]),
                  message: `electron/${service} may import only shared/${allowed.map((a) => ` and electron/${a}`).join('')} (see SERVICE_IMPORTS in eslint.config.js).`,
                },
              ],
            },
          ],
        },
      });
    }
  }
  return configs;
}

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
  ...electronLayers(),
  // Layout belongs to Prettier (`npm test` runs `prettier --check`); lint keeps to meaning.
  prettier,
);
