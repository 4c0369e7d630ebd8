import { existsSync } from 'node:fs';
import path from 'node:path';

export interface FindChromiumInput {
  readonly platform?: NodeJS.Platform;
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
  readonly exists?: (file: string) => boolean;
}

/**
 * A Chromium-family browser for browser mode's app window: `PIER_CHROMIUM` if set, else Chrome,
 * Chromium or Edge where each platform's installers put them (and, on Linux, on the PATH).
 */
export function findChromium(input: FindChromiumInput = {}): { ok: true; path: string } | { ok: false; reason: string } {
  const platform = input.platform ?? process.platform;
  const env = input.env ?? process.env;
  const exists = input.exists ?? existsSync;
  const override = env.PIER_CHROMIUM?.trim();
  if (override) {
    return exists(override)
      ? { ok: true, path: override }
      : { ok: false, reason: `PIER_CHROMIUM names ${override}, which does not exist.` };
  }
  const found = chromiumCandidates(platform, env, input.home).find((p) => exists(p));
  if (found) return { ok: true, path: found };
  return { ok: false, reason: 'No Chrome, Chromium or Edge found (set PIER_CHROMIUM to one): open the URL above in a browser.' };
}

export function chromiumCandidates(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home = env.HOME ?? env.USERPROFILE ?? ''): string[] {
  switch (platform) {
    case 'darwin': {
      const apps = [
        'Google Chrome.app/Contents/MacOS/Google Chrome',
        'Chromium.app/Contents/MacOS/Chromium',
        'Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
      ];
      return ['/Applications', path.posix.join(home, 'Applications')].flatMap((dir) => apps.map((app) => path.posix.join(dir, app)));
    }
    case 'win32': {
      const roots = [env.LOCALAPPDATA, env.PROGRAMFILES, env['PROGRAMFILES(X86)']].filter((r): r is string => Boolean(r));
      const exes = [
        'Google\\Chrome\\Application\\chrome.exe',
        'Chromium\\Application\\chrome.exe',
        'Microsoft\\Edge\\Application\\msedge.exe',
      ];
      return exes.flatMap((exe) => roots.map((root) => path.win32.join(root, exe)));
    }
    default: {
      const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge', 'microsoft-edge-stable'];
      const dirs = [...(env.PATH ?? '').split(':').filter(Boolean), '/usr/bin', '/snap/bin'];
      return [...new Set(names.flatMap((name) => dirs.map((dir) => path.posix.join(dir, name))))];
    }
  }
}
