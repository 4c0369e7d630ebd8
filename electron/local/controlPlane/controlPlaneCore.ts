import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type pg from 'pg';
import { branchName, databaseName, endpointName, projectName, roleName, suggestId } from '../../../shared/management';
import type { EmbeddedDefault } from '../embeddedDefault';
import { loadOrCreateSecret } from '../embeddedDefault';
import type { LocalIssuer } from '../identity/localIssuer';
import {
  EMBEDDED_POSTGRES_MAJOR,
  findPostgresBinaries,
  isPostgresMajor,
  POSTGRES_MAJORS,
  type PostgresBinaries,
  type PostgresMajor,
} from '../postgres/binaries';
import { PostgresCluster } from '../postgres/cluster';
import { resolveRunAs, type RunAs } from '../postgres/runAs';
import { EndpointRuntime } from '../runtime/endpointRuntime';
import { quoteIdent } from '../runtime/quoteIdent';
import { stopOrphanPostmaster } from '../runtime/stopOrphanPostmaster';
import { takeBaseBackup } from '../runtime/baseBackups';
import { ensureWalArchive, WAL_ARCHIVE_SETTINGS } from '../runtime/walArchive';
import { installDatabricksAuth } from '../extensions/installDatabricksAuth';
import { OWNER_SCHEMA_RIGHTS_SQL } from '../seed/sampleDatabase';
import { CredentialTokens } from '../proxy/credentialTokens';
import { preparePostmasterAccess, type PostmasterAccess } from '../tls/postmasterAccess';
import { ApiFailure, notFound } from './apiFailure';
import {
  CREATED_BY_PIER,
  StateStore,
  type BranchRecord,
  type ControlPlaneData,
  type DatabaseRecord,
  type EndpointRecord,
  type ProjectRecord,
  type RoleRecord,
} from './controlPlaneState';
import { OperationRunner } from './operationRunner';
import { parseDuration, timestamp } from './wireValues';

export const ROOT_BRANCH = 'production';
export const PRIMARY_ENDPOINT = 'primary';
export const DEFAULT_DATABASE = 'databricks_postgres';
export const LOCAL_PROJECT = 'local';
/** The foundation's cluster folder, adopted as `local/production`. */
const FOUNDATION_CLUSTER_DIR = path.join('clusters', 'production');

export interface ControlPlaneOptions {
  /** The app-data folder (the same one `startEmbeddedDefault` uses). */
  readonly dataDir: string;
  readonly issuer: LocalIssuer;
  /**
   * The running foundation cluster. On first start its folder becomes project `local`, branch
   * `production`, endpoint `primary`; later starts keep using this process for that endpoint.
   */
  readonly embedded?: EmbeddedDefault;
  /**
   * The loopback port of the Postgres proxy every endpoint is reached through (`status.hosts.host`).
   * Default 5432, the port Lakebase's clients assume; when it is taken, the port used last time,
   * else any free one. 0 = any free port (tests).
   */
  readonly postgresPort?: number;
  /** The Data API base URL of a database, written into `data-api` `status.url`. */
  readonly dataApiUrl?: (ref: { projectId: string; branchId: string; database: string }) => string;
  readonly log?: (line: string) => void;
}

export interface Lookup {
  readonly allowDeleted?: boolean;
}

/** State, processes and lookups shared by the resource handlers. */
export class ControlPlaneCore {
  readonly runtimes = new Map<string, EndpointRuntime>();
  /** Roles and databases whose creation a crash interrupted; undone once endpoints are open. */
  private readonly interruptedCatalog: (RoleRecord | DatabaseRecord)[] = [];
  readonly ops: OperationRunner;
  readonly log: (line: string) => void;
  /** Told the full name of a branch whose cluster a restore replaced (its old connections are gone). */
  readonly branchReplacedListeners = new Set<(branch: string) => void>();
  /** The port the Postgres proxy listens on, once it does. */
  postgresPort: number | undefined;

  private constructor(
    readonly options: ControlPlaneOptions,
    readonly store: StateStore,
    /** The PostgreSQL majors installed (16, 17, 18 from npm), each with its programs. */
    readonly binaries: ReadonlyMap<PostgresMajor, PostgresBinaries>,
    readonly runAs: RunAs,
    readonly superuserPassword: string,
    /** Settings that admit only Pier's own roles and its proxy to a postmaster, and the proxy's client certificate. */
    readonly access: PostmasterAccess,
    readonly credentials: CredentialTokens,
  ) {
    this.log = options.log ?? (() => undefined);
    this.ops = new OperationRunner(store, this.log);
  }

