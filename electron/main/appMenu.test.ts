import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { appMenuTemplate } from './appMenu';

const summary = (items: MenuItemConstructorOptions[]): unknown[] =>
  items.map((i) =>
    i.submenu ? { [String(i.role ?? i.label)]: summary(i.submenu as MenuItemConstructorOptions[]) } : (i.role ?? i.label ?? i.type),
  );

describe('appMenuTemplate', () => {
  const actions = { about: vi.fn(), openLogsFolder: vi.fn(), checkForUpdates: vi.fn() };

  it('macOS: the app menu first, with About and Check for Updates; the standard Edit, View, Window roles; Help', () => {
    expect(summary(appMenuTemplate('darwin', actions))).toEqual([
      {
        Pier: [
          'About Pier',
          'Check for Updates…',
          'separator',
          'services',
          'separator',
          'hide',
          'hideOthers',
          'unhide',
          'separator',
          'quit',
        ],
      },
      'fileMenu',
      'editMenu',
      'viewMenu',
      'windowMenu',
      { help: ['Open Logs Folder'] },
    ]);
  });

  it.each(['win32', 'linux'] as const)('%s: File, Edit, View, Window, and Help holding logs, updates and About', (platform) => {
    expect(summary(appMenuTemplate(platform, actions))).toEqual([
      'fileMenu',
      'editMenu',
      'viewMenu',
      'windowMenu',
      { help: ['Open Logs Folder', 'Check for Updates…', 'separator', 'About Pier'] },
    ]);
  });

  it('wires each item to its action', () => {
    const help = appMenuTemplate('linux', actions).at(-1)!.submenu as MenuItemConstructorOptions[];
    for (const item of help) (item.click as (() => void) | undefined)?.();
    expect(actions.openLogsFolder).toHaveBeenCalledOnce();
    expect(actions.checkForUpdates).toHaveBeenCalledOnce();
    expect(actions.about).toHaveBeenCalledOnce();
  });
});
