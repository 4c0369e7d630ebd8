import type { ListSchemasOutput, RelationKind } from '../../../../shared/contract/catalog';
import { locationOf, type Location } from '../../../../shared/contract/location';
import { assertNever } from '../../../../shared/contract/result';
import type { BranchSummary, DatabaseSummary, ProjectSummary } from '../../../../shared/management/workspaceSchemas';
import { relationId } from '../tables/relation';
import { nodeId, type Loadable, type TreeData } from './treeData';
import type { ExplorerNode } from './treeModel';

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
    list.map((db) => databaseNode(data, locationOf(ws, branch.name, db.postgresDatabase), db)),
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

function databaseNode(data: TreeData, at: Location, database: DatabaseSummary): ExplorerNode {
  const id = nodeId.database(at);
  const children = loaded(data.catalog(at), id, 'schemas', (catalog) => schemaNodes(at, catalog));
  return { kind: 'database', id, label: database.postgresDatabase, at, database, children };
}

/** A database's schemas, public first; in each its relations (tables before views), then its routines. */
function schemaNodes(at: Location, catalog: ListSchemasOutput): ExplorerNode[] {
  const schemas = [...catalog.schemas].sort((a, b) => (a.name === 'public' ? -1 : b.name === 'public' ? 1 : a.name.localeCompare(b.name)));
  return schemas.map((schema) => {
    const id = nodeId.schema(at, schema.name);
    return {
      kind: 'schema',
      id,
      label: schema.name,
      at,
      children: [
        ...[...schema.relations]
          .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.name.localeCompare(b.name))
          .map((rel): ExplorerNode => ({
            kind: 'relation',
            id: relationId(at, schema.name, rel.name),
            label: rel.name,
            at,
            relation: { schema: schema.name, name: rel.name, kind: rel.kind, estimatedRows: rel.estimatedRows },
          })),
        ...(schema.routines ?? []).map((r): ExplorerNode => ({
          kind: 'routine',
          id: `${id}/routine:${r.name}(${r.arguments})`,
          label: r.name,
          routine: { schema: schema.name, ...r },
        })),
      ],
    };
  });
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
