import { describe, expect, it } from 'vitest';
import type { Location } from '../../../../shared/contract/location';
import { shortHost } from '../../ui/locationText';
import type { RelationInfo } from '../tables/relation';
import { NO_TABS, openTab, tabTitle, tabsReducer, toolTab, type Tab, type TabsEvent, type TabsState } from './tabsState';

const home: Location = { kind: 'local', branch: 'projects/local/branches/production', database: 'databricks_postgres' };
const dev: Location = { ...home, branch: 'projects/local/branches/dev' };
const rel = (name: string): RelationInfo => ({ schema: 'public', name, kind: 'table', estimatedRows: 1 });
const open = (tab: Tab): TabsEvent => ({ kind: 'open', tab });
const run = (events: TabsEvent[], from: TabsState = NO_TABS) => events.reduce(tabsReducer, from);
const nameOf = (t: Tab) => (t.kind === 'table' ? t.relation.name : t.kind === 'sql' ? `sql:${t.n}` : t.kind);
const names = (s: TabsState) => s.tabs.map(nameOf);
const active = (s: TabsState) => {
  const t = s.tabs.find((x) => x.id === s.activeId);
  return t ? nameOf(t) : null;
};

const three = run(['a', 'b', 'c'].map((name) => open(openTab.table(home, rel(name)))));

describe('tabsReducer', () => {
  it('opens tables as tabs and activates the newest', () => {
    expect(names(three)).toEqual(['a', 'b', 'c']);
    expect(active(three)).toBe('c');
  });

  it('re-opening a table activates its tab instead of duplicating it', () => {
    const s = run([open(openTab.table(home, rel('a')))], three);
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
    const one = run([open(openTab.table(home, rel('a')))]);
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

  it('puts restored tabs first, keeps tabs opened meanwhile and the one active now', () => {
    const meanwhile = run([open(openTab.table(home, rel('x'))), open(openTab.table(home, rel('a')))]);
    const s = run([{ kind: 'restore', saved: three }], meanwhile);
    expect(names(s)).toEqual(['a', 'b', 'c', 'x']);
    expect(active(s)).toBe('a');
    expect(active(run([{ kind: 'restore', saved: three }]))).toBe('c');
  });
});

describe('tabTitle', () => {
  it('opens the same table on another branch as its own tab, named with the branch', () => {
    const s = run([open(openTab.table(dev, rel('a')))], three);
    expect(s.tabs).toHaveLength(4);
    expect(tabTitle(s.tabs[3]!, home)).toBe('public.a · dev');
    expect(run([open(openTab.table(dev, rel('a')))], s).tabs).toHaveLength(4);
  });

  it('names a table tab at home by its qualified name alone', () => {
    expect(tabTitle(three.tabs[0]!, home)).toBe('public.a');
  });

  it('names a database other than home’s, and every location until home is known', () => {
    const sales = openTab.table({ ...home, database: 'sales' }, rel('a'));
    expect(tabTitle(sales, home)).toBe('public.a · production · sales');
    expect(tabTitle(three.tabs[0]!, undefined)).toBe('public.a · production · databricks_postgres');
  });

  it('opens an admin tab once and activates it when opened again', () => {
    const s = run([open(openTab.sql(home, 1)), open(openTab.roles(home)), open(openTab.sql(home, 1))], three);
    expect(names(s)).toEqual(['a', 'b', 'c', 'sql:1', 'roles']);
    expect(active(s)).toBe('sql:1');
    expect(tabTitle(openTab.policies(home, 'public', 'clients'), home)).toBe('Policies · public.clients');
  });
});

describe('tabs of cloud workspaces', () => {
  const prod = 'projects/clients/branches/production';
  const inWs = (workspaceId: string): Location => ({ kind: 'cloud', workspaceId, branch: prod, database: 'databricks_postgres' });
  const hosts = new Map([
    ['ws-a', 'https://adb-1234.5.azuredatabricks.net'],
    ['ws-b', 'https://dbc-9f8e.cloud.databricks.com'],
    ['ws-pier', 'http://127.0.0.1:41234'],
  ]);

  it('names the workspace by its short host, so two workspaces\' "clients · production" differ', () => {
    const s = run([open(openTab.table(inWs('ws-a'), rel('clients'))), open(openTab.table(inWs('ws-b'), rel('clients')))]);
    expect(s.tabs.map((t) => tabTitle(t, home, hosts))).toEqual([
      'public.clients · production · adb-1234',
      'public.clients · production · dbc-9f8e',
    ]);
    expect(tabTitle(s.tabs[0]!, home)).toBe('public.clients · production · ws-a');
  });

  it('keeps the same branch and database of the local workspace apart from a cloud one', () => {
    const localTwin: Location = { kind: 'local', branch: prod, database: 'databricks_postgres' };
    const s = run([open(openTab.table(inWs('ws-a'), rel('clients'))), open(openTab.table(localTwin, rel('clients')))]);
    expect(s.tabs).toHaveLength(2);
    expect(tabTitle(s.tabs[1]!, home, hosts)).toBe('public.clients · production');
  });

  it('leaves local tabs as they were', () => {
    expect(tabTitle(three.tabs[0]!, home, hosts)).toBe('public.a');
    expect(tabTitle(openTab.roles(dev), home, hosts)).toBe('Roles · dev');
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
    const a = inWs('ws-a');
    const s = run([open(openTab.roles(a)), open(openTab.roles(inWs('ws-b'))), open(openTab.roles(a))]);
    expect(s.tabs).toHaveLength(2);
    expect(s.tabs.map((t) => tabTitle(t, home, hosts))).toEqual(['Roles · production · adb-1234', 'Roles · production · dbc-9f8e']);
    expect(s.tabs[0]!.at).toEqual(a);
  });

  it('opens tools on the location asked for, a new SQL tab each time', () => {
    const at: Location = { kind: 'cloud', workspaceId: 'ws-pier', branch: prod, database: 'sales' };
    const first = toolTab(NO_TABS, { tool: 'sql', at });
    const second = toolTab(run([open(first)]), { tool: 'sql', at });
    expect([first.kind === 'sql' && first.n, second.kind === 'sql' && second.n]).toEqual([1, 2]);
    expect(tabTitle(second, home, hosts)).toBe('SQL 2 · production · sales · 127.0.0.1:41234');
    const policies = toolTab(NO_TABS, { tool: 'policies', schema: 'public', table: 'clients', at });
    expect(policies).toMatchObject({ kind: 'policies', schema: 'public', table: 'clients', at });
  });
});
