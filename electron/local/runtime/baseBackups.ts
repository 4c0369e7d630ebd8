import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { RunAs } from '../postgres/runAs';
import { copyClusterOnline } from './copyClusterOnline';

export const BASE_BACKUP_DIR = 'base-backups';

export interface BaseBackup {
  /** Folder holding `pgdata/` (with backup_label and the WAL to make it consistent). */
  readonly dir: string;
  readonly lsn: string;
  readonly time: Date;
}

/**
 * Takes an online base backup of a running cluster into `<cluster>/base-backups/<id>/`. Point-in-
 * time branches start from the newest backup older than their target and replay archived WAL.
 * Written under a `.incomplete` name and renamed when whole.
 */
export async function takeBaseBackup(options: {
  sourceUrl: string;
  sourceDataDir: string;
  clusterDir: string;
  runAs: RunAs;
}): Promise<BaseBackup> {
  const id = `${Date.now()}-${randomBytes(3).toString('hex')}`;
  const root = path.join(options.clusterDir, BASE_BACKUP_DIR);
  const scratch = path.join(root, `${id}.incomplete`);
  const copy = await copyClusterOnline({
    sourceUrl: options.sourceUrl,
    sourceDataDir: options.sourceDataDir,
    targetDataDir: path.join(scratch, 'pgdata'),
    runAs: options.runAs,
    label: `pier base backup ${id}`,
  });
  await writeFile(path.join(scratch, 'backup.json'), JSON.stringify({ lsn: copy.lsn, time: copy.time.toISOString() }) + '\n', {
    mode: 0o600,
  });
  const dir = path.join(root, id);
  await rename(scratch, dir);
  return { dir, lsn: copy.lsn, time: copy.time };
}

/** Complete base backups of a cluster, oldest first; unfinished ones are removed. */
export async function listBaseBackups(clusterDir: string): Promise<BaseBackup[]> {
  const root = path.join(clusterDir, BASE_BACKUP_DIR);
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const out: BaseBackup[] = [];
  for (const name of names) {
    const dir = path.join(root, name);
    if (name.endsWith('.incomplete')) {
      await rm(dir, { recursive: true, force: true });
      continue;
    }
    try {
      const meta = JSON.parse(await readFile(path.join(dir, 'backup.json'), 'utf8')) as { lsn: string; time: string };
      out.push({ dir, lsn: meta.lsn, time: new Date(meta.time) });
    } catch {
      // Not a backup we wrote; leave it alone.
    }
  }
  return out.sort((a, b) => a.time.getTime() - b.time.getTime());
}

/** Compares two `X/HEX` LSNs. */
export function compareLsn(a: string, b: string): number {
  const n = (s: string) => {
    const [hi, lo] = s.split('/');
    return BigInt(`0x${hi ?? '0'}`) * 0x1_0000_0000n + BigInt(`0x${lo ?? '0'}`);
  };
  const d = n(a) - n(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

export const LSN_PATTERN = /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/;
