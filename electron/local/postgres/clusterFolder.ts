import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, realpath, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { stopOrphanPostmaster } from '../runtime/stopOrphanPostmaster';
import type { RunAs } from './runAs';

const exec = promisify(execFile);

/** Where clusters go when PostgreSQL runs as another OS user (Pier started as root); PIER_CLUSTER_ROOT overrides it. */
export const SYSTEM_CLUSTER_ROOT = '/var/lib/pier';

/**
 * Makes `<dataDir>/clusters`, where every cluster of this data folder lives.
 *
 * Run as the user, it is a plain owner-only folder. Run as root, PostgreSQL runs as `pier-postgres`,
 * which must reach the cluster files without any folder above the data folder being opened up (the
 * data folder is often under /root, mode 0700). So the clusters live in a folder of their own under
 * `/var/lib/pier` (root:pier-postgres, mode 0710: only that user may pass, none may list), owned by
 * pier-postgres (0700), and `<dataDir>/clusters` is a symbolic link to it. PostgreSQL is always
 * given the real path. Clusters an earlier Pier kept inside the data folder are moved there once.
 */
export async function prepareClusterFolder(dataDir: string, runAs: RunAs, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const clusters = path.join(dataDir, 'clusters');
  const marker = path.join(dataDir, 'clusters.moving');
  const existing = await lstat(clusters).catch(() => undefined);
  if (runAs.uid === undefined || runAs.gid === undefined) {
    if (!existing) await mkdir(clusters, { mode: 0o700 });
    return clusters;
  }
  // A move that a crash interrupted: the marker names where the clusters went.
  const movedTo = await readFile(marker, 'utf8').catch(() => undefined);
  if (movedTo && !existing) {
    await symlink(movedTo.trim(), clusters);
    await rm(marker);
    return clusters;
  }
  if (existing?.isSymbolicLink()) return clusters;
  const own = await makeOwnFolder(dataDir, runAs, env);
  if (existing) {
    // An earlier Pier kept the clusters inside the data folder and opened the folders above it to
    // pier-postgres. Move them out once (their postmasters are stopped first), then link.
    for (const name of await readdir(clusters)) await stopOrphanPostmaster(path.join(clusters, name, 'pgdata'));
    await writeFile(marker, own + '\n', { mode: 0o600 });
    await rm(own, { recursive: true });
    try {
      await rename(clusters, own);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      await exec('cp', ['-a', clusters, own]); // another file system: copy with owners and modes, then remove
      await rm(clusters, { recursive: true });
    }
    // The old folder was root's: the moved one, like a new one, is pier-postgres's alone.
    await chown(own, runAs.uid, runAs.gid);
    await chmod(own, 0o700);
  }
  await symlink(own, clusters);
  await rm(marker, { force: true });
  return clusters;
}

/** A new folder for this data folder's clusters under the system root, owned by pier-postgres (0700). */
async function makeOwnFolder(dataDir: string, runAs: RunAs, env: NodeJS.ProcessEnv): Promise<string> {
  const root = env.PIER_CLUSTER_ROOT || SYSTEM_CLUSTER_ROOT;
  try {
    await mkdir(root, { mode: 0o710 }); // not recursive: folders above it are not ours to make
    await chown(root, 0, runAs.gid ?? 0);
    await chmod(root, 0o710);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new Error(
        `Cannot make ${root} for the PostgreSQL clusters (${(err as Error).message}). Set PIER_CLUSTER_ROOT to another folder.`,
        {
          cause: err,
        },
      );
    }
  }
  const own = await mkdtemp(path.join(root, `${path.basename(dataDir)}-`));
  await chown(own, runAs.uid ?? 0, runAs.gid ?? 0);
  await chmod(own, 0o700);
  return own;
}

/**
 * Makes a cluster's own folder, given to `runAs`. Where `runAs` cannot reach it (a private folder
 * above, and nothing above may change), it is made under the system root instead and linked.
 */
export async function placeClusterFolder(dir: string, runAs: RunAs, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const existing = await lstat(dir).catch(() => undefined);
  if (existing) {
    // The cluster's own folder is the server's (what is above it stays as it is).
    if (existing.isDirectory() && runAs.uid !== undefined && runAs.gid !== undefined) await chown(dir, runAs.uid, runAs.gid);
    return;
  }
  await mkdir(path.dirname(dir), { recursive: true, mode: 0o700 });
  if (runAs.uid === undefined || runAs.gid === undefined) {
    await mkdir(dir, { mode: 0o700 });
    return;
  }
  if ((await unreachableFolder(path.join(path.dirname(dir), '.'), runAs)) === undefined && (await canPass(path.dirname(dir), runAs))) {
    await mkdir(dir, { mode: 0o700 });
    await chown(dir, runAs.uid, runAs.gid);
    return;
  }
  await symlink(await makeOwnFolder(dir, runAs, env), dir);
}

async function canPass(dir: string, runAs: RunAs): Promise<boolean> {
  const st = await stat(dir);
  return Boolean(st.uid === runAs.uid ? st.mode & 0o100 : st.gid === runAs.gid ? st.mode & 0o010 : st.mode & 0o001);
}

/**
 * Whether `runAs` can reach `dir` (search permission on every folder of its real path), so that a
 * cluster there can start. Says which folder stops it, without changing any.
 */
export async function unreachableFolder(dir: string, runAs: RunAs): Promise<string | undefined> {
  if (runAs.uid === undefined || runAs.gid === undefined) return undefined;
  let current = path.dirname(await realpath(dir));
  for (;;) {
    const st = await stat(current);
    const canPass = st.uid === runAs.uid ? st.mode & 0o100 : st.gid === runAs.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!canPass) return current;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}
