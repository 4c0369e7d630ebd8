/**
 * The credential vault: secrets encrypted at rest, one JSON file (mode 0600) written atomically.
 * Each secret is encrypted on its own with its handle, workspace and kind inside the ciphertext,
 * so a secret moved to another entry is detected, not used. A key-check value tells "wrong key"
 * apart from "tampered entry". Callers outside main see `SecretInfo` (handles and display names),
 * never a secret.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Result, RpcError } from '../../shared/contract/result';
import type { ISecretCipher } from './secretCipher';
import { writeFileAtomic } from '../files/writeFileAtomic';

export type SecretKind = 'oauthTokens' | 'personalAccessToken' | 'databasePassword' | 'signingKey' | 'other';

/** What may leave main: everything about a secret except the secret. */
export interface SecretInfo {
  readonly handle: string;
  readonly workspaceId: string;
  readonly kind: SecretKind;
  readonly displayName: string;
  readonly updatedAt: string;
}

export interface ISecretVault {
  put(input: { workspaceId: string; kind: SecretKind; displayName: string; secret: string }): Promise<Result<SecretInfo>>;
  get(handle: string): Promise<Result<string>>;
  /** Replaces the secret of an existing handle (e.g. a rotated refresh token). */
  replace(handle: string, secret: string): Promise<Result<SecretInfo>>;
  list(workspaceId?: string): SecretInfo[];
  remove(handle: string): Promise<Result<void>>;
  /** Removes every secret of a workspace; returns how many. */
  removeWorkspace(workspaceId: string): Promise<Result<number>>;
}

interface StoredEntry extends SecretInfo {
  /** base64 of the cipher's output for `{h, w, k, s}`. */
  readonly data: string;
}

interface VaultFile {
  readonly version: 1;
  readonly cipher: string;
  /** base64 of the cipher's output for CHECK_TEXT. */
  readonly check: string;
  readonly entries: Record<string, StoredEntry>;
}

interface Sealed {
  readonly h: string;
  readonly w: string;
  readonly k: string;
  readonly s: string;
}

const CHECK_TEXT = 'pier-vault-key-check-v1';

const vaultError = (code: string, message: string): { ok: false; error: RpcError } => ({ ok: false, error: { code, message } });

