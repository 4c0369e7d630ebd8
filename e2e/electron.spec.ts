import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

/** The binary the electron package's install script downloaded; requiring 'electron' would start that download. */
function electronBinary(): string | undefined {
  const pkg = path.join('node_modules', 'electron');
  try {
    const bin = path.resolve(pkg, 'dist', readFileSync(path.join(pkg, 'path.txt'), 'utf8'));
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

const bin = electronBinary();

test.describe('desktop app (Electron)', () => {
  test.skip(!bin, 'The Electron binary is not installed on this machine (its install script downloads it; see README "Desktop app").');

  test('opens a hardened window showing the explorer', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-electron-'));
    const app = await electron.launch({
      executablePath: bin,
      args: ['dist/electron/main.cjs'],
      env: { ...process.env, PIER_DATA_DIR: dataDir },
    });
    try {
      const window = await app.firstWindow();
      await expect(window.getByRole('tree', { name: 'Database explorer' })).toBeVisible();
      // The renderer sees only the preload's one-function-per-channel API: no Node, no ipcRenderer.
      const surface = await window.evaluate(() => {
        const g = globalThis as { pier?: Record<string, unknown>; process?: unknown };
        return { process: typeof g.process, pier: Object.keys(g.pier ?? {}).sort() };
      });
      expect(surface.process).toBe('undefined');
      expect(surface.pier).toContain('catalog.listSchemas');
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    } finally {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
