import path from 'node:path';
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { access, chmod, mkdir, open, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import pg from 'pg';
import type { PostgresBinaries } from './binaries';
import { chownTree, type RunAs } from './runAs';
import { isProcessAlive } from './isProcessAlive';
import { placeClusterFolder, SYSTEM_CLUSTER_ROOT, unreachableFolder } from './clusterFolder';
import { PierError } from '../../errors/PierError';

export interface ClusterOptions {
  /** Folder owned by this cluster: holds `pgdata/` and `postgres.log`. */
  readonly dir: string;
  readonly binaries: PostgresBinaries;
  readonly runAs: RunAs;
  /** Password of the `postgres` superuser (set at initdb, used to connect). */
  readonly superuserPassword: string;
  /** Extra server settings passed as `-c name=value`. */
  readonly settings?: Readonly<Record<string, string>>;
  /**
   * Restart on the port of the first start, never another (clients that connect directly keep
   * working after a restart); a start fails while that port is taken. Otherwise a restart takes
   * its old port when free and any free port if not.
   */
  readonly keepPort?: boolean;
}

/** Thrown when PostgreSQL fails to initialize or start; carries the tail of its log. */
export class PostgresStartError extends PierError {
  override name = 'PostgresStartError';
  constructor(
    message: string,
    readonly logTail: string,
  ) {
    super('PIER_POSTGRES_START', logTail ? `${message}\n--- last lines of the PostgreSQL log ---\n${logTail}` : message);
  }
}

/**
 * One PostgreSQL cluster on loopback, run as a child process. The cluster's files are never
 * deleted here: a failed start leaves everything in place and reports the log.
 */
export class PostgresCluster {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private exited: Promise<number | null> | undefined;
  private portValue: number | undefined;
  /** The port of the last start, taken again by the next one. */
  private lastPort: number | undefined;
  private starting: Promise<void> | undefined;
  private stopRequested = false;
  private readonly crashListeners = new Set<() => void>();

  constructor(private readonly options: ClusterOptions) {}

  /** Called when the postmaster exits without `stop()` (killed, crashed). Returns an unsubscribe function. */
  onDidCrash(listener: () => void): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  get dataDir(): string {
    return path.join(this.options.dir, 'pgdata');
  }

  get logFile(): string {
    return path.join(this.options.dir, 'postgres.log');
  }

  get port(): number {
    if (this.portValue === undefined) throw new Error('PostgreSQL is not running');
    return this.portValue;
  }

  /** Superuser connection string to the given database. */
  connectionString(database = 'postgres'): string {
    const pw = encodeURIComponent(this.options.superuserPassword);
    return `postgresql://postgres:${pw}@127.0.0.1:${this.port}/${encodeURIComponent(database)}`;
  }

  /** Whether the postmaster this object started is still running. */
  get isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async isInitialized(): Promise<boolean> {
    return exists(path.join(this.dataDir, 'PG_VERSION'));
  }

  /**
   * Creates the cluster if it does not exist yet. initdb writes into a scratch folder that is
   * renamed into place only when complete, so a crash never leaves half a cluster behind.
   */
  async initialize(): Promise<'created' | 'existing'> {
    if (await this.isInitialized()) return 'existing';
    const { runAs, binaries } = this.options;
    await placeClusterFolder(this.options.dir, runAs);
    // PostgreSQL runs as another user when we are root: it gets the real path, which it can reach.
    const dir = await this.reachableDir();
    const scratch = path.join(dir, 'pgdata.initdb-incomplete');
    await rm(scratch, { recursive: true, force: true }); // only ever our own unfinished initdb
    const pwfile = path.join(dir, '.initdb-pw');
    await writeFile(pwfile, this.options.superuserPassword + '\n', { mode: 0o600 });
    await chownTree(pwfile, runAs);
    try {
      const { code, output } = await runProgram(
        binaries.initdb,
        [
          '-D',
          scratch,
          '-U',
          'postgres',
          '--auth=scram-sha-256',
          `--pwfile=${pwfile}`,
          '--encoding=UTF8',
          '--locale=C',
          '--no-instructions',
        ],
        runAs,
        dir,
      );
      if (code !== 0) throw new PostgresStartError(`initdb failed with exit code ${code}.`, lastLines(output, 30));
    } finally {
      await rm(pwfile, { force: true });
    }
    await rename(scratch, path.join(dir, 'pgdata'));
    return 'created';
  }

  /**
   * Starts the postmaster on a free loopback port and waits until it accepts connections.
   * `startSettings` apply to this start only (e.g. a recovery target for a new branch's first start).
   */
  async start(startSettings: Readonly<Record<string, string>> = {}): Promise<void> {
    // Single-flight: two callers (a supervisor and a proxy's first connection) share one start.
    this.starting ??= this.startOnce(startSettings).finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async startOnce(startSettings: Readonly<Record<string, string>>): Promise<void> {
    if (this.child && this.isRunning) return;
    // A postmaster that died on its own (crash, kill) is cleaned up, then started afresh.
    if (this.child) await this.stop();
    this.stopRequested = false;
    const { runAs, binaries } = this.options;
    await this.recoverStalePidFile();
    const port =
      this.lastPort !== undefined && (this.options.keepPort || (await isPortFree(this.lastPort))) ? this.lastPort : await freePort();
    await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
    // The log can hold statements and their parameters (a password in ALTER ROLE): owner-only.
    this.log = createWriteStream(this.logFile, { flags: 'a', mode: 0o600 });
    await new Promise<void>((resolve, reject) => this.log?.once('open', () => resolve()).once('error', reject));
    await chmod(this.logFile, 0o600);
    await chownTree(this.logFile, runAs).catch(() => undefined);
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      port: String(port),
      unix_socket_directories: '',
      ...this.options.settings,
      ...startSettings,
    };
    const hostDir = await this.reachableDir();
    const args = ['-D', path.join(hostDir, 'pgdata')];
    for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
    const child = spawn(binaries.postgres, args, {
      cwd: hostDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      uid: runAs.uid,
      gid: runAs.gid,
      env: { ...process.env, LC_ALL: 'C' },
    });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.child = child;
    stopWithThisProcess(child);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(-1));
    });
    child.once('exit', () => {
      if (this.stopRequested || this.child !== child) return;
      for (const listener of this.crashListeners) listener();
    });
    this.portValue = port;
    this.lastPort = port;
    try {
      await this.waitUntilReady();
    } catch (err) {
      await this.stop().catch(() => undefined);
      throw err;
    }
  }

  /** Fast shutdown (SIGINT): active transactions roll back, everything committed stays. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.stopRequested = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGQUIT'), 30_000);
      await this.exited;
      clearTimeout(timer);
    }
    this.child = undefined;
    this.portValue = undefined;
    await new Promise<void>((resolve) => (this.log ? this.log.end(resolve) : resolve()));
    this.log = undefined;
  }

  /** Server version as reported by `SHOW server_version`. */
  async serverVersion(): Promise<string> {
    const client = new pg.Client({ connectionString: this.connectionString() });
    await client.connect();
    try {
      const r = await client.query<{ server_version: string }>('SHOW server_version');
      return r.rows[0]?.server_version ?? 'unknown';
    } finally {
      await client.end();
    }
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + 60_000;
    let exitCode: number | null | undefined;
    void this.exited?.then((code) => (exitCode = code));
    for (;;) {
      if (exitCode !== undefined) {
        throw new PostgresStartError(`PostgreSQL exited during start-up (code ${exitCode}).`, await this.logTail());
      }
      const client = new pg.Client({ connectionString: this.connectionString(), connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.end();
        return;
      } catch {
        // Not listening yet, or 57P03 "the database system is starting up".
        await client.end().catch(() => undefined);
      }
      if (Date.now() > deadline) {
        throw new PostgresStartError('PostgreSQL did not accept connections within 60 s.', await this.logTail());
      }
      await delay(100);
    }
  }

  /**
   * A crashed run can leave `postmaster.pid` behind. If the pid in it is a postmaster still
   * serving this data folder (an orphan of our crashed run), shut it down cleanly; if the pid
   * now belongs to an unrelated process, the file is stale and is set aside (renamed, not deleted).
   * A pid that is gone altogether is handled by PostgreSQL itself.
   */
  private async recoverStalePidFile(): Promise<void> {
    const pidFile = path.join(this.dataDir, 'postmaster.pid');
    let text: string;
    try {
      text = await readFile(pidFile, 'utf8');
    } catch {
      return;
    }
    const pid = Number(text.split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const dataDirOfPid = (text.split('\n')[1] ?? '').trim();
    // The pid file names the real path (the cluster folder may be reached through a link).
    const isOurPostmaster =
      cmdline.includes('postgres') && (await realpath(dataDirOfPid).catch(() => dataDirOfPid)) === (await realpath(this.dataDir));
    if (isOurPostmaster) {
      process.kill(pid, 'SIGINT');
      const deadline = Date.now() + 30_000;
      while (isProcessAlive(pid) && Date.now() < deadline) await delay(100);
      if (isProcessAlive(pid)) {
        throw new PostgresStartError(
          `A PostgreSQL server (pid ${pid}) left by an earlier run still uses ${this.dataDir} and did not stop. Stop it and start Pier again.`,
          await this.logTail(),
        );
      }
    } else {
      await rename(pidFile, `${pidFile}.stale-${Date.now()}`);
    }
  }

  /** The cluster folder's real path, once PostgreSQL's OS user is known to reach it (else a clear error). */
  private async reachableDir(): Promise<string> {
    const blocked = await unreachableFolder(this.options.dir, this.options.runAs);
    if (blocked) {
      throw new PostgresStartError(
        `PostgreSQL runs as "${this.options.runAs.name}", which cannot reach ${this.options.dir}: ${blocked} does not let it pass. ` +
          `Pier changes no folder outside its data folder. Move the clusters folder under ${SYSTEM_CLUSTER_ROOT} (or PIER_CLUSTER_ROOT) ` +
          `and link it from the data folder, or run Pier as a normal user.`,
        '',
      );
    }
    return realpath(this.options.dir);
  }

  async logTail(lines = 30): Promise<string> {
    try {
      const handle = await open(this.logFile, 'r');
      try {
        const { size } = await handle.stat();
        const length = Math.min(size, 16_384);
        const buf = Buffer.alloc(length);
        await handle.read(buf, 0, length, size - length);
        return lastLines(buf.toString('utf8'), lines);
      } finally {
        await handle.close();
      }
    } catch {
      return '';
    }
  }
}

function runProgram(file: string, args: string[], runAs: RunAs, cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd, uid: runAs.uid, gid: runAs.gid, env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => resolve({ code: -1, output: output + String(err) }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Postmasters of this process that have not exited. Should the process exit without stopping
 * them (process.exit on a fatal error), each is asked for a fast shutdown rather than left running.
 */
const postmasters = new Set<ChildProcess>();

function stopWithThisProcess(child: ChildProcess): void {
  if (postmasters.size === 0 && !process.listeners('exit').includes(stopPostmastersNow)) process.on('exit', stopPostmastersNow);
  postmasters.add(child);
  child.once('exit', () => postmasters.delete(child));
}

function stopPostmastersNow(): void {
  for (const child of postmasters) child.kill('SIGINT');
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Asks the kernel for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}
