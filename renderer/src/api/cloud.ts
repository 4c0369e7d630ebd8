import { queryOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { InputOf, PierApi } from '../../../shared/contract/contract';
import { locationKey, workspaceOf, type Location } from '../../../shared/contract/location';
import type { TrackedOperationDto } from '../../../shared/management/workspaceSchemas';
import { catalogKeys } from './catalog';
import { usePierApi } from './PierApiContext';
import { unwrap } from './RpcCallError';

/** While an operation runs the panel asks for progress this often. */
export const OPERATION_POLL_MS = 1_000;

/**
 * Keys hold every variable. Everything of one workspace sits under ['cloud', workspaceId] so
 * removing a workspace drops its cache with one prefix; a branch's endpoints are keyed by the
 * branch so an operation on it refreshes that branch only, never the whole tree.
 */
export const cloudKeys = {
  all: ['cloud'] as const,
  workspaces: () => [...cloudKeys.all, 'workspaces'] as const,
  workspace: (workspaceId: string) => [...cloudKeys.all, 'ws', workspaceId] as const,
  projects: (workspaceId: string) => [...cloudKeys.workspace(workspaceId), 'projects'] as const,
  branches: (workspaceId: string, project: string) => [...cloudKeys.workspace(workspaceId), 'branches', project] as const,
  endpoints: (workspaceId: string, branch: string) => [...cloudKeys.workspace(workspaceId), 'endpoints', branch] as const,
  databases: (workspaceId: string, branch: string) => [...cloudKeys.workspace(workspaceId), 'databases', branch] as const,
  dataApi: (workspaceId: string, database: string) => [...cloudKeys.workspace(workspaceId), 'dataApi', database] as const,
  operations: () => [...cloudKeys.all, 'operations'] as const,
};

export function workspacesQuery(api: PierApi) {
  return queryOptions({
    queryKey: cloudKeys.workspaces(),
    queryFn: async () => unwrap('workspaces.list', await api['workspaces.list']({})).workspaces,
    meta: { errorDisplay: 'inline' },
  });
}

export function projectsQuery(api: PierApi, workspaceId: string) {
  return queryOptions({
    queryKey: cloudKeys.projects(workspaceId),
    queryFn: async () => unwrap('cloud.projects', await api['cloud.projects']({ workspaceId, pageSize: 100 })).projects,
    meta: { errorDisplay: 'inline' },
  });
}

export function branchesQuery(api: PierApi, workspaceId: string, project: string) {
  return queryOptions({
    queryKey: cloudKeys.branches(workspaceId, project),
    queryFn: async () => unwrap('cloud.branches', await api['cloud.branches']({ workspaceId, project, pageSize: 100 })).branches,
    meta: { errorDisplay: 'inline' },
  });
}

export function endpointsQuery(api: PierApi, workspaceId: string, branch: string) {
  return queryOptions({
    queryKey: cloudKeys.endpoints(workspaceId, branch),
    queryFn: async () => unwrap('cloud.endpoints', await api['cloud.endpoints']({ workspaceId, branch, pageSize: 100 })).endpoints,
    meta: { errorDisplay: 'inline' },
  });
}

export function databasesQuery(api: PierApi, workspaceId: string, branch: string) {
  return queryOptions({
    queryKey: cloudKeys.databases(workspaceId, branch),
    queryFn: async () => unwrap('cloud.databases', await api['cloud.databases']({ workspaceId, branch, pageSize: 100 })).databases,
    meta: { errorDisplay: 'inline' },
  });
}

/** Whether a database serves the Data API, and its settings. `database`: "projects/p/branches/b/databases/d". */
export function dataApiQuery(api: PierApi, workspaceId: string, database: string) {
  return queryOptions({
    queryKey: cloudKeys.dataApi(workspaceId, database),
    queryFn: async () => unwrap('cloud.dataApi', await api['cloud.dataApi']({ workspaceId, database })),
    meta: { errorDisplay: 'inline' },
  });
}

/** Every tracked operation, newest first; polled only while one is still running. */
export function operationsQuery(api: PierApi) {
  return queryOptions({
    queryKey: cloudKeys.operations(),
    queryFn: async () => unwrap('cloud.operations', await api['cloud.operations']({})).operations,
    refetchInterval: (query) => (query.state.data?.some((op) => op.state === 'running') ? OPERATION_POLL_MS : false),
    staleTime: 0,
  });
}

/** The mutations: each returns the started operation (or the workspace) or throws an RpcCallError. */
export const cloudCommands = {
  createBranch: async (api: PierApi, input: InputOf<'cloud.createBranch'>) =>
    unwrap('cloud.createBranch', await api['cloud.createBranch'](input)).operation,
  updateBranch: async (api: PierApi, input: InputOf<'cloud.updateBranch'>) =>
    unwrap('cloud.updateBranch', await api['cloud.updateBranch'](input)).operation,
  /** Reset from parent or restore to a point in time (local workspace only; see restoreBranchForm). */
  restoreBranch: async (api: PierApi, input: InputOf<'cloud.restoreBranch'>) =>
    unwrap('cloud.restoreBranch', await api['cloud.restoreBranch'](input)).operation,
  deleteBranch: async (api: PierApi, input: InputOf<'cloud.deleteBranch'>) =>
    unwrap('cloud.deleteBranch', await api['cloud.deleteBranch'](input)).operation,
  createProject: async (api: PierApi, input: InputOf<'cloud.createProject'>) =>
    unwrap('cloud.createProject', await api['cloud.createProject'](input)).operation,
  setDefaultBranch: async (api: PierApi, input: InputOf<'cloud.setDefaultBranch'>) =>
    unwrap('cloud.setDefaultBranch', await api['cloud.setDefaultBranch'](input)).operation,
  createEndpoint: async (api: PierApi, input: InputOf<'cloud.createEndpoint'>) =>
    unwrap('cloud.createEndpoint', await api['cloud.createEndpoint'](input)).operation,
  updateEndpoint: async (api: PierApi, input: InputOf<'cloud.updateEndpoint'>) =>
    unwrap('cloud.updateEndpoint', await api['cloud.updateEndpoint'](input)).operation,
  deleteEndpoint: async (api: PierApi, input: InputOf<'cloud.deleteEndpoint'>) =>
    unwrap('cloud.deleteEndpoint', await api['cloud.deleteEndpoint'](input)).operation,
  enableDataApi: async (api: PierApi, input: InputOf<'cloud.enableDataApi'>) =>
    unwrap('cloud.enableDataApi', await api['cloud.enableDataApi'](input)).operation,
  updateDataApi: async (api: PierApi, input: InputOf<'cloud.updateDataApi'>) =>
    unwrap('cloud.updateDataApi', await api['cloud.updateDataApi'](input)).operation,
  disableDataApi: async (api: PierApi, input: InputOf<'cloud.disableDataApi'>) =>
    unwrap('cloud.disableDataApi', await api['cloud.disableDataApi'](input)).operation,
  createRole: async (api: PierApi, input: InputOf<'cloud.createRole'>) =>
    unwrap('cloud.createRole', await api['cloud.createRole'](input)).operation,
  deleteRole: async (api: PierApi, input: InputOf<'cloud.deleteRole'>) =>
    unwrap('cloud.deleteRole', await api['cloud.deleteRole'](input)).operation,
  /** The same Data API request, sent by main to the workspace's hosted Data API with its token. */
  sendToHostedDataApi: async (api: PierApi, input: InputOf<'cloud.sendToHostedDataApi'>) =>
    unwrap('cloud.sendToHostedDataApi', await api['cloud.sendToHostedDataApi'](input)),
  stopOperation: async (api: PierApi, id: string) => unwrap('cloud.stopOperation', await api['cloud.stopOperation']({ id })).stopped,
  addWorkspace: async (api: PierApi, input: InputOf<'workspaces.add'>) => unwrap('workspaces.add', await api['workspaces.add'](input)),
  removeWorkspace: async (api: PierApi, id: string) => unwrap('workspaces.remove', await api['workspaces.remove']({ id })),
  signInAgain: async (api: PierApi, id: string) => unwrap('workspaces.signInAgain', await api['workspaces.signInAgain']({ id })),
  replaceToken: async (api: PierApi, id: string, token: string) =>
    unwrap('workspaces.replaceToken', await api['workspaces.replaceToken']({ id, token })),
};

/** `projects/p/branches/b/…` → `projects/p`; null for anything that is not under a project. */
export function projectOf(resource: string): string | null {
  const m = /^(projects\/[^/]+)(\/|$)/.exec(resource);
  return m ? m[1]! : null;
}

/** `projects/p/branches/b/endpoints/e` → `projects/p/branches/b`; null above branch level. */
export function branchOf(resource: string): string | null {
  const m = /^(projects\/[^/]+\/branches\/[^/]+)(\/|$)/.exec(resource);
  return m ? m[1]! : null;
}

/** `projects/p/branches/b/databases/d/…` → `projects/p/branches/b/databases/d`; null above database level. */
export function databaseOf(resource: string): string | null {
  const m = /^(projects\/[^/]+\/branches\/[^/]+\/databases\/[^/]+)(\/|$)/.exec(resource);
  return m ? m[1]! : null;
}

/**
 * What a finished operation changed, as the query keys to refresh: a project's own change (new,
 * default branch) refreshes the project list and its branches; anything below refreshes its
 * project's branches, and its branch's endpoints, databases and schemas; a database's Data API
 * its settings.
 */
export function keysChangedBy(op: Pick<TrackedOperationDto, 'workspaceId' | 'resource'>): readonly (readonly unknown[])[] {
  const keys: (readonly unknown[])[] = [];
  const project = projectOf(op.resource);
  const branch = branchOf(op.resource);
  const database = databaseOf(op.resource);
  if (!project || project === op.resource) keys.push(cloudKeys.projects(op.workspaceId));
  if (project) keys.push(cloudKeys.branches(op.workspaceId, project));
  if (branch) {
    keys.push(cloudKeys.endpoints(op.workspaceId, branch));
    keys.push(cloudKeys.databases(op.workspaceId, branch));
    keys.push(catalogKeys.branch(op.workspaceId, branch));
  }
  if (database) keys.push(cloudKeys.dataApi(op.workspaceId, database));
  return keys;
}

async function invalidateAfter(client: QueryClient, op: Pick<TrackedOperationDto, 'workspaceId' | 'resource'>): Promise<void> {
  await Promise.all(keysChangedBy(op).map((queryKey) => client.invalidateQueries({ queryKey })));
}

/** Refreshes what a finished operation changed: the operations panel calls it as each one ends. */
export function useRefreshAfterOperation(): (op: Pick<TrackedOperationDto, 'workspaceId' | 'resource'>) => void {
  const client = useQueryClient();
  return useCallback((op) => void invalidateAfter(client, op), [client]);
}

/**
 * Starts an operation. Once the server has accepted it, the operations panel shows it and the
 * lists its resource belongs to refresh (a new branch appears at once, initialising); callers'
 * own `onSuccess` runs after that.
 */
export function useStartOperation<V>(run: (variables: V) => Promise<TrackedOperationDto>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (op) =>
      Promise.all([client.invalidateQueries({ queryKey: cloudKeys.operations() }), invalidateAfter(client, op)]).then(() => undefined),
  });
}

/** Stops waiting for an operation; the panel then shows it as stopped. */
export function useStopOperation() {
  const api = usePierApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => cloudCommands.stopOperation(api, id),
    onSettled: () => client.invalidateQueries({ queryKey: cloudKeys.operations() }),
  });
}

/** Whether the location's read-write endpoint runs or sleeps; asked each time a tab opens on it. */
export function endpointStateQuery(api: PierApi, at: Location) {
  return queryOptions({
    queryKey: [...cloudKeys.all, 'endpointState', ...locationKey(at)] as const,
    queryFn: async () => unwrap('catalog.endpointState', await api['catalog.endpointState']({ at })),
    staleTime: 0,
    retry: false,
    // The tab shows its own content (and its errors) when the state cannot be told.
    meta: { errorDisplay: 'inline' },
  });
}

/** Wakes the location's endpoint; afterwards its state, the tree's endpoints and what failed while it slept are asked again. */
export function useWakeEndpoint(api: PierApi, at: Location) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => unwrap('catalog.wakeEndpoint', await api['catalog.wakeEndpoint']({ at })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: endpointStateQuery(api, at).queryKey });
      void client.invalidateQueries({ queryKey: cloudKeys.endpoints(workspaceOf(at), at.branch) });
    },
  });
}
