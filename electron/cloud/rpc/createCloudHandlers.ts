/**
 * Main-side handlers for the proposed `workspaces.*` and `cloud.*` calls (schemas in
 * shared/management/workspaceSchemas.ts). Failures are thrown as PierError carrying the
 * RpcError value, for the dispatcher to return as is. Nothing returned contains a secret.
 */
import type { z } from 'zod';
import type {
  Branch,
  BranchSpec,
  DataApi,
  DataApiSpec,
  Database,
  Endpoint,
  EndpointSpec,
  Project,
  Role,
  RoleSpec,
} from '../../../shared/management/resources';
import { suggestId } from '../../../shared/management/ids';
import { lastIdOf, parseResourceName, projectName } from '../../../shared/management/resourceName';
import type * as schemas from '../../../shared/management/workspaceSchemas';
import { cloudFail, toRpcError, type CloudError, type CloudResult } from '../cloudError';
import { LOCAL_WORKSPACE_ID } from '../workspaces/workspaceRegistry';
import { PierError } from '../../errors/PierError';
import { collect, type Pending } from '../managementClient';
import { parseDurationSeconds } from '../parseApiError';
import type { CloudServices } from '../createCloudServices';
import { outboundFetch } from '../../platform/outboundFetch';

function unwrap<T>(r: CloudResult<T>): T {
  if (!r.ok) throw PierError.from(toRpcError(r.error));
  return r.value;
}

function explained<T>(r: CloudResult<T>, explain: (e: CloudError) => CloudError | undefined): CloudResult<T> {
  return r.ok ? r : { ok: false, error: explain(r.error) ?? r.error };
}

/**
 * The server refuses to delete a part its parent manages (MANAGED_BY_PARENT): say which parent
 * to delete instead, keeping the server's own words in details.
 */
function managedByParent(advice: string): (e: CloudError) => CloudError | undefined {
  return (e) =>
    e.details.declarative_context === 'MANAGED_BY_PARENT' ? { ...e, code: 'CLOUD_INVALID_REQUEST', message: advice } : undefined;
}

const shortId = (name: string): string => lastIdOf(name) ?? name;
type Out<S extends z.ZodType> = z.output<S>;

/** Request headers the hosted Data API call forwards; authorization is always main's own. */
const HOSTED_HEADERS = new Set(['accept', 'prefer', 'range', 'range-unit', 'content-type', 'accept-profile', 'content-profile']);

export function projectSummary(p: Project): Out<typeof schemas.projectSummary> {
  const id = p.project_id ?? '';
  return {
    name: p.name ?? `projects/${id}`,
    id,
    displayName: p.status?.display_name ?? p.spec?.display_name ?? id,
    ...(p.status?.owner ? { owner: p.status.owner } : {}),
    ...(p.status?.pg_version !== undefined ? { pgVersion: p.status.pg_version } : {}),
    ...(p.status?.default_branch ? { defaultBranch: p.status.default_branch } : {}),
    deleted: p.delete_time !== undefined,
  };
}

export function branchSummary(b: Branch): Out<typeof schemas.branchSummary> {
  return {
    name: b.name ?? '',
    id: b.branch_id ?? '',
    state: b.status?.current_state ?? 'UNKNOWN',
    isDefault: b.status?.default === true,
    isProtected: b.status?.is_protected === true,
    ...(b.status?.source_branch ? { sourceBranch: b.status.source_branch } : {}),
    ...(b.status?.source_branch_time ? { sourceBranchTime: b.status.source_branch_time } : {}),
    ...(b.status?.source_branch_lsn ? { sourceBranchLsn: b.status.source_branch_lsn } : {}),
    ...(b.status?.expire_time ? { expireTime: b.status.expire_time } : {}),
    ...(b.status?.logical_size_bytes !== undefined ? { logicalSizeBytes: b.status.logical_size_bytes } : {}),
    ...(b.create_time ? { createTime: b.create_time } : {}),
  };
}

