import { describe, expect, it } from 'vitest';
import type { ListSchemasOutput } from '../../../../shared/contract/catalog';
import type {
  BranchSummary,
  DatabaseSummary,
  EndpointSummary,
  ProjectSummary,
  WorkspaceInfoDto,
} from '../../../../shared/management/workspaceSchemas';
import {
  allBranchIds,
  branchForest,
  buildExplorerTree,
  dataNeeds,
  defaultExpanded,
  EMBEDDED_BRANCH,
  embeddedOnlyData,
  filterExplorerTree,
  formatExpiry,
  formatRowEstimate,
  nodeId,
  relationId,
  treeKeyAction,
  visibleRows,
  type BranchTree,
  type ExplorerNode,
  type Loadable,
  type TreeData,
} from './explorerTree';

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
const local: WorkspaceInfoDto = {
  id: 'local',
  kind: 'local',
  host: '127.0.0.1',
  displayName: 'Local workspace',
  authMethod: 'local',
  authLabel: 'this machine',
};
const cloud: WorkspaceInfoDto = {
  id: 'w1',
  kind: 'databricks',
  host: 'adb-1.net',
  displayName: 'Prod',
  authMethod: 'pat',
  authLabel: 'token',
};
const project: ProjectSummary = {
  name: 'projects/local',
  id: 'local',
  displayName: 'local',
  deleted: false,
  defaultBranch: EMBEDDED_BRANCH,
};
const branch = (id: string, change: Partial<BranchSummary> = {}): BranchSummary => ({
  name: `projects/local/branches/${id}`,
  id,
  state: 'READY',
  isDefault: false,
  isProtected: false,
  ...change,
});
const production = branch('production', { isDefault: true });
const dev = branch('dev', { sourceBranch: EMBEDDED_BRANCH });
const primary: EndpointSummary = {
  name: `${EMBEDDED_BRANCH}/endpoints/primary`,
  id: 'primary',
  type: 'ENDPOINT_TYPE_READ_WRITE',
  state: 'ACTIVE',
  host: '127.0.0.1:5433',
};
const databaseOn = (b: string, name = 'databricks_postgres'): DatabaseSummary => ({
  name: `${b}/databases/${name}`,
  id: name,
  postgresDatabase: name,
});
const ready = <T>(value: T): Loadable<T> => ({ kind: 'ready', value });

/** Everything loaded: the local workspace with production → dev, and a cloud workspace. */
const data: TreeData = {
  workspaces: ready([local, cloud]),
  projects: (ws) => (ws === 'local' ? ready([project]) : undefined),
  branches: () => ready([dev, production]),
  endpoints: (_ws, b) => ready(b === EMBEDDED_BRANCH ? [primary] : []),
  databases: (_ws, b) => ready([databaseOn(b)]),
  catalog: () => ready(catalog),
};
const roots = buildExplorerTree(data);
const labels = (tree: readonly ExplorerNode[], expanded: ReadonlySet<string>) =>
  visibleRows(tree, expanded).map((r) => `${'  '.repeat(r.level - 1)}${r.node.label}`);

