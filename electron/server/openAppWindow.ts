import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import path from 'node:path';

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/**
 * Opens the UI in a Chromium "app" window (no tabs, no address bar) when a display and a
 * Chromium exist. Closing the window calls `onClose`; `close()` closes it (when Pier stops).
 */
export function openAppWindow(url: string, onClose: () => void): { ok: true; close(): void } | { ok: false; reason: string } {
  const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (!hasDisplay) return { ok: false, reason: 'No display found: open the URL above in a browser.' };
  const browser = process.env.PIER_CHROMIUM ?? CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  if (!browser) return { ok: false, reason: 'No Chromium found: open the URL above in a browser.' };
  const profile = mkdtempSync(path.join(os.tmpdir(), 'pier-window-'));
  // The link's one-time code must not appear on a command line (any local user reads those), so
  // the window opens a page in the profile folder (0700, ours alone) that goes on to the link.
  const launcher = path.join(profile, 'open-pier.html');
  writeFileSync(launcher, launcherPage(url), { mode: 0o600 });
  const args = [
    `--app=${pathToFileURL(launcher).href}`,
    `--user-data-dir=${profile}`,
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--window-size=1400,900',
  ];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const child = spawn(browser, args, { stdio: 'ignore' });
  // Once the window has followed it, the code is used up; the file goes anyway.
  const removeLauncher = () => rmSync(launcher, { force: true });
  setTimeout(removeLauncher, 60_000).unref();
  child.on('exit', () => {
    removeLauncher();
    onClose();
  });
  child.on('error', () => undefined);
  return { ok: true, close: () => void child.kill() };
}

/** A page that sends the window on to `url` at once (a meta refresh: no script needed). */
function launcherPage(url: string): string {
  const attr = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0;url=${attr}"><title>Opening Pier…</title>\n`;
}
