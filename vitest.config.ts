import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Tests never touch the user's keyring or key folder: vault keys go to a folder of this run
 * (see electron/vault/vaultKey.ts; tests of the keyring path inject one).
 */
const env = { PIER_KEYRING: 'off', PIER_KEY_DIR: path.join(os.tmpdir(), `pier-test-keys-${process.pid}`) };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
          environment: 'node',
          env,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['electron/**/*.itest.ts', 'test/**/*.itest.ts'],
          environment: 'node',
          env,
          globalSetup: ['test/globalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One embedded server is shared; files run one at a time to keep a 2-core machine calm.
          fileParallelism: false,
        },
      },
    ],
  },
});
