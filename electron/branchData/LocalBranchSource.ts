import pg from 'pg';
import { LOCAL_WORKSPACE_ID, type LocalLocation } from '../../shared/contract/location';
import { createEngine, type JwtConfig } from '../engine';
import { notFound } from '../errors/PierError';
import { SCHEMA_WATCH_STATE_SQL, schemaWatchStatements } from '../../shared/dataapi/schemaWatch';
import type { EndpointState, EngineLogin, IBranchSource, LeasedPool, OpenedEngine } from './IBranchSource';
import { resilientPool } from './resilientPool';

/** Where a branch's read-write compute listens. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** The local control plane's answer to "where is this branch's read-write compute" (asked of its core, not its HTTP API). */
export interface ILocalEndpoints {
  /** Throws PierError PIER404 when the branch or its read-write endpoint is not there. */
  readWriteEndpoint(branch: string): Promise<HostPort>;
  readWriteEndpointState(branch: string): Promise<EndpointState>;
  /** Enables (if suspended) and starts the branch's read-write endpoint; true if it slept. */
  wakeReadWriteEndpoint(branch: string): Promise<boolean>;
}

export interface LocalBranchSourceOptions {
  /** The embedded default (or --database-url) server: its branch and where it listens. */
  readonly home: { readonly branch: string; readonly target: HostPort };
  /** Other local branches; absent with --database-url (then only the home branch exists). */
  readonly endpoints?: ILocalEndpoints;
  /** Superuser credentials (branches are copies of production, so they share them). */
  readonly superuser: { readonly user: string; readonly password: string };
  /** The Data API's login role (`authenticator`), as on Lakebase. */
  readonly authenticator: { readonly user: string; readonly password: string };
  /** Verifies the tokens of Data API requests over HTTP. */
  readonly jwt: JwtConfig;
  /** Base of Data API URLs as clients reach them, e.g. http://127.0.0.1:7420. */
  readonly origin: string;
  readonly log?: (line: string) => void;
}

/** A database every cluster has, to check that the target database exists before connecting to it. */
const MAINTENANCE_DATABASE = 'postgres';

/** Local branches: clusters on loopback, reached with the superuser's or `authenticator`'s password. */
export class LocalBranchSource implements IBranchSource<LocalLocation> {
  readonly listens = true;
  readonly idleCloseMs = undefined;
  private readonly pools = new Map<string, pg.Pool>();
  /** Databases (address/name) whose schema-change watch is known to be installed. */
  private readonly watched = new Set<string>();

  constructor(private readonly options: LocalBranchSourceOptions) {}

  loginKey(login: EngineLogin): string {
    return login;
  }

  async openEngine(at: LocalLocation, login: EngineLogin): Promise<OpenedEngine> {
    const target = await this.endpointOf(at.branch);
    const exists = await this.pool(target, MAINTENANCE_DATABASE).query('SELECT 1 FROM pg_database WHERE datname = $1 AND datallowconn', [
      at.database,
    ]);
    if (!exists.rowCount) throw notFound(`Database "${at.database}" does not exist on ${at.branch}.`, 'Check the database name.');
    if (this.options.endpoints) await this.watchSchema(target, at);
    const credentials = login === 'admin' ? this.options.superuser : this.options.authenticator;
    // pipeline: each request's transaction (BEGIN, settings, statement, COMMIT) goes in one round trip.
    const pool = new pg.Pool({
      ...target,
      ...credentials,
      database: at.database,
      max: 10,
      idleTimeoutMillis: 30_000,
      pipeline: true,
    } as pg.PoolConfig);
    const log = this.options.log;
    pool.on('error', (err) => log?.(`Data API connection to ${at.database} lost: ${err.message}`));
    const engine = createEngine({ pool, ownsPool: true, database: at.database, jwt: this.options.jwt, ...(log && { log }) });
    return {
      engine,
      loginRole: credentials.user,
      adminRole: this.options.superuser.user,
      address: addressOf(target),
      close: () => engine.close(),
    };
  }

  async leaseAdminPool(at: LocalLocation): Promise<LeasedPool> {
    const target = await this.endpointOf(at.branch);
    return { pool: this.pool(target, at.database), address: addressOf(target), release: () => undefined };
  }

  /** Local passwords are Pier's own and never replaced behind its back. */
  async renewLogin(): Promise<boolean> {
    return false;
  }

  /** The branch's endpoint now listens elsewhere than `address` (deleted and recreated). */
  async endpointMoved(at: LocalLocation, address: string): Promise<boolean> {
    return address !== addressOf(await this.endpointOf(at.branch));
  }

