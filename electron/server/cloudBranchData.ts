import type pg from 'pg';
import { createEngine, type Engine } from '../engine';
import { listSchemas } from '../admin/catalog';
import type { AdminLocation } from '../admin/createAdminHandlers';
import type { OutputOf, ParsedInputOf } from '../../shared/contract';
import type { Endpoint } from '../../shared/management/resources';
import { cloudFail, toRpcError, type CloudResult } from '../cloud/cloudError';
import { connectionAddress, DEFAULT_DATABASE, type EndpointPools, type PoolLease } from '../cloud/connections/endpointPools';
import { collect, type ManagementClient } from '../cloud/managementClient';
import { CloudRpcError } from '../cloud/rpc/createCloudHandlers';
import { describeRelation, listIdentities, runConsoleRequest, runConsoleTransaction } from './dataApiRoute';
import type { IDataApiService } from '../rpc/handlers';

export interface CloudBranchDataOptions {
  readonly clientFor: (workspaceId: string) => Promise<CloudResult<ManagementClient>>;
  readonly pools: EndpointPools;
  readonly log?: (line: string) => void;
  /** Close an engine (and release its pool) after this long without a request. Default 10 min. */
  readonly idleCloseMs?: number;
}

interface CloudEngine {
  readonly engine: Engine;
  readonly lease: PoolLease;
  /** The endpoint its pool logs in to. */
  readonly endpoint: string;
  /** Requests running now, and when the last one ended (for closing idle engines). */
  busy: number;
  lastUsed: number;
  closed: boolean;
}

/** What every call on a cloud branch names: the workspace, the branch and the Postgres database. */
interface CloudTarget {
  readonly workspaceId: string;
  readonly branch: string;
  readonly database: string;
}

function unwrap<T>(r: CloudResult<T>): T {
  if (!r.ok) throw new CloudRpcError(toRpcError(r.error));
  return r.value;
}

const isReadWrite = (e: Endpoint): boolean => (e.status?.endpoint_type ?? e.spec?.endpoint_type) === 'ENDPOINT_TYPE_READ_WRITE';

/**
 * The catalog and the Data API engine for branches of a cloud workspace (any workspace but
 * `local`): the same engine and catalog code as for local branches, over the workspace's
 * endpoint connections (the signed-in identity, a fresh database credential, TLS off loopback).
 * The identity is both the login and "admin"; viewing as a role switches to it inside each
 * request, which Postgres refuses if the identity is not a member of that role.
 */
