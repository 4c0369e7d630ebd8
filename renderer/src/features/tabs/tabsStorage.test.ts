import { describe, expect, it } from 'vitest';
import type { Location } from '../../../../shared/contract/location';
import type { RelationInfo } from '../tables/relation';
import { NO_TABS, openTab, tabsReducer, type Tab, type TabsState } from './tabsState';
import { restoreTabs, serializeTabs } from './tabsStorage';

const home: Location = { kind: 'local', branch: 'projects/local/branches/production', database: 'databricks_postgres' };
const dev: Location = { ...home, branch: 'projects/local/branches/dev' };
const cloud: Location = { kind: 'cloud', workspaceId: 'ws-1', branch: 'projects/p/branches/main', database: 'app' };
const rel = (name: string, schema = 'public'): RelationInfo => ({ schema, name, kind: 'table', estimatedRows: 3 });
const stateOf = (tabs: Tab[], activeIndex = tabs.length - 1): TabsState => ({ tabs, activeId: tabs[activeIndex]?.id ?? null });

describe('tabs storage', () => {
  it('round-trips open tabs, their locations and the active one', () => {
    let state = tabsReducer(NO_TABS, { kind: 'open', tab: openTab.table(home, rel('clients')) });
    state = tabsReducer(state, { kind: 'open', tab: openTab.table(dev, rel('events', 'analytics')) });
    state = tabsReducer(state, { kind: 'open', tab: openTab.table(cloud, rel('clients')) });
    state = tabsReducer(state, { kind: 'activate', id: state.tabs[0]!.id });
    expect(restoreTabs(serializeTabs(state), home)).toEqual(state);
  });

  it('restores admin tabs (policies, SQL, roles, grants, set-up, table designer) wherever they were', () => {
    const tabs = [
      openTab.policies(home, 'public', 'clients'),
      openTab.sql(home, 2),
      openTab.roles(home),
      openTab.grants(home, 'public'),
      openTab.setup(home),
      openTab.roles(dev),
      openTab.sql(dev, 2),
      openTab.sql(cloud, 1),
      openTab.policies(cloud, 'public', 'clients'),
      openTab.tableDesigner(home, 'public', null),
      openTab.tableDesigner(cloud, 'public', 'clients'),
      openTab.erDiagram(cloud, 'public'),
      openTab.dataDiff(dev, 'public', 'clients'),
    ];
    expect(restoreTabs(serializeTabs(stateOf(tabs, 2)), home)).toEqual(stateOf(tabs, 2));
  });

  it('derives ids again and drops tabs whose location is not one', () => {
    const stored = JSON.stringify({
      v: 2,
      activeId: 'forged',
      tabs: [
        { kind: 'roles', id: 'forged', at: { kind: 'local', branch: '../etc', database: 'x' } },
        { kind: 'roles', id: 'forged', at: { kind: 'cloud', workspaceId: 'local', branch: dev.branch, database: 'x' } },
        { kind: 'roles', id: 'forged', at: { ...dev, extra: true } },
        { kind: 'roles', id: 'forged' },
        { kind: 'setup', id: 'forged', at: dev },
      ],
    });
    expect(restoreTabs(stored, home)).toEqual(stateOf([openTab.setup(dev)]));
  });

  it.each([
    ['nothing stored', null],
    ['not JSON', '{oops'],
    ['another version', JSON.stringify({ v: 3, tabs: [] })],
    ['tabs not a list', JSON.stringify({ v: 2, tabs: {} })],
  ])('starts empty from %s', (_what, stored) => {
    expect(restoreTabs(stored, home)).toEqual(NO_TABS);
  });

  it('drops malformed or duplicate tabs and falls back to the first for a missing active id', () => {
    const stored = JSON.stringify({
      v: 2,
      activeId: 'gone',
      tabs: [
        { kind: 'table', at: home, relation: { schema: 'public', name: 'a', kind: 'table', estimatedRows: 1 } },
        { kind: 'table', at: home, relation: { schema: 'public', name: 'a', kind: 'table', estimatedRows: 1 } },
        { kind: 'table', at: home, relation: { schema: 'public', name: '', kind: 'table' } },
        { kind: 'table', at: home, relation: { schema: 'public', name: 'b', kind: 'sequence' } },
        { kind: 'sql', at: home, text: 'select 1' },
        { kind: 'terminal', at: home },
        'junk',
      ],
    });
    const state = restoreTabs(stored, home);
    expect(state.tabs.map((t) => (t.kind === 'table' ? t.relation.name : t.id))).toEqual(['a']);
    expect(state.activeId).toBe(state.tabs[0]!.id);
  });
});

