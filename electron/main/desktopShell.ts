import { clipboard, dialog, shell, type BrowserWindow } from 'electron';
import type { AppAbout } from '../../shared/contract/app';
import type { IAppShell } from '../platform/appShell';
import type { PierPaths } from '../platform/pierPaths';
import { PIER_VERSION } from '../platform/pierVersion';
import type { Updates } from './updates';

/** The desktop app's About, logs folder and updates (Help menu and the `app.*` channels). */
export function desktopShell(paths: PierPaths, updates: Updates): IAppShell {
  return {
    about: () => ({
      product: 'Pier',
      version: PIER_VERSION,
      mode: 'desktop',
      electronVersion: process.versions.electron ?? null,
      chromeVersion: process.versions.chrome ?? null,
      nodeVersion: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
      dataFolder: paths.data,
      logsFolder: paths.logs,
      crashReportsFolder: paths.crashDumps,
      updates: updates.describe(),
    }),
    openLogsFolder: async () => {
      // shell.openPath answers an error message, or '' when the folder opened.
      const failure = await shell.openPath(paths.logs);
      return failure
        ? { opened: false, path: paths.logs, message: `Could not open the logs folder (${failure}); it is ${paths.logs}.` }
        : { opened: true, path: paths.logs, message: `Opened ${paths.logs}.` };
    },
    checkForUpdates: () => updates.check(),
  };
}

export function aboutText(about: AppAbout): string {
  return [
    `Pier ${about.version}`,
    `Electron ${about.electronVersion ?? '–'} (Chromium ${about.chromeVersion ?? '–'}, Node ${about.nodeVersion})`,
    `PostgreSQL ${about.postgresVersion}`,
    `${about.platform}`,
    '',
    `Data: ${about.dataFolder}`,
    `Logs: ${about.logsFolder}`,
    ...(about.crashReportsFolder ? [`Crash reports (kept on this computer): ${about.crashReportsFolder}`] : []),
    '',
    about.updates,
  ].join('\n');
}

export async function showAboutDialog(window: BrowserWindow | undefined, about: AppAbout): Promise<void> {
  const text = aboutText(about);
  const options = {
    type: 'info' as const,
    title: 'About Pier',
    message: `Pier ${about.version}`,
    detail: text,
    buttons: ['OK', 'Copy'],
    defaultId: 0,
  };
  const { response } = window ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
  if (response === 1) clipboard.writeText(text);
}

export async function showMessage(window: BrowserWindow | undefined, title: string, message: string): Promise<void> {
  const options = { type: 'info' as const, title, message: title, detail: message, buttons: ['OK'] };
  if (window) await dialog.showMessageBox(window, options);
  else await dialog.showMessageBox(options);
}
