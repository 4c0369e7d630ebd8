/**
 * What the vault encrypts with. The desktop app passes Electron's `safeStorage` (see
 * `safeStorageCipher`); browser mode uses an AES-GCM key file (`openAesGcmFileCipher`).
 * Methods may throw; the vault turns failures into clear errors.
 */
export interface ISecretCipher {
  /** For messages and diagnostics: "Electron safeStorage (gnome_libsecret)", "AES-256-GCM key file …". */
  readonly description: string;
  encrypt(plain: string): Buffer;
  /** Throws when the data was not made by this cipher with this key, or was changed since. */
  decrypt(data: Buffer): string;
}
