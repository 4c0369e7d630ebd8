/**
 * Main-side handlers for the proposed `workspaces.*` and `cloud.*` calls (schemas in
 * shared/management/workspaceSchemas.ts). Failures are thrown as CloudRpcError carrying the
 * RpcError value, for the dispatcher to return as is. Nothing returned contains a secret.
 */
import type { z } from 'zod';
import type { RpcError } from '../../../shared/contract/result';
import type { Branch, BranchSpec, Endpoint, Project } from '../../../shared/management/resources';
import type * as schemas from '../../../shared/management/workspaceSchemas';
import { toRpcError, type CloudResult } from '../cloudError';
import type { Pending } from '../managementClient';
import type { CloudServices } from '../createCloudServices';

/** A handler failure that already is a user-facing RpcError (code CLOUD_…, message, details). */
export class CloudRpcError extends Error {
  constructor(readonly rpcError: RpcError) {
    super(rpcError.message);
    this.name = 'CloudRpcError';
  }
}

function unwrap<T>(r: CloudResult<T>): T {
  if (!r.ok) throw new CloudRpcError(toRpcError(r.error));
  return r.value;
}

type Out<S extends z.ZodType> = z.output<S>;

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
    ...(b.status?.expire_time ? { expireTime: b.status.expire_time } : {}),
  };
}

