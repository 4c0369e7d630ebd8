/**
 * The typed management-API client (`/api/2.0/postgres/…`), for a Databricks workspace and for
 * Pier's local control plane alike. Every method returns a CloudResult; mutations return a
 * `Pending` whose `wait()` follows the long-running operation.
 */
import type { MaskedKind } from '../../shared/management/updateMask';
import { buildUpdateMask } from '../../shared/management/updateMask';
import { parseResourceName, type ResourceKind } from '../../shared/management/resourceName';
import { validateId, type IdField } from '../../shared/management/ids';
import type {
  Branch,
  BranchSpec,
  DataApi,
  DataApiSpec,
  Database,
  DatabaseCredential,
  DatabaseSpec,
  Endpoint,
  EndpointSpec,
  GenerateDatabaseCredentialRequest,
  Operation,
  Project,
  ProjectSpec,
  Role,
  RoleSpec,
} from '../../shared/management/resources';
import { EMPTY_TYPE } from '../../shared/management/resources';
import { cloudFail, cloudOk, type CloudError, type CloudResult } from './cloudError';
import { ManagementTransport, type CallResponse, type CallSpec, type TransportOptions } from './managementTransport';
import {
  normalizeBranch,
  normalizeCredential,
  normalizeDataApi,
  normalizeDatabase,
  normalizeEndpoint,
  normalizeListPage,
  normalizeOperation,
  normalizeProject,
  normalizeRole,
} from './normalize';
import { sleep } from './retryPolicy';
import { waitForOperation, type WaitOptions } from './waitForOperation';

/** A started mutation: the server's Operation, and a way to wait for its result. */
export interface Pending<T> {
  readonly operation: Operation;
  wait(options?: WaitOptions): Promise<CloudResult<T>>;
}

/** The result of deletes and undeletes. */
export type Empty = { readonly '@type'?: string };

export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken?: string;
}

export interface ListOptions {
  readonly pageSize?: number;
  readonly pageToken?: string;
  readonly signal?: AbortSignal;
}

export interface ListDeletedOptions extends ListOptions {
  readonly showDeleted?: boolean;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

interface ResourceInfo<T> {
  readonly kind: ResourceKind;
  readonly noun: string;
  readonly plural: string;
  readonly read: (raw: unknown) => T;
}

const PROJECT: ResourceInfo<Project> = { kind: 'project', noun: 'project', plural: 'projects', read: normalizeProject };
/** The body of `POST …/branches/{b}/restore` (Neon's restore at Lakebase's field names). */
export interface RestoreBranchRequest {
  readonly source_branch: string;
  readonly source_branch_time?: string;
  readonly source_branch_lsn?: string;
  readonly preserve_under_name?: string;
}

const BRANCH: ResourceInfo<Branch> = { kind: 'branch', noun: 'branch', plural: 'branches', read: normalizeBranch };
const ENDPOINT: ResourceInfo<Endpoint> = {
  kind: 'endpoint',
  noun: 'compute endpoint',
  plural: 'compute endpoints',
  read: normalizeEndpoint,
};
const ROLE: ResourceInfo<Role> = { kind: 'role', noun: 'role', plural: 'roles', read: normalizeRole };
const DATABASE: ResourceInfo<Database> = { kind: 'database', noun: 'database', plural: 'databases', read: normalizeDatabase };
const DATA_API: ResourceInfo<DataApi> = { kind: 'dataApi', noun: 'Data API', plural: 'Data APIs', read: normalizeDataApi };

const readEmpty = (raw: unknown): Empty => (typeof raw === 'object' && raw !== null ? (raw as Empty) : {});

/** A finished operation made up by the client when it recovered the outcome of a replayed call. */
const doneOperation = (response: unknown): Operation => ({ done: true, response });

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Does an existing resource look like the one we asked to create? Compares the scalar fields of
 * the spec we sent with the effective values the server reports (GET returns `status`).
 */
function matchesSpec(sent: unknown, existing: unknown): boolean {
  const spec = isObj(sent) ? sent : {};
  const ex = isObj(existing) ? existing : {};
  const status = isObj(ex.status) ? ex.status : {};
  const echoed = isObj(ex.spec) ? ex.spec : {};
  for (const [k, v] of Object.entries(spec)) {
    if (v === undefined || typeof v === 'object') continue;
    const got = status[k] ?? echoed[k];
    if (got !== undefined && typeof got !== 'object' && got !== v) return false;
  }
  return true;
}

/** A branch or endpoint still being created or changed (`INIT`, or a pending state). */
function isSettling(resource: unknown): boolean {
  const status = isObj(resource) && isObj(resource.status) ? resource.status : {};
  return status.current_state === 'INIT' || (typeof status.pending_state === 'string' && status.pending_state !== '');
}

export class ManagementClient {
  readonly transport: ManagementTransport;

