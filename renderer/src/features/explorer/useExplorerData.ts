import { useIsFetching, useQueries, useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import type { ListSchemasOutput } from '../../../../shared/contract/catalog';
import { locationKey, workspaceOf, type Location } from '../../../../shared/contract/location';
import { useHome } from '../../api/app';
import { catalogKeys, schemasQuery, schemasQueryIfKnown } from '../../api/catalog';
import { branchesQuery, cloudKeys, databasesQuery, endpointsQuery, projectsQuery, workspacesQuery } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { dataNeeds, embeddedOnlyData, NO_TREE_DATA, type Loadable, type TreeData } from './treeData';
import type { ExplorerNode } from './treeModel';

/**
 * The queries behind the tree: the workspace list always, and for each expanded node the lists
 * it shows (projects; branches; a branch's endpoints and databases; a database's schemas).
 * Collapsed nodes ask nothing; what was loaded stays cached under its own key.
 */
export function useExplorerData(expanded: ReadonlySet<string>): { data: TreeData; workspaces: UseQueryResult<unknown> } {
  const api = usePierApi();
  const home = useHome();
  const needs = dataNeeds(expanded);
  const projectNeeds = needs.filter((n) => n.kind === 'projects');
  const branchNeeds = needs.filter((n) => n.kind === 'branches');
  const contentNeeds = needs.filter((n) => n.kind === 'branchContents');
  const catalogNeeds = needs.filter((n) => n.kind === 'catalog');

  const workspaces = useQuery(workspacesQuery(api));
  // Workspaces unavailable: the home database alone, and no cloud calls that would fail the same way.
  const fallback = workspaces.isError && workspaces.data === undefined;
  const cloud = !fallback;
  const projects = useQueries({ queries: projectNeeds.map((n) => ({ ...projectsQuery(api, n.workspaceId), enabled: cloud })) });
  const branches = useQueries({ queries: branchNeeds.map((n) => ({ ...branchesQuery(api, n.workspaceId, n.project), enabled: cloud })) });
  const endpoints = useQueries({ queries: contentNeeds.map((n) => ({ ...endpointsQuery(api, n.workspaceId, n.branch), enabled: cloud })) });
  const databases = useQueries({ queries: contentNeeds.map((n) => ({ ...databasesQuery(api, n.workspaceId, n.branch), enabled: cloud })) });
  const catalogs = useQueries({ queries: catalogNeeds.map((n) => ({ ...schemasQuery(api, n.at), enabled: cloud })) });
  // Home's workspace without a control plane (serve --database-url answers 501): its one database still shows.
  const homeWorkspace = home && workspaceOf(home);
  const homeProjects = projects[projectNeeds.findIndex((n) => n.workspaceId === homeWorkspace)];
  const homeFallback = homeProjects?.isError === true && homeProjects.data === undefined;
  const homeCatalog = useQuery(schemasQueryIfKnown(api, fallback || homeFallback ? home : undefined));
  const homeOnly = home && embeddedOnlyData(home, toLoadable(homeCatalog));
  if (fallback) return { data: homeOnly ?? NO_TREE_DATA, workspaces };

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
  const catalogMap = byKey<ListSchemasOutput>(
    catalogNeeds.map((n) => atKey(n.at)),
    catalogs,
  );

  // Home's own lists when its workspace has none of its own.
  const homeData = (ws: string) => (homeFallback && homeOnly && ws === homeWorkspace ? homeOnly : undefined);
  const data: TreeData = {
    workspaces: toLoadable(workspaces),
    projects: (ws) => homeData(ws)?.projects(ws) ?? projectMap.get(ws),
    branches: (ws, project) => homeData(ws)?.branches(ws, project) ?? branchMap.get(key(ws, project)),
    endpoints: (ws, branch) => homeData(ws)?.endpoints(ws, branch) ?? endpointMap.get(key(ws, branch)),
    databases: (ws, branch) => homeData(ws)?.databases(ws, branch) ?? databaseMap.get(key(ws, branch)),
    catalog: (at) => homeData(workspaceOf(at))?.catalog(at) ?? catalogMap.get(atKey(at)),
  };
  return { data, workspaces };
}

const key = (a: string, b: string) => JSON.stringify([a, b]);
const atKey = (at: Location) => JSON.stringify(locationKey(at));

function toLoadable<T>(q: UseQueryResult<T>): Loadable<T> {
  // Rows already shown stay while a refetch runs or fails, so the tree does not flicker or collapse.
  if (q.data !== undefined) return { kind: 'ready', value: q.data };
  if (q.isError) return { kind: 'error', error: q.error, retry: () => void q.refetch() };
  return { kind: 'pending' };
}

/**
 * The tree's "Refresh": everything at once (the sidebar's button, which spins while anything of
 * the tree loads), or one row's lists from its menu.
 */
export function useExplorerRefresh() {
  const client = useQueryClient();
  const fetching = useIsFetching({ queryKey: catalogKeys.schemas() }) + useIsFetching({ queryKey: cloudKeys.all }) > 0;
  const refresh = (...keys: readonly (readonly unknown[])[]) => {
    for (const queryKey of keys) void client.invalidateQueries({ queryKey });
  };
  return {
    fetching,
    refreshAll: () => refresh(catalogKeys.schemas(), cloudKeys.all),
    refreshNode: (node: ExplorerNode) => {
      switch (node.kind) {
        case 'workspace':
          return refresh(cloudKeys.workspace(node.workspace.id), catalogKeys.workspace(node.workspace.id));
        case 'project':
          return refresh(cloudKeys.branches(node.workspaceId, node.project.name));
        case 'branch': {
          const { workspaceId, branch } = node;
          return refresh(
            cloudKeys.branches(workspaceId, node.project),
            cloudKeys.endpoints(workspaceId, branch.name),
            cloudKeys.databases(workspaceId, branch.name),
            catalogKeys.branch(workspaceId, branch.name),
          );
        }
        default:
          return;
      }
    },
  };
}
