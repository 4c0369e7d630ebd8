import type { ListSchemasOutput, RelationKind } from '../../../../shared/contract/catalog';
import { assertNever } from '../../../../shared/contract/result';

export interface RelationRef {
  readonly schema: string;
  readonly name: string;
  readonly kind: RelationKind;
  readonly estimatedRows: number;
}

export type ExplorerNode =
  | { readonly kind: 'workspace'; readonly id: string; readonly label: string; readonly children: readonly ExplorerNode[] }
  | { readonly kind: 'database'; readonly id: string; readonly label: string; readonly children: readonly ExplorerNode[] }
  | { readonly kind: 'schema'; readonly id: string; readonly label: string; readonly children: readonly ExplorerNode[] }
  | { readonly kind: 'relation'; readonly id: string; readonly label: string; readonly relation: RelationRef };

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

export const relationId = (schema: string, name: string) => `rel:${JSON.stringify([schema, name])}`;

const KIND_ORDER: Record<RelationKind, number> = {
  table: 0,
  partitioned_table: 1,
  foreign_table: 2,
  view: 3,
  materialized_view: 4,
};

/** The tree for the local workspace: workspace → database → schemas (public first) → relations (tables first). */
export function buildExplorerTree(workspaceLabel: string, catalog: ListSchemasOutput): ExplorerNode[] {
  const dbId = `db:${catalog.database}`;
  const schemas = [...catalog.schemas].sort((a, b) => (a.name === 'public' ? -1 : b.name === 'public' ? 1 : a.name.localeCompare(b.name)));
  return [
    {
      kind: 'workspace',
      id: 'ws:local',
      label: workspaceLabel,
      children: [
        {
          kind: 'database',
          id: dbId,
          label: catalog.database,
          children: schemas.map((schema) => ({
            kind: 'schema',
            id: `schema:${JSON.stringify([catalog.database, schema.name])}`,
            label: schema.name,
            children: [...schema.relations]
              .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.name.localeCompare(b.name))
              .map((rel) => ({
                kind: 'relation',
                id: relationId(schema.name, rel.name),
                label: rel.name,
                relation: { schema: schema.name, name: rel.name, kind: rel.kind, estimatedRows: rel.estimatedRows },
              })),
          })),
        },
      ],
    },
  ];
}

export function childrenOf(node: ExplorerNode): readonly ExplorerNode[] {
  switch (node.kind) {
    case 'workspace':
    case 'database':
    case 'schema':
      return node.children;
    case 'relation':
      return [];
    default:
      return assertNever(node, 'explorer node');
  }
}

/** What a first visit shows: the path down to the first schema's tables, so one click opens a table. */
export function defaultExpanded(roots: readonly ExplorerNode[]): Set<string> {
  const ids = new Set<string>();
  let level: readonly ExplorerNode[] = roots;
  while (level.length > 0) {
    const first = level[0];
    if (!first || first.kind === 'relation') break;
    ids.add(first.id);
    if (first.kind === 'schema') break;
    level = childrenOf(first);
  }
  return ids;
}

export function visibleRows(roots: readonly ExplorerNode[], expanded: ReadonlySet<string>): VisibleRow[] {
  const rows: VisibleRow[] = [];
  const walk = (nodes: readonly ExplorerNode[], level: number, parentId: string | null) => {
    nodes.forEach((node, index) => {
      const children = childrenOf(node);
      const expandable = node.kind !== 'relation';
      const isExpanded = expandable && expanded.has(node.id);
      rows.push({ node, level, parentId, posInSet: index + 1, setSize: nodes.length, expandable, expanded: isExpanded });
      if (isExpanded) walk(children, level + 1, node.id);
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
  | { readonly kind: 'none' };

/** The WAI-ARIA tree keyboard pattern, as a pure function of the visible rows. */
export function treeKeyAction(key: string, rows: readonly VisibleRow[], focusedId: string | null): TreeAction {
  if (rows.length === 0) return { kind: 'none' };
  const index = Math.max(0, rows.findIndex((r) => r.node.id === focusedId));
  const row = rows[index]!;
  const focus = (i: number): TreeAction => {
    const target = rows[i];
    return target && target !== row ? { kind: 'focus', id: target.node.id } : { kind: 'none' };
  };
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

/**
 * The tree narrowed to relations whose name contains `query` (case-insensitive). A schema whose
 * own name matches keeps all its relations; branches left without matches disappear.
 */
export function filterExplorerTree(roots: readonly ExplorerNode[], query: string): ExplorerNode[] {
  const needle = query.trim().toLocaleLowerCase();
  if (!needle) return [...roots];
  const matches = (label: string) => label.toLocaleLowerCase().includes(needle);
  const prune = (node: ExplorerNode): ExplorerNode | null => {
    switch (node.kind) {
      case 'relation':
        return matches(node.label) ? node : null;
      case 'schema': {
        if (matches(node.label)) return node;
        const children = node.children.map(prune).filter((n) => n !== null);
        return children.length > 0 ? { ...node, children } : null;
      }
      case 'workspace':
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

/** Every branch id, to show a filtered tree fully open. */
export function allBranchIds(roots: readonly ExplorerNode[]): Set<string> {
  const ids = new Set<string>();
  const walk = (nodes: readonly ExplorerNode[]) => {
    for (const node of nodes) {
      if (node.kind === 'relation') continue;
      ids.add(node.id);
      walk(node.children);
    }
  };
  walk(roots);
  return ids;
}
