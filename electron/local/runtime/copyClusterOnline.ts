import path from 'node:path';
import { chmod, mkdir, realpath, writeFile } from 'node:fs/promises';
import pg from 'pg';
import { copyTree } from './copyTree';
import { chownTree, handOver, type RunAs } from '../postgres/runAs';

export interface OnlineCopyOptions {
  /** Superuser connection string of the running source cluster. */
  readonly sourceUrl: string;
  /** The source's `pgdata` folder. */
  readonly sourceDataDir: string;
  /** Where the copy goes (must not exist yet or be empty). */
  readonly targetDataDir: string;
  readonly runAs: RunAs;
  readonly label: string;
}

export interface OnlineCopy {
  /** Where the copy is consistent: the backup's stop LSN, `X/HEX`. */
  readonly lsn: string;
  /** The source's clock when the backup stopped. */
  readonly time: Date;
}

/** Folders whose contents a base backup leaves out (PostgreSQL docs, "Making a Base Backup Using the Low Level API"). */
const EMPTY_DIRS = new Set([
  'pg_wal',
  'pg_replslot',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_stat_tmp',
  'pg_subtrans',
]);
const SKIP_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map', 'recovery.signal', 'standby.signal']);

/**
 * Copies a running cluster consistently while it keeps serving: `pg_backup_start`, a file copy
 * (reflinks where the filesystem has them), `pg_backup_stop`, its backup label, then the WAL
 * written meanwhile. The copy must be started with recovery (see `recoverySettings`) to become
 * consistent at the returned LSN.
 */
export async function copyClusterOnline(options: OnlineCopyOptions): Promise<OnlineCopy> {
  // The cluster folder above pgdata must belong to the server's OS user too.
  const clusterDir = path.dirname(options.targetDataDir);
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  await handOver(clusterDir, options.runAs);
  const client = new pg.Client({ connectionString: options.sourceUrl });
  await client.connect();
  try {
    // The backup belongs to this session: if we die, PostgreSQL ends it for us.
    await client.query('SELECT pg_backup_start($1, true)', [options.label]);
    await copyTree(options.sourceDataDir, options.targetDataDir, (rel) => {
      const [top, ...rest] = rel.split(path.sep);
      if (rest.length === 0) return SKIP_FILES.has(top ?? '') || (top ?? '').startsWith('pgsql_tmp');
      return EMPTY_DIRS.has(top ?? '');
    });
    const stop = await client.query<{ lsn: string; labelfile: string; spcmapfile: string | null; now: Date }>(
      'SELECT lsn::text AS lsn, labelfile, spcmapfile, clock_timestamp() AS now FROM pg_backup_stop(false)',
    );
    const row = stop.rows[0];
    if (!row) throw new Error('pg_backup_stop returned nothing.');
    await writeFile(path.join(options.targetDataDir, 'backup_label'), row.labelfile, { mode: 0o600 });
    if (row.spcmapfile) await writeFile(path.join(options.targetDataDir, 'tablespace_map'), row.spcmapfile, { mode: 0o600 });
    // Every segment from the backup's start to its stop is still in pg_wal now (a checkpoint
    // cannot recycle them while they are needed by the backup that just ended).
    await mkdir(path.join(options.targetDataDir, 'pg_wal', 'archive_status'), { recursive: true, mode: 0o700 });
    await copyTree(path.join(options.sourceDataDir, 'pg_wal'), path.join(options.targetDataDir, 'pg_wal'), (rel) =>
      rel.startsWith('archive_status'),
    );
    await chmod(options.targetDataDir, 0o700);
    await chownTree(options.targetDataDir, options.runAs);
    return { lsn: row.lsn, time: row.now };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Settings for the first start of a copy: recover to the end of the backup (or to a point in
 * time / LSN, with WAL from `archiveDir`), then promote. Also writes `recovery.signal`.
 */
export async function prepareRecovery(
  targetDataDir: string,
  target: { kind: 'immediate' } | { kind: 'time'; time: Date } | { kind: 'lsn'; lsn: string },
  archiveDir: string | undefined,
): Promise<Record<string, string>> {
  await writeFile(path.join(targetDataDir, 'recovery.signal'), '', { mode: 0o600 });
  // restore_command runs as PostgreSQL's OS user: give it the real path (see prepareClusterFolder).
  const archive = archiveDir && (await realpath(archiveDir));
  // Archive recovery insists on a restore_command; without an archive, one that finds nothing
  // makes PostgreSQL read the copied pg_wal instead.
  const settings: Record<string, string> = {
    restore_command: archive ? `cp "${archive}/%f" "%p"` : 'false',
    recovery_target_action: 'promote',
    // No connections until recovery has ended and the copy is promoted: whoever connects first
    // (a base backup, a client) must see the finished branch, not a standby about to change.
    hot_standby: 'off',
  };
  switch (target.kind) {
    case 'immediate':
      settings.recovery_target = 'immediate';
      break;
    case 'time':
      // PostgreSQL's own timestamp spelling; it refuses the ISO 'T…Z' form here.
      settings.recovery_target_time = target.time.toISOString().replace('T', ' ').replace('Z', '+00');
      break;
    case 'lsn':
      settings.recovery_target_lsn = target.lsn;
      break;
  }
  return settings;
}
