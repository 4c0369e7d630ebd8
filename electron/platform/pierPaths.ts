import os from 'node:os';
import path from 'node:path';

/** Where Pier keeps things on this machine. Every folder Pier writes to comes from here. */
export interface PierPaths {
  /** Clusters, vault, workspaces, local state. */
  readonly data: string;
  /** Log files (rotated), and the crash reports folder. */
  readonly logs: string;
  /** Electron's local crash reports (minidumps), beside the logs; uploaded only if configured. */
  readonly crashDumps: string;
  /** The Chromium profile: the desktop window's, and browser mode's app window's, so the UI's local storage survives a restart. */
  readonly browserProfile: string;
}

export interface PierPathsInput {
  readonly platform?: NodeJS.Platform;
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
  /**
   * A data folder chosen by the user (`--data-dir`, `PIER_DATA_DIR`): that Pier is its own instance,
   * so its logs and browser profile live inside it rather than beside another instance's.
   */
  readonly dataDir?: string | undefined;
}

/**
 * The platform's conventions: XDG on Linux (data in XDG_DATA_HOME, logs in XDG_STATE_HOME),
 * Application Support and ~/Library/Logs on macOS, %APPDATA% (roaming data) and %LOCALAPPDATA%
 * (machine-local logs) on Windows.
 */
export function pierPaths(input: PierPathsInput = {}): PierPaths {
  const platform = input.platform ?? process.platform;
  const env = input.env ?? process.env;
  const p = platform === 'win32' ? path.win32 : path.posix;
  const home = input.home ?? env.HOME ?? env.USERPROFILE ?? os.homedir();
  let data: string;
  let logs: string;
  switch (platform) {
    case 'darwin':
      data = p.join(home, 'Library', 'Application Support', 'Pier');
      logs = p.join(home, 'Library', 'Logs', 'Pier');
      break;
    case 'win32':
      data = p.join(env.APPDATA || p.join(home, 'AppData', 'Roaming'), 'Pier');
      logs = p.join(env.LOCALAPPDATA || p.join(home, 'AppData', 'Local'), 'Pier', 'logs');
      break;
    default:
      data = p.join(env.XDG_DATA_HOME || p.join(home, '.local', 'share'), 'pier');
      logs = p.join(env.XDG_STATE_HOME || p.join(home, '.local', 'state'), 'pier', 'logs');
  }
  if (input.dataDir) {
    data = p.resolve(input.dataDir);
    logs = p.join(data, 'logs');
  }
  return { data, logs, crashDumps: p.join(logs, 'crashes'), browserProfile: p.join(data, 'browser-profile') };
}
