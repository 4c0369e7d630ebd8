import { pierPaths } from '../platform/pierPaths';

/** The per-user app-data folder: XDG on Linux, Application Support on macOS, %APPDATA% on Windows. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  return pierPaths({ env, platform }).data;
}
