import { describe, expect, it } from 'vitest';
import type { ListSchemasOutput } from '../../../../shared/contract/catalog';
import { allBranchIds, buildExplorerTree, defaultExpanded, filterExplorerTree, formatRowEstimate, relationId, treeKeyAction, visibleRows } from './explorerTree';

const catalog: ListSchemasOutput = {
  database: 'databricks_postgres',
  schemas: [
    { name: 'audit', relations: [{ name: 'log', kind: 'table', estimatedRows: 10 }] },
    {
      name: 'public',
      relations: [
        { name: 'tasks', kind: 'table', estimatedRows: 6 },
        { name: 'active_projects', kind: 'view', estimatedRows: -1 },
        { name: 'clients', kind: 'table', estimatedRows: 3 },
      ],
    },
  ],
};
const roots = buildExplorerTree('Local workspace', catalog);
const labels = (expanded: Set<string>) => visibleRows(roots, expanded).map((r) => `${'  '.repeat(r.level - 1)}${r.node.label}`);

describe('explorer tree', () => {
  it('opens on the first schema (public first) with tables before views', () => {
    expect(labels(defaultExpanded(roots))).toEqual([
      'Local workspace',
      '  databricks_postgres',
      '    public',
      '      clients',
      '      tasks',
      '      active_projects',
      '    audit',
    ]);
  });

  it('gives each row its level, position and expansion for ARIA', () => {
    const rows = visibleRows(roots, defaultExpanded(roots));
    const clients = rows.find((r) => r.node.label === 'clients')!;
    expect(clients).toMatchObject({ level: 4, posInSet: 1, setSize: 3, expandable: false, expanded: false });
    const audit = rows.find((r) => r.node.label === 'audit')!;
    expect(audit).toMatchObject({ level: 3, posInSet: 2, setSize: 2, expandable: true, expanded: false });
  });

  it('shows only the workspace when nothing is expanded', () => {
    expect(labels(new Set())).toEqual(['Local workspace']);
  });
});

describe('treeKeyAction', () => {
  const rows = visibleRows(roots, defaultExpanded(roots));
  const id = (label: string) => rows.find((r) => r.node.label === label)!.node.id;

  it.each([
    ['ArrowDown', 'clients', { kind: 'focus', id: id('tasks') }],
    ['ArrowDown', 'audit', { kind: 'none' }],
    ['ArrowUp', 'clients', { kind: 'focus', id: id('public') }],
    ['ArrowUp', 'Local workspace', { kind: 'none' }],
    ['Home', 'tasks', { kind: 'focus', id: id('Local workspace') }],
    ['End', 'tasks', { kind: 'focus', id: id('audit') }],
    ['ArrowRight', 'audit', { kind: 'expand', id: id('audit') }],
    ['ArrowRight', 'public', { kind: 'focus', id: id('clients') }],
    ['ArrowRight', 'clients', { kind: 'none' }],
    ['ArrowLeft', 'public', { kind: 'collapse', id: id('public') }],
    ['ArrowLeft', 'clients', { kind: 'focus', id: id('public') }],
    ['ArrowLeft', 'audit', { kind: 'focus', id: id('databricks_postgres') }],
    ['ArrowLeft', 'Local workspace', { kind: 'collapse', id: id('Local workspace') }],
    ['Enter', 'clients', { kind: 'activate', id: relationId('public', 'clients') }],
    [' ', 'public', { kind: 'activate', id: id('public') }],
    ['t', 'clients', { kind: 'focus', id: id('tasks') }],
    ['A', 'tasks', { kind: 'focus', id: id('active_projects') }],
    ['a', 'active_projects', { kind: 'focus', id: id('audit') }],
    ['c', 'clients', { kind: 'none' }],
    ['z', 'clients', { kind: 'none' }],
    ['Shift', 'clients', { kind: 'none' }],
  ])('%s on %s', (key, focused, want) => {
    expect(treeKeyAction(key, rows, id(focused))).toEqual(want);
  });

  it('starts from the first row when nothing is focused yet', () => {
    expect(treeKeyAction('ArrowDown', rows, null)).toEqual({ kind: 'focus', id: id('databricks_postgres') });
  });
});

describe('formatRowEstimate', () => {
  it.each([
    [-1, null],
    [0, '0'],
    [3, '3'],
    [999, '999'],
    [1000, '1k'],
    [1250, '1.3k'],
    [250_000, '250k'],
    [1_000_000, '1M'],
    [12_345_678, '12.3M'],
    [2_500_000_000, '2.5B'],
  ])('%d → %s', (n, want) => {
    expect(formatRowEstimate(n)).toBe(want);
  });
});

describe('filterExplorerTree', () => {
  const shown = (query: string) => {
    const filtered = filterExplorerTree(roots, query);
    return visibleRows(filtered, allBranchIds(filtered)).map((r) => r.node.label);
  };

  it.each([
    ['', ['Local workspace', 'databricks_postgres', 'public', 'clients', 'tasks', 'active_projects', 'audit', 'log']],
    ['  ', ['Local workspace', 'databricks_postgres', 'public', 'clients', 'tasks', 'active_projects', 'audit', 'log']],
    ['CLI', ['Local workspace', 'databricks_postgres', 'public', 'clients']],
    ['ts', ['Local workspace', 'databricks_postgres', 'public', 'clients', 'active_projects']],
    ['t', ['Local workspace', 'databricks_postgres', 'public', 'clients', 'tasks', 'active_projects', 'audit', 'log']],
    ['audit', ['Local workspace', 'databricks_postgres', 'audit', 'log']],
    ['nothing', []],
  ])('%j shows %j', (query, want) => {
    expect(shown(query)).toEqual(want);
  });
});
