import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
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
 * Chromium exist. Closing the window calls `onClose`.
 */
export function openAppWindow(url: string, onClose: () => void, options: AppWindowOptions): { ok: true } | { ok: false; reason: string } {
  const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (!hasDisplay) return { ok: false, reason: 'No display found: open the URL above in a browser.' };
  const browser = findChromium();
  if (!browser.ok) return browser;
  mkdirSync(options.profileDir, { recursive: true, mode: 0o700 });
  const args = [
    `--app=${url}`,
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
  child.on('exit', (code) => {
    if (code === 0 && Date.now() - launched < (options.handoffMs ?? HANDOFF_MS)) {
      options.log?.('The window opened in a browser already running on Pier’s profile; stop Pier with Ctrl+C.');
      return;
    }
    onClose();
  });
  child.on('error', () => undefined);
  return { ok: true };
}
