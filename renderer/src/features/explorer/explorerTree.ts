import type { ListSchemasOutput, RelationKind } from '../../../../shared/contract/catalog';
import { assertNever } from '../../../../shared/contract/result';
import type {
  BranchSummary,
  DatabaseSummary,
  EndpointSummary,
  ProjectSummary,
  WorkspaceInfoDto,
} from '../../../../shared/management/workspaceSchemas';

export interface RelationRef {
  readonly schema: string;
  readonly name: string;
  readonly kind: RelationKind;
  readonly estimatedRows: number;
  /** Full branch name ("projects/p/branches/b") of its workspace; absent = the embedded default. */
  readonly branch?: string;
  /** A cloud workspace's id (with `branch` and `database`); absent = the local workspace. */
  readonly workspaceId?: string;
  /** The Postgres database on a cloud branch; local tables are in the branch's default database. */
  readonly database?: string;
}

/** The local workspace's project and branch that hold the embedded default database. */
export const LOCAL_WORKSPACE_ID = 'local';
export const EMBEDDED_BRANCH = 'projects/local/branches/production';

/**
 * How a branch's catalog is asked for: the embedded default without a branch (the catalog's own
 * default, and the ids tabs were saved with), other local branches by name (their default
 * database), a cloud workspace's branches by workspace, branch and database.
 */
export function catalogBranch(
  workspaceId: string,
  branch: string,
): { kind: 'local'; branch: string | undefined } | { kind: 'cloud'; workspaceId: string; branch: string } {
  if (workspaceId !== LOCAL_WORKSPACE_ID) return { kind: 'cloud', workspaceId, branch };
  return { kind: 'local', branch: branch === EMBEDDED_BRANCH ? undefined : branch };
}

/** A list the tree is waiting for, has, or failed to get. `retry` asks again. */
export type Loadable<T> =
  | { readonly kind: 'pending' }
  | { readonly kind: 'error'; readonly error: unknown; readonly retry: () => void }
  | { readonly kind: 'ready'; readonly value: T };

type Children = readonly ExplorerNode[];

export type ExplorerNode =
  | {
      readonly kind: 'workspace';
      readonly id: string;
      readonly label: string;
      readonly workspace: WorkspaceInfoDto;
      readonly children: Children;
    }
  | {
      readonly kind: 'project';
      readonly id: string;
      readonly label: string;
      readonly workspaceId: string;
      readonly project: ProjectSummary;
      readonly children: Children;
    }
  | {
      readonly kind: 'branch';
      readonly id: string;
      readonly label: string;
      readonly workspaceId: string;
      readonly project: string;
      readonly branch: BranchSummary;
      /** The project's branches, for the create-branch dialog's source list. */
      readonly siblings: readonly BranchSummary[];
      readonly children: Children;
    }
  | {
      readonly kind: 'endpoint';
      readonly id: string;
      readonly label: string;
      readonly workspaceId: string;
      readonly endpoint: EndpointSummary;
    }
  | {
      readonly kind: 'database';
      readonly id: string;
      readonly label: string;
      readonly workspaceId: string;
      readonly branch: string;
      readonly database: DatabaseSummary;
      /**
       * Whether the admin tools can open on it: any cloud database; locally only the branch's
       * default database (the one its catalog lists), where the local admin tools work.
       */
      readonly adminTools: boolean;
      readonly children: Children;
    }
  | { readonly kind: 'schema'; readonly id: string; readonly label: string; readonly children: Children }
  | { readonly kind: 'relation'; readonly id: string; readonly label: string; readonly relation: RelationRef }
  /** A function or procedure; shown for reference (signature in its title). */
  | { readonly kind: 'routine'; readonly id: string; readonly label: string; readonly routine: RoutineRef }
  /** A row that stands in for children not there yet: loading, failed (with retry) or a note. */
  | {
      readonly kind: 'status';
      readonly id: string;
      readonly label: string;
      readonly tone: 'loading' | 'error' | 'note';
      readonly error?: unknown;
      readonly retry?: () => void;
    };