  constructor(options: TransportOptions) {
    this.transport = new ManagementTransport(options);
  }

  // ─── plumbing ───────────────────────────────────────────────────────────

  private checkName(name: string, kind: ResourceKind, noun: string): CloudError | undefined {
    const parsed = parseResourceName(name);
    if (parsed?.kind === kind) return undefined;
    return { code: 'CLOUD_INVALID_INPUT', message: `"${name}" is not a ${noun} name.`, details: {} };
  }

  private checkId(field: IdField, id: string | undefined): CloudError | undefined {
    if (id === undefined) return undefined;
    const check = validateId(field, id);
    return check.ok ? undefined : { code: 'CLOUD_INVALID_INPUT', message: check.message, details: {} };
  }

  private async send(call: CallSpec): Promise<CloudResult<unknown>> {
    const res = await this.transport.call(call);
    return res.ok ? cloudOk(res.value.body) : res;
  }

  private async get<T>(info: ResourceInfo<T>, name: string, opts: CallOptions = {}): Promise<CloudResult<T>> {
    const bad = this.checkName(name, info.kind, info.noun);
    if (bad) return { ok: false, error: bad };
    const res = await this.send({ method: 'GET', path: name, replaySafe: true, what: `read ${info.noun} ${name}`, ...opts });
    return res.ok ? cloudOk(info.read(res.value)) : res;
  }

