import os from 'node:os';
import path from 'node:path';

/** The per-user app-data folder: XDG on Linux, Application Support on macOS, %APPDATA% on Windows. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME ?? os.homedir();
  switch (platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Pier');
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Pier');
    default:
      return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'pier');
  }
}
