import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBrowserVault } from './openBrowserVault';
import { safeStorageCipher, type SafeStorageLike } from './safeStorageCipher';
import { FileSecretVault } from './secretVault';

let dir: string;
let keyDir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pier-vault-'));
  keyDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'pier-vault-keys-')), 'keys');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(path.dirname(keyDir), { recursive: true, force: true });
});

/** Without a keyring: the key file goes to its own folder (see vaultKey.test.ts for the keyring). */
const open = () => openBrowserVault(dir, { keyDir, keyring: undefined });

async function openVault(): Promise<FileSecretVault> {
  const v = await open();
  if (!v.ok) throw new Error(v.error.message);
  return v.value;
}

async function keyFile(): Promise<string> {
  return path.join(keyDir, `${(await readFile(path.join(dir, 'vault.id'), 'utf8')).trim()}.key`);
}

describe('FileSecretVault with the AES-GCM key file', () => {
  it('stores secrets encrypted, readable again after reopening', async () => {
    const vault = await openVault();
    const put = await vault.put({
      workspaceId: 'ws1',
      kind: 'personalAccessToken',
      displayName: 'PAT for ws1',
      secret: 'dapi-super-secret',
    });
    if (!put.ok) throw new Error(put.error.message);
    const onDisk = await readFile(path.join(dir, 'vault.json'), 'utf8');
    expect(onDisk).not.toContain('dapi-super-secret');
    expect(onDisk).toContain('PAT for ws1');
    const again = await openVault();
    expect(await again.get(put.value.handle)).toEqual({ ok: true, value: 'dapi-super-secret' });
  });

  it('creates the key file and the vault readable by the user only', async () => {
    await openVault();
    expect((await stat(await keyFile())).mode & 0o777).toBe(0o600);
    expect((await stat(keyDir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dir, 'vault.json'))).mode & 0o777).toBe(0o600);
  });

  it('lists handles and display names, never secrets', async () => {
    const vault = await openVault();
    await vault.put({ workspaceId: 'ws1', kind: 'oauthTokens', displayName: 'OAuth ws1', secret: 'tok-1' });
    await vault.put({ workspaceId: 'ws2', kind: 'personalAccessToken', displayName: 'PAT ws2', secret: 'tok-2' });
    const listed = vault.list();
    expect(listed.map((s) => s.displayName).sort()).toEqual(['OAuth ws1', 'PAT ws2']);
    expect(JSON.stringify(listed)).not.toMatch(/tok-/);
    expect(vault.list('ws2')).toHaveLength(1);
  });

  it('replaces a secret in place (rotating refresh tokens)', async () => {
    const vault = await openVault();
    const put = await vault.put({ workspaceId: 'ws1', kind: 'oauthTokens', displayName: 'OAuth', secret: 'rt-1' });
    if (!put.ok) throw new Error(put.error.message);
    expect((await vault.replace(put.value.handle, 'rt-2')).ok).toBe(true);
    expect(await (await openVault()).get(put.value.handle)).toEqual({ ok: true, value: 'rt-2' });
  });

  it('removing a workspace removes its secrets, from disk too, and only its own', async () => {
    const vault = await openVault();
    const a = await vault.put({ workspaceId: 'ws1', kind: 'oauthTokens', displayName: 'a', secret: 's-a' });
    await vault.put({ workspaceId: 'ws1', kind: 'databasePassword', displayName: 'b', secret: 's-b' });
    const c = await vault.put({ workspaceId: 'ws2', kind: 'oauthTokens', displayName: 'c', secret: 's-c' });
    expect(await vault.removeWorkspace('ws1')).toEqual({ ok: true, value: 2 });
    const reopened = await openVault();
    expect(reopened.list().map((s) => s.workspaceId)).toEqual(['ws2']);
    if (a.ok) expect(await reopened.get(a.value.handle)).toMatchObject({ ok: false, error: { code: 'VAULT_NOT_FOUND' } });
    if (c.ok) expect(await reopened.get(c.value.handle)).toEqual({ ok: true, value: 's-c' });
  });

  it('a changed ciphertext is reported as tampered, not returned', async () => {
    const vault = await openVault();
    const put = await vault.put({ workspaceId: 'ws1', kind: 'personalAccessToken', displayName: 'PAT ws1', secret: 'dapi-1' });
    if (!put.ok) throw new Error(put.error.message);
    const file = path.join(dir, 'vault.json');
    const json = JSON.parse(await readFile(file, 'utf8'));
    const data = Buffer.from(json.entries[put.value.handle].data, 'base64');
    data[data.length - 1]! ^= 1;
    json.entries[put.value.handle].data = data.toString('base64');
    await writeFile(file, JSON.stringify(json));
    const r = await (await openVault()).get(put.value.handle);
    expect(r).toMatchObject({ ok: false, error: { code: 'VAULT_TAMPERED' } });
    if (!r.ok) expect(r.error.message).toMatch(/"PAT ws1" was changed outside Pier.*sign in again/);
  });

  it('a secret moved to another workspace entry is reported as tampered', async () => {
    const vault = await openVault();
    const mine = await vault.put({ workspaceId: 'ws1', kind: 'personalAccessToken', displayName: 'mine', secret: 'secret-of-ws1' });
    const theirs = await vault.put({ workspaceId: 'ws2', kind: 'personalAccessToken', displayName: 'theirs', secret: 'secret-of-ws2' });
    if (!mine.ok || !theirs.ok) throw new Error('put failed');
    const file = path.join(dir, 'vault.json');
    const json = JSON.parse(await readFile(file, 'utf8'));
    json.entries[theirs.value.handle].data = json.entries[mine.value.handle].data;
    await writeFile(file, JSON.stringify(json));
    expect(await (await openVault()).get(theirs.value.handle)).toMatchObject({ ok: false, error: { code: 'VAULT_TAMPERED' } });
  });

  it('a vault opened with another key says so, instead of calling every secret tampered', async () => {
    await openVault();
    await rm(await keyFile());
    const r = await open();
    expect(r).toMatchObject({ ok: false, error: { code: 'VAULT_WRONG_KEY' } });
    if (!r.ok) expect(r.error.message).toMatch(/encrypted with a different key.*Restore the original key/);
  });

  it('refuses a key file that other users can read, and says how to fix it', async () => {
    await openVault();
    const file = await keyFile();
    await chmod(file, 0o644);
    const r = await open();
    expect(r).toMatchObject({ ok: false, error: { code: 'VAULT_INSECURE_KEY_FILE' } });
    if (!r.ok) expect(r.error.message).toContain(`chmod 600 ${file}`);
  });

  it('a damaged key file or vault file is reported, not overwritten', async () => {
    await openVault();
    await writeFile(path.join(dir, 'vault.json'), '{"version": 1, "entr');
    expect(await open()).toMatchObject({ ok: false, error: { code: 'VAULT_CORRUPT' } });
    await writeFile(await keyFile(), 'short', { mode: 0o600 });
    expect(await open()).toMatchObject({ ok: false, error: { code: 'VAULT_BAD_KEY' } });
  });
});

