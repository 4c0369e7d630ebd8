import { describe, expect, it } from 'vitest';
import type { RelationRef } from '../explorer/explorerTree';
import { adminTab, NO_TABS, tabsReducer } from './tabsState';
import { restoreTabs, serializeTabs } from './tabsStorage';

const rel = (name: string, schema = 'public'): RelationRef => ({ schema, name, kind: 'table', estimatedRows: 3 });

describe('tabs storage', () => {
  it('round-trips open tabs and the active one', () => {
    let state = tabsReducer(NO_TABS, { kind: 'openTable', relation: rel('clients') });
    state = tabsReducer(state, { kind: 'openTable', relation: rel('events', 'analytics') });
    state = tabsReducer(state, { kind: 'activate', id: state.tabs[0]!.id });
    expect(restoreTabs(serializeTabs(state))).toEqual(state);
  });

  it('keeps the branch a table was opened on, and drops a malformed one', () => {
    const state = tabsReducer(NO_TABS, { kind: 'openTable', relation: { ...rel('clients'), branch: 'projects/local/branches/dev' } });
    expect(restoreTabs(serializeTabs(state))).toEqual(state);
    const forged = JSON.stringify({ v: 1, tabs: [{ kind: 'table', relation: { ...rel('clients'), branch: '../etc' } }] });
    const restored = restoreTabs(forged).tabs[0];
    expect(restored?.kind === 'table' && restored.relation).toEqual(rel('clients'));
  });

  it('keeps a cloud table apart from the same table on a local branch, and loads tabs saved before cloud tables', () => {
    const branch = 'projects/p/branches/main';
    const cloud: RelationRef = { ...rel('clients'), branch, workspaceId: 'ws-1', database: 'app' };
    let state = tabsReducer(NO_TABS, { kind: 'openTable', relation: cloud });
    state = tabsReducer(state, { kind: 'openTable', relation: { ...rel('clients'), branch } });
    expect(state.tabs).toHaveLength(2);
    expect(restoreTabs(serializeTabs(state))).toEqual(state);
    // Saved by an older Pier: no workspace, no database.
    const old = JSON.stringify({
      v: 1,
      activeId: 'rel:["public","clients"]',
      tabs: [{ kind: 'table', id: 'rel:["public","clients"]', relation: rel('clients') }],
    });
    expect(restoreTabs(old)).toEqual(tabsReducer(NO_TABS, { kind: 'openTable', relation: rel('clients') }));
    // Half a cloud location is not trusted.
    const half = JSON.stringify({ v: 1, tabs: [{ kind: 'table', relation: { ...rel('clients'), branch, workspaceId: 'ws-1' } }] });
    expect(restoreTabs(half)).toEqual(NO_TABS);
  });

  it.each([
    ['nothing stored', null],
    ['not JSON', '{oops'],
    ['another version', JSON.stringify({ v: 2, tabs: [] })],
    ['tabs not a list', JSON.stringify({ v: 1, tabs: {} })],
  ])('starts empty from %s', (_what, stored) => {
    expect(restoreTabs(stored)).toEqual(NO_TABS);
  });

  it('drops malformed or duplicate tabs and falls back to the first for a missing active id', () => {
    const stored = JSON.stringify({
      v: 1,
      activeId: 'gone',
      tabs: [
        { kind: 'table', relation: { schema: 'public', name: 'a', kind: 'table', estimatedRows: 1 } },
        { kind: 'table', relation: { schema: 'public', name: 'a', kind: 'table', estimatedRows: 1 } },
        { kind: 'table', relation: { schema: 'public', name: '', kind: 'table' } },
        { kind: 'table', relation: { schema: 'public', name: 'b', kind: 'sequence' } },
        { kind: 'sql', text: 'select 1' },
        'junk',
      ],
    });
    const state = restoreTabs(stored);
    expect(state.tabs.map((t) => (t.kind === 'table' ? t.relation.name : t.id))).toEqual(['a']);
    expect(state.activeId).toBe(state.tabs[0]!.id);
  });

  it('restores admin tabs (policies, SQL, roles, grants, set-up)', () => {
    const dev = 'projects/local/branches/dev';
    const tabs = [
      adminTab.policies('public', 'clients'),
      adminTab.sql(2),
      adminTab.roles(),
      adminTab.grants('public'),
      adminTab.setup(),
      adminTab.roles({ branch: dev }),
      adminTab.sql(2, { branch: dev }),
    ];
    const state = restoreTabs(serializeTabs({ tabs, activeId: 'roles' }));
    expect(state).toEqual({ tabs, activeId: 'roles' });
  });

  it('restores admin tabs of a cloud workspace, and drops ones missing their workspace or database', () => {
    const at = { workspaceId: 'ws-a', branch: 'projects/clients/branches/production', database: 'databricks_postgres' };
    const tabs = [adminTab.sql(1, at), adminTab.policies('public', 'clients', at), adminTab.grants('public', at)];
    expect(restoreTabs(serializeTabs({ tabs, activeId: tabs[1]!.id }))).toEqual({ tabs, activeId: tabs[1]!.id });
    const broken = JSON.stringify({ v: 1, activeId: null, tabs: [{ kind: 'roles', id: 'x', workspaceId: 'ws-a', branch: at.branch }] });
    expect(restoreTabs(broken).tabs).toEqual([]);
  });
});
