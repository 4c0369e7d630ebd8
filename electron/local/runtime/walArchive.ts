import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { handOver, type RunAs } from '../postgres/runAs';

/** Folder next to `pgdata` where a cluster archives its WAL, for branching from a past time. */
export const WAL_ARCHIVE_DIR = 'wal-archive';

/**
 * Settings that archive every finished WAL segment into `<cluster>/wal-archive`. The command runs
 * with the data folder as working directory, so a relative path needs no shell quoting.
 */
export const WAL_ARCHIVE_SETTINGS: Readonly<Record<string, string>> = {
  archive_mode: 'on',
  archive_command: `test ! -f ../${WAL_ARCHIVE_DIR}/%f && cp %p ../${WAL_ARCHIVE_DIR}/%f`,
};

/** Makes the archive folder, owned by the server's OS user. */
export async function ensureWalArchive(clusterDir: string, runAs: RunAs): Promise<string> {
  const dir = path.join(clusterDir, WAL_ARCHIVE_DIR);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await handOver(dir, runAs);
  return dir;
}

/** Single-quotes a path for /bin/sh (restore_command runs through the shell). */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
