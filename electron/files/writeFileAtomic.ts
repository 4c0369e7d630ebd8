import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chmod, open, rename, rm } from 'node:fs/promises';

/** On Windows a file being read by another process (an indexer, antivirus) refuses a rename for a moment. */
const WINDOWS_BUSY = new Set(['EPERM', 'EACCES', 'EBUSY']);
const WINDOWS_RENAME_ATTEMPTS = 10;

/**
 * Write-to-temp, fsync, rename, fsync the folder: after a crash readers see the old file or
 * the new one, never half of either. `mode` 0o600 makes a file only its owner can read.
 *
 * Written here rather than taken from write-file-atomic, which does not fsync the folder (the step
 * that makes the rename itself durable on Linux and macOS). On Windows a folder cannot be opened to
 * fsync (EPERM), and NTFS journals the rename itself, so that step is skipped there; a rename that
 * meets a briefly locked target is retried instead.
 */
export async function writeFileAtomic(
  file: string,
  text: string,
  mode = 0o644,
  platform: NodeJS.Platform = process.platform,
): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'w', mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await renameFile(tmp, file, platform);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  // The mode is set at open, but a umask may have narrowed or a reused name widened it: be explicit.
  await chmod(file, mode);
  if (platform === 'win32') return;
  const dir = await open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

async function renameFile(from: string, to: string, platform: NodeJS.Platform): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (platform !== 'win32' || !WINDOWS_BUSY.has(code) || attempt === WINDOWS_RENAME_ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}
