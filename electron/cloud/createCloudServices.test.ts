import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { staticTokenProvider } from './auth/authProvider';
import { createCloudServices } from './createCloudServices';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pier-cloudsvc-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const local = { baseUrl: 'http://127.0.0.1:7000/api/2.0/postgres', auth: staticTokenProvider('t'), identity: 'owner@pier.local' };

describe('createCloudServices', () => {
  it('in browser mode makes a 0600 key file (not beside the vault; the run sets PIER_KEY_DIR) and vault, and lists the local workspace', async () => {
    const svc = await createCloudServices({ dataDir: dir, local });
    if (!svc.ok) throw new Error(svc.error.message);
    expect(svc.value.workspaces.list().map((w) => w.id)).toEqual(['local']);
    expect(await readdir(dir)).not.toContain('vault.key');
    const id = (await readFile(path.join(dir, 'vault.id'), 'utf8')).trim();
    expect((await stat(path.join(process.env.PIER_KEY_DIR ?? '', `${id}.key`))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, 'vault.json'))).mode & 0o777).toBe(0o600);
    await svc.value.dispose();
  });

  it('a damaged vault is reported with the vault code, not papered over', async () => {
    await writeFile(path.join(dir, 'vault.json'), 'nope');
    const svc = await createCloudServices({ dataDir: dir, local });
    expect(svc).toMatchObject({ ok: false, error: { code: 'CLOUD_VAULT', details: { error_code: 'VAULT_CORRUPT' } } });
  });
});
