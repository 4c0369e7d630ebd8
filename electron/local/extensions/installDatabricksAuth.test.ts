import { mkdtemp, mkdir, readFile, stat, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installDatabricksAuth } from './installDatabricksAuth';
import type { PostgresBinaries } from '../postgres/binaries';

async function fakeInstall(): Promise<{ binaries: PostgresBinaries; extensionDir: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'pier-dbauth-'));
  const binDir = path.join(root, 'bin');
  const extensionDir = path.join(root, 'share', 'postgresql', 'extension');
  await mkdir(binDir, { recursive: true });
  await mkdir(extensionDir, { recursive: true });
  const binaries = { major: 17, initdb: '', postgres: '', pgCtl: '', binDir } as PostgresBinaries;
  return { binaries, extensionDir };
}

describe('installDatabricksAuth', () => {
  // The postmaster runs as another OS user: files it cannot read make CREATE EXTENSION fail.
  it('leaves the extension files readable by every user, even when an owner-only copy is already there', async () => {
    const { binaries, extensionDir } = await fakeInstall();
    expect(await installDatabricksAuth(binaries)).toBe(true);
    const control = path.join(extensionDir, 'databricks_auth.control');
    const text = await readFile(control, 'utf8');
    // A copy written under an owner-only umask: same text, mode 0600.
    await writeFile(control, text);
    await chmod(control, 0o600);
    expect(await installDatabricksAuth(binaries)).toBe(true);
    for (const name of ['databricks_auth.control', 'databricks_auth--1.0.sql']) {
      expect(((await stat(path.join(extensionDir, name))).mode & 0o777).toString(8)).toBe('644');
    }
  });
});
