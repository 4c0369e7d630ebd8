import type { JWK } from 'jose';
import { ApiFailure } from './apiFailure';
import { parseResourceName } from '../../../shared/management/resourceName';
import { notFound, PierError } from '../../errors/PierError';
import { DEFAULT_DATABASE, resetSampleData, SAMPLE_TABLES } from '../seed/sampleDatabase';
import type { ApiCall } from './apiCall';
import { ControlPlaneCore, type ControlPlaneOptions } from './controlPlaneCore';
import { createBranch, deleteBranch, getBranch, listBranches, undeleteBranch, updateBranch } from './branchHandlers';
import { createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, updateEndpoint, wakeEndpoint } from './endpointHandlers';
import { createProject, deleteProject, getProject, listProjects, undeleteProject, updateProject } from './projectHandlers';
import { createRole, deleteRole, getRole, listRoles, updateRole } from './roleHandlers';
import { createDatabase, deleteDatabase, getDatabase, listDatabases, updateDatabase } from './databaseHandlers';
import { disableDataApi, enableDataApi, getDataApi, updateDataApi } from './dataApiHandlers';
import { generateCredential } from './credentialHandler';
import { isObject } from './wireValues';
import type { BranchRecord, EndpointRecord } from './controlPlaneState';
import { endpointName } from '../../../shared/management';
import { runMaintenance, type MaintenanceReport } from './maintenance';
import { restoreBranch } from './branchRestore';
import { projectOfPath, requireLevel, requireWorkspaceOwner, routePermissions } from './projectPermissions';
import { endpointDirectory } from './endpointDirectory';
import { PostgresProxy } from '../proxy/postgresProxy';
import { openLocalCertificateAuthority } from '../tls/localCertificateAuthority';

/** How often purges, expirations and history pruning run. */
const MAINTENANCE_EVERY_MS = 10 * 60_000;

export type { ControlPlaneOptions } from './controlPlaneCore';

/** A framework-neutral HTTP request, as the server hands it over. */
export interface HandlerRequest {
  readonly method: string;
  /** The path after the mount point (`/api/2.0/postgres`), e.g. `/projects/p/branches`. */
  readonly path: string;
  /** The query string without `?`. */
  readonly rawQuery: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Raw body (string or bytes) or an already parsed JSON value; undefined when there is none. */
  readonly body: unknown;
}

export interface HandlerResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface ControlPlane {
  /** Serves `/api/2.0/postgres/*`. */
  handle(request: HandlerRequest): Promise<HandlerResponse>;
  /** Serves `/api/2.0/permissions/*` (`database-projects`); `path` is what follows that mount. */
  handlePermissions(request: HandlerRequest): Promise<HandlerResponse>;
  /** Public keys that verify the local issuer's tokens (for the Data API). */
  publicJwks(): { keys: JWK[] };
  /**
   * How clients reach local endpoints: the Postgres proxy's port on loopback, the host name
   * endpoints report (`localhost`, with the port unless it is 5432), and the local certificate
   * authority to trust for `sslmode=verify-full` (PEM, and its file).
   */
  postgres(): { readonly host: string; readonly port: number; readonly caFile: string; readonly caCertPem: string };
  /**
   * Where a branch's read-write compute listens on loopback for main's own connections (a relay
   * that wakes a suspended compute; Pier's own roles log in there with their passwords, without
   * TLS). Throws PierError PIER404 if the branch or its read-write endpoint is not there.
   */
  readWriteEndpoint(branch: string): Promise<{ host: string; port: number }>;
  /**
   * Where an endpoint (`projects/p/branches/b/endpoints/e`) is reached on loopback by Pier's own
   * roles, as `readWriteEndpoint` (read-only endpoints included); for tools and tests that need the
   * superuser. Throws if there is no such endpoint.
   */
  localAddress(endpoint: string): { host: string; port: number };
  /**
   * Puts the documentation's sample data back in the branch's `databricks_postgres`, in one
   * transaction. PierError PIER409 on a protected branch, PIER404 when the branch, its read-write
   * endpoint or the database is not there.
   */
  resetSampleData(branch: string): Promise<{ branch: string; database: string; tables: string[] }>;
  /**
   * Calls `listener` with the full name of a branch whose cluster a restore (reset) replaced: its
   * endpoint listens where it did, but every connection made before is gone and its schema may differ.
   */
  onDidReplaceBranch(listener: (branch: string) => void): () => void;
  /** Suspends an endpoint now (ACTIVE → IDLE), e.g. to measure or demonstrate resume. */
  suspendEndpoint(name: string): Promise<void>;
  /** Whether a branch's read-write endpoint runs, or sleeps (idle, or suspended by the user: `disabled`). */
  readWriteEndpointState(branch: string): Promise<'active' | 'suspended'>;
  /** Wakes a branch's read-write endpoint (enabling it if suspended) and waits until it accepts connections; true if it slept. */
  wakeReadWriteEndpoint(branch: string): Promise<boolean>;
  /** Runs housekeeping now (it also runs every 10 minutes); `now` lets tests look ahead in time. */
  runMaintenance(now?: number): Promise<MaintenanceReport>;
  /** Finishes running operations, closes proxies and stops every postmaster it started. */
  dispose(): Promise<void>;
}

