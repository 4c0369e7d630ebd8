import { describe, expect, it } from 'vitest';
import { findChromium } from './findChromium';

const only =
  (...files: string[]) =>
  (file: string) =>
    files.includes(file);

describe('findChromium', () => {
  it.each([
    ['linux', { PATH: '/usr/local/bin:/usr/bin' }, '/home/ada', '/usr/bin/google-chrome-stable'],
    ['linux', { PATH: '/opt/edge/bin' }, '/home/ada', '/opt/edge/bin/microsoft-edge'],
    ['darwin', {}, '/Users/ada', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'],
    ['darwin', {}, '/Users/ada', '/Users/ada/Applications/Chromium.app/Contents/MacOS/Chromium'],
    [
      'win32',
      { PROGRAMFILES: 'C:\\Program Files', 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)' },
      'C:\\Users\\ada',
      'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
    ],
    [
      'win32',
      { LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local', PROGRAMFILES: 'C:\\Program Files' },
      'C:\\Users\\ada',
      'C:\\Users\\ada\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe',
    ],
  ] as const)('%s finds %s', (platform, env, home, installed) => {
    expect(findChromium({ platform, env, home, exists: only(installed) })).toEqual({ ok: true, path: installed });
  });

  it('prefers Chrome to Edge when both are installed', () => {
    const env = { PROGRAMFILES: 'C:\\Program Files' };
    const chrome = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';
    const edge = 'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe';
    expect(findChromium({ platform: 'win32', env, exists: only(edge, chrome) })).toEqual({ ok: true, path: chrome });
  });

  it('takes PIER_CHROMIUM over everything, and says so when it does not exist', () => {
    expect(
      findChromium({ platform: 'linux', env: { PIER_CHROMIUM: '/opt/my/chrome' }, exists: only('/opt/my/chrome', '/usr/bin/chromium') }),
    ).toEqual({
      ok: true,
      path: '/opt/my/chrome',
    });
    const missing = findChromium({ platform: 'linux', env: { PIER_CHROMIUM: '/nope' }, exists: only('/usr/bin/chromium') });
    expect(missing).toEqual({ ok: false, reason: expect.stringContaining('PIER_CHROMIUM names /nope') });
  });

  it('says what to do when no browser is found', () => {
    expect(findChromium({ platform: 'darwin', env: {}, home: '/Users/ada', exists: only() })).toEqual({
      ok: false,
      reason: expect.stringContaining('set PIER_CHROMIUM'),
    });
  });
});