export interface RoutineRef {
  readonly schema: string;
  readonly name: string;
  readonly arguments: string;
  readonly returns: string;
  readonly kind: 'function' | 'procedure';
}

export type ContainerNode = Extract<ExplorerNode, { children: Children }>;

/** One line of the tree as shown: the tree is rendered flat with aria-level/-setsize/-posinset. */
export interface VisibleRow {
  readonly node: ExplorerNode;
  readonly level: number;
  readonly parentId: string | null;
  readonly posInSet: number;
  readonly setSize: number;
  readonly expandable: boolean;
  readonly expanded: boolean;
}

// Ids carry everything needed to load a node's children, so the expanded set alone says which
// queries to run (see dataNeeds). JSON keeps names with any characters unambiguous.
export const nodeId = {
  workspace: (ws: string) => `ws:${JSON.stringify([ws])}`,
  project: (ws: string, project: string) => `project:${JSON.stringify([ws, project])}`,
  branch: (ws: string, branch: string) => `branch:${JSON.stringify([ws, branch])}`,
  endpoint: (ws: string, endpoint: string) => `endpoint:${JSON.stringify([ws, endpoint])}`,
  database: (ws: string, branch: string, db: string) => `db:${JSON.stringify([ws, branch, db])}`,
  schema: (ws: string, branch: string, db: string, schema: string) => `schema:${JSON.stringify([ws, branch, db, schema])}`,
};

/** Same id as the table's tab, so the tree can mark the open table; branch-less ids are the embedded default's. */
export const relationId = (
  schema: string,
  name: string,
  branch?: string,
  cloud?: { readonly workspaceId: string; readonly database: string },
) =>
  branch === undefined
    ? `rel:${JSON.stringify([schema, name])}`
    : cloud === undefined
      ? `rel:${JSON.stringify([schema, name, branch])}`
      : `rel:${JSON.stringify([schema, name, branch, cloud.workspaceId, cloud.database])}`;

/** The tab and tree id of a relation, wherever it lives. */
export function relationIdOf(r: RelationRef): string {
  return relationId(
    r.schema,
    r.name,
    r.branch,
    r.workspaceId !== undefined && r.database !== undefined ? { workspaceId: r.workspaceId, database: r.database } : undefined,
  );
}

/** What an expanded node needs loaded to show its children. */
export type DataNeed =
  | { readonly kind: 'projects'; readonly workspaceId: string }
  | { readonly kind: 'branches'; readonly workspaceId: string; readonly project: string }
  | { readonly kind: 'branchContents'; readonly workspaceId: string; readonly branch: string }
  /** A database's schemas (locally the catalog reads the branch's default database, whichever is expanded). */
  | { readonly kind: 'catalog'; readonly workspaceId: string; readonly branch: string; readonly database: string };

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
      const local = ws === LOCAL_WORKSPACE_ID;
      const same = (n: DataNeed) => n.kind === 'catalog' && n.workspaceId === ws && n.branch === name && (local || n.database === database);
      if (!needs.some(same)) needs.push({ kind: 'catalog', workspaceId: ws, branch: name, database });
    }
  }
  return needs;
}

/** Everything the tree knows, looked up by what an expanded node needs; undefined = not asked for. */
export interface TreeData {
  readonly workspaces: Loadable<readonly WorkspaceInfoDto[]>;
  readonly projects: (workspaceId: string) => Loadable<readonly ProjectSummary[]> | undefined;
  readonly branches: (workspaceId: string, project: string) => Loadable<readonly BranchSummary[]> | undefined;
  readonly endpoints: (workspaceId: string, branch: string) => Loadable<readonly EndpointSummary[]> | undefined;
  readonly databases: (workspaceId: string, branch: string) => Loadable<readonly DatabaseSummary[]> | undefined;
  /** Locally, the branch's default database whatever `database` says (the node shows a note for others). */
  readonly catalog: (workspaceId: string, branch: string, database: string) => Loadable<ListSchemasOutput> | undefined;
}

/**
 * The tree when workspaces cannot be listed (e.g. no usable credential store): the embedded
 * default alone, from its catalog, so the local database stays browsable. No cloud calls.
 */
