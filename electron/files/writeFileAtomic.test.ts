import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type * as fsPromises from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * Windows cannot be run here, so its file system's refusals are played by a stand-in for two calls:
 * opening a folder (EPERM on Windows) and a rename over a file another process holds (EPERM, briefly).
 * Everything else is the real file system.
 */
const windowsLike = vi.hoisted(() => ({ folderOpen: false, busyRenames: 0, folderOpens: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof fsPromises>();
  const eperm = (syscall: string) => Object.assign(new Error(`EPERM: operation not permitted, ${syscall}`), { code: 'EPERM', syscall });
  return {
    ...real,
    open: async (file: string, flags: string, mode?: number) => {
      if ((await real.stat(file).catch(() => undefined))?.isDirectory()) {
        windowsLike.folderOpens += 1;
        if (!windowsLike.folderOpen) throw eperm('open');
      }
      return real.open(file, flags, mode);
    },
    rename: async (from: string, to: string) => {
      if (windowsLike.busyRenames > 0) {
        windowsLike.busyRenames -= 1;
        throw eperm('rename');
      }
      return real.rename(from, to);
    },
  };
});

const { writeFileAtomic } = await import('./writeFileAtomic');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pier-atomic-'));
  Object.assign(windowsLike, { folderOpen: true, busyRenames: 0, folderOpens: 0 });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces the file, fsyncs its folder, and leaves no temporary file (Linux, macOS)', async () => {
    const file = path.join(dir, 'state.json');
    await writeFileAtomic(file, 'one', 0o600, 'linux');
    await writeFileAtomic(file, 'two', 0o600, 'linux');
    expect(await readFile(file, 'utf8')).toBe('two');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['state.json']);
    expect(windowsLike.folderOpens).toBe(2);
  });

  it('on Windows writes without opening the folder, which Windows refuses', async () => {
    windowsLike.folderOpen = false;
    const file = path.join(dir, 'vault.json');
    await writeFileAtomic(file, '{"secrets":1}', 0o600, 'win32');
    expect(await readFile(file, 'utf8')).toBe('{"secrets":1}');
    expect(windowsLike.folderOpens).toBe(0);
    // The same refusal elsewhere is a real error, reported rather than ignored.
    await expect(writeFileAtomic(file, 'x', 0o600, 'linux')).rejects.toThrow(/EPERM/);
  });

  it('on Windows waits out a target another process holds for a moment', async () => {
    const file = path.join(dir, 'workspaces.json');
    windowsLike.busyRenames = 3;
    await writeFileAtomic(file, 'saved', 0o600, 'win32');
    expect(await readFile(file, 'utf8')).toBe('saved');
    expect(await readdir(dir)).toEqual(['workspaces.json']);
  });

  it('reports a rename that keeps failing, and removes its temporary file', async () => {
    const file = path.join(dir, 'state.json');
    windowsLike.busyRenames = 1;
    await expect(writeFileAtomic(file, 'lost?', 0o600, 'linux')).rejects.toThrow(/EPERM/);
    expect(await readdir(dir)).toEqual([]);
  });
});