  /**
   * After the branch's endpoint slept and woke (or moved): its admin pools' connections were cut,
   * so they are closed and the next call makes new ones. Pools of a moved endpoint's old address
   * close by themselves once idle.
   */
  async forgetBranch(at: LocalLocation): Promise<void> {
    const address = await this.endpointOf(at.branch).then(addressOf, () => undefined);
    if (!address) return;
    const closing: Promise<void>[] = [];
    for (const [key, pool] of this.pools) {
      if (!key.startsWith(`${address}/`)) continue;
      this.pools.delete(key);
      // A call still holding it finishes on it; its connections then close after the idle timeout.
      if (pool.totalCount === pool.idleCount && pool.waitingCount === 0) closing.push(pool.end().catch(() => undefined));
    }
    await Promise.all(closing);
  }

  /**
   * A branch reset in place keeps its address, so its admin pools close here (their connections
   * went with the old cluster) and its databases' schema watch is checked again.
   */
  async branchReplaced(at: LocalLocation): Promise<void> {
    if (at.branch === this.options.home.branch) return;
    const target = await this.endpointOf(at.branch).catch(() => undefined);
    if (!target) return;
    const prefix = `${addressOf(target)}/`;
    for (const key of [...this.watched]) if (key.startsWith(prefix)) this.watched.delete(key);
    const closing: Promise<void>[] = [];
    for (const [key, pool] of this.pools) {
      if (!key.startsWith(prefix)) continue;
      this.pools.delete(key);
      closing.push(pool.end().catch(() => undefined));
    }
    await Promise.all(closing);
  }

  async endpointState(at: LocalLocation): Promise<EndpointState> {
    // The --database-url server is not Pier's to suspend.
    if (!this.options.endpoints) return 'active';
    return this.options.endpoints.readWriteEndpointState(at.branch);
  }

  async wake(at: LocalLocation): Promise<boolean> {
    if (!this.options.endpoints) return false;
    return this.options.endpoints.wakeReadWriteEndpoint(at.branch);
  }

  async dataApiBaseUrl(at: LocalLocation): Promise<string> {
    return localDataApiUrl(this.options.origin, at, at.branch === this.options.home.branch);
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  }

  /** The read-write endpoint of a branch, asked of the control plane each time (endpoints move when recreated). */
  private async endpointOf(branch: string): Promise<HostPort> {
    if (branch === this.options.home.branch) return this.options.home.target;
    if (!this.options.endpoints) {
      throw notFound(
        `Branch ${branch} is not available: this Pier runs on an external database (--database-url) and manages no branches.`,
        'Open the tables of the external database instead.',
      );
    }
    return this.options.endpoints.readWriteEndpoint(branch);
  }

  /**
   * Databases of the branches Pier manages get the event triggers that announce DDL (see
   * shared/dataapi/schemaWatch.ts), once per database and address, before the engine LISTENs: a
   * table psql or the SQL editor makes then reaches the schema cache. An external database
   * (--database-url) is not Pier's to change; its set-up assistant offers the same SQL for review.
   */
  private async watchSchema(target: HostPort, at: LocalLocation): Promise<void> {
    const key = `${addressOf(target)}/${at.database}`;
    if (this.watched.has(key)) return;
    const client = await this.pool(target, at.database).connect();
    try {
      await client.query('BEGIN');
      // Two engines opening at once (two logins) must not both create the triggers.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('pier.schema_watch'))`);
      const state = await client.query<{ schema: boolean; ddl: boolean; drop: boolean }>(SCHEMA_WATCH_STATE_SQL);
      const existing = state.rows[0]!;
      if (!existing.ddl || !existing.drop) for (const statement of schemaWatchStatements(existing)) await client.query(statement);
      await client.query('COMMIT');
      this.watched.add(key);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      // The Data API still works without it (the tree's refresh reloads); say why in the log.
      this.options.log?.(`Could not install the schema-change watch on ${at.database}: ${(err as Error).message}`);
    } finally {
      client.release();
    }
  }

  /** A superuser pool on a database at an address, made on first use. */
  private pool(target: HostPort, database: string): pg.Pool {
    const key = `${addressOf(target)}/${database}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = resilientPool({ ...target, ...this.options.superuser, database, max: 4, idleTimeoutMillis: 30_000 }, key, this.options.log);
      this.pools.set(key, pool);
    }
    return pool;
  }
}

function addressOf(t: HostPort): string {
  return `${t.host}:${t.port}`;
}

/**
 * The Data API base URL of a database on a local branch, as written into `data-api` `status.url`:
 * the default branch at `/api/2.0/workspace/local/rest/{database}`, others with the branch first
 * (on Lakebase each endpoint has its own host).
 */
export function localDataApiUrl(origin: string, at: { readonly branch: string; readonly database: string }, isHome: boolean): string {
  const tail = `/api/2.0/workspace/${LOCAL_WORKSPACE_ID}/rest/${encodeURIComponent(at.database)}`;
  return isHome ? `${origin}${tail}` : `${origin}/${at.branch}${tail}`;
}