export function embeddedOnlyData(catalog: Loadable<ListSchemasOutput>): TreeData {
  const workspace: WorkspaceInfoDto = {
    id: LOCAL_WORKSPACE_ID,
    kind: 'local',
    host: 'localhost',
    displayName: 'Local workspace',
    authMethod: 'local',
    authLabel: 'this machine',
  };
  const project: ProjectSummary = {
    name: 'projects/local',
    id: 'local',
    displayName: 'local',
    defaultBranch: EMBEDDED_BRANCH,
    deleted: false,
  };
  const branch: BranchSummary = { name: EMBEDDED_BRANCH, id: 'production', state: 'READY', isDefault: true, isProtected: false };
  const ready = <T>(value: T): Loadable<T> => ({ kind: 'ready', value });
  const databases: Loadable<readonly DatabaseSummary[]> =
    catalog.kind === 'ready'
      ? ready([
          {
            name: `${EMBEDDED_BRANCH}/databases/${catalog.value.database}`,
            id: catalog.value.database,
            postgresDatabase: catalog.value.database,
          },
        ])
      : catalog;
  const embedded = (ws: string, b: string) => ws === LOCAL_WORKSPACE_ID && b === EMBEDDED_BRANCH;
  return {
    workspaces: ready([workspace]),
    projects: (ws) => (ws === LOCAL_WORKSPACE_ID ? ready([project]) : undefined),
    branches: (ws, p) => (ws === LOCAL_WORKSPACE_ID && p === project.name ? ready([branch]) : undefined),
    endpoints: () => undefined,
    databases: (ws, b) => (embedded(ws, b) ? databases : undefined),
    catalog: (ws, b) => (embedded(ws, b) ? catalog : undefined),
  };
}

const KIND_ORDER: Record<RelationKind, number> = {
  table: 0,
  partitioned_table: 1,
  foreign_table: 2,
  view: 3,
  materialized_view: 4,
};

/** Workspace → project → branches nested by source → endpoints, databases → schemas → relations. */
export function buildExplorerTree(data: TreeData): ExplorerNode[] {
  return loaded(data.workspaces, 'root', 'workspaces', (workspaces) =>
    workspaces.map((ws) => ({
      kind: 'workspace',
      id: nodeId.workspace(ws.id),
      label: ws.displayName,
      workspace: ws,
      children: loaded(data.projects(ws.id), nodeId.workspace(ws.id), 'projects', (projects) =>
        projects.filter((p) => !p.deleted).map((project) => projectNode(data, ws.id, project)),
      ),
    })),
  );
}

function projectNode(data: TreeData, ws: string, project: ProjectSummary): ExplorerNode {
  const id = nodeId.project(ws, project.name);
  return {
    kind: 'project',
    id,
    label: project.displayName || project.id,
    workspaceId: ws,
    project,
    children: loaded(data.branches(ws, project.name), id, 'branches', (branches) =>
      branchForest(branches).map((tree) => branchNode(data, ws, project.name, branches, tree)),
    ),
  };
}

export interface BranchTree {
  readonly branch: BranchSummary;
  readonly children: readonly BranchTree[];
}

/**
 * Branches as a forest by source branch: a branch sits under the branch it was created from;
 * one whose source is not listed (or none, the root) is a root. Default first, then by id.
 */
export function branchForest(branches: readonly BranchSummary[]): BranchTree[] {
  const names = new Set(branches.map((b) => b.name));
  const order = (a: BranchSummary, b: BranchSummary) => Number(b.isDefault) - Number(a.isDefault) || a.id.localeCompare(b.id);
  const childrenOf = (parent: string | undefined, seen: ReadonlySet<string>): BranchTree[] =>
    branches
      .filter((b) =>
        parent === undefined
          ? !b.sourceBranch || !names.has(b.sourceBranch) || b.sourceBranch === b.name
          : b.sourceBranch === parent && b.name !== parent,
      )
      .filter((b) => !seen.has(b.name))
      .sort(order)
      .map((b) => ({ branch: b, children: childrenOf(b.name, new Set([...seen, b.name])) }));
  return childrenOf(undefined, new Set());
}

