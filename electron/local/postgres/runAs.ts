import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chown } from 'node:fs/promises';

const exec = promisify(execFile);

/** The OS identity PostgreSQL runs as. `undefined` ids mean "the current user". */
export interface RunAs {
  readonly uid?: number;
  readonly gid?: number;
  readonly name: string;
}

/** The unprivileged account Pier creates when it is started as root. */
export const POSTGRES_OS_USER = 'pier-postgres';

/**
 * PostgreSQL refuses to run as root. When Pier runs as root it runs the server as an
 * unprivileged system account (created once), which must own the data folder.
 */
export async function resolveRunAs(): Promise<RunAs> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { name: process.env.USER ?? 'current user' };
  }
  let ids = await lookupUser(POSTGRES_OS_USER);
  if (!ids) {
    try {
      await exec('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', POSTGRES_OS_USER]);
    } catch (err) {
      throw new Error(
        `Pier runs as root, and PostgreSQL refuses to. Creating the unprivileged user "${POSTGRES_OS_USER}" failed ` +
          `(${(err as Error).message.trim()}). Create it yourself (useradd --system ${POSTGRES_OS_USER}) or run Pier as a normal user.`,
        { cause: err },
      );
    }
    ids = await lookupUser(POSTGRES_OS_USER);
    if (!ids) throw new Error(`User "${POSTGRES_OS_USER}" was created but cannot be found.`);
  }
  return { ...ids, name: POSTGRES_OS_USER };
}

async function lookupUser(name: string): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const uid = Number((await exec('id', ['-u', name])).stdout.trim());
    const gid = Number((await exec('id', ['-g', name])).stdout.trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Gives `dir` to the run-as user. Nothing above it changes: the folder must already be reachable
 * for that user (see `prepareClusterFolder`, which puts clusters where it is).
 */
export async function handOver(dir: string, runAs: RunAs): Promise<void> {
  if (runAs.uid === undefined || runAs.gid === undefined) return;
  await chown(dir, runAs.uid, runAs.gid);
}

/** Recursively changes ownership of a tree to the run-as user (used after files were made as root). */
export async function chownTree(dir: string, runAs: RunAs): Promise<void> {
  if (runAs.uid === undefined || runAs.gid === undefined) return;
  await exec('chown', ['-R', `${runAs.uid}:${runAs.gid}`, dir]);
}