  private async list<T>(info: ResourceInfo<T>, parent: string, key: string, opts: ListDeletedOptions): Promise<CloudResult<Page<T>>> {
    const res = await this.send({
      method: 'GET',
      path: parent === '' ? key : `${parent}/${key}`,
      query: { page_size: opts.pageSize, page_token: opts.pageToken, show_deleted: opts.showDeleted },
      replaySafe: true,
      what: `list ${info.plural}${parent === '' ? '' : ` of ${parent}`}`,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return res.ok ? cloudOk(normalizeListPage(res.value, key, info.read)) : res;
  }

  /** Starts a mutation; the answer is an Operation to wait on. */
  private async mutate<T>(call: CallSpec, what: string, read: (raw: unknown) => T): Promise<CloudResult<Pending<T>>> {
    const res = await this.transport.call(call);
    if (!res.ok) return res;
    const operation = normalizeOperation(res.value.body);
    return cloudOk({
      operation,
      wait: (options?: WaitOptions) => waitForOperation(this.transport, operation, what, read, options),
    });
  }

  private async create<T>(
    info: ResourceInfo<T>,
    parent: string,
    collection: string,
    idField: IdField,
    id: string | undefined,
    body: { spec?: unknown } & object,
    opts: { replaceExisting?: boolean; signal?: AbortSignal },
  ): Promise<CloudResult<Pending<T>>> {
    const bad = this.checkId(idField, id);
    if (bad) return { ok: false, error: bad };
    const name = id === undefined ? undefined : parent === '' ? `${collection}/${id}` : `${parent}/${collection}/${id}`;
    const what = name === undefined ? `create a ${info.noun} in ${parent}` : `create ${info.noun} ${name}`;
    return this.mutate(
      {
        method: 'POST',
        path: parent === '' ? collection : `${parent}/${collection}`,
        query: { [idField]: id, replace_existing: opts.replaceExisting },
        body,
        // Without an id a repeated create could make a second resource; with one it cannot.
        replaySafe: id !== undefined,
        what,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(name === undefined ? {} : { recoverAfterReplay: (e: CloudError) => this.recoverCreate(info, name, body.spec, e) }),
      },
      what,
      info.read,
    );
  }

  /** A replayed create met "already exists": if the resource is the one we asked for, the first attempt made it. */
  private async recoverCreate<T>(
    info: ResourceInfo<T>,
    name: string,
    spec: unknown,
    error: CloudError,
  ): Promise<CloudResult<CallResponse> | undefined> {
    if (error.code !== 'CLOUD_ALREADY_EXISTS') return undefined;
    let existing = await this.send({ method: 'GET', path: name, replaySafe: true, what: `read ${info.noun} ${name}` });
    if (!existing.ok || !matchesSpec(spec, existing.value)) return undefined;
    // Our first attempt's operation may still be running (we lost its name with the answer):
    // wait for the resource to settle, as wait() would have.
    const deadline = Date.now() + 120_000;
    while (existing.ok && !(await this.isSettled(existing.value)) && Date.now() < deadline) {
      await sleep(500);
      existing = await this.send({ method: 'GET', path: name, replaySafe: true, what: `read ${info.noun} ${name}` });
    }
    if (!existing.ok) return undefined;
    return cloudOk({ status: 200, body: doneOperation(existing.value), requestId: error.details.request_id ?? '', replayed: true });
  }

  private async update<T, S extends object>(
    info: ResourceInfo<T> & { kind: MaskedKind },
    name: string,
    changes: S,
    opts: { mask?: readonly string[]; signal?: AbortSignal },
  ): Promise<CloudResult<Pending<T>>> {
    const bad = this.checkName(name, info.kind, info.noun);
    if (bad) return { ok: false, error: bad };
    const mask = opts.mask ?? buildUpdateMask(info.kind, changes);
    if (mask.length === 0) return cloudFail('CLOUD_INVALID_INPUT', `Nothing to change on ${info.noun} ${name}.`);
    const what = `update ${info.noun} ${name}`;
    return this.mutate(
      {
        method: 'PATCH',
        path: name,
        query: { update_mask: mask.join(',') },
        body: { spec: changes },
        replaySafe: true,
        what,
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      what,
      info.read,
    );
  }

  private async remove(
    info: ResourceInfo<unknown>,
    name: string,
    query: CallSpec['query'],
    opts: CallOptions,
  ): Promise<CloudResult<Pending<Empty>>> {
    const bad = this.checkName(name, info.kind, info.noun);
    if (bad) return { ok: false, error: bad };
    const what = `delete ${info.noun} ${name}`;
    return this.mutate(
      {
        method: 'DELETE',
        path: name,
        ...(query ? { query } : {}),
        replaySafe: true,
        what,
        ...(opts.signal ? { signal: opts.signal } : {}),
        // Our earlier attempt deleted it and the answer was lost.
        recoverAfterReplay: (e) =>
          Promise.resolve(
            e.code === 'CLOUD_NOT_FOUND'
              ? cloudOk({
                  status: 200,
                  body: doneOperation({ '@type': EMPTY_TYPE }),
                  requestId: e.details.request_id ?? '',
                  replayed: true,
                })
              : undefined,
          ),
      },
      what,
      readEmpty,
    );
  }

  private async undelete(info: ResourceInfo<Project | Branch>, name: string, opts: CallOptions): Promise<CloudResult<Pending<Empty>>> {
    const bad = this.checkName(name, info.kind, info.noun);
    if (bad) return { ok: false, error: bad };
    const what = `restore ${info.noun} ${name}`;
    return this.mutate(
      {
        method: 'POST',
        path: `${name}/undelete`,
        body: {},
        replaySafe: true,
        what,
        ...(opts.signal ? { signal: opts.signal } : {}),
        recoverAfterReplay: async (e) => {
          const current = await this.send({ method: 'GET', path: name, replaySafe: true, what: `read ${info.noun} ${name}` });
          if (!current.ok || !isObj(current.value) || current.value.delete_time !== undefined) return undefined;
          return cloudOk({
            status: 200,
            body: doneOperation({ '@type': EMPTY_TYPE }),
            requestId: e.details.request_id ?? '',
            replayed: true,
          });
        },
      },
      what,
      readEmpty,
    );
  }

  /**
   * Has a resource finished being created? Branches and endpoints say so in their state; a project
   * is ready once its default branch is (the service creates it with the project).
   */
  private async isSettled(resource: unknown): Promise<boolean> {
    if (isSettling(resource)) return false;
    const r = isObj(resource) ? resource : {};
    const status = isObj(r.status) ? r.status : {};
    if (typeof r.name === 'string' && parseResourceName(r.name)?.kind === 'project' && typeof status.default_branch === 'string') {
      if (parseResourceName(status.default_branch)?.kind !== 'branch') return true;
      const branch = await this.send({
        method: 'GET',
        path: status.default_branch,
        replaySafe: true,
        what: `read branch ${status.default_branch}`,
      });
      return branch.ok && !isSettling(branch.value);
    }
    return true;
  }

  /** Follows any operation, e.g. one returned by an earlier call. */
  wait<T>(operation: Operation, what: string, read: (raw: unknown) => T, options?: WaitOptions): Promise<CloudResult<T>> {
    return waitForOperation(this.transport, operation, what, read, options);
  }

  async getOperation(name: string, opts: CallOptions = {}): Promise<CloudResult<Operation>> {
    if (!/^[A-Za-z0-9._~\-/]+$/.test(name) || name.split('/').some((s) => s === '..' || s === '.')) {
      return cloudFail('CLOUD_INVALID_INPUT', `"${name}" is not an operation name.`);
    }
    const res = await this.send({ method: 'GET', path: name, replaySafe: true, what: `read operation ${name}`, ...opts });
    return res.ok ? cloudOk(normalizeOperation(res.value)) : res;
  }

  // ─── projects ───────────────────────────────────────────────────────────

  createProject(projectId: string, project: Project, opts: CallOptions = {}): Promise<CloudResult<Pending<Project>>> {
    return this.create(PROJECT, '', 'projects', 'project_id', projectId, project, opts);
  }
  getProject(name: string, opts?: CallOptions): Promise<CloudResult<Project>> {
    return this.get(PROJECT, name, opts);
  }
  listProjects(opts: ListDeletedOptions = {}): Promise<CloudResult<Page<Project>>> {
    return this.list(PROJECT, '', 'projects', opts);
  }
  projects(opts: Omit<ListDeletedOptions, 'pageToken'> = {}): AsyncGenerator<CloudResult<Project>> {
    return paginate((pageToken) => this.listProjects({ ...opts, ...(pageToken ? { pageToken } : {}) }));
  }
  /** `changes` holds only the spec fields the user changed; the mask is built from them. */
  updateProject(
    name: string,
    changes: ProjectSpec,
    opts: { mask?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<CloudResult<Pending<Project>>> {
    return this.update({ ...PROJECT, kind: 'project' }, name, changes, opts);
  }
  deleteProject(name: string, opts: CallOptions & { purge?: boolean } = {}): Promise<CloudResult<Pending<Empty>>> {
    return this.remove(PROJECT, name, { purge: opts.purge }, opts);
  }
  undeleteProject(name: string, opts: CallOptions = {}): Promise<CloudResult<Pending<Empty>>> {
    return this.undelete(PROJECT, name, opts);
  }

  // ─── branches ───────────────────────────────────────────────────────────

  createBranch(
    project: string,
    branchId: string,
    branch: Branch,
    opts: CallOptions & { replaceExisting?: boolean } = {},
  ): Promise<CloudResult<Pending<Branch>>> {
    const bad = this.checkName(project, 'project', 'project');
    if (bad) return Promise.resolve({ ok: false, error: bad });
    return this.create(BRANCH, project, 'branches', 'branch_id', branchId, branch, opts);
  }
  getBranch(name: string, opts?: CallOptions): Promise<CloudResult<Branch>> {
    return this.get(BRANCH, name, opts);
  }
  listBranches(project: string, opts: ListDeletedOptions = {}): Promise<CloudResult<Page<Branch>>> {
    const bad = this.checkName(project, 'project', 'project');
    if (bad) return Promise.resolve({ ok: false, error: bad });
    return this.list(BRANCH, project, 'branches', opts);
  }
  branches(project: string, opts: Omit<ListDeletedOptions, 'pageToken'> = {}): AsyncGenerator<CloudResult<Branch>> {
    return paginate((pageToken) => this.listBranches(project, { ...opts, ...(pageToken ? { pageToken } : {}) }));
  }
  updateBranch(
    name: string,
    changes: BranchSpec,
    opts: { mask?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<CloudResult<Pending<Branch>>> {
    return this.update({ ...BRANCH, kind: 'branch' }, name, changes, opts);
  }
  deleteBranch(name: string, opts: CallOptions & { purge?: boolean; allowMissing?: boolean } = {}): Promise<CloudResult<Pending<Empty>>> {
    return this.remove(BRANCH, name, { purge: opts.purge, allow_missing: opts.allowMissing }, opts);
  }
  undeleteBranch(name: string, opts: CallOptions = {}): Promise<CloudResult<Pending<Empty>>> {
    return this.undelete(BRANCH, name, opts);
  }
  /**
   * Resets a branch from `source_branch` (its parent: reset from parent; itself at a time or LSN:
   * restore, keeping the state before as `preserve_under_name`). Only Pier's local control plane
   * answers it: Databricks' API documents no reset or restore method (electron/local/README.md,
   * "Reset and restore"), so callers send it to the local workspace alone. Not replayed: a second
   * restore would replace the data again.
   */
  restoreBranch(name: string, request: RestoreBranchRequest, opts: CallOptions = {}): Promise<CloudResult<Pending<Branch>>> {
    const bad = this.checkName(name, 'branch', 'branch');
    if (bad) return Promise.resolve({ ok: false, error: bad });
    const what = `restore branch ${name}`;
    return this.mutate(
      { method: 'POST', path: `${name}/restore`, body: request, replaySafe: false, what, ...(opts.signal ? { signal: opts.signal } : {}) },
      what,
      BRANCH.read,
    );
  }

  // ─── endpoints ──────────────────────────────────────────────────────────

  createEndpoint(
    branch: string,
    endpointId: string,
    endpoint: Endpoint,
    opts: CallOptions & { replaceExisting?: boolean } = {},
  ): Promise<CloudResult<Pending<Endpoint>>> {
    const bad = this.checkName(branch, 'branch', 'branch');
    if (bad) return Promise.resolve({ ok: false, error: bad });
    return this.create(ENDPOINT, branch, 'endpoints', 'endpoint_id', endpointId, endpoint, opts);
  }
  getEndpoint(name: string, opts?: CallOptions): Promise<CloudResult<Endpoint>> {
    return this.get(ENDPOINT, name, opts);
  }
  listEndpoints(branch: string, opts: ListOptions = {}): Promise<CloudResult<Page<Endpoint>>> {
    const bad = this.checkName(branch, 'branch', 'branch');
    if (bad) return Promise.resolve({ ok: false, error: bad });
    return this.list(ENDPOINT, branch, 'endpoints', opts);
  }
  endpoints(branch: string, opts: Omit<ListOptions, 'pageToken'> = {}): AsyncGenerator<CloudResult<Endpoint>> {
    return paginate((pageToken) => this.listEndpoints(branch, { ...opts, ...(pageToken ? { pageToken } : {}) }));
  }
  updateEndpoint(
    name: string,
    changes: EndpointSpec,
    opts: { mask?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<CloudResult<Pending<Endpoint>>> {
    return this.update({ ...ENDPOINT, kind: 'endpoint' }, name, changes, opts);
  }
  deleteEndpoint(name: string, opts: CallOptions = {}): Promise<CloudResult<Pending<Empty>>> {
    return this.remove(ENDPOINT, name, undefined, opts);
  }

  // ─── roles ──────────────────────────────────────────────────────────────

  /** Give a `roleId` (e.g. `suggestId(postgres_role)`): without one, a create cannot be safely retried. */
  createRole(
    branch: string,
    roleId: string | undefined,
    role: Role,
    opts: CallOptions & { replaceExisting?: boolean } = {},
  ): Promise<CloudResult<Pending<Role>>> {
    const bad = this.checkName(branch, 'branch', 'branch');
    if (bad) return Promise.resolve({ ok: false, error: bad });
    return this.create(ROLE, branch, 'roles', 'role_id', roleId, role, opts);
  }
  getRole(name: string, opts?: CallOptions): Promise<CloudResult<Role>> {
    return this.get(ROLE, name, opts);
  }
  listRoles(branch: string, opts: ListOptions = {}): Promise<CloudResult<Page<Role>>> {
    const bad = this.checkName(branch, 'branch', 'branch');
    if (bad) return Promise.resolve({ ok: false, error: bad });
    return this.list(ROLE, branch, 'roles', opts);
  }
  roles(branch: string, opts: Omit<ListOptions, 'pageToken'> = {}): AsyncGenerator<CloudResult<Role>> {
    return paginate((pageToken) => this.listRoles(branch, { ...opts, ...(pageToken ? { pageToken } : {}) }));
  }
  updateRole(
    name: string,
    changes: RoleSpec,
    opts: { mask?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<CloudResult<Pending<Role>>> {
    return this.update({ ...ROLE, kind: 'role' }, name, changes, opts);
  }
  deleteRole(name: string, opts: CallOptions & { reassignOwnedTo?: string } = {}): Promise<CloudResult<Pending<Empty>>> {
    return this.remove(ROLE, name, { reassign_owned_to: opts.reassignOwnedTo }, opts);
  }

  // ─── databases ──────────────────────────────────────────────────────────

  createDatabase(
    branch: string,
    databaseId: string | undefined,
    database: Database,
    opts: CallOptions & { replaceExisting?: boolean } = {},
  ): Promise<CloudResult<Pending<Database>>> {
    const bad = this.checkName(branch, 'branch', 'branch');
    if (bad) return Promise.resolve({ ok: false, error: bad });
    return this.create(DATABASE, branch, 'databases', 'database_id', databaseId, database, opts);
  }
  getDatabase(name: string, opts?: CallOptions): Promise<CloudResult<Database>> {
    return this.get(DATABASE, name, opts);
  }
  listDatabases(branch: string, opts: ListOptions = {}): Promise<CloudResult<Page<Database>>> {
    const bad = this.checkName(branch, 'branch', 'branch');
    if (bad) return Promise.resolve({ ok: false, error: bad });
    return this.list(DATABASE, branch, 'databases', opts);
  }
  databases(branch: string, opts: Omit<ListOptions, 'pageToken'> = {}): AsyncGenerator<CloudResult<Database>> {
    return paginate((pageToken) => this.listDatabases(branch, { ...opts, ...(pageToken ? { pageToken } : {}) }));
  }
  updateDatabase(
    name: string,
    changes: DatabaseSpec,
    opts: { mask?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<CloudResult<Pending<Database>>> {
    return this.update({ ...DATABASE, kind: 'database' }, name, changes, opts);
  }
  deleteDatabase(name: string, opts: CallOptions = {}): Promise<CloudResult<Pending<Empty>>> {
    return this.remove(DATABASE, name, undefined, opts);
  }

  // ─── Data API (a singleton under a database) ────────────────────────────

  async enableDataApi(database: string, dataApi: DataApi = {}, opts: CallOptions = {}): Promise<CloudResult<Pending<DataApi>>> {
    const bad = this.checkName(database, 'database', 'database');
    if (bad) return { ok: false, error: bad };
    const name = `${database}/data-api`;
    const what = `enable the Data API on ${database}`;
    return this.mutate(
      {
        method: 'POST',
        path: name,
        body: dataApi,
        replaySafe: true,
        what,
        ...(opts.signal ? { signal: opts.signal } : {}),
        recoverAfterReplay: (e) => this.recoverCreate(DATA_API, name, dataApi.spec, e),
      },
      what,
      normalizeDataApi,
    );
  }
  getDataApi(database: string, opts?: CallOptions): Promise<CloudResult<DataApi>> {
    return this.get(DATA_API, `${database}/data-api`, opts);
  }
  updateDataApi(
    database: string,
    changes: DataApiSpec,
    opts: { mask?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<CloudResult<Pending<DataApi>>> {
    return this.update({ ...DATA_API, kind: 'dataApi' }, `${database}/data-api`, changes, opts);
  }
  disableDataApi(database: string, opts: CallOptions = {}): Promise<CloudResult<Pending<Empty>>> {
    return this.remove(DATA_API, `${database}/data-api`, undefined, opts);
  }

  // ─── credentials ────────────────────────────────────────────────────────

  /**
   * The signed-in user's name (`GET /api/2.0/preview/scim/v2/Me` → `userName`): the Postgres user
   * for database credentials (an email, or a service principal's application id).
   */
  async currentUserName(opts: CallOptions = {}): Promise<CloudResult<string>> {
    const res = await this.send({
      method: 'GET',
      path: '/api/2.0/preview/scim/v2/Me',
      replaySafe: true,
      what: 'read the signed-in user',
      ...opts,
    });
    if (!res.ok) return res;
    const userName = isObj(res.value) ? res.value.userName : undefined;
    if (typeof userName !== 'string' || userName === '')
      return cloudFail('CLOUD_BAD_RESPONSE', 'The workspace did not say who is signed in (no userName from SCIM /Me). Sign in again.');
    return cloudOk(userName);
  }

  /** A short-lived Postgres password for the caller's role on an endpoint (not an LRO). */
  async generateDatabaseCredential(
    request: GenerateDatabaseCredentialRequest,
    opts: CallOptions = {},
  ): Promise<CloudResult<DatabaseCredential>> {
    const bad = this.checkName(request.endpoint, 'endpoint', 'compute endpoint');
    if (bad) return { ok: false, error: bad };
    // Each call mints a new password; repeating one after a lost answer only leaves an unused password.
    const res = await this.send({
      method: 'POST',
      path: 'credentials',
      body: request,
      replaySafe: true,
      what: `get a database credential for ${request.endpoint}`,
      ...opts,
    });
    if (!res.ok) return res;
    const credential = normalizeCredential(res.value);
    if (typeof credential.token !== 'string' || credential.token === '') {
      return cloudFail('CLOUD_BAD_RESPONSE', `The server returned no database credential for ${request.endpoint}. Try again.`);
    }
    return cloudOk(credential);
  }
}

/** Follows `next_page_token` until the list ends; yields each item, or one failure and stops. */
export async function* paginate<T>(
  fetchPage: (pageToken: string | undefined) => Promise<CloudResult<Page<T>>>,
): AsyncGenerator<CloudResult<T>> {
  let token: string | undefined;
  const seen = new Set<string>();
  do {
    const page = await fetchPage(token);
    if (!page.ok) {
      yield page;
      return;
    }
    for (const item of page.value.items) yield cloudOk(item);
    token = page.value.nextPageToken;
    // A server that hands back a token it already gave would loop forever.
    if (token !== undefined) {
      if (seen.has(token)) return;
      seen.add(token);
    }
  } while (token !== undefined);
}

/** Collects an iterator into one result. */
export async function collect<T>(items: AsyncIterable<CloudResult<T>>): Promise<CloudResult<T[]>> {
  const out: T[] = [];
  for await (const r of items) {
    if (!r.ok) return r;
    out.push(r.value);
  }
  return cloudOk(out);
}