function branchNode(data: TreeData, ws: string, project: string, siblings: readonly BranchSummary[], tree: BranchTree): ExplorerNode {
  const { branch } = tree;
  const id = nodeId.branch(ws, branch.name);
  const endpoints = loaded(data.endpoints(ws, branch.name), id, 'endpoints', (list) =>
    list.map((endpoint) => ({ kind: 'endpoint', id: nodeId.endpoint(ws, endpoint.name), label: endpoint.id, workspaceId: ws, endpoint })),
  );
  const databases = loaded(data.databases(ws, branch.name), id, 'databases', (list) =>
    list.map((db) => databaseNode(data, ws, branch.name, db)),
  );
  return {
    kind: 'branch',
    id,
    label: branch.id,
    workspaceId: ws,
    project,
    branch,
    siblings,
    children: [...endpoints, ...databases, ...tree.children.map((child) => branchNode(data, ws, project, siblings, child))],
  };
}

function databaseNode(data: TreeData, ws: string, branch: string, database: DatabaseSummary): ExplorerNode {
  const id = nodeId.database(ws, branch, database.postgresDatabase);
  const catalog = data.catalog(ws, branch, database.postgresDatabase);
  const target = catalogBranch(ws, branch);
  // Where a table opened from here lives (no branch = the embedded default).
  const at: RelationLocation =
    target.kind === 'local'
      ? target.branch === undefined
        ? {}
        : { branch: target.branch }
      : { branch, workspaceId: ws, database: database.postgresDatabase };
  const children: ExplorerNode[] = loaded(catalog, id, 'schemas', (c) =>
    c.database === database.postgresDatabase
      ? schemaNodes(ws, branch, c, at)
      : [{ kind: 'status', id: `${id}/schemas:other`, label: `Only ${c.database}’s schemas can be browsed yet`, tone: 'note' }],
  );
  const adminTools = target.kind === 'cloud' || (catalog?.kind === 'ready' && catalog.value.database === database.postgresDatabase);
  return { kind: 'database', id, label: database.postgresDatabase, workspaceId: ws, branch, database, adminTools, children };
}

type RelationLocation = Pick<RelationRef, 'branch' | 'workspaceId' | 'database'>;

/** `at`: where a table opened from here lives. */
function schemaNodes(ws: string, branch: string, catalog: ListSchemasOutput, at: RelationLocation): ExplorerNode[] {
  const schemas = [...catalog.schemas].sort((a, b) => (a.name === 'public' ? -1 : b.name === 'public' ? 1 : a.name.localeCompare(b.name)));
  return schemas.map((schema) => ({
    kind: 'schema',
    id: nodeId.schema(ws, branch, catalog.database, schema.name),
    label: schema.name,
    children: [
      ...[...schema.relations]
        .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.name.localeCompare(b.name))
        .map((rel): ExplorerNode => {
          const relation: RelationRef = { schema: schema.name, name: rel.name, kind: rel.kind, estimatedRows: rel.estimatedRows, ...at };
          return { kind: 'relation', id: relationIdOf(relation), label: rel.name, relation };
        }),
      ...(schema.routines ?? []).map((r): ExplorerNode => ({
        kind: 'routine',
        id: `${nodeId.schema(ws, branch, catalog.database, schema.name)}/routine:${r.name}(${r.arguments})`,
        label: r.name,
        routine: { schema: schema.name, ...r },
      })),
    ],
  }));
}

/** Children from a list: rows when ready, a loading or error row meanwhile, nothing if not asked for. */
function loaded<T>(state: Loadable<T> | undefined, parentId: string, what: string, build: (value: T) => ExplorerNode[]): ExplorerNode[] {
  if (state === undefined) return [];
  switch (state.kind) {
    case 'pending':
      return [{ kind: 'status', id: `${parentId}/${what}:loading`, label: `Loading ${what}…`, tone: 'loading' }];
    case 'error':
      return [
        {
          kind: 'status',
          id: `${parentId}/${what}:error`,
          label: `Couldn’t load ${what}`,
          tone: 'error',
          error: state.error,
          retry: state.retry,
        },
      ];
    case 'ready': {
      const nodes = build(state.value);
      return nodes.length > 0 ? nodes : [{ kind: 'status', id: `${parentId}/${what}:none`, label: `No ${what}`, tone: 'note' }];
    }
    default:
      return assertNever(state, 'loadable');
  }
}