export function endpointSummary(e: Endpoint): Out<typeof schemas.endpointSummary> {
  const s = e.status ?? {};
  const suspendSeconds = s.suspend_timeout_duration === undefined ? undefined : parseDurationSeconds(s.suspend_timeout_duration);
  return {
    name: e.name ?? '',
    id: e.endpoint_id ?? '',
    type: s.endpoint_type ?? e.spec?.endpoint_type ?? 'ENDPOINT_TYPE_UNSPECIFIED',
    state: s.current_state ?? 'UNKNOWN',
    ...(s.hosts?.host ? { host: s.hosts.host } : {}),
    ...(s.autoscaling_limit_min_cu !== undefined ? { minCu: s.autoscaling_limit_min_cu } : {}),
    ...(s.autoscaling_limit_max_cu !== undefined ? { maxCu: s.autoscaling_limit_max_cu } : {}),
    ...(s.disabled !== undefined ? { disabled: s.disabled } : {}),
    ...(suspendSeconds !== undefined ? { suspendTimeoutSeconds: suspendSeconds } : {}),
  };
}

/** `ownerNames` maps role resource names to their Postgres role, to show the owner by name. */
export function databaseSummary(d: Database, ownerNames: ReadonlyMap<string, string> = new Map()): Out<typeof schemas.databaseSummary> {
  const id = d.database_id ?? '';
  const ownerRole = d.status?.role ?? d.spec?.role;
  const owner = ownerRole === undefined ? undefined : ownerNames.get(ownerRole);
  return {
    name: d.name ?? '',
    id,
    postgresDatabase: d.status?.postgres_database ?? d.spec?.postgres_database ?? id,
    ...(owner !== undefined ? { owner } : {}),
    ...(ownerRole !== undefined ? { ownerRole } : {}),
  };
}

export function roleSummary(r: Role): Out<typeof schemas.roleSummary> {
  const s = { ...r.spec, ...r.status };
  const id = r.role_id ?? '';
  return {
    name: r.name ?? '',
    id,
    postgresRole: s.postgres_role ?? id,
    ...(s.identity_type ? { identityType: s.identity_type } : {}),
    ...(s.auth_method ? { authMethod: s.auth_method } : {}),
    attributes: {
      createdb: s.attributes?.createdb === true,
      createrole: s.attributes?.createrole === true,
      bypassrls: s.attributes?.bypassrls === true,
    },
    membershipRoles: s.membership_roles ?? [],
  };
}

/** Effective Data API settings, read from `status` (falling back to an echoed `spec`). */
export function dataApiView(api: DataApi): Out<typeof schemas.getDataApiOutput> {
  const s = { ...api.spec, ...api.status };
  const settings: Out<typeof schemas.dataApiSettings> = {
    ...(s.db_schemas !== undefined ? { dbSchemas: s.db_schemas } : {}),
    ...(s.db_extra_search_path !== undefined ? { extraSearchPath: s.db_extra_search_path } : {}),
    ...(s.db_max_rows !== undefined ? { maxRows: s.db_max_rows } : {}),
    ...(s.db_aggregates_enabled !== undefined ? { aggregatesEnabled: s.db_aggregates_enabled } : {}),
    ...(s.server_cors_allowed_origins !== undefined ? { corsOrigins: s.server_cors_allowed_origins } : {}),
    ...(s.jwt_role_claim_key !== undefined ? { jwtRoleClaimKey: s.jwt_role_claim_key } : {}),
    ...(s.openapi_mode !== undefined ? { openApiMode: s.openapi_mode } : {}),
    ...(s.server_timing_enabled !== undefined ? { serverTimingEnabled: s.server_timing_enabled } : {}),
  };
  return {
    enabled: true,
    settings,
    ...(api.status?.url ? { url: api.status.url } : {}),
    ...(api.status?.available_schemas ? { availableSchemas: api.status.available_schemas } : {}),
  };
}

