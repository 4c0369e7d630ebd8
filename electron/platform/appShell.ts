/**
 * What the app's Help menu offers (About, the logs folder, updates), as a service: the desktop app
 * implements it with Electron (electron/main/desktopShell.ts), browser mode with what a web page
 * can do (below). Both answer the same contract channels, `app.about` and friends.
 */
import type { AppAbout, UpdateCheck } from '../../shared/contract/app';
import type { PierPaths } from './pierPaths';
import { PIER_VERSION } from './pierVersion';

export type AboutFacts = Omit<AppAbout, 'postgresVersion'>;

export interface IAppShell {
  about(): AboutFacts;
  openLogsFolder(): Promise<{ opened: boolean; path: string; message: string }>;
  checkForUpdates(): Promise<UpdateCheck>;
}

export const BROWSER_MODE_UPDATES =
  'Browser mode runs from a copy of the source: update it with git pull and npm install (the desktop app updates itself).';

export function browserAppShell(paths: PierPaths): IAppShell {
  return {
    about: () => ({
      product: 'Pier',
      version: PIER_VERSION,
      mode: 'browser',
      electronVersion: null,
      chromeVersion: null,
      nodeVersion: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
      dataFolder: paths.data,
      logsFolder: paths.logs,
      crashReportsFolder: null,
      updates: BROWSER_MODE_UPDATES,
    }),
    // The server could open a folder on its own machine, but the page asking may be a teammate's
    // browser (`npm run serve`): show where the logs are instead.
    openLogsFolder: async () => ({
      opened: false,
      path: paths.logs,
      message: `Browser mode cannot open folders for you. Pier's logs are in ${paths.logs}.`,
    }),
    checkForUpdates: async () => ({
      outcome: 'browser-mode',
      message: `Updates are not available in browser mode. ${BROWSER_MODE_UPDATES}`,
    }),
  };
}
