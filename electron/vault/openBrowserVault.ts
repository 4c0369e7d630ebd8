import path from 'node:path';
import type { Result } from '../../shared/contract/result';
import { FileSecretVault, VAULT_FILE_NAME } from './secretVault';
import { openVaultCipher, type VaultKeyOptions } from './vaultKey';

/**
 * Browser mode's vault: `<dataDir>/vault.json`, encrypted with a key in the OS keyring or in an
 * owner-only key file of its own (see vaultKey.ts). The desktop app instead opens
 * `FileSecretVault` with `safeStorageCipher`.
 */
export async function openBrowserVault(dataDir: string, key: Omit<VaultKeyOptions, 'dataDir'> = {}): Promise<Result<FileSecretVault>> {
  const cipher = await openVaultCipher({ dataDir, ...key });
  if (!cipher.ok) return cipher;
  return FileSecretVault.open(path.join(dataDir, VAULT_FILE_NAME), cipher.value);
}
