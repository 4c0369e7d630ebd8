import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../../shared/dataapi/parseQuery';
import { restoreGridView, serializeGridView } from './gridViewStorage';

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