/** The wire spec for the settings the user gave (only those: the update mask is built from them). */
export function dataApiSpec(settings: z.output<typeof schemas.dataApiSettingsInput>): DataApiSpec {
  return {
    ...(settings.dbSchemas !== undefined ? { db_schemas: settings.dbSchemas } : {}),
    ...(settings.extraSearchPath !== undefined ? { db_extra_search_path: settings.extraSearchPath } : {}),
    ...(settings.maxRows !== undefined ? { db_max_rows: settings.maxRows } : {}),
    ...(settings.aggregatesEnabled !== undefined ? { db_aggregates_enabled: settings.aggregatesEnabled } : {}),
    ...(settings.corsOrigins !== undefined ? { server_cors_allowed_origins: settings.corsOrigins } : {}),
    ...(settings.jwtRoleClaimKey !== undefined ? { jwt_role_claim_key: settings.jwtRoleClaimKey } : {}),
    ...(settings.openApiMode !== undefined ? { openapi_mode: settings.openApiMode } : {}),
    ...(settings.serverTimingEnabled !== undefined ? { server_timing_enabled: settings.serverTimingEnabled } : {}),
  };
}

/** Endpoint spec fields the user set; the suspension oneof carries exactly the member given. */
export function endpointSpec(input: {
  readonly minCu?: number | undefined;
  readonly maxCu?: number | undefined;
  readonly suspendTimeoutSeconds?: number | undefined;
  readonly noSuspension?: true | undefined;
  readonly disabled?: boolean | undefined;
}): EndpointSpec {
  return {
    ...(input.minCu !== undefined ? { autoscaling_limit_min_cu: input.minCu } : {}),
    ...(input.maxCu !== undefined ? { autoscaling_limit_max_cu: input.maxCu } : {}),
    ...(input.suspendTimeoutSeconds !== undefined ? { suspend_timeout_duration: `${input.suspendTimeoutSeconds}s` } : {}),
    ...(input.noSuspension ? { no_suspension: true } : {}),
    ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
  };
}

/** The expiration oneof as the wire spells it (exactly one member set). */
export function expirationSpec(e: z.output<typeof schemas.branchExpiration>): Pick<BranchSpec, 'ttl' | 'expire_time' | 'no_expiry'> {
  switch (e.kind) {
    case 'never':
      return { no_expiry: true };
    case 'ttl':
      return { ttl: `${e.seconds}s` };
    case 'at':
      return { expire_time: new Date(e.time).toISOString() };
    default: {
      const never: never = e;
      throw new Error(`Unexpected expiration: ${JSON.stringify(never)}`);
    }
  }
}

export interface CloudHandlerDeps {
  readonly services: CloudServices;
  /** Desktop: `shell.openExternal`; browser mode: `openSystemBrowser`. */
  readonly openBrowser: (url: string) => Promise<void> | void;
}

