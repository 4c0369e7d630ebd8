import { describe, expect, it } from 'vitest';
import type { ListSchemasOutput } from '../../../../shared/contract/catalog';
import type {
  BranchSummary,
  DatabaseSummary,
  EndpointSummary,
  ProjectSummary,
  WorkspaceInfoDto,
} from '../../../../shared/management/workspaceSchemas';
import { EMBEDDED_BRANCH, type Location } from '../../../../shared/contract/location';
import { relationId } from '../tables/relation';
import { branchForest, buildExplorerTree, type BranchTree } from './buildTree';
import { dataNeeds, embeddedOnlyData, nodeId, type Loadable, type TreeData } from './treeData';
import { allBranchIds, defaultExpanded, filterExplorerTree, visibleRows, type ExplorerNode } from './treeModel';

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
const localWs: WorkspaceInfoDto = {
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
const local = (branchName: string, database = 'databricks_postgres'): Location => ({ kind: 'local', branch: branchName, database });
const home = local(EMBEDDED_BRANCH);

/** Everything loaded: the local workspace with production → dev, and a cloud workspace. */
const data: TreeData = {
  workspaces: ready([localWs, cloud]),
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
      new Set([...defaultExpanded(roots), devId, nodeId.database(local(dev.name)), nodeId.schema(local(dev.name), 'public')]),
    );
    const devRow = rows.find((r) => r.node.id === devId)!;
    expect(devRow).toMatchObject({ level: 4, parentId: nodeId.branch('local', EMBEDDED_BRANCH) });
    const devClients = rows.slice(rows.indexOf(devRow)).find((r) => r.node.label === 'clients')!;
    expect(devClients.node).toMatchObject({
      id: relationId(local(dev.name), 'public', 'clients'),
      at: local(dev.name),
      relation: { schema: 'public', name: 'clients' },
    });
    const prodClients = rows.find((r) => r.node.id === relationId(home, 'public', 'clients'))!;
    expect(prodClients.node).toMatchObject({ kind: 'relation', at: home });
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
      catalog: (at) => {
        asked.push(JSON.stringify(at));
        return ready(
          at.database === 'analytics'
            ? {
                database: 'analytics',
                schemas: [{ name: 'public', relations: [{ name: 'events', kind: 'table', estimatedRows: 5 }], routines: [] }],
              }
            : catalog,
        );
      },
    });
    const analytics: Location = { kind: 'cloud', workspaceId: 'w1', branch: cloudBranch.name, database: 'analytics' };
    const open = new Set([
      nodeId.workspace('w1'),
      nodeId.project('w1', 'projects/p'),
      nodeId.branch('w1', cloudBranch.name),
      nodeId.database(analytics),
      nodeId.schema(analytics, 'public'),
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
    expect(asked).toContain(JSON.stringify(analytics));
    const events = visibleRows(tree, open).find((r) => r.node.label === 'events')!.node;
    expect(events).toMatchObject({
      kind: 'relation',
      at: analytics,
      relation: { schema: 'public', name: 'events', kind: 'table', estimatedRows: 5 },
      id: relationId(analytics, 'public', 'events'),
    });
    // The same table name on the local workspace's branch and database of the same names is another tab.
    expect(events.id).not.toBe(relationId(local(cloudBranch.name, 'analytics'), 'public', 'events'));
  });

  it('browses every database of a local branch, each from its own catalog', () => {
    const analytics = local(EMBEDDED_BRANCH, 'analytics');
    const tree = buildExplorerTree({
      ...data,
      workspaces: ready([localWs]),
      databases: (_ws, b) => ready([databaseOn(b), databaseOn(b, 'analytics')]),
      catalog: (at) =>
        ready(
          at.database === 'analytics'
            ? {
                database: 'analytics',
                schemas: [{ name: 'public', relations: [{ name: 'events', kind: 'table', estimatedRows: 5 }], routines: [] }],
              }
            : catalog,
        ),
    });
    const open = new Set([...defaultExpanded(tree), nodeId.database(analytics), nodeId.schema(analytics, 'public')]);
    const shown = labels(tree, open);
    expect(shown.slice(shown.indexOf('      analytics'))).toEqual(['      analytics', '        public', '          events', '      dev']);
    const events = visibleRows(tree, open).find((r) => r.node.label === 'events')!.node;
    expect(events).toMatchObject({ at: analytics, id: relationId(analytics, 'public', 'events') });
  });

  it('shows only the workspaces when nothing is expanded', () => {
    expect(labels(roots, new Set())).toEqual(['Local workspace', 'Prod']);
  });
});

describe('embeddedOnlyData', () => {
  it('keeps the home database browsable, with the same table ids, when workspaces are unavailable', () => {
    const tree = buildExplorerTree(embeddedOnlyData(home, ready(catalog)));
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
    expect(rows.find((r) => r.node.label === 'clients')?.node.id).toBe(relationId(home, 'public', 'clients'));
  });

  it('shows the catalog still loading under the branch', () => {
    const tree = buildExplorerTree(embeddedOnlyData(home, { kind: 'pending' }));
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
  const inW1 = (database: string): Location => ({ kind: 'cloud', workspaceId: 'w1', branch: 'projects/p/branches/main', database });
  it('reads what to load from the expanded ids alone', () => {
    expect(
      dataNeeds([
        nodeId.workspace('local'),
        nodeId.project('local', 'projects/local'),
        nodeId.branch('local', dev.name),
        nodeId.database(local(dev.name, 'a')),
        nodeId.database(local(dev.name, 'b')),
        nodeId.schema(local(dev.name, 'a'), 'public'),
        nodeId.database(inW1('a')),
        nodeId.database(inW1('b')),
        nodeId.database(inW1('a')),
        'db:["w1","not a branch","a"]',
        'rel:["x"]',
        'junk',
      ]),
    ).toEqual([
      { kind: 'projects', workspaceId: 'local' },
      { kind: 'branches', workspaceId: 'local', project: 'projects/local' },
      { kind: 'branchContents', workspaceId: 'local', branch: dev.name },
      // One catalog per expanded database, local or cloud; ids that name no location ask nothing.
      { kind: 'catalog', at: local(dev.name, 'a') },
      { kind: 'catalog', at: local(dev.name, 'b') },
      { kind: 'catalog', at: inW1('a') },
      { kind: 'catalog', at: inW1('b') },
    ]);
  });
});

describe('filterExplorerTree', () => {
  const localOnly = buildExplorerTree({ ...data, workspaces: ready([localWs]) });
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
