import { describe, expect, it } from 'vitest';
import { deleteQuery, parseSavedQueries, renameQuery, saveQuery, savedQueriesKey } from './savedQueries';

const now = new Date('2026-01-01T00:00:00Z');

describe('saved queries', () => {
  it('are kept by name, and saving a name again replaces its text', () => {
    let list = saveQuery([], 'Zed', 'select 2', now, 'z');
    list = saveQuery(list, 'active clients', 'select 1', now, 'a');
    expect(list.map((q) => q.name)).toEqual(['active clients', 'Zed']);
    list = saveQuery(list, 'Zed ', 'select 3', now, 'other');
    expect(list).toEqual([
      { id: 'a', name: 'active clients', sql: 'select 1', savedAt: now.toISOString() },
      { id: 'z', name: 'Zed', sql: 'select 3', savedAt: now.toISOString() },
    ]);
  });
  it('rename refuses a name in use; delete removes', () => {
    const list = saveQuery(saveQuery([], 'a', '1', now, '1'), 'b', '2', now, '2');
    expect(renameQuery(list, '1', 'b')).toBeNull();
    expect(renameQuery(list, '1', 'c')!.map((q) => q.name)).toEqual(['b', 'c']);
    expect(deleteQuery(list, '1').map((q) => q.id)).toEqual(['2']);
  });
  it('drop malformed storage', () => {
    expect(parseSavedQueries('nope')).toEqual([]);
    expect(parseSavedQueries(JSON.stringify([{ id: 'x', name: 'n', sql: 's', savedAt: 't' }, { id: 1 }]))).toHaveLength(1);
  });
  it('are per database', () => {
    const a = savedQueriesKey({ kind: 'local', branch: 'projects/local/branches/production', database: 'a' });
    const b = savedQueriesKey({ kind: 'local', branch: 'projects/local/branches/production', database: 'b' });
    expect(a).not.toBe(b);
  });
});
