import { describe, expect, it } from 'vitest';
import type { SchemaGraph } from '../../../../shared/contract/catalog';
import { layoutSchemaGraph, MAX_COLUMNS, nodeId, type ErLayout, type ErNode } from './erLayout';

const col = (name: string, type = 'integer', keys: { pk?: boolean; fk?: boolean; unique?: boolean } = {}) => ({
  name,
  type,
  notNull: keys.pk === true,
  primaryKey: keys.pk === true,
  foreignKey: keys.fk === true,
  unique: keys.unique === true,
});

/** The sample schema (clients ← projects ← tasks), a self reference, and a key from another schema. */
const SAMPLE: SchemaGraph = {
  schema: 'public',
  exists: true,
  tables: [
    { name: 'clients', kind: 'table', estimatedRows: 3, columns: [col('name', 'text'), col('id', 'integer', { pk: true })] },
    {
      name: 'projects',
      kind: 'table',
      estimatedRows: 4,
      columns: [col('id', 'integer', { pk: true }), col('client_id', 'integer', { fk: true }), col('code', 'text', { unique: true })],
    },
    {
      name: 'tasks',
      kind: 'table',
      estimatedRows: 9,
      columns: [col('id', 'integer', { pk: true }), col('project_id', 'integer', { fk: true }), col('parent_id', 'integer', { fk: true })],
    },
  ],
  foreignKeys: [
    fk('billing', 'invoices', ['client_id'], 'public', 'clients', ['id']),
    fk('public', 'projects', ['client_id'], 'public', 'clients', ['id'], 'CASCADE'),
    fk('public', 'tasks', ['project_id'], 'public', 'projects', ['id']),
    fk('public', 'tasks', ['parent_id'], 'public', 'tasks', ['id']),
  ],
};

function fk(
  fs: string,
  ft: string,
  fc: string[],
  ts: string,
  tt: string,
  tc: string[],
  onDelete: SchemaGraph['foreignKeys'][number]['onDelete'] = 'NO ACTION',
): SchemaGraph['foreignKeys'][number] {
  return {
    name: `${ft}_${fc.join('_')}_fkey`,
    from: { schema: fs, table: ft, columns: fc },
    to: { schema: ts, table: tt, columns: tc },
    onDelete,
    onUpdate: 'NO ACTION',
  };
}

const byTable = (l: ErLayout, table: string): ErNode => l.nodes.find((n) => n.table === table)!;
const overlap = (a: ErNode, b: ErNode) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('layoutSchemaGraph', () => {
  const layout = layoutSchemaGraph(SAMPLE);

  it('draws every table once, and a table of another schema as an external box with the key’s columns', () => {
    expect(layout.nodes.map((n) => `${n.schema}.${n.table}${n.external ? ' (external)' : ''}`).sort()).toEqual([
      'billing.invoices (external)',
      'public.clients',
      'public.projects',
      'public.tasks',
    ]);
    expect(byTable(layout, 'invoices').columns).toEqual([{ name: 'client_id', type: '', notNull: false, key: 'fk' }]);
  });

  it('lists key columns first, marked, otherwise in table order', () => {
    expect(byTable(layout, 'clients').columns.map((c) => `${c.key ?? '-'} ${c.name}`)).toEqual(['pk id', '- name']);
    expect(byTable(layout, 'projects').columns.map((c) => `${c.key ?? '-'} ${c.name}`)).toEqual(['pk id', 'fk client_id', 'unique code']);
  });

  it('places referenced tables left of the tables that reference them, with no boxes overlapping', () => {
    expect(byTable(layout, 'clients').x + byTable(layout, 'clients').width).toBeLessThan(byTable(layout, 'projects').x);
    expect(byTable(layout, 'projects').x + byTable(layout, 'projects').width).toBeLessThan(byTable(layout, 'tasks').x);
    for (const a of layout.nodes) for (const b of layout.nodes) if (a !== b) expect(overlap(a, b)).toBe(false);
    for (const n of layout.nodes) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width).toBeLessThanOrEqual(layout.width);
      expect(n.y + n.height).toBeLessThanOrEqual(layout.height);
    }
  });

  it('routes each foreign key, the self reference too, from the referencing box to the referenced one', () => {
    expect(layout.edges.map((e) => `${e.label} ${e.onDelete}`)).toEqual([
      'client_id → id NO ACTION',
      'client_id → id CASCADE',
      'project_id → id NO ACTION',
      'parent_id → id NO ACTION',
    ]);
    const projectsToClients = layout.edges[1]!;
    expect(projectsToClients.from).toBe(nodeId('public', 'projects'));
    const first = projectsToClients.points[0]!;
    const last = projectsToClients.points.at(-1)!;
    const projects = byTable(layout, 'projects');
    const clients = byTable(layout, 'clients');
    expect(first.x).toBeCloseTo(projects.x, 0);
    expect(last.x).toBeCloseTo(clients.x + clients.width, 0);
    expect(layout.edges[3]!.points.length).toBeGreaterThan(1);
  });

  it('two keys between the same tables are two edges; names with quotes and dots stay apart', () => {
    const g: SchemaGraph = {
      schema: 'a.b',
      exists: true,
      tables: [
        { name: 'x"y', kind: 'table', estimatedRows: -1, columns: [col('id', 'integer', { pk: true })] },
        {
          name: 'links',
          kind: 'table',
          estimatedRows: -1,
          columns: [col('a', 'integer', { fk: true }), col('b', 'integer', { fk: true })],
        },
      ],
      foreignKeys: [fk('a.b', 'links', ['a'], 'a.b', 'x"y', ['id']), fk('a.b', 'links', ['b'], 'a.b', 'x"y', ['id'])],
    };
    const l = layoutSchemaGraph(g);
    expect(l.nodes).toHaveLength(2);
    expect(l.edges).toHaveLength(2);
    expect(new Set(l.edges.map((e) => e.id)).size).toBe(2);
    for (const e of l.edges) expect(e.points.length).toBeGreaterThan(1);
  });

  it('a very wide table shows its first columns, keys first, and says how many more there are', () => {
    const many = Array.from({ length: 40 }, (_, i) => col(`c${i}`, 'text'));
    const l = layoutSchemaGraph({
      schema: 'public',
      exists: true,
      tables: [{ name: 'wide', kind: 'table', estimatedRows: 0, columns: [...many, col('id', 'bigint', { pk: true })] }],
      foreignKeys: [],
    });
    const wide = l.nodes[0]!;
    expect(wide.columns).toHaveLength(MAX_COLUMNS);
    expect(wide.columns[0]!.name).toBe('id');
    expect(wide.hiddenColumns).toBe(41 - MAX_COLUMNS);
  });

  it('an empty schema lays out as nothing', () => {
    expect(layoutSchemaGraph({ schema: 'empty', exists: true, tables: [], foreignKeys: [] }).nodes).toEqual([]);
  });
});