describe('explorer tree', () => {
  it('opens on the default branch’s first schema (public first), tables before views', () => {
    expect(labels(roots, defaultExpanded(roots))).toEqual([
      'Local workspace',
      '  local',
      '    production',
      '      primary',
      '      databricks_postgres',
      '        public',
      '          clients',
      '          tasks',
      '          active_projects',
      '        audit',
      '      dev',
      'Prod',
    ]);
  });

  it('lists a schema’s functions after its tables and views, with their signature', () => {
    const withRoutines: ListSchemasOutput = {
      ...catalog,
      schemas: catalog.schemas.map((sc) =>
        sc.name === 'public'
          ? { ...sc, routines: [{ name: 'client_count', arguments: 'p_min integer', returns: 'bigint', kind: 'function' as const }] }
          : sc,
      ),
    };
    const tree = buildExplorerTree({ ...data, catalog: () => ready(withRoutines) });
    const rows = visibleRows(tree, defaultExpanded(tree));
    const names = rows.map((r) => r.node.label);
    expect(names.slice(names.indexOf('public') + 1, names.indexOf('audit'))).toEqual([
      'clients',
      'tasks',
      'active_projects',
      'client_count',
    ]);
    const routine = rows.find((r) => r.node.kind === 'routine')!;
    expect(routine.node).toMatchObject({
      routine: { schema: 'public', name: 'client_count', arguments: 'p_min integer', returns: 'bigint' },
    });
    expect(routine.expandable).toBe(false);
  });

  it('nests branches under their source and opens their tables on that branch', () => {
    const devId = nodeId.branch('local', dev.name);
    const rows = visibleRows(
      roots,
      new Set([
        ...defaultExpanded(roots),
        devId,
        nodeId.database('local', dev.name, 'databricks_postgres'),
        nodeId.schema('local', dev.name, 'databricks_postgres', 'public'),
      ]),
    );
    const devRow = rows.find((r) => r.node.id === devId)!;
    expect(devRow).toMatchObject({ level: 4, parentId: nodeId.branch('local', EMBEDDED_BRANCH) });
    const devClients = rows.slice(rows.indexOf(devRow)).find((r) => r.node.label === 'clients')!;
    expect(devClients.node).toMatchObject({
      id: relationId('public', 'clients', dev.name),
      relation: { schema: 'public', name: 'clients', branch: dev.name },
    });
    // The embedded default keeps branch-less ids: tabs saved before branches existed still match.
    const prodClients = rows.find((r) => r.node.id === relationId('public', 'clients'))!;
    expect(prodClients.node.kind === 'relation' && prodClients.node.relation.branch).toBeUndefined();
  });

  it('gives each row its level, position and expansion for ARIA', () => {
    const rows = visibleRows(roots, defaultExpanded(roots));
    expect(rows.find((r) => r.node.label === 'clients')).toMatchObject({
      level: 6,
      posInSet: 1,
      setSize: 3,
      expandable: false,
      expanded: false,
    });
    expect(rows.find((r) => r.node.label === 'audit')).toMatchObject({
      level: 5,
      posInSet: 2,
      setSize: 2,
      expandable: true,
      expanded: false,
    });
    expect(rows.find((r) => r.node.label === 'dev')).toMatchObject({
      level: 4,
      posInSet: 3,
      setSize: 3,
      expandable: true,
      expanded: false,
    });
  });

  it('shows loading, error and “none” rows in place of children', () => {
    const retry = () => undefined;
    const partial: TreeData = {
      ...data,
      projects: () => ({ kind: 'pending' }),
      branches: () => ({ kind: 'error', error: new Error('boom'), retry }),
    };
    const tree = buildExplorerTree(partial);
    expect(labels(tree, new Set([nodeId.workspace('local'), nodeId.workspace('w1')]))).toEqual([
      'Local workspace',
      '  Loading projects…',
      'Prod',
      '  Loading projects…',
    ]);
    const withProject = buildExplorerTree({ ...partial, projects: () => ready([project]) });
    const rows = visibleRows(withProject, new Set([nodeId.workspace('local'), nodeId.project('local', 'projects/local')]));
    expect(rows.find((r) => r.node.kind === 'status')?.node).toMatchObject({
      kind: 'status',
      tone: 'error',
      label: 'Couldn’t load branches',
      retry,
    });
    const empty = buildExplorerTree({ ...data, projects: () => ready([]) });
    expect(labels(empty, new Set([nodeId.workspace('w1')]))).toEqual(['Local workspace', 'Prod', '  No projects']);
  });

  it('browses each database of a cloud branch, and opens its tables on that workspace, branch and database', () => {
    const cloudBranch = { ...dev, name: 'projects/p/branches/dev' };
    const asked: string[] = [];
    const tree = buildExplorerTree({
      ...data,
      projects: () => ready([{ ...project, name: 'projects/p', id: 'p', displayName: 'p' }]),
      branches: () => ready([cloudBranch]),
      endpoints: () => ready([]),
      databases: (_ws, b) => ready([databaseOn(b), databaseOn(b, 'analytics')]),
      catalog: (ws, b, db) => {
        asked.push(JSON.stringify([ws, b, db]));
        return ready(
          db === 'analytics'
            ? {
                database: 'analytics',
                schemas: [{ name: 'public', relations: [{ name: 'events', kind: 'table', estimatedRows: 5 }], routines: [] }],
              }
            : catalog,
        );
      },
    });
    const db = (name: string) => nodeId.database('w1', cloudBranch.name, name);
    const open = new Set([
      nodeId.workspace('w1'),
      nodeId.project('w1', 'projects/p'),
      nodeId.branch('w1', cloudBranch.name),
      db('analytics'),
      nodeId.schema('w1', cloudBranch.name, 'analytics', 'public'),
    ]);
    const shown = labels(tree, open);
    expect(shown.slice(shown.indexOf('    dev'))).toEqual([
      '    dev',
      '      No endpoints',
      '      databricks_postgres',
      '      analytics',
      '        public',
      '          events',
    ]);
    expect(asked).toContain(JSON.stringify(['w1', cloudBranch.name, 'analytics']));
    const events = visibleRows(tree, open).find((r) => r.node.label === 'events')!.node;
    const relation = {
      schema: 'public',
      name: 'events',
      kind: 'table',
      estimatedRows: 5,
      branch: cloudBranch.name,
      workspaceId: 'w1',
      database: 'analytics',
    };
    expect(events).toMatchObject({
      kind: 'relation',
      relation,
      id: relationId('public', 'events', cloudBranch.name, { workspaceId: 'w1', database: 'analytics' }),
    });
    // The same table name on the local workspace's branch of the same name is another tab.
    expect(events.id).not.toBe(relationId('public', 'events', cloudBranch.name));
  });

  it('browses only the database the catalog reads; others say so', () => {
    const tree = buildExplorerTree({
      ...data,
      workspaces: ready([local]),
      databases: (_ws, b) => ready([databaseOn(b), databaseOn(b, 'analytics')]),
    });
    const open = new Set([...defaultExpanded(tree), nodeId.database('local', EMBEDDED_BRANCH, 'analytics')]);
    const shown = labels(tree, open);
    expect(shown.slice(shown.indexOf('      analytics'))).toEqual([
      '      analytics',
      '        Only databricks_postgres’s schemas can be browsed yet',
      '      dev',
    ]);
    // The admin tools open on the local branch's default database only.
    const dbNode = (name: string) => visibleRows(tree, open).find((r) => r.node.kind === 'database' && r.node.label === name)!.node;
    expect([dbNode('databricks_postgres'), dbNode('analytics')].map((n) => n.kind === 'database' && n.adminTools)).toEqual([true, false]);
  });

  it('shows only the workspaces when nothing is expanded', () => {
    expect(labels(roots, new Set())).toEqual(['Local workspace', 'Prod']);
  });
});

