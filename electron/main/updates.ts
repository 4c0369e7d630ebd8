/**
 * Updates through electron-updater. The update source is chosen when the installers are built
 * (`PIER_UPDATE_URL`, see scripts/packageApp.ts), which writes resources/app-update.yml; an app
 * built without one, and a development run, have no updater at all.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { autoUpdater } from 'electron-updater';
import type { UpdateCheck } from '../../shared/contract/app';
import type { PierLog } from '../platform/pierLog';

export interface UpdatesOptions {
  readonly isPackaged: boolean;
  readonly resourcesPath: string;
  readonly version: string;
  readonly log: PierLog;
}

export interface Updates {
  /** One sentence for About. */
  describe(): string;
  check(): Promise<UpdateCheck>;
}

export function createUpdates(options: UpdatesOptions): Updates {
  const configFile = path.join(options.resourcesPath, 'app-update.yml');
  const source = options.isPackaged && existsSync(configFile) ? /^url:\s*(\S+)/m.exec(readFileSync(configFile, 'utf8'))?.[1] : undefined;
  const notConfigured = options.isPackaged
    ? 'This build of Pier has no update source (it was built without PIER_UPDATE_URL): install new versions by hand.'
    : 'This is a development run (npm start): update it with git pull and npm install.';
  if (source) {
    autoUpdater.logger = {
      info: (m: unknown) => options.log.info(`updates: ${String(m)}`),
      warn: (m: unknown) => options.log.warn(`updates: ${String(m)}`),
      error: (m: unknown) => options.log.error(`updates: ${String(m)}`),
      debug: () => undefined,
    };
    autoUpdater.autoDownload = true;
    autoUpdater.autoInstallOnAppQuit = true;
  }
  return {
    describe: () =>
      source
        ? `Pier looks for new versions at ${source}; a new version downloads in the background and installs when you quit.`
        : notConfigured,
    check: async () => {
      if (!source) return { outcome: 'not-configured', message: notConfigured };
      try {
        const result = await autoUpdater.checkForUpdates();
        if (!result) return { outcome: 'not-configured', message: notConfigured };
        if (result.isUpdateAvailable) {
          return {
            outcome: 'downloading',
            message: `Pier ${result.updateInfo.version} is available (you have ${options.version}). It is downloading and installs when you quit Pier.`,
          };
        }
        return { outcome: 'up-to-date', message: `Pier ${options.version} is the newest version (checked ${source}).` };
      } catch (err) {
        options.log.error(`updates: ${(err as Error).message}`);
        return { outcome: 'failed', message: `Could not check ${source} for updates: ${(err as Error).message}` };
      }
    },
  };
}