/**
 * The Lakebase management API over local PostgreSQL clusters. State lives in
 * `<dataDir>/control-plane.json` and the clusters under `<dataDir>/clusters/`.
 */
export async function createControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const core = await ControlPlaneCore.open(options);
  let proxy: PostgresProxy;
  let ca: Awaited<ReturnType<typeof openLocalCertificateAuthority>>;
  try {
    ca = await openLocalCertificateAuthority(core.dataDir, core.log);
    proxy = new PostgresProxy({
      directory: endpointDirectory(core),
      credentials: core.credentials,
      server: ca.server,
      postmaster: core.access.client,
      log: core.log,
    });
    // The port asked for, else the one used last time (so hosts.host stays put across restarts), else any.
    const preferred = options.postgresPort ?? 5432;
    const remembered = core.data.postgres_port;
    const port = await proxy.listen([
      ...(preferred !== 0 ? [preferred] : []),
      ...(remembered && remembered !== preferred ? [remembered] : []),
    ]);
    core.postgresPort = port;
    if (preferred !== 0 && port !== preferred)
      core.log(`Port ${preferred} is taken: local endpoints are at localhost:${port} (hosts.host says so).`);
    if (port !== preferred && port !== remembered) {
      core.data.postgres_port = port;
      await core.store.save();
    }
  } catch (err) {
    await core.dispose();
    throw err;
  }
  let maintaining: Promise<unknown> = Promise.resolve();
  const maintain = (now?: number) => {
    const run = maintaining.then(() => runMaintenance(core, now));
    maintaining = run.catch((err: Error) => core.log(`Maintenance failed: ${err.message}`));
    return run;
  };
  const timer = setInterval(() => void maintain(), MAINTENANCE_EVERY_MS);
  timer.unref();
  return {
    handle: (request) => handleRequest(core, request, route),
    handlePermissions: (request) => handleRequest(core, request, routePermissions),
    publicJwks: () => options.issuer.publicJwks(),
    postgres: () => ({ host: core.endpointHost(), port: proxy.port, caFile: ca.caFile, caCertPem: ca.caCertPem }),
    async readWriteEndpoint(branch) {
      const { record } = branchOf(core, branch);
      try {
        return { host: '127.0.0.1', port: core.primaryRuntime(record).port };
      } catch {
        throw notFound(`Branch ${branch} has no running read-write endpoint: create one to open its tables.`, 'Refresh the tree.');
      }
    },
    async readWriteEndpointState(branch) {
      const ep = readWriteRecord(core, branch);
      return ep.spec.disabled || core.runtimes.get(endpointName(ep.project_id, ep.branch_id, ep.endpoint_id))?.state !== 'ACTIVE'
        ? 'suspended'
        : 'active';
    },
    wakeReadWriteEndpoint: (branch) => wakeEndpoint(core, readWriteRecord(core, branch)),
    localAddress(name) {
      const runtime = core.runtimes.get(name);
      if (!runtime) throw new Error(`No endpoint ${name}.`);
      return { host: '127.0.0.1', port: runtime.port };
    },
    resetSampleData: (branch) => resetBranchSample(core, branch),
    onDidReplaceBranch(listener) {
      core.branchReplacedListeners.add(listener);
      return () => core.branchReplacedListeners.delete(listener);
    },
    async suspendEndpoint(name) {
      const runtime = core.runtimes.get(name);
      if (!runtime) throw new Error(`No endpoint ${name}.`);
      await runtime.suspend();
    },
    runMaintenance: (now) => maintain(now),
    async dispose() {
      clearInterval(timer);
      await maintaining;
      await proxy.close();
      await core.dispose();
    },
  };
}

