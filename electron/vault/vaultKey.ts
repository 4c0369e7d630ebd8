/**
 * Where the browser-mode vault's AES-256-GCM key lives: in the OS keyring where there is one
 * (macOS Keychain, Windows Credential Manager, the Secret Service on Linux desktops), else in a key
 * file only the user can read, kept apart from the vault (not in the data folder, so a copy or
 * backup of that folder does not carry the key with the ciphertext). A key an earlier Pier kept
 * beside the vault (`<dataDir>/vault.key`) moves to the new place once.
 *
 * The keyring binding is `@napi-rs/keyring` (maintained Rust `keyring` crate bindings with prebuilt
 * binaries, no install script); the desktop app uses Electron's safeStorage instead.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { chmod, mkdir, open, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Result } from '../../shared/contract/result';
import { aesGcmCipher, openAesGcmFileCipher } from './aesGcmFileCipher';
import type { ISecretCipher } from './secretCipher';
import type * as Keyring from '@napi-rs/keyring';

type KeyringBinding = typeof Keyring;
import { VAULT_KEY_FILE_NAME } from './secretVault';

const KEY_BYTES = 32;
const KEYRING_SERVICE = 'Pier';

/** The OS keyring, as the vault uses it. A seam: tests pass one that works and one that does not. */
export interface IKeyring {
  /** For messages: "the OS keyring". */
  readonly description: string;
  /** The secret, or undefined if there is none (some keyrings also answer so when they cannot be reached). */
  get(account: string): string | undefined;
  /** Throws when the keyring cannot store it (none running, locked, access denied). */
  set(account: string, secret: string): void;
}

/** The OS keyring through @napi-rs/keyring, or undefined when it cannot load or PIER_KEYRING=off. */
export function systemKeyring(env: NodeJS.ProcessEnv = process.env): IKeyring | undefined {
  if (env.PIER_KEYRING === 'off') return undefined;
  let binding: KeyringBinding;
  try {
    // Loaded on demand: a platform without a prebuilt binary falls back to the key file, not a crash.
    binding = createRequire(import.meta.url)('@napi-rs/keyring') as KeyringBinding;
  } catch {
    return undefined; // no prebuilt binary for this platform
  }
  return {
    description: 'the OS keyring',
    get: (account) => new binding.Entry(KEYRING_SERVICE, account).getPassword() ?? undefined,
    set: (account, secret) => new binding.Entry(KEYRING_SERVICE, account).setPassword(secret),
  };
}

/** Where key files go when there is no keyring; PIER_KEY_DIR overrides it. */
export function defaultKeyDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.PIER_KEY_DIR) return env.PIER_KEY_DIR;
  const home = env.HOME ?? os.homedir();
  switch (platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Pier Keys');
    case 'win32':
      return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'Pier', 'Keys');
    default:
      return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'pier', 'keys');
  }
}

export interface VaultKeyOptions {
  readonly dataDir: string;
  /** Default: `systemKeyring()`; `undefined` = no keyring. */
  readonly keyring?: IKeyring | undefined;
  /** Default: `defaultKeyDir()`. */
  readonly keyDir?: string;
  readonly log?: (line: string) => void;
}

/** The vault's cipher, with its key found (or made) where this machine keeps such keys. */
export async function openVaultCipher(options: VaultKeyOptions): Promise<Result<ISecretCipher>> {
  const keyring = 'keyring' in options ? options.keyring : systemKeyring();
  const keyDir = options.keyDir ?? defaultKeyDir();
  try {
    const id = await vaultId(options.dataDir);
    const account = `vault ${id}`;
    const keyFile = path.join(keyDir, `${id}.key`);
    const legacyFile = path.join(options.dataDir, VAULT_KEY_FILE_NAME);

    const inKeyring = readKeyring(keyring, account);
    if (inKeyring) {
      await removeLegacy(legacyFile, inKeyring);
      return {
        ok: true,
        value: aesGcmCipher(inKeyring, `AES-256-GCM key in ${keyring?.description} ("${KEYRING_SERVICE}", "${account}")`),
      };
    }
    if (await exists(keyFile)) {
      const opened = await openAesGcmFileCipher(keyFile);
      if (opened.ok) await removeLegacy(legacyFile, await readFile(keyFile));
      return opened;
    }
    let key: Buffer;
    if (await exists(legacyFile)) {
      // Checked as before (owner-only, 32 bytes) before it moves.
      const legacy = await openAesGcmFileCipher(legacyFile);
      if (!legacy.ok) return legacy;
      key = await readFile(legacyFile);
    } else {
      key = randomBytes(KEY_BYTES);
    }
    const stored = storeInKeyring(keyring, account, key)
      ? { ok: true as const, value: aesGcmCipher(key, `AES-256-GCM key in ${keyring?.description} ("${KEYRING_SERVICE}", "${account}")`) }
      : await writeKeyFile(keyFile, key);
    if (stored.ok) {
      // Only now, with the same key safe in its new place, does the old copy go.
      await removeLegacy(legacyFile, key);
      options.log?.(`Vault key: ${stored.value.description}.`);
    }
    return stored;
  } catch (err) {
    return { ok: false, error: { code: 'VAULT_IO', message: `Cannot open the vault's key: ${(err as Error).message}.` } };
  }
}

/** A stable, non-secret name for this data folder's vault (the folder may move; the id stays). */
async function vaultId(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'vault.id');
  const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (/^[0-9a-f]{32}$/.test(existing)) return existing;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const id = randomBytes(16).toString('hex');
  await writeNew(file, Buffer.from(id + '\n'));
  return (await readFile(file, 'utf8')).trim();
}

function readKeyring(keyring: IKeyring | undefined, account: string): Buffer | undefined {
  if (!keyring) return undefined;
  try {
    const text = keyring.get(account);
    const key = text === undefined ? undefined : Buffer.from(text, 'base64');
    return key?.length === KEY_BYTES ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Stores the key and reads it back: a keyring that accepts but does not keep it does not count. */
function storeInKeyring(keyring: IKeyring | undefined, account: string, key: Buffer): boolean {
  if (!keyring) return false;
  try {
    keyring.set(account, key.toString('base64'));
  } catch {
    return false;
  }
  const back = readKeyring(keyring, account);
  return back !== undefined && timingSafeEqual(back, key);
}

async function writeKeyFile(keyFile: string, key: Buffer): Promise<Result<ISecretCipher>> {
  await mkdir(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  await chmod(path.dirname(keyFile), 0o700);
  await writeNew(keyFile, key);
  const written = await readFile(keyFile);
  if (written.length !== key.length || !timingSafeEqual(written, key)) {
    return { ok: false, error: { code: 'VAULT_IO', message: `Another key appeared at ${keyFile} meanwhile; start Pier again.` } };
  }
  return openAesGcmFileCipher(keyFile);
}

/** `wx`: never overwrites (another process may have just made it); synced before anyone relies on it. */
async function writeNew(file: string, data: Buffer): Promise<void> {
  try {
    const handle = await open(file, 'wx', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** The key beside the vault goes once the same key is safe elsewhere. */
async function removeLegacy(legacyFile: string, key: Buffer): Promise<void> {
  const legacy = await readFile(legacyFile).catch(() => undefined);
  if (legacy && legacy.length === key.length && timingSafeEqual(legacy, key)) await rm(legacyFile, { force: true });
}

async function exists(file: string): Promise<boolean> {
  return readFile(file).then(
    () => true,
    (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? false : Promise.reject(err)),
  );
}
