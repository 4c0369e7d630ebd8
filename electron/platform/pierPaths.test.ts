import { describe, expect, it } from 'vitest';
import { pierPaths } from './pierPaths';

describe('pierPaths', () => {
  it.each([
    {
      platform: 'linux',
      env: {},
      home: '/home/ada',
      data: '/home/ada/.local/share/pier',
      logs: '/home/ada/.local/state/pier/logs',
      browserProfile: '/home/ada/.local/share/pier/browser-profile',
    },
    {
      platform: 'linux',
      env: { XDG_DATA_HOME: '/xdg/data', XDG_STATE_HOME: '/xdg/state' },
      home: '/home/ada',
      data: '/xdg/data/pier',
      logs: '/xdg/state/pier/logs',
      browserProfile: '/xdg/data/pier/browser-profile',
    },
    {
      platform: 'darwin',
      env: {},
      home: '/Users/ada',
      data: '/Users/ada/Library/Application Support/Pier',
      logs: '/Users/ada/Library/Logs/Pier',
      browserProfile: '/Users/ada/Library/Application Support/Pier/browser-profile',
    },
    {
      platform: 'win32',
      env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming', LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' },
      home: 'C:\\Users\\ada',
      data: 'C:\\Users\\ada\\AppData\\Roaming\\Pier',
      logs: 'C:\\Users\\ada\\AppData\\Local\\Pier\\logs',
      browserProfile: 'C:\\Users\\ada\\AppData\\Roaming\\Pier\\browser-profile',
    },
    {
      // No APPDATA/LOCALAPPDATA (a service account): the folders they name by default.
      platform: 'win32',
      env: {},
      home: 'C:\\Users\\ada',
      data: 'C:\\Users\\ada\\AppData\\Roaming\\Pier',
      logs: 'C:\\Users\\ada\\AppData\\Local\\Pier\\logs',
      browserProfile: 'C:\\Users\\ada\\AppData\\Roaming\\Pier\\browser-profile',
    },
  ] as const)('$platform $env', ({ platform, env, home, data, logs, browserProfile }) => {
    const paths = pierPaths({ platform, env, home });
    expect(paths).toEqual({ data, logs, crashDumps: platform === 'win32' ? `${logs}\\crashes` : `${logs}/crashes`, browserProfile });
  });

  it('keeps logs and the browser profile inside a data folder the user chose', () => {
    expect(pierPaths({ platform: 'linux', env: {}, home: '/home/ada', dataDir: '/srv/pier-team' })).toEqual({
      data: '/srv/pier-team',
      logs: '/srv/pier-team/logs',
      crashDumps: '/srv/pier-team/logs/crashes',
      browserProfile: '/srv/pier-team/browser-profile',
    });
    expect(pierPaths({ platform: 'win32', env: {}, home: 'C:\\Users\\ada', dataDir: 'D:\\pier' }).logs).toBe('D:\\pier\\logs');
  });
});