describe('embeddedOnlyData', () => {
  it('keeps the local database browsable, with the same table ids, when workspaces are unavailable', () => {
    const tree = buildExplorerTree(embeddedOnlyData(ready(catalog)));
    const rows = visibleRows(tree, defaultExpanded(tree));
    expect(rows.map((r) => r.node.label)).toEqual([
      'Local workspace',
      'local',
      'production',
      'databricks_postgres',
      'public',
      'clients',
      'tasks',
      'active_projects',
      'audit',
    ]);
    expect(rows.find((r) => r.node.label === 'clients')?.node.id).toBe(relationId('public', 'clients'));
  });

  it('shows the catalog still loading under the branch', () => {
    const tree = buildExplorerTree(embeddedOnlyData({ kind: 'pending' }));
    expect(visibleRows(tree, defaultExpanded(tree)).map((r) => r.node.label)).toEqual([
      'Local workspace',
      'local',
      'production',
      'Loading databases…',
    ]);
  });
});

describe('branchForest', () => {
  it('puts the default first and children under their source, whatever the list order', () => {
    const feature = branch('feature', { sourceBranch: dev.name });
    const orphan = branch('old', { sourceBranch: 'projects/local/branches/gone' });
    const forest = branchForest([feature, orphan, dev, production]);
    const shape = (trees: readonly BranchTree[]): unknown => trees.map((t) => [t.branch.id, shape(t.children)]);
    expect(shape(forest)).toEqual([
      ['production', [['dev', [['feature', []]]]]],
      ['old', []],
    ]);
  });

  it('survives a source cycle without looping', () => {
    const a = branch('a', { sourceBranch: 'projects/local/branches/b' });
    const b = branch('b', { sourceBranch: 'projects/local/branches/a' });
    expect(branchForest([a, b])).toEqual([]);
  });
});

