import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chmod, open, rename } from 'node:fs/promises';

/**
 * Write-to-temp, fsync, rename, fsync the folder: after a crash readers see the old file or
 * the new one, never half of either. `mode` 0o600 makes a file only its owner can read.
 */
export async function writeFileAtomic(file: string, text: string, mode = 0o644): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'w', mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  // The mode is set at open, but a umask may have narrowed or a reused name widened it: be explicit.
  await chmod(file, mode);
  const dir = await open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