  static async open(options: ControlPlaneOptions): Promise<ControlPlaneCore> {
    const dataDir = path.resolve(options.dataDir);
    const [store, binaries, runAs] = await Promise.all([StateStore.open(dataDir), findAllBinaries(options.log), resolveRunAs()]);
    // One superuser password for every cluster: branches are copies and share it anyway.
    const password = await loadOrCreateSecret(path.join(dataDir, 'secrets', 'postgres-superuser'));
    const [access, credentials] = await Promise.all([preparePostmasterAccess(dataDir, runAs), CredentialTokens.open(dataDir)]);
    const core = new ControlPlaneCore({ ...options, dataDir }, store, binaries, runAs, password, access, credentials);
    if (options.embedded && !options.embedded.lockedDown)
      core.log(
        "The embedded cluster was started without Pier's access settings; its endpoint cannot be reached through the Postgres proxy.",
      );
    for (const b of binaries.values()) {
      if (!(await installDatabricksAuth(b)))
        core.log(
          `Could not install the databricks_auth extension into PostgreSQL ${b.major} (read-only share folder); CREATE EXTENSION databricks_auth will fail there.`,
        );
    }
    await core.recoverAfterCrash();
    if (!store.existed && options.embedded) await core.adoptFoundation(options.embedded);
    core.settleOwners();
    await core.store.save();
    await core.openAllEndpoints();
    await core.undoInterruptedCatalog();
    return core;
  }