export function childrenOf(node: ExplorerNode): Children {
  switch (node.kind) {
    case 'workspace':
    case 'project':
    case 'branch':
    case 'database':
    case 'schema':
      return node.children;
    case 'endpoint':
    case 'relation':
    case 'routine':
    case 'status':
      return [];
    default:
      return assertNever(node, 'explorer node');
  }
}

export function isContainer(node: ExplorerNode): node is ContainerNode {
  switch (node.kind) {
    case 'workspace':
    case 'project':
    case 'branch':
    case 'database':
    case 'schema':
      return true;
    case 'endpoint':
    case 'relation':
    case 'routine':
    case 'status':
      return false;
    default:
      return assertNever(node, 'explorer node');
  }
}

/**
 * What a first visit shows: the first workspace's first project, its default branch, that
 * branch's database and first schema (public), so one click opens a table. Grows as data arrives.
 */
export function defaultExpanded(roots: readonly ExplorerNode[]): Set<string> {
  const ids = new Set<string>();
  let node: ExplorerNode | undefined = roots.find(isContainer);
  while (node && isContainer(node)) {
    ids.add(node.id);
    if (node.kind === 'schema') break;
    node = preferredChild(node);
  }
  return ids;
}

function preferredChild(node: ContainerNode): ExplorerNode | undefined {
  const children = node.children;
  switch (node.kind) {
    case 'project':
      return children.find((c) => c.kind === 'branch' && c.branch.isDefault) ?? children.find((c) => c.kind === 'branch');
    case 'branch':
      return children.find((c) => c.kind === 'database');
    case 'workspace':
    case 'database':
    case 'schema':
      return children.find(isContainer);
    default:
      return assertNever(node, 'explorer node');
  }
}

export function visibleRows(roots: readonly ExplorerNode[], expanded: ReadonlySet<string>): VisibleRow[] {
  const rows: VisibleRow[] = [];
  const walk = (nodes: readonly ExplorerNode[], level: number, parentId: string | null) => {
    nodes.forEach((node, index) => {
      const expandable = isContainer(node);
      const isExpanded = expandable && expanded.has(node.id);
      rows.push({ node, level, parentId, posInSet: index + 1, setSize: nodes.length, expandable, expanded: isExpanded });
      if (isExpanded) walk(childrenOf(node), level + 1, node.id);
    });
  };
  walk(roots, 1, null);
  return rows;
}

export type TreeAction =
  | { readonly kind: 'focus'; readonly id: string }
  | { readonly kind: 'expand'; readonly id: string }
  | { readonly kind: 'collapse'; readonly id: string }
  /** Enter/Space: open a relation, toggle a branch. */
  | { readonly kind: 'activate'; readonly id: string }
  /** Shift+F10 or the context-menu key: the row's actions. */
  | { readonly kind: 'menu'; readonly id: string }
  | { readonly kind: 'none' };

/** The WAI-ARIA tree keyboard pattern, as a pure function of the visible rows. */
export function treeKeyAction(key: string, rows: readonly VisibleRow[], focusedId: string | null, shift = false): TreeAction {
  if (rows.length === 0) return { kind: 'none' };
  const index = Math.max(
    0,
    rows.findIndex((r) => r.node.id === focusedId),
  );
  const row = rows[index]!;
  const focus = (i: number): TreeAction => {
    const target = rows[i];
    return target && target !== row ? { kind: 'focus', id: target.node.id } : { kind: 'none' };
  };
  if (key === 'ContextMenu' || (key === 'F10' && shift)) return { kind: 'menu', id: row.node.id };
  switch (key) {
    case 'ArrowDown':
      return focus(index + 1);
    case 'ArrowUp':
      return focus(index - 1);
    case 'Home':
      return focus(0);
    case 'End':
      return focus(rows.length - 1);
    case 'ArrowRight':
      if (!row.expandable) return { kind: 'none' };
      if (!row.expanded) return { kind: 'expand', id: row.node.id };
      return rows[index + 1]?.parentId === row.node.id ? focus(index + 1) : { kind: 'none' };
    case 'ArrowLeft':
      if (row.expanded) return { kind: 'collapse', id: row.node.id };
      return row.parentId ? { kind: 'focus', id: row.parentId } : { kind: 'none' };
    case 'Enter':
    case ' ':
      return { kind: 'activate', id: row.node.id };
    default:
      return typeAhead(key, rows, index);
  }
}

