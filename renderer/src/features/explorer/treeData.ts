import type { ListSchemasOutput } from '../../../../shared/contract/catalog';
import { location, locationKey, locationOf, sameLocation, workspaceOf, type Location } from '../../../../shared/contract/location';
import type {
  BranchSummary,
  DatabaseSummary,
  EndpointSummary,
  ProjectSummary,
  WorkspaceInfoDto,
} from '../../../../shared/management/workspaceSchemas';

/** A list the tree is waiting for, has, or failed to get. `retry` asks again. */
export type Loadable<T> =
  | { readonly kind: 'pending' }
  | { readonly kind: 'error'; readonly error: unknown; readonly retry: () => void }
  | { readonly kind: 'ready'; readonly value: T };

/** Everything the tree knows, looked up by what an expanded node needs; undefined = not asked for. */
export interface TreeData {
  readonly workspaces: Loadable<readonly WorkspaceInfoDto[]>;
  readonly projects: (workspaceId: string) => Loadable<readonly ProjectSummary[]> | undefined;
  readonly branches: (workspaceId: string, project: string) => Loadable<readonly BranchSummary[]> | undefined;
  readonly endpoints: (workspaceId: string, branch: string) => Loadable<readonly EndpointSummary[]> | undefined;
  readonly databases: (workspaceId: string, branch: string) => Loadable<readonly DatabaseSummary[]> | undefined;
  readonly catalog: (at: Location) => Loadable<ListSchemasOutput> | undefined;
}

// Ids carry everything needed to load a node's children, so the expanded set alone says which
// queries to run (see dataNeeds). JSON keeps names with any characters unambiguous.
export const nodeId = {
  workspace: (ws: string) => `ws:${JSON.stringify([ws])}`,
  project: (ws: string, project: string) => `project:${JSON.stringify([ws, project])}`,
  branch: (ws: string, branch: string) => `branch:${JSON.stringify([ws, branch])}`,
  endpoint: (ws: string, endpoint: string) => `endpoint:${JSON.stringify([ws, endpoint])}`,
  database: (at: Location) => `db:${JSON.stringify(locationKey(at))}`,
  schema: (at: Location, schema: string) => `schema:${JSON.stringify([...locationKey(at), schema])}`,
};

/** What an expanded node needs loaded to show its children. */
export type DataNeed =
  | { readonly kind: 'projects'; readonly workspaceId: string }
  | { readonly kind: 'branches'; readonly workspaceId: string; readonly project: string }
  | { readonly kind: 'branchContents'; readonly workspaceId: string; readonly branch: string }
  /** A database's schemas. */
  | { readonly kind: 'catalog'; readonly at: Location };

export function dataNeeds(expanded: Iterable<string>): DataNeed[] {
  const needs: DataNeed[] = [];
  for (const id of expanded) {
    const colon = id.indexOf(':');
    const prefix = id.slice(0, colon);
    let parts: unknown;
    try {
      parts = JSON.parse(id.slice(colon + 1));
    } catch {
      continue;
    }
    if (!Array.isArray(parts) || !parts.every((p): p is string => typeof p === 'string')) continue;
    const [ws, name, database] = parts;
    if (ws === undefined) continue;
    if (prefix === 'ws' && parts.length === 1) needs.push({ kind: 'projects', workspaceId: ws });
    else if (prefix === 'project' && name !== undefined) needs.push({ kind: 'branches', workspaceId: ws, project: name });
    else if (prefix === 'branch' && name !== undefined) needs.push({ kind: 'branchContents', workspaceId: ws, branch: name });
    else if (prefix === 'db' && name !== undefined && database !== undefined) {
      const at = location.safeParse(locationOf(ws, name, database));
      if (at.success && !needs.some((n) => n.kind === 'catalog' && sameLocation(n.at, at.data)))
        needs.push({ kind: 'catalog', at: at.data });
    }
  }
  return needs;
}

/**
 * The tree when workspaces cannot be listed (e.g. no usable credential store), or the local
 * workspace has no control plane (serve --database-url): the home database alone, from its
 * catalog, so it stays browsable. No cloud calls.
 */
export function embeddedOnlyData(home: Location, catalog: Loadable<ListSchemasOutput>): TreeData {
  const workspace: WorkspaceInfoDto = {
    id: workspaceOf(home),
    kind: 'local',
    host: 'localhost',
    displayName: 'Local workspace',
    authMethod: 'local',
    authLabel: 'this machine',
  };
  // A location's branch is always "projects/{project}/branches/{branch}".
  const [, projectId = '', , branchId = ''] = home.branch.split('/');
  const projectName = `projects/${projectId}`;
  const project: ProjectSummary = { name: projectName, id: projectId, displayName: projectId, defaultBranch: home.branch, deleted: false };
  const branch: BranchSummary = { name: home.branch, id: branchId, state: 'READY', isDefault: true, isProtected: false };
  const ready = <T>(value: T): Loadable<T> => ({ kind: 'ready', value });
  // The database row appears with its catalog, as a database list would.
  const databases: Loadable<readonly DatabaseSummary[]> =
    catalog.kind === 'ready'
      ? ready([{ name: `${home.branch}/databases/${home.database}`, id: home.database, postgresDatabase: home.database }])
      : catalog;
  const isHome = (ws: string, b: string) => ws === workspace.id && b === home.branch;
  return {
    workspaces: ready([workspace]),
    projects: (ws) => (ws === workspace.id ? ready([project]) : undefined),
    branches: (ws, p) => (ws === workspace.id && p === project.name ? ready([branch]) : undefined),
    endpoints: () => undefined,
    databases: (ws, b) => (isHome(ws, b) ? databases : undefined),
    catalog: (at) => (sameLocation(at, home) ? catalog : undefined),
  };
}

/** Nothing known yet: the tree shows its skeleton. */
export const NO_TREE_DATA: TreeData = {
  workspaces: { kind: 'pending' },
  projects: () => undefined,
  branches: () => undefined,
  endpoints: () => undefined,
  databases: () => undefined,
  catalog: () => undefined,
};