/** A branch by its resource name (`projects/p/branches/b`); PIER404 if there is no such branch. */
function branchOf(core: ControlPlaneCore, branch: string): { ref: { projectId: string; branchId: string }; record: BranchRecord } {
  const ref = parseResourceName(branch);
  const record = ref?.kind === 'branch' ? core.findBranch(ref.projectId, ref.branchId) : undefined;
  if (ref?.kind !== 'branch' || !record) throw notFound(`Branch ${branch} does not exist (it may have been deleted).`, 'Refresh the tree.');
  return { ref, record };
}

/** The read-write endpoint record of a branch, by the branch's resource name; PIER404 if either is missing. */
function readWriteRecord(core: ControlPlaneCore, branch: string): EndpointRecord {
  const { record } = branchOf(core, branch);
  const rw = core.endpointsOf(record).find((e) => e.spec.endpoint_type === 'ENDPOINT_TYPE_READ_WRITE' && e.lifecycle !== 'purging');
  if (!rw) throw notFound(`Branch ${branch} has no read-write endpoint: create one to open its tables.`, 'Refresh the tree.');
  return rw;
}

/**
 * The sample reset of a local branch: refused on a protected branch (as deleting it is), queued
 * behind the project's operations so it never races a branch copy, run as the superuser.
 */
async function resetBranchSample(core: ControlPlaneCore, branch: string): Promise<{ branch: string; database: string; tables: string[] }> {
  const { ref, record } = branchOf(core, branch);
  return core.ops.enqueue(ref.projectId, async () => {
    if (record.spec.is_protected) {
      throw new PierError('PIER409', `Branch ${ref.branchId} is protected; its sample data cannot be reset.`, {
        hint: 'Reset the sample on a branch of it instead, or unprotect the branch first.',
      });
    }
    let runtime;
    try {
      runtime = core.primaryRuntime(record);
    } catch {
      throw notFound(`Branch ${branch} has no running read-write endpoint.`, 'Create one, then reset the sample.');
    }
    const exists = await runtime.withClient(
      'postgres',
      async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [DEFAULT_DATABASE])).rowCount,
    );
    if (!exists) throw notFound(`Branch ${ref.branchId} has no database ${DEFAULT_DATABASE} to hold the sample.`, 'Create it first.');
    await runtime.withClient(DEFAULT_DATABASE, resetSampleData);
    core.log(`Reset the sample data of ${branch}.`);
    return { branch, database: DEFAULT_DATABASE, tables: [...SAMPLE_TABLES].reverse() };
  });
}

const json = (status: number, value: unknown): HandlerResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify(value),
});