  get data(): ControlPlaneData {
    return this.store.data;
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  get owner(): string {
    return this.options.issuer.owner;
  }

  // ─── Lookups (404 in the service's wording) ───────────────────────────────

  project(projectId: string, lookup: Lookup = {}): ProjectRecord {
    const p = this.data.projects[projectName(projectId)];
    if (!p || p.lifecycle === 'purging' || (p.delete_time && !lookup.allowDeleted)) throw notFound('Project', 'project_id', projectId);
    return p;
  }

  branch(projectId: string, branchId: string, lookup: Lookup = {}): BranchRecord {
    const project = this.project(projectId, lookup);
    const b = this.data.branches[branchName(projectId, branchId)];
    if (!b || b.lifecycle === 'purging' || (b.delete_time && !lookup.allowDeleted) || (project.delete_time && !lookup.allowDeleted)) {
      throw notFound('Branch', 'branch_id', branchId);
    }
    return b;
  }

  /** The branch's record if it exists and is not deleted; undefined instead of the service's 404. */
  findBranch(projectId: string, branchId: string): BranchRecord | undefined {
    try {
      return this.branch(projectId, branchId);
    } catch (err) {
      if (err instanceof ApiFailure && err.errorCode === 'NOT_FOUND') return undefined;
      throw err;
    }
  }

  endpoint(projectId: string, branchId: string, endpointId: string): EndpointRecord {
    this.branch(projectId, branchId);
    const e = this.data.endpoints[endpointName(projectId, branchId, endpointId)];
    if (!e || e.lifecycle === 'purging') throw notFound('Endpoint', 'endpoint_id', endpointId);
    return e;
  }

  role(projectId: string, branchId: string, roleId: string): RoleRecord {
    this.branch(projectId, branchId);
    const r = this.data.roles[roleName(projectId, branchId, roleId)];
    if (!r || r.lifecycle === 'purging') throw notFound('Role', 'role_id', roleId);
    return r;
  }

  database(projectId: string, branchId: string, databaseId: string): DatabaseRecord {
    this.branch(projectId, branchId);
    const d = this.data.databases[databaseName(projectId, branchId, databaseId)];
    if (!d || d.lifecycle === 'purging') throw notFound('Database', 'database_id', databaseId);
    return d;
  }

  /** Records of `collection` directly under `parent` (a full name, '' for projects), in creation order. */
  childrenOf<T>(map: Record<string, T>, parent: string, collection: string): T[] {
    const prefix = parent === '' ? `${collection}/` : `${parent}/${collection}/`;
    return Object.entries(map)
      .filter(([name]) => name.startsWith(prefix) && !name.slice(prefix.length).includes('/'))
      .map(([, v]) => v);
  }

  endpointsOf(b: BranchRecord): EndpointRecord[] {
    return this.childrenOf(this.data.endpoints, branchName(b.project_id, b.branch_id), 'endpoints');
  }

  // ─── Processes ────────────────────────────────────────────────────────────

  /** The PostgreSQL major a project's clusters run (recorded at create; older records are 18's). */
  majorOf(projectId: string): PostgresMajor {
    const v = this.data.projects[projectName(projectId)]?.spec.pg_version;
    return isPostgresMajor(v) ? v : EMBEDDED_POSTGRES_MAJOR;
  }

  /** The programs of a major; a 400 naming the field when that major is not installed. */
  binariesFor(major: PostgresMajor): PostgresBinaries {
    const b = this.binaries.get(major);
    if (!b) {
      throw new ApiFailure(
        'INVALID_PARAMETER_VALUE',
        `Field 'spec.pg_version': PostgreSQL ${major} is not installed here (${[...this.binaries.keys()].join(', ')} are). Run "npm install" again.`,
      );
    }
    return b;
  }

  clusterAt(clusterDir: string, major: PostgresMajor, settings: Record<string, string> = {}): PostgresCluster {
    const embedded = this.options.embedded;
    if (embedded && clusterDir === FOUNDATION_CLUSTER_DIR) return embedded.cluster;
    return new PostgresCluster({
      dir: path.join(this.dataDir, clusterDir),
      binaries: this.binariesFor(major),
      runAs: this.runAs,
      superuserPassword: this.superuserPassword,
      settings: { ...WAL_ARCHIVE_SETTINGS, ...this.access.settings, ...settings },
    });
  }

  /**
   * `status.hosts.host` of every endpoint: `localhost`, where the proxy listens, as Lakebase's
   * hosts are bare names on port 5432; with the port when the proxy could not have 5432.
   */
  endpointHost(): string {
    const port = this.postgresPort;
    return port === undefined || port === 5432 ? 'localhost' : `localhost:${port}`;
  }

  /** A base backup of a branch's cluster, the starting point of its point-in-time branches. */
  async takeBaseBackup(b: BranchRecord): Promise<void> {
    const runtime = this.primaryRuntime(b);
    await runtime.ensureRunning();
    await takeBaseBackup({
      sourceUrl: runtime.cluster.connectionString('postgres'),
      sourceDataDir: runtime.cluster.dataDir,
      clusterDir: path.join(this.dataDir, b.cluster_dir),
      runAs: this.runAs,
    });
  }

  /** Opens the endpoint's proxy (the postmaster starts on first use) and remembers its port. */
  async openRuntime(ep: EndpointRecord, firstStartSettings?: Record<string, string>): Promise<EndpointRuntime> {
    const name = endpointName(ep.project_id, ep.branch_id, ep.endpoint_id);
    const existing = this.runtimes.get(name);
    if (existing) return existing;
    const branch = this.data.branches[branchName(ep.project_id, ep.branch_id)];
    if (!branch) throw new Error(`Branch of ${name} is missing.`);
    const isReadOnly = ep.spec.endpoint_type === 'ENDPOINT_TYPE_READ_ONLY';
    const clusterDir = isReadOnly && ep.cluster_dir ? ep.cluster_dir : branch.cluster_dir;
    const cluster = this.clusterAt(clusterDir, this.majorOf(ep.project_id));
    const adopted = cluster === this.options.embedded?.cluster;
    await ensureWalArchive(path.join(this.dataDir, clusterDir), this.runAs);
    const runtime = new EndpointRuntime({
      cluster,
      proxyPort: ep.port,
      suspendAfterMs: adopted ? null : suspendAfterMs(ep),
      disabled: ep.spec.disabled ?? false,
      firstStartSettings,
      // The adopted foundation runs with the server's settings; it is never restarted by us.
      startSettings: adopted ? undefined : () => applicablePgSettings(ep.spec.settings?.pg_settings),
      log: this.log,
      onDidChangeState: () => {
        ep.last_active_time = timestamp();
      },
    });
    this.runtimes.set(name, runtime);
    const port = await runtime.listen();
    if (port !== ep.port) {
      ep.port = port;
      await this.store.save();
    }
    return runtime;
  }

  async closeRuntime(ep: EndpointRecord): Promise<void> {
    const name = endpointName(ep.project_id, ep.branch_id, ep.endpoint_id);
    const runtime = this.runtimes.get(name);
    this.runtimes.delete(name);
    if (runtime) await runtime.close();
  }

  /** The branch's read-write endpoint, where its roles and databases are managed. */
  primaryRuntime(b: BranchRecord): EndpointRuntime {
    const rw = this.endpointsOf(b).find((e) => e.spec.endpoint_type === 'ENDPOINT_TYPE_READ_WRITE' && e.lifecycle !== 'purging');
    const runtime = rw && this.runtimes.get(endpointName(rw.project_id, rw.branch_id, rw.endpoint_id));
    if (!runtime) throw new ApiFailure('INVALID_STATE', `Branch ${b.branch_id} has no running read-write endpoint.`);
    return runtime;
  }

  /** Whether this branch runs on the embedded default the server itself uses. */
  isFoundation(b: BranchRecord): boolean {
    return this.options.embedded !== undefined && b.cluster_dir === FOUNDATION_CLUSTER_DIR;
  }

  async removeClusterDir(rel: string | undefined): Promise<void> {
    if (!rel || (rel === FOUNDATION_CLUSTER_DIR && this.options.embedded)) return;
    const full = path.resolve(this.dataDir, rel);
    if (!full.startsWith(path.join(this.dataDir, 'clusters') + path.sep))
      throw new Error(`Refusing to remove ${full}: not a cluster folder.`);
    await stopOrphanPostmaster(path.join(full, 'pgdata'));
    await rm(full, { recursive: true, force: true });
  }

  newUid(prefix: string): string {
    return prefix === 'proj' ? randomUUID() : `${prefix}-${randomBytes(6).toString('hex')}`;
  }

  async dispose(): Promise<void> {
    await this.ops.whenIdle();
    await Promise.all([...this.runtimes.values()].map((r) => r.close().catch(() => undefined)));
    this.runtimes.clear();
  }

  // ─── Start-up ─────────────────────────────────────────────────────────────

  /** Projects recorded before owners and grants were kept belong to the workspace owner, with no grants. */
  private settleOwners(): void {
    for (const p of Object.values(this.data.projects)) {
      if (typeof p.owner !== 'string' || p.owner === '') p.owner = this.owner;
      if (!Array.isArray(p.permissions)) p.permissions = [];
    }
  }

  /** Rolls back half-made resources and finishes half-done purges (see `Lifecycle`). */
  private async recoverAfterCrash(): Promise<void> {
    const d = this.data;
    const failed = this.ops.failInterrupted();
    let fixed = 0;
    // A restore that did not finish: the branch keeps (or already has) its cluster; a half-made one goes.
    for (const b of Object.values(d.branches)) {
      if (!b.pending_cluster_dir) continue;
      if (b.pending_cluster_dir !== b.cluster_dir) await this.removeClusterDir(b.pending_cluster_dir);
      delete b.pending_cluster_dir;
      fixed++;
    }
    for (const b of Object.values(d.branches)) {
      if (!b.retired_cluster_dir) continue;
      if (b.retired_cluster_dir !== b.cluster_dir) await this.removeClusterDir(b.retired_cluster_dir);
      delete b.retired_cluster_dir;
      fixed++;
    }
    for (const map of [d.databases, d.roles, d.endpoints, d.branches, d.projects] as Record<
      string,
      { lifecycle: string; cluster_dir?: string }
    >[]) {
      for (const [name, rec] of Object.entries(map)) {
        if (rec.lifecycle === 'ready') continue;
        if (rec.lifecycle === 'creating' && (map === d.roles || map === d.databases))
          this.interruptedCatalog.push(rec as RoleRecord | DatabaseRecord);
        await this.removeClusterDir(rec.cluster_dir);
        await rm(path.join(this.dataDir, 'clusters', `${path.basename(rec.cluster_dir ?? 'none')}.incomplete`), {
          recursive: true,
          force: true,
        });
        delete map[name];
        fixed++;
      }
    }
    // Children of removed parents go too.
    for (const map of [d.branches, d.endpoints, d.roles, d.databases] as Record<string, unknown>[]) {
      for (const name of Object.keys(map)) {
        const parts = name.split('/');
        if (!d.projects[parts.slice(0, 2).join('/')] || (parts.length > 4 && !d.branches[parts.slice(0, 4).join('/')])) {
          const rec = map[name] as { cluster_dir?: string };
          await this.removeClusterDir(rec.cluster_dir);
          delete map[name];
          fixed++;
        }
      }
    }
    if (failed + fixed > 0)
      this.log(`Recovered after an interrupted run: ${failed} operation(s) marked failed, ${fixed} resource(s) rolled back or finished.`);
  }

  /**
   * A role or database that a crashed operation was creating may exist in its cluster without a
   * record. It is dropped — only if it carries the API's own comment and no record names it.
   */
  private async undoInterruptedCatalog(): Promise<void> {
    for (const rec of this.interruptedCatalog) {
      const b = this.data.branches[branchName(rec.project_id, rec.branch_id)];
      if (!b) continue;
      const isRole = 'role_id' in rec;
      const pgName = isRole ? (rec as RoleRecord).spec.postgres_role : (rec as DatabaseRecord).spec.postgres_database;
      const map: Record<string, RoleRecord | DatabaseRecord> = isRole ? this.data.roles : this.data.databases;
      const stillNamed = Object.values(map).some(
        (r) =>
          r.project_id === rec.project_id &&
          r.branch_id === rec.branch_id &&
          (isRole ? (r as RoleRecord).spec.postgres_role : (r as DatabaseRecord).spec.postgres_database) === pgName,
      );
      if (!pgName || stillNamed) continue;
      try {
        await this.primaryRuntime(b).withClient('postgres', async (c) => {
          const marked = isRole
            ? await c.query(`SELECT 1 FROM pg_roles r WHERE rolname = $1 AND shobj_description(r.oid, 'pg_authid') = $2`, [
                pgName,
                CREATED_BY_PIER,
              ])
            : await c.query(`SELECT 1 FROM pg_database d WHERE datname = $1 AND shobj_description(d.oid, 'pg_database') = $2`, [
                pgName,
                CREATED_BY_PIER,
              ]);
          if (!marked.rowCount) return;
          await c.query(isRole ? `DROP ROLE ${quoteIdent(pgName)}` : `DROP DATABASE ${quoteIdent(pgName)} WITH (FORCE)`);
          this.log(`Removed ${isRole ? 'role' : 'database'} "${pgName}", left half-made by an interrupted operation.`);
        });
      } catch (err) {
        this.log(`Could not undo the interrupted creation of "${pgName}": ${(err as Error).message}`);
      }
    }
    this.interruptedCatalog.length = 0;
  }

  private async openAllEndpoints(): Promise<void> {
    for (const ep of Object.values(this.data.endpoints)) {
      const b = this.data.branches[branchName(ep.project_id, ep.branch_id)];
      const p = this.data.projects[projectName(ep.project_id)];
      // Postmasters orphaned by a killed run stop now rather than linger until first use.
      const dir = ep.cluster_dir ?? b?.cluster_dir;
      if (dir && !(dir === FOUNDATION_CLUSTER_DIR && this.options.embedded))
        await stopOrphanPostmaster(path.join(this.dataDir, dir, 'pgdata'));
      if (!b || !p || b.delete_time || p.delete_time) continue;
      await this.openRuntime(ep);
    }
  }

  /** The foundation's folder becomes local/production/primary, in place: nothing is re-created. */
  private async adoptFoundation(embedded: EmbeddedDefault): Promise<void> {
    const now = timestamp();
    const projectId = LOCAL_PROJECT;
    const p: ProjectRecord = {
      project_id: projectId,
      uid: this.newUid('proj'),
      owner: this.owner,
      permissions: [],
      create_time: now,
      update_time: now,
      lifecycle: 'ready',
      spec: defaultProjectSpec(projectId, 'Local workspace', embedded.major),
    };
    const b: BranchRecord = {
      project_id: projectId,
      branch_id: ROOT_BRANCH,
      uid: this.newUid('br'),
      create_time: now,
      update_time: now,
      state_change_time: now,
      spec: { is_protected: false, no_expiry: true },
      cluster_dir: FOUNDATION_CLUSTER_DIR,
      logical_size_bytes: 0,
      lifecycle: 'ready',
    };
    const ep: EndpointRecord = {
      project_id: projectId,
      branch_id: ROOT_BRANCH,
      endpoint_id: PRIMARY_ENDPOINT,
      uid: endpointUid(),
      create_time: now,
      update_time: now,
      port: 0,
      lifecycle: 'ready',
      // The server talks to this cluster directly, so it never suspends.
      spec: {
        endpoint_type: 'ENDPOINT_TYPE_READ_WRITE',
        autoscaling_limit_min_cu: 1,
        autoscaling_limit_max_cu: 1,
        no_suspension: true,
        disabled: false,
      },
    };
    const d = this.data;
    d.projects[projectName(projectId)] = p;
    d.branches[branchName(projectId, ROOT_BRANCH)] = b;
    d.endpoints[endpointName(projectId, ROOT_BRANCH, PRIMARY_ENDPOINT)] = ep;
    const runtime = await this.openRuntime(ep);
    const roles = await runtime.withClient('postgres', async (c) => {
      await bootstrapRoles(c, this.owner);
      // On Lakebase the owner owns databricks_postgres; here it stays the superuser's, so the
      // admin role gets what ownership would give (e.g. CREATE EXTENSION databricks_auth).
      await c.query(`GRANT ALL ON DATABASE ${quoteIdent(DEFAULT_DATABASE)} TO databricks_superuser`);
      b.logical_size_bytes = await clusterSize(c);
      await runtime.withClient(DEFAULT_DATABASE, (db) => db.query(OWNER_SCHEMA_RIGHTS_SQL));
      const r = await c.query<{ rolname: string; rolcanlogin: boolean }>(
        `SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY($1::text[])`,
        [[this.owner, 'user@example.com']],
      );
      // They are recorded as identity roles (LAKEBASE_OAUTH_V1), which log in with a credential;
      // a folder seeded before that made the demo identity NOLOGIN.
      for (const row of r.rows) if (!row.rolcanlogin) await c.query(`ALTER ROLE ${quoteIdent(row.rolname)} LOGIN`);
      return r.rows.map((row) => row.rolname);
    });
    for (const role of roles) {
      const id = suggestId(role) ?? 'role';
      d.roles[roleName(projectId, ROOT_BRANCH, id)] = {
        project_id: projectId,
        branch_id: ROOT_BRANCH,
        role_id: id,
        create_time: now,
        update_time: now,
        lifecycle: 'ready',
        spec: {
          postgres_role: role,
          identity_type: 'USER',
          auth_method: 'LAKEBASE_OAUTH_V1',
          attributes: {},
          membership_roles: role === this.owner ? ['DATABRICKS_SUPERUSER'] : [],
        },
      };
    }
    const dbId = suggestId(DEFAULT_DATABASE) ?? 'databricks-postgres';
    d.databases[databaseName(projectId, ROOT_BRANCH, dbId)] = {
      project_id: projectId,
      branch_id: ROOT_BRANCH,
      database_id: dbId,
      create_time: now,
      update_time: now,
      lifecycle: 'ready',
      spec: { postgres_database: DEFAULT_DATABASE, role: roleName(projectId, ROOT_BRANCH, suggestId(this.owner) ?? 'owner') },
      // The foundation seeded pgrst.pre_config(): its Data API is on.
      data_api: { create_time: now, update_time: now, spec: { db_schemas: ['public'], db_aggregates_enabled: true } },
    };
    await this.takeBaseBackup(b);
    this.log(`Adopted the embedded cluster as project "${projectId}", branch "${ROOT_BRANCH}", endpoint "${PRIMARY_ENDPOINT}".`);
  }
}

/**
 * The PostgreSQL major of a project created without `pg_version`, as on the service: 17. Its
 * documentation lists 16 and 17 (Postgres compatibility), Databricks' Terraform and Pulumi
 * examples create projects with 17, and Neon, which Lakebase is built on, defaults to 17.
 */
export const DEFAULT_PG_VERSION: PostgresMajor = 17;

/** Every major Pier can run, for messages. */
export const SUPPORTED_PG_VERSIONS: readonly PostgresMajor[] = POSTGRES_MAJORS;

/** Finds each major's programs; a major whose package is missing is left out (and said in the log). */
async function findAllBinaries(log: ((line: string) => void) | undefined): Promise<Map<PostgresMajor, PostgresBinaries>> {
  const found = new Map<PostgresMajor, PostgresBinaries>();
  for (const major of POSTGRES_MAJORS) {
    try {
      found.set(major, await findPostgresBinaries({ major }));
    } catch (err) {
      log?.(`PostgreSQL ${major} is unavailable: ${(err as Error).message}`);
    }
  }
  return found;
}

export function defaultProjectSpec(
  projectId: string,
  displayName?: string,
  pgVersion: PostgresMajor = DEFAULT_PG_VERSION,
): ProjectRecord['spec'] {
  return {
    display_name: displayName ?? projectId,
    pg_version: pgVersion,
    history_retention_duration: '604800s',
    default_endpoint_settings: {
      autoscaling_limit_min_cu: 1,
      autoscaling_limit_max_cu: 1,
      suspend_timeout_duration: '86400s',
    },
    default_branch: branchName(projectId, ROOT_BRANCH),
    enable_pg_native_login: false,
    custom_tags: [],
  };
}

/**
 * `pg_settings` are raw GUCs from the API. Only settings that tune a session's or the server's
 * performance are passed to the postmaster; anything that could run programs or move files
 * (archive/restore commands, paths, preload libraries, listen addresses) is ignored.
 */
export const APPLIED_PG_SETTINGS = new Set([
  'work_mem',
  'maintenance_work_mem',
  'shared_buffers',
  'effective_cache_size',
  'max_connections',
  'temp_buffers',
  'statement_timeout',
  'lock_timeout',
  'idle_in_transaction_session_timeout',
  'idle_session_timeout',
  'random_page_cost',
  'seq_page_cost',
  'effective_io_concurrency',
  'default_statistics_target',
  'jit',
  'max_parallel_workers_per_gather',
  'max_parallel_workers',
  'max_worker_processes',
  'log_min_duration_statement',
  'log_statement',
  'timezone',
  'datestyle',
  'default_transaction_isolation',
  'default_transaction_read_only',
  'search_path',
  'application_name',
  'client_min_messages',
  'track_io_timing',
]);

export function applicablePgSettings(settings: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(settings ?? {})) {
    if (APPLIED_PG_SETTINGS.has(k.toLowerCase()) && typeof v === 'string' && !v.includes('\0')) out[k.toLowerCase()] = v;
  }
  return out;
}

