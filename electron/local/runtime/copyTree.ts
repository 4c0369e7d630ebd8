import path from 'node:path';
import { constants } from 'node:fs';
import { copyFile, mkdir, readdir } from 'node:fs/promises';

/**
 * Copies a folder tree file by file, cloning (reflink) where the filesystem can and copying
 * otherwise. Files that vanish while we copy (a live cluster removes temp files) are skipped:
 * the backup protocol replays WAL over whatever state each file was caught in.
 */
export async function copyTree(from: string, to: string, skip: (relative: string) => boolean = () => false): Promise<void> {
  await mkdir(to, { recursive: true, mode: 0o700 });
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path.join(from, rel), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await Promise.all(
      entries.map(async (e) => {
        const childRel = rel === '' ? e.name : path.join(rel, e.name);
        if (skip(childRel)) return;
        if (e.isDirectory()) {
          await mkdir(path.join(to, childRel), { recursive: true, mode: 0o700 });
          await walk(childRel);
        } else if (e.isFile()) {
          try {
            await copyFile(path.join(from, childRel), path.join(to, childRel), constants.COPYFILE_FICLONE);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
          }
        }
      }),
    );
  };
  await walk('');
}