async function handleRequest(
  core: ControlPlaneCore,
  request: HandlerRequest,
  routeCall: (core: ControlPlaneCore, call: ApiCall) => Promise<unknown>,
): Promise<HandlerResponse> {
  try {
    const caller = await authenticate(core, request.headers.authorization);
    const segments = request.path.split('/').filter((s) => s !== '');
    const call: ApiCall = {
      method: request.method.toUpperCase(),
      segments,
      query: new URLSearchParams(request.rawQuery),
      body: parseBody(request.body),
      caller,
    };
    return json(200, await routeCall(core, call));
  } catch (err) {
    if (err instanceof ApiFailure) {
      const res = json(err.httpStatus, err.toBody());
      if (err.errorCode === 'UNAUTHENTICATED') res.headers['www-authenticate'] = 'Bearer';
      return res;
    }
    core.log(`Management API error on ${request.method} ${request.path}: ${(err as Error).stack ?? String(err)}`);
    return json(500, { error_code: 'INTERNAL_ERROR', message: `The local control plane failed: ${(err as Error).message}`, details: [] });
  }
}

async function authenticate(core: ControlPlaneCore, header: string | string[] | undefined): Promise<string> {
  const value = Array.isArray(header) ? header[0] : header;
  const m = value ? /^Bearer\s+(\S+)$/i.exec(value) : null;
  if (!m?.[1])
    throw new ApiFailure(
      'UNAUTHENTICATED',
      'No bearer token. Send "Authorization: Bearer <token>" with a token from the local OIDC issuer (the ready file\'s tokens.owner).',
    );
  const verified = await core.options.issuer.verifyToken(m[1]);
  if (!verified.ok) throw new ApiFailure('UNAUTHENTICATED', verified.message);
  return verified.subject;
}

function parseBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  let value = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    if (text.trim() === '') return {};
    try {
      value = JSON.parse(text);
    } catch {
      throw new ApiFailure('MALFORMED_REQUEST', 'The request body is not valid JSON.');
    }
  }
  if (!isObject(value))
    throw new ApiFailure('MALFORMED_REQUEST', 'The request body must be a JSON object (the bare resource, e.g. {"spec": {…}}).');
  return value;
}

const unknownRoute = (call: ApiCall) =>
  new ApiFailure('NOT_FOUND', `No management-API method ${call.method} /api/2.0/postgres/${call.segments.join('/')}.`);

/** Checks the caller's project permission, then routes; a started operation remembers who asked. */
async function route(core: ControlPlaneCore, call: ApiCall): Promise<unknown> {
  authorize(core, call);
  const result = await routeResource(core, call);
  const started = isObject(result) && typeof result.name === 'string' ? core.data.operations[result.name] : undefined;
  if (started && call.method !== 'GET') started.requested_by = call.caller;
  return result;
}

/**
 * Who may call what (projectPermissions.ts says why): reads need CAN_USE on the project, every
 * change CAN_MANAGE, a new project the workspace owner. Listing projects filters instead, and
 * credentials are checked on the endpoint's project. A project that does not exist is left to
 * the handlers' 404.
 */
function authorize(core: ControlPlaneCore, call: ApiCall): void {
  const s = call.segments;
  // Operations are checked where they are looked up (their starter may follow them).
  if (s[0] !== 'projects' || (isOperationPath(call) && call.method === 'GET')) return;
  if (s.length === 1) {
    if (call.method !== 'POST') return;
    const existing = projectOfPath(core, ['projects', call.query.get('project_id') ?? '']);
    if (existing) requireLevel(core, existing, call.caller, 'CAN_MANAGE');
    else requireWorkspaceOwner(core, call.caller, 'create a project');
    return;
  }
  const p = projectOfPath(core, s);
  if (p) requireLevel(core, p, call.caller, call.method === 'GET' ? 'CAN_USE' : 'CAN_MANAGE');
}

const isOperationPath = (call: ApiCall) => call.segments.length >= 4 && call.segments[call.segments.length - 2] === 'operations';

