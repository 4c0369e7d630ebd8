import { describe, expect, it } from 'vitest';
import type { RelationRef } from '../explorer/explorerTree';
import { adminTab, NO_TABS, tabTitle, tabsReducer, type Tab, type TabsEvent, type TabsState } from './tabsState';

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
    const middle = run([{ kind: 'activate', id: three.tabs[1]!.id }, { kind: 'close', id: three.tabs[1]!.id }], three);
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
    expect(run([{ kind: 'close', id: 'nope' }, { kind: 'activate', id: 'nope' }], three)).toBe(three);
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
    const s = run([{ kind: 'open', tab: adminTab.sql(1) }, { kind: 'open', tab: adminTab.roles() }, { kind: 'open', tab: adminTab.sql(1) }], three);
    expect(names(s)).toEqual(['a', 'b', 'c', 'sql:1', 'roles']);
    expect(active(s)).toBe('sql:1');
    expect(tabTitle(adminTab.policies('public', 'clients'))).toBe('Policies · public.clients');
  });
});
