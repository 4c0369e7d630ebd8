import { randomBytes } from 'node:crypto';
import { chmod, open, rename } from 'node:fs/promises';

/**
 * Writes a file readable by the owner only (0600), atomically: temp file, fsync, rename. After a
 * crash readers see the old content or the new, never half of either.
 */
export async function writePrivateFile(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  // The mode is set at open, but a umask may have changed it: be explicit.
  await chmod(file, 0o600);
}
