import { describe, expect, it } from 'vitest';
import type { ListSchemasOutput } from '../../../../shared/contract/catalog';
import type { BranchSummary, WorkspaceInfoDto } from '../../../../shared/management/workspaceSchemas';
import { buildExplorerTree } from './buildTree';
import type { Loadable } from './treeData';
import { treeKeyAction } from './treeKeyboard';
import { defaultExpanded, visibleRows } from './treeModel';

const ready = <T>(value: T): Loadable<T> => ({ kind: 'ready', value });
const workspace = (id: string, displayName: string): WorkspaceInfoDto => ({
  id,
  kind: id === 'local' ? 'local' : 'databricks',
  host: 'h',
  displayName,
  authMethod: 'pat',
  authLabel: 'token',
});
const branch = (id: string, change: Partial<BranchSummary> = {}): BranchSummary => ({
  name: `projects/local/branches/${id}`,
  id,
  state: 'READY',
  isDefault: false,
  isProtected: false,
  ...change,
});
const catalog: ListSchemasOutput = {
  database: 'databricks_postgres',
  schemas: [
    { name: 'audit', relations: [{ name: 'log', kind: 'table', estimatedRows: 10 }], routines: [] },
    {
      name: 'public',
      relations: [
        { name: 'tasks', kind: 'table', estimatedRows: 6 },
        { name: 'active_projects', kind: 'view', estimatedRows: -1 },
        { name: 'clients', kind: 'table', estimatedRows: 3 },
      ],
      routines: [],
    },
  ],
};
/** Local workspace → local → production (endpoint primary, its database, dev under it); and Prod. */
const roots = buildExplorerTree({
  workspaces: ready([workspace('local', 'Local workspace'), workspace('w1', 'Prod')]),
  projects: (ws) => (ws === 'local' ? ready([{ name: 'projects/local', id: 'local', displayName: 'local', deleted: false }]) : undefined),
  branches: () => ready([branch('dev', { sourceBranch: 'projects/local/branches/production' }), branch('production', { isDefault: true })]),
  endpoints: (_ws, b) =>
    ready(
      b.endsWith('/production')
        ? [{ name: `${b}/endpoints/primary`, id: 'primary', type: 'ENDPOINT_TYPE_READ_WRITE', state: 'ACTIVE' }]
        : [],
    ),
  databases: (_ws, b) =>
    ready([{ name: `${b}/databases/databricks_postgres`, id: 'databricks_postgres', postgresDatabase: 'databricks_postgres' }]),
  catalog: () => ready(catalog),
});

describe('treeKeyAction', () => {
  const rows = visibleRows(roots, defaultExpanded(roots));
  const id = (label: string) => rows.find((r) => r.node.label === label)!.node.id;

  it.each([
    ['ArrowDown', 'clients', { kind: 'focus', id: id('tasks') }],
    ['ArrowDown', 'Prod', { kind: 'none' }],
    ['ArrowUp', 'clients', { kind: 'focus', id: id('public') }],
    ['ArrowUp', 'Local workspace', { kind: 'none' }],
    ['Home', 'tasks', { kind: 'focus', id: id('Local workspace') }],
    ['End', 'tasks', { kind: 'focus', id: id('Prod') }],
    ['ArrowRight', 'audit', { kind: 'expand', id: id('audit') }],
    ['ArrowRight', 'public', { kind: 'focus', id: id('clients') }],
    ['ArrowRight', 'clients', { kind: 'none' }],
    ['ArrowLeft', 'public', { kind: 'collapse', id: id('public') }],
    ['ArrowLeft', 'clients', { kind: 'focus', id: id('public') }],
    ['ArrowLeft', 'audit', { kind: 'focus', id: id('databricks_postgres') }],
    ['ArrowLeft', 'Local workspace', { kind: 'collapse', id: id('Local workspace') }],
    ['Enter', 'clients', { kind: 'activate', id: id('clients') }],
    [' ', 'public', { kind: 'activate', id: id('public') }],
    ['ContextMenu', 'production', { kind: 'menu', id: id('production') }],
    ['t', 'clients', { kind: 'focus', id: id('tasks') }],
    ['A', 'tasks', { kind: 'focus', id: id('active_projects') }],
    ['a', 'active_projects', { kind: 'focus', id: id('audit') }],
    ['z', 'clients', { kind: 'none' }],
    ['Shift', 'clients', { kind: 'none' }],
  ])('%s on %s', (key, focused, want) => {
    expect(treeKeyAction(key, rows, id(focused))).toEqual(want);
  });

  it('opens the row menu with Shift+F10, not F10 alone', () => {
    expect(treeKeyAction('F10', rows, id('dev'), true)).toEqual({ kind: 'menu', id: id('dev') });
    expect(treeKeyAction('F10', rows, id('dev'))).toEqual({ kind: 'none' });
  });

  it('starts from the first row when nothing is focused yet', () => {
    expect(treeKeyAction('ArrowDown', rows, null)).toEqual({ kind: 'focus', id: id('local') });
  });
});