/** A printable key jumps to the next visible item whose label starts with it, wrapping around. */
function typeAhead(key: string, rows: readonly VisibleRow[], from: number): TreeAction {
  if ([...key].length !== 1 || key === ' ') return { kind: 'none' };
  const wanted = key.toLocaleLowerCase();
  for (let step = 1; step <= rows.length; step++) {
    const row = rows[(from + step) % rows.length]!;
    if (row.node.label.toLocaleLowerCase().startsWith(wanted)) {
      return step === rows.length ? { kind: 'none' } : { kind: 'focus', id: row.node.id };
    }
  }
  return { kind: 'none' };
}

/** Planner estimates shown compactly beside a table; null when Postgres has no estimate yet. */
export function formatRowEstimate(estimatedRows: number): string | null {
  if (!Number.isFinite(estimatedRows) || estimatedRows < 0) return null;
  const n = Math.round(estimatedRows);
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${trimZero(n / 1000)}k`;
  if (n < 1_000_000_000) return `${trimZero(n / 1_000_000)}M`;
  return `${trimZero(n / 1_000_000_000)}B`;
}

function trimZero(x: number): string {
  return (x >= 100 ? Math.round(x).toString() : x.toFixed(1)).replace(/\.0$/, '');
}

/** "expires in 3 h" / "expired": a branch's expiry relative to now, coarse on purpose. */
export function formatExpiry(expireTime: string, now: number): string | null {
  const at = Date.parse(expireTime);
  if (!Number.isFinite(at)) return null;
  const s = Math.round((at - now) / 1000);
  if (s <= 0) return 'expired';
  if (s < 3600) return `expires in ${Math.max(1, Math.round(s / 60))} min`;
  if (s < 2 * 86400) return `expires in ${Math.round(s / 3600)} h`;
  return `expires in ${Math.round(s / 86400)} d`;
}

/**
 * The tree narrowed to relations whose name contains `query` (case-insensitive). A schema whose
 * own name matches keeps all its relations; containers left without matches disappear, and so
 * do endpoints and status rows.
 */
export function filterExplorerTree(roots: readonly ExplorerNode[], query: string): ExplorerNode[] {
  const needle = query.trim().toLocaleLowerCase();
  if (!needle) return [...roots];
  const matches = (label: string) => label.toLocaleLowerCase().includes(needle);
  const prune = (node: ExplorerNode): ExplorerNode | null => {
    switch (node.kind) {
      case 'relation':
      case 'routine':
        return matches(node.label) ? node : null;
      case 'endpoint':
      case 'status':
        return null;
      case 'schema': {
        if (matches(node.label)) return node;
        const children = node.children.map(prune).filter((n) => n !== null);
        return children.length > 0 ? { ...node, children } : null;
      }
      case 'workspace':
      case 'project':
      case 'branch':
      case 'database': {
        const children = node.children.map(prune).filter((n) => n !== null);
        return children.length > 0 ? { ...node, children } : null;
      }
      default:
        return assertNever(node, 'explorer node');
    }
  };
  return roots.map(prune).filter((n) => n !== null);
}

/** Every container id, to show a filtered tree fully open. */
export function allBranchIds(roots: readonly ExplorerNode[]): Set<string> {
  const ids = new Set<string>();
  const walk = (nodes: readonly ExplorerNode[]) => {
    for (const node of nodes) {
      if (!isContainer(node)) continue;
      ids.add(node.id);
      walk(node.children);
    }
  };
  walk(roots);
  return ids;
}