export function suspendAfterMs(ep: EndpointRecord): number | null {
  if (ep.spec.no_suspension) return null;
  const s = parseDuration(ep.spec.suspend_timeout_duration);
  return s === undefined ? null : s * 1000;
}

const WORDS = [
  'amber',
  'brisk',
  'calm',
  'dawn',
  'ember',
  'fern',
  'gale',
  'harbor',
  'iris',
  'jade',
  'kelp',
  'lark',
  'moss',
  'nova',
  'opal',
  'pine',
  'quill',
  'reef',
  'sage',
  'tide',
];

/** `ep-<word>-<word>-<suffix>`, like the service's endpoint uids. */
export function endpointUid(): string {
  const b = randomBytes(6);
  return `ep-${WORDS[b[0]! % WORDS.length]}-${WORDS[b[1]! % WORDS.length]}-${b.subarray(2).toString('hex')}`;
}

/**
 * Lakebase's standard roles in a cluster: `databricks_superuser`, the owner identity (a member
 * of it) and `authenticator` (which the Data API logs in as and may switch to granted identities).
 */
export async function bootstrapRoles(c: pg.ClientBase, owner: string): Promise<void> {
  const has = async (role: string) => ((await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount ?? 0) > 0;
  if (!(await has('databricks_superuser'))) {
    await c.query('CREATE ROLE databricks_superuser NOLOGIN CREATEDB CREATEROLE BYPASSRLS');
    await c.query('GRANT pg_read_all_data, pg_write_all_data, pg_monitor, pg_signal_backend TO databricks_superuser WITH ADMIN OPTION');
  }
  if (!(await has('authenticator'))) await c.query('CREATE ROLE authenticator LOGIN NOINHERIT');
  if (!(await has(owner))) await c.query(`CREATE ROLE ${quoteIdent(owner)} LOGIN CREATEDB CREATEROLE`);
  await c.query(`GRANT databricks_superuser TO ${quoteIdent(owner)}`);
  // The owner is deliberately not granted to authenticator: on Lakebase that grant of an elevated
  // role fails, and a Data API that could switch to the owner would bypass every policy.
}

export async function clusterSize(c: pg.ClientBase): Promise<number> {
  const r = await c.query<{ size: string }>('SELECT coalesce(sum(pg_database_size(oid)), 0)::text AS size FROM pg_database');
  return Number(r.rows[0]?.size ?? 0);
}
