import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findChromium } from '../platform/findChromium';

/** A browser that exits this soon after launch handed the window to one already running on the profile. */
const HANDOFF_MS = 3000;

export interface AppWindowOptions {
  /** Pier's own Chromium profile (pierPaths().browserProfile): the UI's local storage survives a restart. */
  readonly profileDir: string;
  readonly log?: (line: string) => void;
  /** Tests shorten it. */
  readonly handoffMs?: number;
}

/**
 * Opens the UI in a Chromium "app" window (no tabs, no address bar) when a display and a
 * Chromium exist. Closing the window calls `onClose`; `close()` closes it (when Pier stops).
 */
export function openAppWindow(
  url: string,
  onClose: () => void,
  options: AppWindowOptions,
): { ok: true; close(): void } | { ok: false; reason: string } {
  const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (!hasDisplay) return { ok: false, reason: 'No display found: open the URL above in a browser.' };
  const browser = findChromium();
  if (!browser.ok) return browser;
  mkdirSync(options.profileDir, { recursive: true, mode: 0o700 });
  // The link's one-time code must not appear on a command line (any local user reads those), so
  // the window opens a page in the profile folder (0700, ours alone) that goes on to the link.
  const launcher = path.join(options.profileDir, 'open-pier.html');
  writeFileSync(launcher, launcherPage(url), { mode: 0o600 });
  const args = [
    `--app=${pathToFileURL(launcher).href}`,
    `--user-data-dir=${options.profileDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--window-size=1400,900',
  ];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const launched = Date.now();
  const child = spawn(browser.path, args, { stdio: 'ignore' });
  // Once the window has followed it, the code is used up; the file goes anyway.
  const removeLauncher = () => rmSync(launcher, { force: true });
  setTimeout(removeLauncher, 60_000).unref();
  child.on('exit', (code) => {
    removeLauncher();
    if (code === 0 && Date.now() - launched < (options.handoffMs ?? HANDOFF_MS)) {
      options.log?.('The window opened in a browser already running on Pier’s profile; stop Pier with Ctrl+C.');
      return;
    }
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
