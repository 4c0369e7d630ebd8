import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appLayout, publishFromEnv } from './packageApp';

describe('publishFromEnv', () => {
  it('sets the generic provider only when PIER_UPDATE_URL is given', () => {
    expect(publishFromEnv({})).toBeNull();
    expect(publishFromEnv({ PIER_UPDATE_URL: '  ' })).toBeNull();
    expect(publishFromEnv({ PIER_UPDATE_URL: 'https://updates.example.com/pier' })).toEqual([
      { provider: 'generic', url: 'https://updates.example.com/pier' },
    ]);
  });

  it('refuses an update URL that is not https', () => {
    expect(() => publishFromEnv({ PIER_UPDATE_URL: 'http://updates.example.com/pier' })).toThrow(/https/);
  });
});

describe('appLayout', () => {
  it.each([
    ['linux', 'x64', 'linux-unpacked/resources', 'linux-unpacked/pier'],
    ['darwin', 'arm64', 'mac-arm64/Pier.app/Contents/Resources', 'mac-arm64/Pier.app/Contents/MacOS/Pier'],
    ['darwin', 'x64', 'mac/Pier.app/Contents/Resources', 'mac/Pier.app/Contents/MacOS/Pier'],
    ['win32', 'x64', 'win-unpacked/resources', 'win-unpacked/Pier.exe'],
  ] as const)('%s-%s keeps resources in %s', (platform, arch, resources, executable) => {
    const layout = appLayout('out', platform, arch);
    expect(layout.resourcesDir).toBe(path.join('out', ...resources.split('/')));
    expect(layout.executable).toBe(path.join('out', ...executable.split('/')));
  });
});
