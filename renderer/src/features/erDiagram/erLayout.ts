// @dagrejs/dagre lays the diagram out: a layered (Sugiyama) layout suits foreign keys, which mostly
// point one way, and it is small (≈0.2 MB bundled, no worker), synchronous, typed and maintained
// by the dagrejs org. elkjs lays out as well but ships ≈1.5 MB of GWT-compiled code and an async
// worker API, more than a diagram of tens of tables needs.
import dagre from '@dagrejs/dagre';
import type { RelationKind, SchemaGraph } from '../../../../shared/contract/catalog';

/** Layout units are SVG pixels at zoom 1. */
export const HEADER_HEIGHT = 28;
export const ROW_HEIGHT = 20;
/** Monospace 12px: the width of one character, for sizing boxes before anything is drawn. */
const CHAR_WIDTH = 7.3;
const MIN_WIDTH = 160;
const MAX_WIDTH = 360;
/** A wide table shows this many columns (keys first), then "+ n more". */
export const MAX_COLUMNS = 24;

export interface ErColumn {
  readonly name: string;
  readonly type: string;
  readonly notNull: boolean;
  readonly key: 'pk' | 'fk' | 'pk+fk' | 'unique' | null;
}

export interface ErNode {
  /** [schema, table] as JSON: unique whatever the names contain. */
  readonly id: string;
  readonly schema: string;
  readonly table: string;
  readonly kind: RelationKind;
  readonly estimatedRows: number;
  /** A table of another schema that a foreign key reaches: drawn with only the columns the key uses. */
  readonly external: boolean;
  readonly columns: readonly ErColumn[];
  readonly hiddenColumns: number;
  /** Top-left corner and size. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface ErEdge {
  readonly id: string;
  readonly name: string;
  readonly from: string;
  readonly to: string;
  /** e.g. "client_id → id". */
  readonly label: string;
  readonly onDelete: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

export interface ErLayout {
  readonly nodes: readonly ErNode[];
  readonly edges: readonly ErEdge[];
  readonly width: number;
  readonly height: number;
}

export const nodeId = (schema: string, table: string) => JSON.stringify([schema, table]);

/** The schema's tables as boxes and its foreign keys as routed edges, referenced tables to the left. */
export function layoutSchemaGraph(graph: SchemaGraph): ErLayout {
  const boxes = new Map<string, Omit<ErNode, 'x' | 'y'>>();
  for (const t of graph.tables) {
    const columns = sortColumns(
      t.columns.map((c) => ({ name: c.name, type: c.type, notNull: c.notNull, key: keyOf(c.primaryKey, c.foreignKey, c.unique) })),
    );
    boxes.set(nodeId(graph.schema, t.name), box(graph.schema, t.name, t.kind, t.estimatedRows, false, columns));
  }
  // Tables of other schemas appear once, with the columns their keys use.
  const external = new Map<string, { schema: string; table: string; columns: Map<string, ErColumn> }>();
  for (const k of graph.foreignKeys) {
    for (const [end, role] of [
      [k.from, 'fk'],
      [k.to, null],
    ] as const) {
      const id = nodeId(end.schema, end.table);
      if (boxes.has(id)) continue;
      let e = external.get(id);
      if (!e) external.set(id, (e = { schema: end.schema, table: end.table, columns: new Map() }));
      for (const c of end.columns) if (!e.columns.has(c)) e.columns.set(c, { name: c, type: '', notNull: false, key: role });
    }
  }
  for (const [id, e] of external) boxes.set(id, box(e.schema, e.table, 'table', -1, true, [...e.columns.values()]));

  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'RL', nodesep: 28, ranksep: 90, edgesep: 14, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const [id, b] of boxes) g.setNode(id, { width: b.width, height: b.height });
  const edges = graph.foreignKeys.map((k, i) => {
    const from = nodeId(k.from.schema, k.from.table);
    const to = nodeId(k.to.schema, k.to.table);
    const id = `${i}:${k.from.schema}.${k.from.table}.${k.name}`;
    g.setEdge(from, to, {}, id);
    return { id, name: k.name, from, to, label: `${k.from.columns.join(', ')} → ${k.to.columns.join(', ')}`, onDelete: k.onDelete };
  });
  dagre.layout(g);

  const nodes: ErNode[] = [...boxes].map(([id, b]) => {
    const n = g.node(id);
    return { ...b, x: n.x - b.width / 2, y: n.y - b.height / 2 };
  });
  const graphLabel = g.graph();
  return {
    nodes,
    edges: edges.map((e) => ({ ...e, points: g.edge({ v: e.from, w: e.to, name: e.id })?.points ?? [] })),
    width: graphLabel.width ?? 0,
    height: graphLabel.height ?? 0,
  };
}

function keyOf(pk: boolean, fk: boolean, unique: boolean): ErColumn['key'] {
  if (pk && fk) return 'pk+fk';
  if (pk) return 'pk';
  if (fk) return 'fk';
  return unique ? 'unique' : null;
}

/** Key columns first (as ER tools draw them), otherwise the table's own order. */
function sortColumns(columns: ErColumn[]): ErColumn[] {
  const rank = (c: ErColumn) => (c.key === 'pk' || c.key === 'pk+fk' ? 0 : c.key === 'fk' ? 1 : 2);
  return columns
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map((x) => x.c);
}

function box(
  schema: string,
  table: string,
  kind: RelationKind,
  estimatedRows: number,
  isExternal: boolean,
  all: ErColumn[],
): Omit<ErNode, 'x' | 'y'> {
  const columns = all.slice(0, MAX_COLUMNS);
  const hiddenColumns = all.length - columns.length;
  const title = isExternal ? `${schema}.${table}` : table;
  // Key marker (3 chars) + name + gap + type, or the title with its bold allowance.
  const chars = Math.max(title.length * 1.1 + 4, ...columns.map((c) => 4 + c.name.length + 2 + c.type.length));
  const width = Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, chars * CHAR_WIDTH + 20)));
  const rows = columns.length + (hiddenColumns > 0 ? 1 : 0);
  return {
    id: nodeId(schema, table),
    schema,
    table,
    kind,
    estimatedRows,
    external: isExternal,
    columns,
    hiddenColumns,
    width,
    height: HEADER_HEIGHT + Math.max(1, rows) * ROW_HEIGHT + 6,
  };
}