export class FileSecretVault implements ISecretVault {
  /** Serializes writes so two updates never interleave. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly cipher: ISecretCipher,
    private state: VaultFile,
  ) {}

  /** Opens (or creates) the vault file. Fails with VAULT_WRONG_KEY / VAULT_CORRUPT rather than guessing. */
  static async open(file: string, cipher: ISecretCipher): Promise<Result<FileSecretVault>> {
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        return vaultError('VAULT_IO', `Cannot read the vault ${file}: ${(err as Error).message}.`);
    }
    if (text === undefined) {
      const state: VaultFile = {
        version: 1,
        cipher: cipher.description,
        check: cipher.encrypt(CHECK_TEXT).toString('base64'),
        entries: {},
      };
      try {
        await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
        await writeFileAtomic(file, JSON.stringify(state, null, 2), 0o600);
      } catch (err) {
        return vaultError('VAULT_IO', `Cannot create the vault ${file}: ${(err as Error).message}.`);
      }
      return { ok: true, value: new FileSecretVault(file, cipher, state) };
    }
    let state: VaultFile;
    try {
      state = JSON.parse(text) as VaultFile;
      if (state.version !== 1 || typeof state.check !== 'string' || typeof state.entries !== 'object' || state.entries === null)
        throw new Error('unexpected layout');
    } catch {
      return vaultError(
        'VAULT_CORRUPT',
        `The vault ${file} is damaged and cannot be read. Move it away (Pier starts a new, empty vault) and sign in to your workspaces again.`,
      );
    }
    let check: string | undefined;
    try {
      check = cipher.decrypt(Buffer.from(state.check, 'base64'));
    } catch {
      check = undefined;
    }
    if (check !== CHECK_TEXT) {
      return vaultError(
        'VAULT_WRONG_KEY',
        `The vault ${file} was encrypted with a different key than ${cipher.description} (the key was replaced, or the vault was copied from another user or machine). Restore the original key, or move the vault away and sign in to your workspaces again.`,
      );
    }
    return { ok: true, value: new FileSecretVault(file, cipher, state) };
  }

  private info(e: StoredEntry): SecretInfo {
    return { handle: e.handle, workspaceId: e.workspaceId, kind: e.kind, displayName: e.displayName, updatedAt: e.updatedAt };
  }

  private seal(entry: Omit<StoredEntry, 'data'>, secret: string): StoredEntry {
    const sealed: Sealed = { h: entry.handle, w: entry.workspaceId, k: entry.kind, s: secret };
    return { ...entry, data: this.cipher.encrypt(JSON.stringify(sealed)).toString('base64') };
  }

  /** Applies a change to a copy and persists it; memory changes only once the file is written. */
  private commit<T>(change: (entries: Record<string, StoredEntry>) => Result<T>): Promise<Result<T>> {
    const run = async (): Promise<Result<T>> => {
      const entries = { ...this.state.entries };
      const res = change(entries);
      if (!res.ok) return res;
      const next: VaultFile = { ...this.state, entries };
      try {
        await writeFileAtomic(this.file, JSON.stringify(next, null, 2), 0o600);
      } catch (err) {
        return vaultError('VAULT_IO', `Cannot save the vault ${this.file}: ${(err as Error).message}. Nothing was changed.`);
      }
      this.state = next;
      return res;
    };
    const result = this.queue.then(run, run);
    this.queue = result;
    return result;
  }

  put(input: { workspaceId: string; kind: SecretKind; displayName: string; secret: string }): Promise<Result<SecretInfo>> {
    return this.commit((entries) => {
      const handle = `sec_${randomBytes(12).toString('base64url')}`;
      const entry = this.seal(
        { handle, workspaceId: input.workspaceId, kind: input.kind, displayName: input.displayName, updatedAt: new Date().toISOString() },
        input.secret,
      );
      entries[handle] = entry;
      return { ok: true, value: this.info(entry) };
    });
  }

  get(handle: string): Promise<Result<string>> {
    const entry = Object.hasOwn(this.state.entries, handle) ? this.state.entries[handle] : undefined;
    if (!entry)
      return Promise.resolve(vaultError('VAULT_NOT_FOUND', `No stored secret ${handle}: it was removed. Sign in to the workspace again.`));
    const tampered = vaultError(
      'VAULT_TAMPERED',
      `The stored secret "${entry.displayName}" was changed outside Pier and cannot be trusted, so it was not used. Remove the workspace and sign in again.`,
    );
    let sealed: Sealed;
    try {
      sealed = JSON.parse(this.cipher.decrypt(Buffer.from(entry.data, 'base64'))) as Sealed;
    } catch {
      return Promise.resolve(tampered);
    }
    if (sealed.h !== entry.handle || sealed.w !== entry.workspaceId || sealed.k !== entry.kind || typeof sealed.s !== 'string')
      return Promise.resolve(tampered);
    return Promise.resolve({ ok: true, value: sealed.s });
  }

  replace(handle: string, secret: string): Promise<Result<SecretInfo>> {
    return this.commit((entries) => {
      const old = Object.hasOwn(entries, handle) ? entries[handle] : undefined;
      if (!old) return vaultError('VAULT_NOT_FOUND', `No stored secret ${handle}: it was removed. Sign in to the workspace again.`);
      const entry = this.seal({ ...this.info(old), updatedAt: new Date().toISOString() }, secret);
      entries[handle] = entry;
      return { ok: true, value: this.info(entry) };
    });
  }

  list(workspaceId?: string): SecretInfo[] {
    return Object.values(this.state.entries)
      .filter((e) => workspaceId === undefined || e.workspaceId === workspaceId)
      .map((e) => this.info(e));
  }

  remove(handle: string): Promise<Result<void>> {
    return this.commit((entries) => {
      delete entries[handle];
      return { ok: true, value: undefined };
    });
  }

  removeWorkspace(workspaceId: string): Promise<Result<number>> {
    return this.commit((entries) => {
      let n = 0;
      for (const [h, e] of Object.entries(entries)) {
        if (e.workspaceId === workspaceId) {
          delete entries[h];
          n++;
        }
      }
      return { ok: true, value: n };
    });
  }
}

/** Browser mode: the vault file and its AES-GCM key file side by side in the app-data folder. */
export const VAULT_FILE_NAME = 'vault.json';
export const VAULT_KEY_FILE_NAME = 'vault.key';
