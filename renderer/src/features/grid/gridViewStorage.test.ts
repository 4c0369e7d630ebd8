import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../../shared/dataapi/parseQuery';
import type { Location } from '../../../../shared/contract/location';
import { gridViewKey, keyOfLegacyGridView, restoreGridView, serializeGridView } from './gridViewStorage';

describe('grid view storage', () => {
  it('round-trips query, count mode and identity', () => {
    const q = parseQuery('select=id,projects!inner(name)&or=(id.eq.1,name.like.*x*)&order=id.desc.nullslast&limit=5');
    if (!q.ok) throw new Error(q.error.message);
    const view = { query: q.value, countMode: 'planned' as const, viewAs: { kind: 'identity' as const, role: 'user@example.com' } };
    expect(restoreGridView(serializeGridView(view))).toEqual(view);
  });

  it.each([
    null,
    'not json',
    '{}',
    '{"query":"select=(","countMode":"exact","viewAs":{"kind":"admin"}}',
    '{"query":"","countMode":"exact","viewAs":{"kind":"root"}}',
  ])('ignores %s', (stored) => expect(restoreGridView(stored)).toBeNull());
});

describe('grid view keys', () => {
  const home: Location = { kind: 'local', branch: 'projects/local/branches/production', database: 'databricks_postgres' };
  const dev: Location = { ...home, branch: 'projects/local/branches/dev' };
  const cloud: Location = { kind: 'cloud', workspaceId: 'ws-1', branch: 'projects/p/branches/main', database: 'app' };
  const v1 = (parts: unknown[]) => `pier.grid.v1:${JSON.stringify(parts)}`;

  it('keep one view per location and table', () => {
    const keys = [home, dev, { ...home, database: 'app' }, cloud, { ...cloud, kind: 'local' as const }].map((at) =>
      gridViewKey(at, 'public', 'clients'),
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each([
    ['home', v1(['', 'databricks_postgres', 'public', 'clients']), gridViewKey(home, 'public', 'clients')],
    ['another local branch', v1([dev.branch, 'databricks_postgres', 'public', 'clients']), gridViewKey(dev, 'public', 'clients')],
    ['a cloud table', v1([cloud.branch, 'app', 'public', 'clients', 'ws-1']), gridViewKey(cloud, 'public', 'clients')],
    ['a branch that is not one', v1(['../etc', 'x', 'public', 'clients']), null],
    ['too few parts', v1(['', 'databricks_postgres', 'public']), null],
    ['not JSON', 'pier.grid.v1:[oops', null],
    ['another key', 'pier.tabs', null],
  ])('moves a view saved for %s to its new key', (_what, key, next) => {
    expect(keyOfLegacyGridView(key, home)).toBe(next);
  });
});