export function endpointSummary(e: Endpoint): Out<typeof schemas.endpointSummary> {
  const s = e.status ?? {};
  return {
    name: e.name ?? '',
    id: e.endpoint_id ?? '',
    type: s.endpoint_type ?? e.spec?.endpoint_type ?? 'ENDPOINT_TYPE_UNSPECIFIED',
    state: s.current_state ?? 'UNKNOWN',
    ...(s.hosts?.host ? { host: s.hosts.host } : {}),
    ...(s.autoscaling_limit_min_cu !== undefined ? { minCu: s.autoscaling_limit_min_cu } : {}),
    ...(s.autoscaling_limit_max_cu !== undefined ? { maxCu: s.autoscaling_limit_max_cu } : {}),
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
  const { workspaces, operations } = services;
  const client = async (id: string) => unwrap(await workspaces.client(id));
  const track = <T>(workspaceId: string, title: string, resource: string, started: CloudResult<Pending<T>>): Out<typeof schemas.startedOperationOutput> => {
    const { operation, result } = operations.track({ workspaceId, title, resource }, unwrap(started));
    // The outcome is reported through the tracker; nobody awaits this promise.
    void result;
    return { operation };
  };
  return {
    'workspaces.list': async (_input: z.output<typeof schemas.listWorkspacesInput>): Promise<Out<typeof schemas.listWorkspacesOutput>> => ({ workspaces: workspaces.list() }),

    'workspaces.add': async (input: z.output<typeof schemas.addWorkspaceInput>): Promise<Out<typeof schemas.addWorkspaceOutput>> => {
      const name = input.displayName === undefined ? {} : { displayName: input.displayName };
      switch (input.method) {
        case 'pat':
          return unwrap(await workspaces.addWithPersonalAccessToken({ host: input.host, token: input.token, ...name }));
        case 'oauth':
          return unwrap(await workspaces.addWithOAuth({ host: input.host, openBrowser, ...name }));
        case 'cli':
          return unwrap(await workspaces.addWithDatabricksCli({ profile: input.profile, ...(input.host === undefined ? {} : { host: input.host }), ...name }));
        default: {
          const never: never = input;
          throw new Error(`Unexpected sign-in method: ${JSON.stringify(never)}`);
        }
      }
    },

    'workspaces.remove': async (input: z.output<typeof schemas.removeWorkspaceInput>): Promise<Out<typeof schemas.removeWorkspaceOutput>> => {
      unwrap(await workspaces.remove(input.id));
      return { removed: true };
    },

    'workspaces.replaceToken': async (input: z.output<typeof schemas.replaceTokenInput>): Promise<Out<typeof schemas.replaceTokenOutput>> =>
      unwrap(await workspaces.replacePersonalAccessToken(input.id, { token: input.token })),

    'workspaces.signInAgain': async (input: z.output<typeof schemas.signInAgainInput>): Promise<Out<typeof schemas.signInAgainOutput>> =>
      unwrap(await workspaces.signInAgain(input.id, { openBrowser })),

    'cloud.projects': async (input: z.output<typeof schemas.listProjectsInput>): Promise<Out<typeof schemas.listProjectsOutput>> => {
      const page = unwrap(
        await (await client(input.workspaceId)).listProjects({
          ...(input.pageSize === undefined ? {} : { pageSize: input.pageSize }),
          ...(input.pageToken === undefined ? {} : { pageToken: input.pageToken }),
          ...(input.showDeleted === undefined ? {} : { showDeleted: input.showDeleted }),
        }),
      );
      return { projects: page.items.map(projectSummary), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
    },

    'cloud.branches': async (input: z.output<typeof schemas.listBranchesInput>): Promise<Out<typeof schemas.listBranchesOutput>> => {
      const page = unwrap(
        await (await client(input.workspaceId)).listBranches(input.project, {
          ...(input.pageSize === undefined ? {} : { pageSize: input.pageSize }),
          ...(input.pageToken === undefined ? {} : { pageToken: input.pageToken }),
          ...(input.showDeleted === undefined ? {} : { showDeleted: input.showDeleted }),
        }),
      );
      return { branches: page.items.map(branchSummary), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
    },

    'cloud.endpoints': async (input: z.output<typeof schemas.listEndpointsInput>): Promise<Out<typeof schemas.listEndpointsOutput>> => {
      const page = unwrap(
        await (await client(input.workspaceId)).listEndpoints(input.branch, {
          ...(input.pageSize === undefined ? {} : { pageSize: input.pageSize }),
          ...(input.pageToken === undefined ? {} : { pageToken: input.pageToken }),
        }),
      );
      return { endpoints: page.items.map(endpointSummary), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
    },

    'cloud.createBranch': async (input: z.output<typeof schemas.createBranchInput>): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const spec: BranchSpec = {
        ...(input.sourceBranch === undefined ? {} : { source_branch: input.sourceBranch }),
        ...(input.sourceTime === undefined ? {} : { source_branch_time: new Date(input.sourceTime).toISOString() }),
        ...(input.sourceLsn === undefined ? {} : { source_branch_lsn: input.sourceLsn.toUpperCase() }),
        ...(input.isProtected === undefined ? {} : { is_protected: input.isProtected }),
        ...expirationSpec(input.expiration),
      };
      const c = await client(input.workspaceId);
      return track(input.workspaceId, `Create branch ${input.branchId}`, `${input.project}/branches/${input.branchId}`, await c.createBranch(input.project, input.branchId, { spec }));
    },

    'cloud.updateBranch': async (input: z.output<typeof schemas.updateBranchInput>): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const changes: BranchSpec = {
        ...(input.isProtected === undefined ? {} : { is_protected: input.isProtected }),
        ...(input.expiration === undefined ? {} : expirationSpec(input.expiration)),
      };
      const c = await client(input.workspaceId);
      const what = input.isProtected === undefined ? 'Change expiry of' : input.isProtected ? 'Protect' : 'Unprotect';
      return track(input.workspaceId, `${what} branch ${input.branch.split('/').at(-1) ?? ''}`, input.branch, await c.updateBranch(input.branch, changes));
    },

    'cloud.deleteBranch': async (input: z.output<typeof schemas.deleteBranchInput>): Promise<Out<typeof schemas.startedOperationOutput>> => {
      const c = await client(input.workspaceId);
      return track(input.workspaceId, `Delete branch ${input.branch.split('/').at(-1) ?? ''}`, input.branch, await c.deleteBranch(input.branch, input.purge === undefined ? {} : { purge: input.purge }));
    },

    'cloud.operations': async (input: z.output<typeof schemas.listOperationsInput>): Promise<Out<typeof schemas.listOperationsOutput>> => ({
      operations: operations.list(input.workspaceId),
    }),

    'cloud.stopOperation': async (input: z.output<typeof schemas.stopOperationInput>): Promise<Out<typeof schemas.stopOperationOutput>> => ({
      stopped: operations.stop(input.id),
    }),
  };
}

export type CloudHandlers = ReturnType<typeof createCloudHandlers>;