export class CloudBranchData implements IDataApiService {
  /** One engine per [workspace, branch, database], made on first use. */
  private readonly engines = new Map<string, Promise<CloudEngine>>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: CloudBranchDataOptions) {}

  /** Checks what a cloud call must name (local calls default the branch; cloud ones cannot). */
  static target(input: { workspaceId?: string | undefined; branch?: string | undefined; database?: string | undefined }): CloudTarget {
    const workspaceId = input.workspaceId ?? '';
    if (!input.branch)
      throw new CloudRpcError({
        code: 'CLOUD_INVALID_INPUT',
        message: `Name the branch of workspace ${workspaceId} to read (projects/{project}/branches/{branch}).`,
        hint: 'Open the table from the tree under its branch.',
      });
    if (!input.database)
      throw new CloudRpcError({
        code: 'CLOUD_INVALID_INPUT',
        message: `Name the database on ${input.branch} to read.`,
        hint: 'Expand a database in the tree first.',
      });
    return { workspaceId, branch: input.branch, database: input.database };
  }

  async listSchemas(input: ParsedInputOf<'catalog.listSchemas'>): Promise<OutputOf<'catalog.listSchemas'>> {
    const t = CloudBranchData.target(input);
    const schemas = await this.withConnection(t, (c) => listSchemas(c));
    // Listing is the tree's refresh: let an engine already open see tables created since.
    void this.engines
      .get(keyOf(t))
      ?.then((e) => e.engine.reloadSchema())
      .catch(() => undefined);
    return schemas;
  }

  async request(input: ParsedInputOf<'dataApi.request'>): Promise<OutputOf<'dataApi.request'>> {
    const t = CloudBranchData.target(input);
    const attempt = () =>
      this.withEngine(t, async ({ engine, lease, endpoint }) => {
        let res = await runConsoleRequest(engine, input, lease.user);
        if (loginRefused(res)) {
          // The cached credential was replaced (e.g. another client of this identity asked for one):
          // nothing ran, so get a fresh one and send the request once more.
          unwrap(await this.options.pools.renewCredential({ workspaceId: t.workspaceId, endpoint, database: t.database }));
          res = await runConsoleRequest(engine, input, lease.user);
        }
        return input.viewAs.kind === 'identity' ? explainRoleSwitch(res, lease.user, input.viewAs.role) : res;
      });
    // Could not connect or load the schema (nothing ran): if the endpoint moved, look it up again once.
    const res = await attempt();
    if (!(await this.endpointMoved(t, res))) return res;
    await this.forgetBranch(t);
    return attempt();
  }

  async transaction(input: ParsedInputOf<'dataApi.transaction'>): Promise<OutputOf<'dataApi.transaction'>> {
    const t = CloudBranchData.target(input);
    const attempt = () =>
      this.withEngine(t, async ({ engine, lease, endpoint }) => {
        let r = await runConsoleTransaction(engine, input, lease.user);
        const first = r.responses.find((res) => res !== null);
        if (first && loginRefused(first)) {
          // As in request: nothing ran with the replaced credential.
          unwrap(await this.options.pools.renewCredential({ workspaceId: t.workspaceId, endpoint, database: t.database }));
          r = await runConsoleTransaction(engine, input, lease.user);
        }
        const viewAs = input.viewAs;
        return viewAs.kind === 'identity'
          ? { ...r, responses: r.responses.map((res) => res && explainRoleSwitch(res, lease.user, viewAs.role)) }
          : r;
      });
    // As in request: a transaction that could not connect ran nothing, so a moved endpoint gets one more try.
    const r = await attempt();
    const failed = r.committed ? undefined : r.responses.find((res) => res !== null);
    if (!failed || !(await this.endpointMoved(t, failed))) return r;
    await this.forgetBranch(t);
    return attempt();
  }

  async describe(input: ParsedInputOf<'dataApi.describe'>): Promise<OutputOf<'dataApi.describe'>> {
    const t = CloudBranchData.target(input);
    // No schema cache because the endpoint moved (recreated): one more try on a freshly looked-up one.
    if (await this.withEngine(t, async (e) => !(await e.engine.schemaCache()) && (await unreachable(e)))) await this.forgetBranch(t);
    return this.withEngine(t, async ({ engine, lease }) => {
      if (!(await engine.schemaCache())) {
        throw new CloudRpcError({
          code: 'CLOUD_SCHEMA_UNAVAILABLE',
          message: `Pier could not read the schema of ${t.database} on ${t.branch} as "${lease.user}", so its tables cannot be opened yet.`,
          hint: 'The server log says why (often a missing privilege of your identity, e.g. USAGE on a schema). Fix it, then press Retry.',
        });
      }
      return describeRelation(engine, input, await this.baseUrl(t));
    });
  }

  async identities(input: ParsedInputOf<'dataApi.identities'>): Promise<OutputOf<'dataApi.identities'>> {
    return this.withConnection(CloudBranchData.target(input), (c) => listIdentities(c));
  }

  /**
   * The admin tools and the SQL editor: `fn` gets the pool of the branch's read-write endpoint,
   * logged in as the signed-in identity (database default `databricks_postgres`), leased until it settles.
   */
  async withPool<T>(at: AdminLocation, fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
    const t = CloudBranchData.target({ ...at, database: at.database ?? DEFAULT_DATABASE });
    const once = async (): Promise<T> => {
      const endpoint = await this.readWriteEndpoint(t);
      const lease = unwrap(
        await this.options.pools.leasePool({ workspaceId: t.workspaceId, endpoint: endpoint.name ?? '', database: t.database }),
      );
      try {
        return await fn(lease.pool);
      } catch (err) {
        // A replaced credential refused the login: nothing ran, so log in once more with a fresh one.
        if ((err as { code?: string }).code !== '28P01') throw err;
        unwrap(
          await this.options.pools.renewCredential({ workspaceId: t.workspaceId, endpoint: endpoint.name ?? '', database: t.database }),
        );
        return await fn(lease.pool);
      } finally {
        lease.release();
      }
    };
    try {
      return await once();
    } catch (err) {
      // Refused before connecting: nothing ran, and the endpoint may have moved. Look it up again once.
      if (!CONNECT_REFUSED.has((err as { code?: string }).code ?? '')) throw err;
      await this.forgetBranch(t);
      return once();
    }
  }

  /** After a change made with `withPool`: the branch's engine reloads (cloud engines do not LISTEN). */
  async schemaChanged(at: AdminLocation): Promise<void> {
    const key = keyOf({ workspaceId: at.workspaceId ?? '', branch: at.branch ?? '', database: at.database ?? DEFAULT_DATABASE });
    await this.engines
      .get(key)
      ?.then((e) => e.engine.reloadSchema())
      .catch(() => undefined);
  }

  /** Whether a failed request (could not connect, or no schema cache) met an endpoint that is not there any more. */
  private async endpointMoved(t: CloudTarget, res: OutputOf<'dataApi.request'>): Promise<boolean> {
    if (res.status !== 503) return false;
    let code: string | undefined;
    try {
      code = (JSON.parse(res.body) as { code?: string }).code;
    } catch {
      return false;
    }
    if (code !== 'PGRST000' && code !== 'PGRST002') return false;
    const made = this.engines.get(keyOf(t));
    return made ? made.then(unreachable, () => true) : false;
  }

  /** A pooled connection to the branch's read-write endpoint; a failure to connect looks the endpoint up again once. */
  private async withConnection<T>(t: CloudTarget, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const once = async () => {
      const endpoint = await this.readWriteEndpoint(t);
      return this.options.pools.withConnection({ workspaceId: t.workspaceId, endpoint: endpoint.name ?? '', database: t.database }, fn);
    };
    let r = await once();
    if (!r.ok && r.error.code === 'CLOUD_NETWORK') {
      await this.forgetBranch(t);
      r = await once();
    }
    return unwrap(r);
  }

  /**
   * Closes the branch's engines and pools, so the next call looks its endpoint up again: an
   * endpoint deleted and recreated keeps its name but not its host.
   */
  private async forgetBranch(t: CloudTarget): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [key, made] of this.engines) {
      const [workspaceId, branch] = JSON.parse(key) as string[];
      if (workspaceId !== t.workspaceId || branch !== t.branch) continue;
      this.engines.delete(key);
      closing.push(made.then(closeEngine, () => undefined));
    }
    await Promise.all(closing);
    await this.options.pools.forgetBranch(t.workspaceId, t.branch);
  }

  /** Closes the engines of a removed workspace (its pools are closed by EndpointPools.closeWorkspace). */
  async closeWorkspace(workspaceId: string): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [key, made] of this.engines) {
      if ((JSON.parse(key) as string[])[0] !== workspaceId) continue;
      this.engines.delete(key);
      closing.push(made.then(closeEngine, () => undefined));
    }
    await Promise.all(closing);
  }

  async dispose(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    const all = [...this.engines.values()];
    this.engines.clear();
    await Promise.all(all.map((made) => made.then(closeEngine, () => undefined)));
  }

  /** Open engines (for tests and diagnostics). */
  get size(): number {
    return this.engines.size;
  }

  /** Runs `fn` with the target's engine, which is not closed as idle meanwhile. */
  private async withEngine<T>(t: CloudTarget, fn: (e: CloudEngine) => Promise<T>): Promise<T> {
    const e = await this.engine(t);
    // Closed as idle just as this request came: make a new one.
    if (e.closed) return this.withEngine(t, fn);
    e.busy++;
    try {
      return await fn(e);
    } finally {
      e.busy--;
      e.lastUsed = Date.now();
    }
  }

  /**
   * Closes engines no request used for `idleCloseMs`: their pools are released, so they close
   * when idle too and the endpoint's credential stops being renewed for them.
   */
  private sweepIdle(): void {
    const idleMs = this.options.idleCloseMs ?? 10 * 60_000;
    for (const [key, made] of this.engines) {
      void made.then(
        (e) => {
          if (e.busy > 0 || Date.now() - e.lastUsed < idleMs || this.engines.get(key) !== made) return;
          this.engines.delete(key);
          void closeEngine(e);
        },
        () => undefined,
      );
    }
    if (this.engines.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  private engine(t: CloudTarget): Promise<CloudEngine> {
    const key = keyOf(t);
    let made = this.engines.get(key);
    if (!made) {
      made = this.makeEngine(t);
      this.engines.set(key, made);
      if (!this.sweeper) {
        this.sweeper = setInterval(() => this.sweepIdle(), Math.min(60_000, Math.max(50, (this.options.idleCloseMs ?? 10 * 60_000) / 2)));
        this.sweeper.unref();
      }
      // A failure (endpoint asleep, no credential) is not cached: the next call tries again.
      made.catch(() => this.engines.get(key) === made && this.engines.delete(key));
    }
    return made;
  }

  private async makeEngine(t: CloudTarget): Promise<CloudEngine> {
    const endpoint = await this.readWriteEndpoint(t);
    const lease = unwrap(
      await this.options.pools.leasePool({ workspaceId: t.workspaceId, endpoint: endpoint.name ?? '', database: t.database }),
    );
    const log = this.options.log;
    const engine = createEngine({
      pool: lease.pool,
      ownsPool: false,
      database: t.database,
      // Cloud endpoints may sit behind a transaction pooler, which keeps no prepared statements.
      prepareStatements: false,
      // No LISTEN connection: it would keep the endpoint from suspending. The tree's refresh reloads instead.
      listen: false,
      ...(log && { log }),
    });
    return { engine, lease, endpoint: endpoint.name ?? '', busy: 0, lastUsed: Date.now(), closed: false };
  }

  /** The branch's read-write endpoint, asked of the workspace each time (endpoints move when recreated). */
  private async readWriteEndpoint(t: CloudTarget): Promise<Endpoint> {
    const client = unwrap(await this.options.clientFor(t.workspaceId));
    const endpoints = unwrap(await collect(client.endpoints(t.branch)));
    const rw = endpoints.find(isReadWrite);
    if (!rw?.name) unwrap(cloudFail('CLOUD_NOT_FOUND', `Branch ${t.branch} has no read-write endpoint: create one to open its tables.`));
    return rw as Endpoint;
  }

  /**
   * The hosted Data API's base URL for the database (the data-api resource's `status.url`). Without
   * the Data API enabled there is none yet: show Lakebase's URL shape on the endpoint's host.
   */
  private async baseUrl(t: CloudTarget): Promise<string> {
    const client = unwrap(await this.options.clientFor(t.workspaceId));
    const databases = await collect(client.databases(t.branch));
    const resource = databases.ok
      ? databases.value.find((d) => (d.status?.postgres_database ?? d.spec?.postgres_database ?? d.database_id) === t.database)
      : undefined;
    if (resource?.name) {
      const api = await client.getDataApi(resource.name);
      if (api.ok && api.value.status?.url) return api.value.status.url.replace(/\/$/, '');
    }
    const endpoint = await this.readWriteEndpoint(t);
    const host = endpoint.status?.hosts?.host ?? 'endpoint-host';
    const scheme = connectionAddress(host).tls ? 'https' : 'http';
    return `${scheme}://${host}/api/2.0/workspace/{workspace-id}/rest/${t.database}`;
  }
}

/** Errors of a connection refused before it was made (an endpoint that moved): nothing ran. */
const CONNECT_REFUSED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH']);

/** The engine's endpoint refuses connections (e.g. it was deleted, and maybe recreated elsewhere). */
function unreachable(e: CloudEngine): Promise<boolean> {
  return e.lease.pool.query('SELECT 1').then(
    () => false,
    (err: { code?: string }) => CONNECT_REFUSED.has(err.code ?? ''),
  );
}

/** The engine could not log in (wrong or replaced password): the request never ran. */
function loginRefused(res: OutputOf<'dataApi.request'>): boolean {
  if (res.status < 400) return false;
  try {
    return (JSON.parse(res.body) as { code?: string }).code === '28P01';
  } catch {
    return false;
  }
}

/**
 * Here the connection logs in as the signed-in identity, not as `authenticator`: when Postgres
 * refuses the role switch, say that membership is what is missing, and how to get it.
 */
function explainRoleSwitch(res: OutputOf<'dataApi.request'>, identity: string, role: string): OutputOf<'dataApi.request'> {
  if (res.status !== 403) return res;
  let body: { code?: string; message?: string };
  try {
    body = JSON.parse(res.body) as typeof body;
  } catch {
    return res;
  }
  if (body.code !== '42501' || !body.message?.startsWith('permission denied to set role')) return res;
  const hint = `You are signed in as "${identity}", which is not a member of "${role}". View as admin, or have an owner run GRANT "${role}" TO "${identity}" on this branch.`;
  return { ...res, body: JSON.stringify({ ...body, hint }) };
}

function keyOf(t: CloudTarget): string {
  return JSON.stringify([t.workspaceId, t.branch, t.database]);
}

async function closeEngine(e: CloudEngine): Promise<void> {
  e.closed = true;
  await e.engine.close().catch(() => undefined);
  e.lease.release();
}