describe('safeStorageCipher', () => {
  const fake = (backend: string, available = true): SafeStorageLike => ({
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.from([...Buffer.from(s)].reverse()),
    decryptString: (b) => Buffer.from([...b].reverse()).toString(),
    getSelectedStorageBackend: () => backend,
  });

  it.each([
    ['basic_text', 'linux', 'VAULT_UNAVAILABLE', /fixed, publicly known key/],
    ['gnome_libsecret', 'linux', undefined, undefined],
    ['basic_text', 'darwin', undefined, undefined],
  ] as const)('backend %s on %s', (backend, platform, code, message) => {
    const r = safeStorageCipher(fake(backend), platform);
    if (code === undefined) {
      expect(r.ok).toBe(true);
    } else {
      expect(r).toMatchObject({ ok: false, error: { code } });
      if (!r.ok) expect(r.error.message).toMatch(message!);
    }
  });

  it('refuses when encryption is unavailable', () => {
    expect(safeStorageCipher(fake('gnome_libsecret', false), 'linux')).toMatchObject({ ok: false, error: { code: 'VAULT_UNAVAILABLE' } });
  });

  it('backs a working vault', async () => {
    const cipher = safeStorageCipher(fake('kwallet5'), 'linux');
    if (!cipher.ok) throw new Error(cipher.error.message);
    const vault = await FileSecretVault.open(path.join(dir, 'v.json'), cipher.value);
    if (!vault.ok) throw new Error(vault.error.message);
    const put = await vault.value.put({ workspaceId: 'w', kind: 'other', displayName: 'x', secret: 'hello' });
    if (!put.ok) throw new Error(put.error.message);
    expect(await vault.value.get(put.value.handle)).toEqual({ ok: true, value: 'hello' });
  });
});
