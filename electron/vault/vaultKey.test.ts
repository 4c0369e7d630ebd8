import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSecretVault } from './secretVault';
import { defaultKeyDir, openVaultCipher, type IKeyring } from './vaultKey';

let dir: string;
let keyDir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pier-vaultkey-'));
  keyDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'pier-vaultkey-keys-')), 'keys');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(path.dirname(keyDir), { recursive: true, force: true });
});

/** A keyring that works, in memory. */
function workingKeyring(): IKeyring & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return { description: 'the test keyring', entries, get: (a) => entries.get(a), set: (a, s) => void entries.set(a, s) };
}

/** What this machine has (no Secret Service): reads find nothing, writes are refused. */
const unavailableKeyring: IKeyring = {
  description: 'an unavailable keyring',
  get: () => undefined,
  set: () => {
    throw new Error("Couldn't access platform storage: AccessDenied");
  },
};

/** Puts a secret in a vault with `keyring`, then reads it back through a new cipher. */
async function roundTrip(keyring: IKeyring | undefined): Promise<string> {
  const first = await openVaultCipher({ dataDir: dir, keyDir, keyring });
  if (!first.ok) throw new Error(first.error.message);
  const vault = await FileSecretVault.open(path.join(dir, 'vault.json'), first.value);
  if (!vault.ok) throw new Error(vault.error.message);
  const put = await vault.value.put({ workspaceId: 'w', kind: 'other', displayName: 'x', secret: 'kept' });
  if (!put.ok) throw new Error(put.error.message);
  const again = await openVaultCipher({ dataDir: dir, keyDir, keyring });
  if (!again.ok) throw new Error(again.error.message);
  const reopened = await FileSecretVault.open(path.join(dir, 'vault.json'), again.value);
  if (!reopened.ok) throw new Error(reopened.error.message);
  const got = await reopened.value.get(put.value.handle);
  if (!got.ok) throw new Error(got.error.message);
  return got.value;
}

const filesIn = async (folder: string) => (await readdir(folder).catch(() => [] as string[])).sort();

describe('the vault key', () => {
  it('goes to the OS keyring where there is one: no key file anywhere', async () => {
    const keyring = workingKeyring();
    expect(await roundTrip(keyring)).toBe('kept');
    expect([...keyring.entries.keys()]).toEqual([`vault ${(await readFile(path.join(dir, 'vault.id'), 'utf8')).trim()}`]);
    expect(Buffer.from([...keyring.entries.values()][0]!, 'base64')).toHaveLength(32);
    expect(await filesIn(keyDir)).toEqual([]);
    expect(await filesIn(dir)).toEqual(['vault.id', 'vault.json']);
  });

  it('without a keyring, goes to an owner-only file in a folder of its own, not beside the vault', async () => {
    expect(await roundTrip(unavailableKeyring)).toBe('kept');
    const id = (await readFile(path.join(dir, 'vault.id'), 'utf8')).trim();
    expect(await filesIn(keyDir)).toEqual([`${id}.key`]);
    expect((await stat(path.join(keyDir, `${id}.key`))).mode & 0o777).toBe(0o600);
    expect((await stat(keyDir)).mode & 0o777).toBe(0o700);
    expect(await filesIn(dir)).toEqual(['vault.id', 'vault.json']);
  });

  it.each([
    ['the keyring', () => workingKeyring()],
    ['a key file of its own', () => unavailableKeyring],
  ])('moves a key an earlier Pier kept beside the vault to %s, once', async (_where, makeKeyring) => {
    const keyring = makeKeyring();
    // An earlier Pier's layout: vault.key (0600) beside vault.json.
    const legacy = randomBytes(32);
    await writeFile(path.join(dir, 'vault.key'), legacy, { mode: 0o600 });
    const { aesGcmCipher } = await import('./aesGcmFileCipher');
    const old = await FileSecretVault.open(path.join(dir, 'vault.json'), aesGcmCipher(legacy, 'old key file'));
    if (!old.ok) throw new Error(old.error.message);
    const put = await old.value.put({ workspaceId: 'w', kind: 'other', displayName: 'x', secret: 'from before' });
    if (!put.ok) throw new Error(put.error.message);

    const moved = await openVaultCipher({ dataDir: dir, keyDir, keyring });
    if (!moved.ok) throw new Error(moved.error.message);
    expect(await filesIn(dir)).toEqual(['vault.id', 'vault.json']);
    const vault = await FileSecretVault.open(path.join(dir, 'vault.json'), moved.value);
    if (!vault.ok) throw new Error(vault.error.message);
    expect(await vault.value.get(put.value.handle)).toEqual({ ok: true, value: 'from before' });
    // And the next start finds it where it went.
    const next = await openVaultCipher({ dataDir: dir, keyDir, keyring });
    expect(next.ok && next.value.description).toBe(moved.ok && moved.value.description);
  });

  it('keeps key files out of the data folder by default', () => {
    expect(defaultKeyDir({ HOME: '/home/u' }, 'linux')).toBe('/home/u/.config/pier/keys');
    expect(defaultKeyDir({ HOME: '/home/u', XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/pier/keys');
    expect(defaultKeyDir({ HOME: '/home/u', PIER_KEY_DIR: '/k' }, 'linux')).toBe('/k');
  });
});
