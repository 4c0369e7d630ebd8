import { defineConfig } from '@playwright/test';

/** Debian's Chromium (a test tool's own browser download does not work on these machines). */
const chromium = process.env.PIER_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  reporter: process.env.PIER_PW_JSON ? [['list'], ['json', { outputFile: process.env.PIER_PW_JSON }]] : [['list']],
  globalSetup: './e2e/support/globalSetup.ts',
  use: {
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    trace: 'retain-on-failure',
  },
  projects: [{ name: 'browser-mode', use: { browserName: 'chromium' } }],
});
