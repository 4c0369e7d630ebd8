import { useQueries, useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { ListSchemasOutput } from '../../../../shared/contract/catalog';
import { cloudSchemasQuery, schemasQuery } from '../../api/catalog';
import { branchesQuery, databasesQuery, endpointsQuery, projectsQuery, workspacesQuery } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { catalogBranch, dataNeeds, embeddedOnlyData, LOCAL_WORKSPACE_ID, type Loadable, type TreeData } from './explorerTree';

/**
 * The queries behind the tree: the workspace list always, and for each expanded node the lists
 * it shows (projects; branches; a branch's endpoints and databases; a database's schemas).
 * Collapsed nodes ask nothing; what was loaded stays cached under its own key.
 */
export function useExplorerData(expanded: ReadonlySet<string>): { data: TreeData; workspaces: UseQueryResult<unknown> } {
  const api = usePierApi();
  const needs = dataNeeds(expanded);
  const projectNeeds = needs.filter((n) => n.kind === 'projects');
  const branchNeeds = needs.filter((n) => n.kind === 'branches');
  const contentNeeds = needs.filter((n) => n.kind === 'branchContents');
  const catalogNeeds = needs.flatMap((n) => (n.kind === 'catalog' ? [{ ...n, target: catalogBranch(n.workspaceId, n.branch) }] : []));

  const workspaces = useQuery(workspacesQuery(api));
  // Workspaces unavailable: the embedded default alone, and no cloud calls that would fail the same way.
  const fallback = workspaces.isError && workspaces.data === undefined;
  const cloud = !fallback;
  const projects = useQueries({ queries: projectNeeds.map((n) => ({ ...projectsQuery(api, n.workspaceId), enabled: cloud })) });
  const branches = useQueries({ queries: branchNeeds.map((n) => ({ ...branchesQuery(api, n.workspaceId, n.project), enabled: cloud })) });
  const endpoints = useQueries({ queries: contentNeeds.map((n) => ({ ...endpointsQuery(api, n.workspaceId, n.branch), enabled: cloud })) });
  const databases = useQueries({ queries: contentNeeds.map((n) => ({ ...databasesQuery(api, n.workspaceId, n.branch), enabled: cloud })) });
  const catalogs = useQueries({
    queries: catalogNeeds.map((n) => ({
      ...(n.target.kind === 'local'
        ? schemasQuery(api, n.target.branch)
        : cloudSchemasQuery(api, { workspaceId: n.workspaceId, branch: n.branch, database: n.database })),
      enabled: cloud,
    })),
  });
  // The local workspace without a control plane (serve --database-url answers 501): its one database still shows.
  const localProjects = projects[projectNeeds.findIndex((n) => n.workspaceId === LOCAL_WORKSPACE_ID)];
  const localFallback = localProjects?.isError === true && localProjects.data === undefined;
  const embeddedCatalog = useQuery({ ...schemasQuery(api), enabled: fallback || localFallback });
  if (fallback) return { data: embeddedOnlyData(toLoadable(embeddedCatalog)), workspaces };

  const byKey = <T>(keys: string[], results: UseQueryResult<T>[]) => new Map(keys.map((k, i) => [k, toLoadable(results[i]!)]));
  const projectMap = byKey(
    projectNeeds.map((n) => n.workspaceId),
    projects,
  );
  const branchMap = byKey(
    branchNeeds.map((n) => key(n.workspaceId, n.project)),
    branches,
  );
  const endpointMap = byKey(
    contentNeeds.map((n) => key(n.workspaceId, n.branch)),
    endpoints,
  );
  const databaseMap = byKey(
    contentNeeds.map((n) => key(n.workspaceId, n.branch)),
    databases,
  );
  const catalogKey = (ws: string, branch: string, database: string) =>
    ws === LOCAL_WORKSPACE_ID ? key(ws, branch) : JSON.stringify([ws, branch, database]);
  const catalogMap = byKey<ListSchemasOutput>(
    catalogNeeds.map((n) => catalogKey(n.workspaceId, n.branch, n.database)),
    catalogs,
  );

  const local = localFallback ? embeddedOnlyData(toLoadable(embeddedCatalog)) : null;
  const data: TreeData = {
    workspaces: toLoadable(workspaces),
    projects: (ws) => (local && ws === LOCAL_WORKSPACE_ID ? local.projects(ws) : projectMap.get(ws)),
    branches: (ws, project) => (local && ws === LOCAL_WORKSPACE_ID ? local.branches(ws, project) : branchMap.get(key(ws, project))),
    endpoints: (ws, branch) => (local && ws === LOCAL_WORKSPACE_ID ? local.endpoints(ws, branch) : endpointMap.get(key(ws, branch))),
    databases: (ws, branch) => (local && ws === LOCAL_WORKSPACE_ID ? local.databases(ws, branch) : databaseMap.get(key(ws, branch))),
    catalog: (ws, branch, database) =>
      local && ws === LOCAL_WORKSPACE_ID ? local.catalog(ws, branch, database) : catalogMap.get(catalogKey(ws, branch, database)),
  };
  return { data, workspaces };
}

const key = (a: string, b: string) => JSON.stringify([a, b]);

function toLoadable<T>(q: UseQueryResult<T>): Loadable<T> {
  // Rows already shown stay while a refetch runs or fails, so the tree does not flicker or collapse.
  if (q.data !== undefined) return { kind: 'ready', value: q.data };
  if (q.isError) return { kind: 'error', error: q.error, retry: () => void q.refetch() };
  return { kind: 'pending' };
}
