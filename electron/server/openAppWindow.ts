import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/**
 * Opens the UI in a Chromium "app" window (no tabs, no address bar) when a display and a
 * Chromium exist. Closing the window calls `onClose`.
 */
export function openAppWindow(url: string, onClose: () => void): { ok: true } | { ok: false; reason: string } {
  const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (!hasDisplay) return { ok: false, reason: 'No display found: open the URL above in a browser.' };
  const browser = process.env.PIER_CHROMIUM ?? CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  if (!browser) return { ok: false, reason: 'No Chromium found: open the URL above in a browser.' };
  const profile = mkdtempSync(path.join(os.tmpdir(), 'pier-window-'));
  const args = [
    `--app=${url}`,
    `--user-data-dir=${profile}`,
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--window-size=1400,900',
  ];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const child = spawn(browser, args, { stdio: 'ignore' });
  child.on('exit', onClose);
  child.on('error', () => undefined);
  return { ok: true };
}
