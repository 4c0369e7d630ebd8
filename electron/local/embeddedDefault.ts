import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { access, chmod, constants, mkdir, readFile, writeFile } from 'node:fs/promises';
import pg from 'pg';
import { findPostgresBinaries, type PostgresMajor } from './postgres/binaries';
import { PostgresCluster } from './postgres/cluster';
import { resolveRunAs } from './postgres/runAs';
import { prepareClusterFolder } from './postgres/clusterFolder';
import { DEFAULT_DATABASE, ensureDefaultDatabase, seedSampleDatabase } from './seed/sampleDatabase';
import { ensureWalArchive, WAL_ARCHIVE_SETTINGS } from './runtime/walArchive';
import { preparePostmasterAccess } from './tls/postmasterAccess';
import { EndpointRuntime } from './runtime/endpointRuntime';
import { PierError } from '../errors/PierError';

export interface EmbeddedDefault {
  readonly cluster: PostgresCluster;
  /** The PostgreSQL major the cluster runs. */
  readonly major: PostgresMajor;
  /** Keeps the cluster running: restarts its postmaster, on the same port, when it dies. */
  readonly runtime: EndpointRuntime;
  /** Superuser connection string to `databricks_postgres`. */
  readonly connectionString: string;
  readonly seeded: boolean;
  /** Whether it admits only Pier's own roles and its Postgres proxy (see `lockDown`). */
  readonly lockedDown: boolean;
  dispose(): Promise<void>;
}

export interface EmbeddedDefaultOptions {
  readonly dataDir: string;
  readonly log?: (line: string) => void;
  /**
   * Admit only Pier's own roles (by password) and its Postgres proxy (by certificate), as the app
   * does for every cluster it runs (see tls/postmasterAccess.ts). Tests and benchmarks that log in
   * as roles of their own leave it off.
   */
  readonly lockDown?: boolean;
}

/** Thrown when the data folder cannot be used; names the folder. */
export class DataDirError extends PierError {
  override name = 'DataDirError';
  constructor(message: string) {
    super('PIER_DATA_DIR', message);
  }
}

/**
 * Starts the embedded default: the local `production` cluster under the app-data folder,
 * created and seeded on first run, reused untouched afterwards.
 */
export async function startEmbeddedDefault(options: EmbeddedDefaultOptions): Promise<EmbeddedDefault> {
  const log = options.log ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir);
  await ensureWritable(dataDir);
  const [binaries, runAs] = await Promise.all([findPostgresBinaries(), resolveRunAs()]);
  const superuserPassword = await loadOrCreateSecret(path.join(dataDir, 'secrets', 'postgres-superuser'));
  const clusterDir = path.join(await prepareClusterFolder(dataDir, runAs), 'production');
  const pierOnly = options.lockDown ? await preparePostmasterAccess(dataDir, runAs) : undefined;
  const cluster = new PostgresCluster({
    dir: clusterDir,
    binaries,
    runAs,
    superuserPassword,
    // Archived WAL lets the local control plane branch `production` from a past time.
    settings: { ...WAL_ARCHIVE_SETTINGS, ...pierOnly?.settings },
    // Pier's own pools connect straight to this port, so a restarted postmaster must come back on it.
    keepPort: true,
  });
  const made = await cluster.initialize();
  if (made === 'created') log(`Created a PostgreSQL cluster in ${cluster.dataDir}`);
  await ensureWalArchive(clusterDir, runAs);
  // Supervised as branch endpoints are, but restarted as soon as it dies: the server connects to
  // it directly (no proxy in the data path, whose copying would cost every request), not on demand.
  const runtime = new EndpointRuntime({ cluster, proxyPort: 0, suspendAfterMs: null, restartOnCrash: true, log });
  await runtime.ensureRunning();
  let seeded: boolean;
  try {
    const admin = new pg.Client({ connectionString: cluster.connectionString('postgres') });
    await admin.connect();
    try {
      await ensureDefaultDatabase(admin);
    } finally {
      await admin.end();
    }
    const db = new pg.Client({ connectionString: cluster.connectionString(DEFAULT_DATABASE) });
    await db.connect();
    try {
      seeded = await seedSampleDatabase(db);
    } finally {
      await db.end();
    }
  } catch (err) {
    await runtime.close();
    throw err;
  }
  if (seeded) log(`Seeded ${DEFAULT_DATABASE} with the sample schema`);
  return {
    cluster,
    major: binaries.major,
    runtime,
    connectionString: cluster.connectionString(DEFAULT_DATABASE),
    seeded,
    lockedDown: pierOnly !== undefined,
    dispose: () => runtime.close(),
  };
}

async function ensureWritable(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await access(dir, constants.W_OK);
    // Everything in it is the user's alone (it holds secrets and the log); nothing above it changes.
    await chmod(dir, 0o700);
  } catch (err) {
    throw new DataDirError(
      `The data folder ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). ` +
        `Fix its permissions or choose another one with --data-dir DIR.`,
    );
  }
}

/** Reads a secret file, or creates it (mode 0600) with fresh random contents. */
export async function loadOrCreateSecret(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(24).toString('base64url');
  await writeFile(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}
