import path from 'node:path';
import type { Result } from '../../shared/contract/result';
import { openAesGcmFileCipher } from './aesGcmFileCipher';
import { FileSecretVault, VAULT_FILE_NAME, VAULT_KEY_FILE_NAME } from './secretVault';

/**
 * Browser mode's vault: `<dataDir>/vault.json`, encrypted with the key in `<dataDir>/vault.key`
 * (created 0600 on first use). The desktop app instead opens `FileSecretVault` with `safeStorageCipher`.
 */
export async function openBrowserVault(dataDir: string): Promise<Result<FileSecretVault>> {
  const cipher = await openAesGcmFileCipher(path.join(dataDir, VAULT_KEY_FILE_NAME));
  if (!cipher.ok) return cipher;
  return FileSecretVault.open(path.join(dataDir, VAULT_FILE_NAME), cipher.value);
}
