import { describe, expect, it } from 'vitest';
import type { RelationRef } from '../explorer/explorerTree';
import {
  adminTab,
  NO_TABS,
  shortHost,
  tabLocation,
  tabTitle,
  tabsReducer,
  toolTab,
  type Tab,
  type TabsEvent,
  type TabsState,
} from './tabsState';

const rel = (name: string): RelationRef => ({ schema: 'public', name, kind: 'table', estimatedRows: 1 });
const run = (events: TabsEvent[], from: TabsState = NO_TABS) => events.reduce(tabsReducer, from);
const nameOf = (t: Tab) => (t.kind === 'table' ? t.relation.name : t.id);
const names = (s: TabsState) => s.tabs.map(nameOf);
const active = (s: TabsState) => {
  const t = s.tabs.find((x) => x.id === s.activeId);
  return t ? nameOf(t) : null;
};

const three = run([rel('a'), rel('b'), rel('c')].map((relation) => ({ kind: 'openTable', relation })));

describe('tabsReducer', () => {
  it('opens tables as tabs and activates the newest', () => {
    expect(names(three)).toEqual(['a', 'b', 'c']);
    expect(active(three)).toBe('c');
  });

  it('re-opening a table activates its tab instead of duplicating it', () => {
    const s = run([{ kind: 'openTable', relation: rel('a') }], three);
    expect(names(s)).toEqual(['a', 'b', 'c']);
    expect(active(s)).toBe('a');
  });

  it('closing the active tab activates the right neighbour, or the left at the end', () => {
    const middle = run(
      [
        { kind: 'activate', id: three.tabs[1]!.id },
        { kind: 'close', id: three.tabs[1]!.id },
      ],
      three,
    );
    expect([names(middle), active(middle)]).toEqual([['a', 'c'], 'c']);
    const last = run([{ kind: 'close', id: three.tabs[2]!.id }], three);
    expect([names(last), active(last)]).toEqual([['a', 'b'], 'b']);
  });

  it('closing another tab keeps the active one', () => {
    const s = run([{ kind: 'close', id: three.tabs[0]!.id }], three);
    expect([names(s), active(s)]).toEqual([['b', 'c'], 'c']);
  });

  it('closing the only tab leaves none active', () => {
    const one = run([{ kind: 'openTable', relation: rel('a') }]);
    expect(run([{ kind: 'close', id: one.tabs[0]!.id }], one)).toEqual(NO_TABS);
  });

  it('ignores unknown ids', () => {
    expect(
      run(
        [
          { kind: 'close', id: 'nope' },
          { kind: 'activate', id: 'nope' },
        ],
        three,
      ),
    ).toBe(three);
  });
});

describe('tabTitle', () => {
  it('opens the same table on a branch as its own tab, named with the branch', () => {
    const onDev: RelationRef = { ...rel('a'), branch: 'projects/local/branches/dev' };
    const s = run([{ kind: 'openTable', relation: onDev }], three);
    expect(s.tabs).toHaveLength(4);
    expect(tabTitle(s.tabs[3]!)).toBe('public.a · dev');
    expect(run([{ kind: 'openTable', relation: onDev }], s).tabs).toHaveLength(4);
  });

  it('names a table tab by its qualified name', () => {
    expect(tabTitle(three.tabs[0]!)).toBe('public.a');
  });

  it('opens an admin tab once and activates it when opened again', () => {
    const s = run(
      [
        { kind: 'open', tab: adminTab.sql(1) },
        { kind: 'open', tab: adminTab.roles() },
        { kind: 'open', tab: adminTab.sql(1) },
      ],
      three,
    );
    expect(names(s)).toEqual(['a', 'b', 'c', 'sql:1', 'roles']);
    expect(active(s)).toBe('sql:1');
    expect(tabTitle(adminTab.policies('public', 'clients'))).toBe('Policies · public.clients');
  });
});

describe('tabs of cloud workspaces', () => {
  const prod = 'projects/clients/branches/production';
  const inWs = (workspaceId: string): RelationRef => ({
    schema: 'public',
    name: 'clients',
    kind: 'table',
    estimatedRows: 3,
    branch: prod,
    workspaceId,
    database: 'databricks_postgres',
  });
  const hosts = new Map([
    ['ws-a', 'https://adb-1234.5.azuredatabricks.net'],
    ['ws-b', 'https://dbc-9f8e.cloud.databricks.com'],
    ['ws-pier', 'http://127.0.0.1:41234'],
  ]);

  it('names the workspace by its short host, so two workspaces\' "clients · production" differ', () => {
    const s = run([
      { kind: 'openTable', relation: inWs('ws-a') },
      { kind: 'openTable', relation: inWs('ws-b') },
    ]);
    expect(s.tabs.map((t) => tabTitle(t, hosts))).toEqual([
      'public.clients · production · adb-1234',
      'public.clients · production · dbc-9f8e',
    ]);
    expect(tabTitle(s.tabs[0]!)).toBe('public.clients · production · ws-a');
  });

  it('leaves local tabs as they were', () => {
    expect(tabTitle(three.tabs[0]!, hosts)).toBe('public.a');
    expect(tabTitle(adminTab.roles({ branch: 'projects/local/branches/dev' }), hosts)).toBe('Roles · dev');
  });

  it.each([
    ['https://adb-1234.5.azuredatabricks.net', 'adb-1234'],
    ['dbc-9f8e.cloud.databricks.com', 'dbc-9f8e'],
    ['http://127.0.0.1:41234', '127.0.0.1:41234'],
    ['http://localhost:8080/', 'localhost:8080'],
  ])('shortens %s to %s', (host, short) => {
    expect(shortHost(host)).toBe(short);
  });

  it('keeps one admin tab per workspace, branch and database, and names its workspace', () => {
    const a = { workspaceId: 'ws-a', branch: prod, database: 'databricks_postgres' };
    const b = { ...a, workspaceId: 'ws-b' };
    const s = run([
      { kind: 'open', tab: adminTab.roles(a) },
      { kind: 'open', tab: adminTab.roles(b) },
      { kind: 'open', tab: adminTab.roles(a) },
    ]);
    expect(s.tabs).toHaveLength(2);
    expect(s.tabs.map((t) => tabTitle(t, hosts))).toEqual(['Roles · production · adb-1234', 'Roles · production · dbc-9f8e']);
    expect(s.tabs[0]!.kind !== 'table' && tabLocation(s.tabs[0]!)).toEqual(a);
  });

  it('opens tools on the location asked for, a new SQL tab each time', () => {
    const at = { workspaceId: 'ws-pier', branch: prod, database: 'sales' };
    const first = toolTab(NO_TABS, { tool: 'sql', at });
    const second = toolTab(run([{ kind: 'open', tab: first }]), { tool: 'sql', at });
    expect([first.kind === 'sql' && first.n, second.kind === 'sql' && second.n]).toEqual([1, 2]);
    expect(tabTitle(second, hosts)).toBe('SQL 2 · production · 127.0.0.1:41234');
    const policies = toolTab(NO_TABS, { tool: 'policies', schema: 'public', table: 'clients', at });
    expect(policies).toMatchObject({ kind: 'policies', schema: 'public', table: 'clients', ...at });
  });
});
