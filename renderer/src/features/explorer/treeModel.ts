import type { Location } from '../../../../shared/contract/location';
import { assertNever } from '../../../../shared/contract/result';
import type {
  BranchSummary,
  DatabaseSummary,
  EndpointSummary,
  ProjectSummary,
  WorkspaceInfoDto,
} from '../../../../shared/management/workspaceSchemas';
import type { RelationInfo } from '../tables/relation';

/**
 * The explorer's tree as values: its nodes, their ids, and which rows show for a set of expanded
 * ids. Built from loaded lists in buildTree.ts; walked by the keyboard in treeKeyboard.ts.
 */

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
      /** Where its schemas are read and its tables, SQL editor and admin tools open. */
      readonly at: Location;
      readonly database: DatabaseSummary;
      readonly children: Children;
    }
  | { readonly kind: 'schema'; readonly id: string; readonly label: string; readonly at: Location; readonly children: Children }
  | { readonly kind: 'relation'; readonly id: string; readonly label: string; readonly at: Location; readonly relation: RelationInfo }
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

export function childrenOf(node: ExplorerNode): Children {
  return isContainer(node) ? node.children : [];
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