/** What Pier saved before locations were one type (version 1): optional fields, absent = home. */
describe('tabs saved by an older Pier', () => {
  const v1 = (activeId: string | null, tabs: unknown[]) => JSON.stringify({ v: 1, activeId, tabs });
  const oldRelation = (extra: Record<string, string> = {}) => ({ ...rel('clients'), ...extra });

  it('reads old local tabs: no branch is home, a branch is that branch’s seeded database', () => {
    const stored = v1('rel:["public","clients","projects/local/branches/dev"]', [
      { kind: 'table', id: 'rel:["public","clients"]', relation: oldRelation() },
      { kind: 'table', id: 'rel:["public","clients","projects/local/branches/dev"]', relation: oldRelation({ branch: dev.branch }) },
      { kind: 'roles', id: 'roles' },
      { kind: 'sql', id: 'sql:2@projects/local/branches/dev', n: 2, branch: dev.branch },
      { kind: 'policies', id: 'policies:["public","clients"]', schema: 'public', table: 'clients' },
    ]);
    expect(restoreTabs(stored, home)).toEqual(
      stateOf(
        [
          openTab.table(home, rel('clients')),
          openTab.table(dev, rel('clients')),
          openTab.roles(home),
          openTab.sql(dev, 2),
          openTab.policies(home, 'public', 'clients'),
        ],
        1,
      ),
    );
  });

  it('reads home relative to where the app opens now (serve --database-url names another database)', () => {
    const elsewhere: Location = { ...home, database: 'app' };
    const stored = v1(null, [
      { kind: 'table', id: 'rel:["public","clients"]', relation: oldRelation() },
      { kind: 'grants', id: 'grants:"public"@projects/local/branches/dev', schema: 'public', branch: dev.branch },
    ]);
    expect(restoreTabs(stored, elsewhere).tabs).toEqual([openTab.table(elsewhere, rel('clients')), openTab.grants(dev, 'public')]);
  });

  it('reads old cloud tabs, which named workspace, branch and database', () => {
    const where = { workspaceId: 'ws-1', branch: 'projects/p/branches/main', database: 'app' };
    const stored = v1('roles@["ws-1","projects/p/branches/main","app"]', [
      { kind: 'table', id: 'rel:[…]', relation: oldRelation(where) },
      { kind: 'roles', id: 'roles@["ws-1","projects/p/branches/main","app"]', ...where },
    ]);
    expect(restoreTabs(stored, home)).toEqual(stateOf([openTab.table(cloud, rel('clients')), openTab.roles(cloud)], 1));
  });

  it('drops what names no location, and junk, keeping the rest', () => {
    const stored = v1('x', [
      { kind: 'table', id: 'a', relation: oldRelation({ branch: '../etc' }) },
      { kind: 'roles', id: 'b', branch: 'projects/Local/branches/dev' },
      { kind: 'roles', id: 'c', workspaceId: 'ws-1', branch: 'not a branch', database: 'app' },
      { kind: 'setup', id: 'd', database: '' },
      { kind: 'table', id: 'e' },
      { kind: 'sql', id: 'f', n: -1 },
      null,
      42,
      'junk',
    ]);
    // `database: ''` says nothing: that tab is home's set-up.
    expect(restoreTabs(stored, home)).toEqual(stateOf([openTab.setup(home)], 0));
  });
});