/** Routes on the resource hierarchy; names arrive unescaped with their slashes. */
async function routeResource(core: ControlPlaneCore, call: ApiCall): Promise<unknown> {
  const s = call.segments;
  const m = call.method;
  // Operation names are `<resource name>/operations/<id>`.
  if (isOperationPath(call) && m === 'GET') {
    const name = s.join('/');
    const record = core.data.operations[name];
    const op = core.ops.get(name);
    if (!record || !op) throw new ApiFailure('NOT_FOUND', `Operation ${name} not found; it may have expired.`);
    // Whoever started it may follow it (a purged project has no permissions left to ask).
    const p = projectOfPath(core, s);
    if (record.requested_by !== call.caller && call.caller !== core.owner) {
      if (p) requireLevel(core, p, call.caller, 'CAN_USE');
      else throw new ApiFailure('PERMISSION_DENIED', `${call.caller} did not start operation ${name}, and its project is gone.`);
    }
    return op;
  }
  if (s.length === 1 && s[0] === 'credentials' && m === 'POST') return generateCredential(core, call);
  if (s[0] !== 'projects') throw unknownRoute(call);
  const [, p, c1, b, c2, x, c3] = s;
  if (s.length === 1) {
    if (m === 'GET') return listProjects(core, call);
    if (m === 'POST') return createProject(core, call);
  } else if (p !== undefined && s.length === 2) {
    if (m === 'GET') return getProject(core, p);
    if (m === 'PATCH') return updateProject(core, call, p);
    if (m === 'DELETE') return deleteProject(core, call, p);
  } else if (p !== undefined && s.length === 3 && c1 === 'undelete' && m === 'POST') {
    return undeleteProject(core, p);
  } else if (p !== undefined && c1 === 'branches') {
    if (s.length === 3) {
      if (m === 'GET') return listBranches(core, call, p);
      if (m === 'POST') return createBranch(core, call, p);
    } else if (b !== undefined && s.length === 4) {
      if (m === 'GET') return getBranch(core, p, b);
      if (m === 'PATCH') return updateBranch(core, call, p, b);
      if (m === 'DELETE') return deleteBranch(core, call, p, b);
    } else if (b !== undefined && s.length === 5 && c2 === 'undelete' && m === 'POST') {
      return undeleteBranch(core, p, b);
    } else if (b !== undefined && s.length === 5 && c2 === 'restore' && m === 'POST') {
      return restoreBranch(core, call, p, b);
    } else if (b !== undefined && c2 === 'endpoints') {
      if (s.length === 5 && m === 'GET') return listEndpoints(core, call, p, b);
      if (s.length === 5 && m === 'POST') return createEndpoint(core, call, p, b);
      if (x !== undefined && s.length === 6) {
        if (m === 'GET') return getEndpoint(core, p, b, x);
        if (m === 'PATCH') return updateEndpoint(core, call, p, b, x);
        if (m === 'DELETE') return deleteEndpoint(core, p, b, x);
      }
    } else if (b !== undefined && c2 === 'roles') {
      if (s.length === 5 && m === 'GET') return listRoles(core, call, p, b);
      if (s.length === 5 && m === 'POST') return createRole(core, call, p, b);
      if (x !== undefined && s.length === 6) {
        if (m === 'GET') return getRole(core, p, b, x);
        if (m === 'PATCH') return updateRole(core, call, p, b, x);
        if (m === 'DELETE') return deleteRole(core, call, p, b, x);
      }
    } else if (b !== undefined && c2 === 'databases') {
      if (s.length === 5 && m === 'GET') return listDatabases(core, call, p, b);
      if (s.length === 5 && m === 'POST') return createDatabase(core, call, p, b);
      if (x !== undefined && s.length === 6) {
        if (m === 'GET') return getDatabase(core, p, b, x);
        if (m === 'PATCH') return updateDatabase(core, call, p, b, x);
        if (m === 'DELETE') return deleteDatabase(core, p, b, x);
      }
      if (x !== undefined && s.length === 7 && c3 === 'data-api') {
        if (m === 'GET') return getDataApi(core, p, b, x);
        if (m === 'POST') return enableDataApi(core, call, p, b, x);
        if (m === 'PATCH') return updateDataApi(core, call, p, b, x);
        if (m === 'DELETE') return disableDataApi(core, p, b, x);
      }
    }
  }
  throw unknownRoute(call);
}