export function createCloudHandlers({ services, openBrowser }: CloudHandlerDeps) {
  const { workspaces, operations, pools } = services;
  const client = async (id: string) => unwrap(await workspaces.client(id));
  const track = <T>(
    workspaceId: string,
    title: string,
    resource: string,
    started: CloudResult<Pending<T>>,
  ): Out<typeof schemas.startedOperationOutput> => {
    const { operation, result } = operations.track({ workspaceId, title, resource }, unwrap(started));
    // The outcome is reported through the tracker; nobody awaits this promise.
    void result;
    return { operation };
  };
  return {
    'workspaces.list': async (_input: z.output<typeof schemas.listWorkspacesInput>): Promise<Out<typeof schemas.listWorkspacesOutput>> => ({
      workspaces: workspaces.list(),
    }),

    'workspaces.add': async (input: z.output<typeof schemas.addWorkspaceInput>): Promise<Out<typeof schemas.addWorkspaceOutput>> => {
      const name = input.displayName === undefined ? {} : { displayName: input.displayName };
      switch (input.method) {
        case 'pat':
          return unwrap(await workspaces.addWithPersonalAccessToken({ host: input.host, token: input.token, ...name }));
        case 'oauth':
          return unwrap(await workspaces.addWithOAuth({ host: input.host, openBrowser, ...name }));
        case 'cli':
          return unwrap(
            await workspaces.addWithDatabricksCli({
              profile: input.profile,
              ...(input.host === undefined ? {} : { host: input.host }),
              ...name,
            }),
          );
        default: {
          const never: never = input;
          throw new Error(`Unexpected sign-in method: ${JSON.stringify(never)}`);
        }
      }
    },

    'workspaces.remove': async (
      input: z.output<typeof schemas.removeWorkspaceInput>,
    ): Promise<Out<typeof schemas.removeWorkspaceOutput>> => {
      unwrap(await workspaces.remove(input.id));
      return { removed: true };
    },

    'workspaces.replaceToken': async (input: z.output<typeof schemas.replaceTokenInput>): Promise<Out<typeof schemas.replaceTokenOutput>> =>
      unwrap(await workspaces.replacePersonalAccessToken(input.id, { token: input.token })),

    'workspaces.signInAgain': async (input: z.output<typeof schemas.signInAgainInput>): Promise<Out<typeof schemas.signInAgainOutput>> =>
      unwrap(await workspaces.signInAgain(input.id, { openBrowser })),

    'cloud.projects': async (input: z.output<typeof schemas.listProjectsInput>): Promise<Out<typeof schemas.listProjectsOutput>> => {
      const page = unwrap(
        await (
          await client(input.workspaceId)
        ).listProjects({
          ...(input.pageSize === undefined ? {} : { pageSize: input.pageSize }),
          ...(input.pageToken === undefined ? {} : { pageToken: input.pageToken }),
          ...(input.showDeleted === undefined ? {} : { showDeleted: input.showDeleted }),
        }),
      );
      return { projects: page.items.map(projectSummary), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
    },

    'cloud.branches': async (input: z.output<typeof schemas.listBranchesInput>): Promise<Out<typeof schemas.listBranchesOutput>> => {
      const page = unwrap(
        await (
          await client(input.workspaceId)
        ).listBranches(input.project, {
          ...(input.pageSize === undefined ? {} : { pageSize: input.pageSize }),
          ...(input.pageToken === undefined ? {} : { pageToken: input.pageToken }),
          ...(input.showDeleted === undefined ? {} : { showDeleted: input.showDeleted }),
        }),
      );
      return { branches: page.items.map(branchSummary), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
    },

    'cloud.endpoints': async (input: z.output<typeof schemas.listEndpointsInput>): Promise<Out<typeof schemas.listEndpointsOutput>> => {
      const page = unwrap(
        await (
          await client(input.workspaceId)
        ).listEndpoints(input.branch, {
          ...(input.pageSize === undefined ? {} : { pageSize: input.pageSize }),
          ...(input.pageToken === undefined ? {} : { pageToken: input.pageToken }),
        }),
      );
      return { endpoints: page.items.map(endpointSummary), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
    },

    'cloud.createBranch': async (
      input: z.output<typeof schemas.createBranchInput>,
    ): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const spec: BranchSpec = {
        ...(input.sourceBranch === undefined ? {} : { source_branch: input.sourceBranch }),
        ...(input.sourceTime === undefined ? {} : { source_branch_time: new Date(input.sourceTime).toISOString() }),
        ...(input.sourceLsn === undefined ? {} : { source_branch_lsn: input.sourceLsn.toUpperCase() }),
        ...(input.isProtected === undefined ? {} : { is_protected: input.isProtected }),
        ...expirationSpec(input.expiration),
      };
      const c = await client(input.workspaceId);
      return track(
        input.workspaceId,
        `Create branch ${input.branchId}`,
        `${input.project}/branches/${input.branchId}`,
        await c.createBranch(input.project, input.branchId, { spec }),
      );
    },

    'cloud.updateBranch': async (
      input: z.output<typeof schemas.updateBranchInput>,
    ): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const changes: BranchSpec = {
        ...(input.isProtected === undefined ? {} : { is_protected: input.isProtected }),
        ...(input.expiration === undefined ? {} : expirationSpec(input.expiration)),
      };
      const c = await client(input.workspaceId);
      const what = input.isProtected === undefined ? 'Change expiry of' : input.isProtected ? 'Protect' : 'Unprotect';
      return track(
        input.workspaceId,
        `${what} branch ${input.branch.split('/').at(-1) ?? ''}`,
        input.branch,
        await c.updateBranch(input.branch, changes),
      );
    },

    'cloud.deleteBranch': async (
      input: z.output<typeof schemas.deleteBranchInput>,
    ): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const c = await client(input.workspaceId);
      const started = await c.deleteBranch(input.branch, input.purge === undefined ? {} : { purge: input.purge });
      const explain = managedByParent(
        `Branch ${shortId(input.branch)} is the project's root branch: it is deleted with its project, not on its own. Delete the project instead.`,
      );
      return track(input.workspaceId, `Delete branch ${shortId(input.branch)}`, input.branch, explained(started, explain));
    },

    'cloud.deleteProject': async (
      input: z.output<typeof schemas.deleteProjectInput>,
    ): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const c = await client(input.workspaceId);
      const started = await c.deleteProject(input.project, input.purge === undefined ? {} : { purge: input.purge });
      return track(input.workspaceId, `${input.purge ? 'Purge' : 'Delete'} project ${shortId(input.project)}`, input.project, started);
    },

    'cloud.undeleteProject': async (
      input: z.output<typeof schemas.undeleteProjectInput>,
    ): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const c = await client(input.workspaceId);
      return track(input.workspaceId, `Restore project ${shortId(input.project)}`, input.project, await c.undeleteProject(input.project));
    },

    'cloud.undeleteBranch': async (
      input: z.output<typeof schemas.undeleteBranchInput>,
    ): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const c = await client(input.workspaceId);
      return track(input.workspaceId, `Restore branch ${shortId(input.branch)}`, input.branch, await c.undeleteBranch(input.branch));
    },

    'cloud.restoreBranch': async (
      input: z.output<typeof schemas.restoreBranchInput>,
    ): Promise<Out<typeof schemas.startedOperationOutput>> => {
      // Databricks' API documents no reset or restore method: in a workspace it is done in the Lakebase App.
      if (input.workspaceId !== LOCAL_WORKSPACE_ID)
        unwrap(
          cloudFail(
            'CLOUD_INVALID_INPUT',
            "Reset and restore of a Databricks branch are done in the workspace's Lakebase App (Branches → Reset from parent, Backup & Restore); its API offers no such call.",
          ),
        );
      const self = input.sourceBranch === input.branch;
      const c = await client(input.workspaceId);
      const started = await c.restoreBranch(input.branch, {
        source_branch: input.sourceBranch,
        ...(input.sourceTime === undefined ? {} : { source_branch_time: new Date(input.sourceTime).toISOString() }),
        ...(input.sourceLsn === undefined ? {} : { source_branch_lsn: input.sourceLsn.toUpperCase() }),
        ...(input.preserveUnderName === undefined ? {} : { preserve_under_name: input.preserveUnderName }),
      });
      const what = self ? 'Restore' : 'Reset';
      return track(input.workspaceId, `${what} branch ${shortId(input.branch)}`, input.branch, started);
    },

    'cloud.createProject': async (
      input: z.output<typeof schemas.createProjectInput>,
    ): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const c = await client(input.workspaceId);
      const spec = {
        ...(input.displayName === undefined ? {} : { display_name: input.displayName }),
        ...(input.pgVersion === undefined ? {} : { pg_version: input.pgVersion }),
      };
      return track(
        input.workspaceId,
        `Create project ${input.displayName ?? input.projectId}`,
        `projects/${input.projectId}`,
        await c.createProject(input.projectId, { spec }),
      );
    },

    'cloud.setDefaultBranch': async (
      input: z.output<typeof schemas.setDefaultBranchInput>,
    ): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const parsed = parseResourceName(input.branch);
      if (parsed?.kind !== 'branch')
        throw PierError.from(
          toRpcError({
            code: 'CLOUD_INVALID_INPUT',
            message: `"${input.branch}" is not a branch name (projects/<project>/branches/<branch>).`,
            details: {},
          }),
        );
      const project = projectName(parsed.projectId);
      const c = await client(input.workspaceId);
      // The project's spec.default_branch is the only switch; branches have no "default" field to set.
      return track(
        input.workspaceId,
        `Make ${parsed.branchId} the default branch`,
        project,
        await c.updateProject(project, { default_branch: input.branch }),
      );
    },

    'cloud.createEndpoint': async (
      input: z.output<typeof schemas.createEndpointInput>,
    ): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const c = await client(input.workspaceId);
      const spec: EndpointSpec = { endpoint_type: `ENDPOINT_TYPE_${input.type}`, ...endpointSpec(input) };
      const kind = input.type === 'READ_WRITE' ? 'read-write' : 'read-only';
      return track(
        input.workspaceId,
        `Create ${kind} endpoint ${input.endpointId}`,
        `${input.branch}/endpoints/${input.endpointId}`,
        await c.createEndpoint(input.branch, input.endpointId, { spec }),
      );
    },

    'cloud.updateEndpoint': async (
      input: z.output<typeof schemas.updateEndpointInput>,
    ): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const c = await client(input.workspaceId);
      const id = shortId(input.endpoint);
      const started = await c.updateEndpoint(input.endpoint, endpointSpec(input));
      if (input.disabled !== false) {
        return track(input.workspaceId, `${input.disabled ? 'Suspend' : 'Change'} endpoint ${id}`, input.endpoint, started);
      }
      // Resuming only lets connections wake the endpoint again (Lakebase has no "start" call);
      // one connection afterwards wakes it now, as the user expects. If that fails, the resume
      // itself still succeeded: the endpoint wakes on the next connection.
      const wakeAfter = (pending: Pending<Endpoint>): Pending<Endpoint> => ({
        operation: pending.operation,
        wait: async (options) => {
          const r = await pending.wait(options);
          if (r.ok)
            await pools.withConnection({ workspaceId: input.workspaceId, endpoint: input.endpoint }, (conn) => conn.query('SELECT 1'));
          return r;
        },
      });
      return track(
        input.workspaceId,
        `Resume endpoint ${id}`,
        input.endpoint,
        started.ok ? { ok: true, value: wakeAfter(started.value) } : started,
      );
    },

    'cloud.deleteEndpoint': async (
      input: z.output<typeof schemas.deleteEndpointInput>,
    ): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const c = await client(input.workspaceId);
      const id = shortId(input.endpoint);
      const explain = managedByParent(
        `Endpoint ${id} is its branch's read-write endpoint: read-write endpoints are deleted with their branch. Delete the branch instead, or suspend the endpoint.`,
      );
      return track(input.workspaceId, `Delete endpoint ${id}`, input.endpoint, explained(await c.deleteEndpoint(input.endpoint), explain));
    },

    'cloud.databases': async (input: z.output<typeof schemas.listDatabasesInput>): Promise<Out<typeof schemas.listDatabasesOutput>> => {
      const c = await client(input.workspaceId);
      const [page, roles] = await Promise.all([
        c.listDatabases(input.branch, {
          ...(input.pageSize === undefined ? {} : { pageSize: input.pageSize }),
          ...(input.pageToken === undefined ? {} : { pageToken: input.pageToken }),
        }),
        collect(c.roles(input.branch)),
      ]);
      // Owners are shown by their Postgres role name; without the role list, only the role handle.
      const ownerNames = new Map(roles.ok ? roles.value.map((r) => [r.name ?? '', roleSummary(r).postgresRole] as const) : []);
      const { items, nextPageToken } = unwrap(page);
      return { databases: items.map((d) => databaseSummary(d, ownerNames)), ...(nextPageToken ? { nextPageToken } : {}) };
    },

    'cloud.roles': async (input: z.output<typeof schemas.listRolesInput>): Promise<Out<typeof schemas.listRolesOutput>> => {
      const page = unwrap(
        await (
          await client(input.workspaceId)
        ).listRoles(input.branch, {
          ...(input.pageSize === undefined ? {} : { pageSize: input.pageSize }),
          ...(input.pageToken === undefined ? {} : { pageToken: input.pageToken }),
        }),
      );
      return { roles: page.items.map(roleSummary), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
    },

    'cloud.createRole': async (input: z.output<typeof schemas.createRoleInput>): Promise<Out<typeof schemas.startedOperationOutput>> => {
      // A role id derived from the identity makes a retried create land on the same resource.
      const roleId = suggestId(input.postgresRole);
      const a = input.attributes ?? {};
      const spec: RoleSpec = {
        postgres_role: input.postgresRole,
        identity_type: input.identityType,
        attributes: { createdb: a.createdb === true, createrole: a.createrole === true, bypassrls: a.bypassrls === true },
      };
      const c = await client(input.workspaceId);
      const resource = roleId === undefined ? `${input.branch}/roles` : `${input.branch}/roles/${roleId}`;
      return track(input.workspaceId, `Add identity ${input.postgresRole}`, resource, await c.createRole(input.branch, roleId, { spec }));
    },

    'cloud.deleteRole': async (input: z.output<typeof schemas.deleteRoleInput>): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const c = await client(input.workspaceId);
      return track(input.workspaceId, `Delete role ${shortId(input.role)}`, input.role, await c.deleteRole(input.role));
    },

    'cloud.dataApi': async (input: z.output<typeof schemas.getDataApiInput>): Promise<Out<typeof schemas.getDataApiOutput>> => {
      const c = await client(input.workspaceId);
      const api = await c.getDataApi(input.database);
      if (api.ok) return dataApiView(api.value);
      // "Not found" means "not enabled" only if the database itself exists.
      if (api.error.code === 'CLOUD_NOT_FOUND' && (await c.getDatabase(input.database)).ok) return { enabled: false, settings: {} };
      return unwrap(api);
    },

    'cloud.enableDataApi': async (
      input: z.output<typeof schemas.enableDataApiInput>,
    ): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const c = await client(input.workspaceId);
      const spec = dataApiSpec(input.settings);
      return track(
        input.workspaceId,
        `Enable the Data API on ${shortId(input.database)}`,
        `${input.database}/data-api`,
        await c.enableDataApi(input.database, { spec }),
      );
    },

    'cloud.updateDataApi': async (
      input: z.output<typeof schemas.updateDataApiInput>,
    ): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const c = await client(input.workspaceId);
      return track(
        input.workspaceId,
        `Change Data API settings of ${shortId(input.database)}`,
        `${input.database}/data-api`,
        await c.updateDataApi(input.database, dataApiSpec(input.settings)),
      );
    },

    'cloud.disableDataApi': async (
      input: z.output<typeof schemas.disableDataApiInput>,
    ): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const c = await client(input.workspaceId);
      return track(
        input.workspaceId,
        `Disable the Data API on ${shortId(input.database)}`,
        `${input.database}/data-api`,
        await c.disableDataApi(input.database),
      );
    },

    'cloud.sendToHostedDataApi': async (
      input: z.output<typeof schemas.sendToHostedDataApiInput>,
    ): Promise<Out<typeof schemas.sendToHostedDataApiOutput>> => {
      const c = await client(input.workspaceId);
      const base = dataApiView(unwrap(await c.getDataApi(input.database))).url;
      if (!base) {
        throw PierError.from({
          code: 'CLOUD_NOT_FOUND',
          message: `The Data API of ${shortId(input.database)} reports no URL.`,
          hint: 'Enable the Data API on that database first.',
        });
      }
      const token = unwrap(await workspaces.token(input.workspaceId));
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      for (const [k, v] of Object.entries(input.headers)) if (HOSTED_HEADERS.has(k.toLowerCase())) headers[k.toLowerCase()] = v;
      const url = `${base.replace(/\/$/, '')}${input.path}${input.rawQuery ? `?${input.rawQuery}` : ''}`;
      let res: globalThis.Response;
      try {
        res = await outboundFetch(url, {
          method: input.method,
          headers,
          ...(input.body !== undefined && { body: input.body }),
          redirect: 'manual',
          signal: AbortSignal.timeout(60_000),
        });
      } catch (err) {
        throw PierError.from({
          code: 'CLOUD_NETWORK',
          message: `The hosted Data API at ${new URL(url).host} could not be reached (${(err as Error).message}).`,
          hint: 'Check the network and that the endpoint is running.',
        });
      }
      const out: Record<string, string> = {};
      res.headers.forEach((v, k) => (out[k] = v));
      return { url, status: res.status, headers: out, body: input.method === 'HEAD' ? '' : await res.text() };
    },

    'cloud.operations': async (input: z.output<typeof schemas.listOperationsInput>): Promise<Out<typeof schemas.listOperationsOutput>> => ({
      operations: operations.list(input.workspaceId),
    }),

    'cloud.stopOperation': async (
      input: z.output<typeof schemas.stopOperationInput>,
    ): Promise<Out<typeof schemas.stopOperationOutput>> => ({
      stopped: operations.stop(input.id),
    }),
  };
}

export type CloudHandlers = ReturnType<typeof createCloudHandlers>;
