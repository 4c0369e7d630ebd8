import type { MenuItemConstructorOptions } from 'electron';

export interface AppMenuActions {
  about(): void;
  openLogsFolder(): void;
  checkForUpdates(): void;
}

/**
 * The application menu with each platform's standard roles: on macOS the app menu (About, Check for
 * Updates, Services, Hide, Quit) first; elsewhere File › Quit, and About under Help.
 */
export function appMenuTemplate(platform: NodeJS.Platform, actions: AppMenuActions): MenuItemConstructorOptions[] {
  const about: MenuItemConstructorOptions = { label: 'About Pier', click: () => actions.about() };
  const checkForUpdates: MenuItemConstructorOptions = { label: 'Check for Updates…', click: () => actions.checkForUpdates() };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      { label: 'Open Logs Folder', click: () => actions.openLogsFolder() },
      ...(platform === 'darwin' ? [] : [checkForUpdates, { type: 'separator' } as const, about]),
    ],
  };
  const common: MenuItemConstructorOptions[] = [{ role: 'editMenu' }, { role: 'viewMenu' }, { role: 'windowMenu' }, help];
  if (platform === 'darwin') {
    return [
      {
        label: 'Pier',
        submenu: [
          about,
          checkForUpdates,
          { type: 'separator' },
          { role: 'services' },
          { type: 'separator' },
          { role: 'hide' },
          { role: 'hideOthers' },
          { role: 'unhide' },
          { type: 'separator' },
          { role: 'quit' },
        ],
      },
      { role: 'fileMenu' },
      ...common,
    ];
  }
  return [{ role: 'fileMenu' }, ...common];
}