describe('dataNeeds', () => {
  it('reads what to load from the expanded ids alone', () => {
    expect(
      dataNeeds([
        nodeId.workspace('local'),
        nodeId.project('local', 'projects/local'),
        nodeId.branch('local', dev.name),
        nodeId.database('local', dev.name, 'a'),
        nodeId.database('local', dev.name, 'b'),
        nodeId.schema('local', dev.name, 'a', 'public'),
        nodeId.database('w1', 'projects/p/branches/main', 'a'),
        nodeId.database('w1', 'projects/p/branches/main', 'b'),
        'rel:["x"]',
        'junk',
      ]),
    ).toEqual([
      { kind: 'projects', workspaceId: 'local' },
      { kind: 'branches', workspaceId: 'local', project: 'projects/local' },
      { kind: 'branchContents', workspaceId: 'local', branch: dev.name },
      // Locally one catalog per branch (its default database); on a cloud branch one per database.
      { kind: 'catalog', workspaceId: 'local', branch: dev.name, database: 'a' },
      { kind: 'catalog', workspaceId: 'w1', branch: 'projects/p/branches/main', database: 'a' },
      { kind: 'catalog', workspaceId: 'w1', branch: 'projects/p/branches/main', database: 'b' },
    ]);
  });
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
    ['Enter', 'clients', { kind: 'activate', id: relationId('public', 'clients') }],
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

describe('formatExpiry', () => {
  const now = Date.parse('2026-11-21T12:00:00Z');
  it.each([
    ['2026-11-21T11:00:00Z', 'expired'],
    ['2026-11-21T12:20:00Z', 'expires in 20 min'],
    ['2026-11-21T15:00:00Z', 'expires in 3 h'],
    ['2026-11-28T12:00:00Z', 'expires in 7 d'],
    ['not a time', null],
  ])('%s → %s', (at, want) => expect(formatExpiry(at, now)).toBe(want));
});

describe('filterExplorerTree', () => {
  const localOnly = buildExplorerTree({ ...data, workspaces: ready([local]) });
  const devOpen = new Set([...defaultExpanded(localOnly), nodeId.branch('local', dev.name)]);
  const shown = (query: string) => {
    // Only what is loaded is searched; dev is loaded too here.
    const filtered = filterExplorerTree(localOnly, query);
    return visibleRows(filtered, query.trim() ? allBranchIds(filtered) : devOpen).map((r) => r.node.label);
  };

  it.each([
    [
      'CLI',
      [
        'Local workspace',
        'local',
        'production',
        'databricks_postgres',
        'public',
        'clients',
        'dev',
        'databricks_postgres',
        'public',
        'clients',
      ],
    ],
    [
      'audit',
      ['Local workspace', 'local', 'production', 'databricks_postgres', 'audit', 'log', 'dev', 'databricks_postgres', 'audit', 'log'],
    ],
    ['primary', []],
    ['nothing', []],
  ])('%j shows %j', (query, want) => {
    expect(shown(query)).toEqual(want);
  });
});
