/**
 * An ISecretCipher over Electron's `safeStorage`, without importing 'electron' here: main passes
 * the `safeStorage` object in. On Linux without a keyring, safeStorage silently falls back to a
 * hard-coded key (`basic_text`), which is encryption in name only; we refuse it and say why.
 */
import type { Result } from '../../shared/contract/result';
import type { ISecretCipher } from './secretCipher';

/** The part of Electron's `safeStorage` we use. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

export function safeStorageCipher(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): Result<ISecretCipher> {
  if (!safeStorage.isEncryptionAvailable()) {
    return {
      ok: false,
      error: {
        code: 'VAULT_UNAVAILABLE',
        message:
          'The system keychain is not available, so Pier cannot store sign-in secrets safely. Unlock or set up the keychain, then restart Pier.',
      },
    };
  }
  const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : undefined;
  if (backend === 'basic_text' || backend === 'unknown') {
    return {
      ok: false,
      error: {
        code: 'VAULT_UNAVAILABLE',
        message:
          'No Secret Service keyring (GNOME Keyring or KWallet) is running, and without one Electron would store secrets with a fixed, publicly known key. Pier refuses to do that. Install or unlock a keyring and restart Pier, or use browser mode (`npm run serve`), which keeps secrets in a key file only you can read.',
        hint: `safeStorage backend: ${backend}`,
      },
    };
  }
  return {
    ok: true,
    value: {
      description: `Electron safeStorage${backend ? ` (${backend})` : ''}`,
      encrypt: (plain) => safeStorage.encryptString(plain),
      decrypt: (data) => safeStorage.decryptString(data),
    },
  };
}
