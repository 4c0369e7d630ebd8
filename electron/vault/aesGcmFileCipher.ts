/**
 * Browser-mode cipher: AES-256-GCM with a random key kept in a file only the user can read
 * (mode 0600, in a 0700 folder). The key file is created on first use and checked on every open:
 * a key other users could read would protect nothing, so we refuse it and say how to fix it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Result } from '../../shared/contract/result';
import type { ISecretCipher } from './secretCipher';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_VERSION = 1;

export function aesGcmCipher(key: Buffer, description: string): ISecretCipher {
  return {
    description,
    encrypt(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), body]);
    },
    decrypt(data) {
      if (data.length < 1 + IV_BYTES + TAG_BYTES || data[0] !== FORMAT_VERSION) throw new Error('not an encrypted secret of this format');
      const iv = data.subarray(1, 1 + IV_BYTES);
      const tag = data.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}

async function createKeyFile(keyFile: string): Promise<Buffer | 'exists'> {
  await mkdir(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  try {
    // `wx`: never overwrite a key another process just made (that would orphan its secrets).
    const handle = await open(keyFile, 'wx', 0o600);
    try {
      await handle.writeFile(key);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
    throw err;
  }
}

export async function openAesGcmFileCipher(keyFile: string): Promise<Result<ISecretCipher>> {
  const description = `AES-256-GCM key file ${keyFile}`;
  try {
    let info = await stat(keyFile).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
    if (info === undefined) {
      const created = await createKeyFile(keyFile);
      if (created !== 'exists') return { ok: true, value: aesGcmCipher(created, description) };
      info = await stat(keyFile);
    }
    if (process.platform !== 'win32') {
      if ((info.mode & 0o077) !== 0) {
        return {
          ok: false,
          error: {
            code: 'VAULT_INSECURE_KEY_FILE',
            message: `The vault key file ${keyFile} can be read by other users (mode ${(info.mode & 0o777).toString(8)}), so the secrets it protects are not safe. Run \`chmod 600 ${keyFile}\` and restart Pier.`,
          },
        };
      }
      const uid = process.getuid?.();
      if (uid !== undefined && info.uid !== uid) {
        return {
          ok: false,
          error: {
            code: 'VAULT_INSECURE_KEY_FILE',
            message: `The vault key file ${keyFile} belongs to another user (uid ${info.uid}). Run Pier as that user, or move the file away to start a new vault.`,
          },
        };
      }
    }
    const key = await readFile(keyFile);
    if (key.length !== KEY_BYTES) {
      return {
        ok: false,
        error: {
          code: 'VAULT_BAD_KEY',
          message: `The vault key file ${keyFile} is damaged (${key.length} bytes, expected ${KEY_BYTES}). Restore it from a backup, or move it away and sign in to your workspaces again.`,
        },
      };
    }
    return { ok: true, value: aesGcmCipher(key, description) };
  } catch (err) {
    return { ok: false, error: { code: 'VAULT_IO', message: `Cannot open the vault key file ${keyFile}: ${(err as Error).message}.` } };
  }
}
