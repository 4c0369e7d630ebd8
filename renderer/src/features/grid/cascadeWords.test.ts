import { describe, expect, it } from 'vitest';
import { cascadeEditsOf, cascadeLines } from './cascadeWords';
import { stageCell, stageDelete, stageInsert } from './stagedEdits';

describe('what other tables would lose or change, in words', () => {
  it('one line per table, deletes first, with counts', () => {
    expect(
      cascadeLines([
        { schema: 'public', name: 'notes', deleted: 0, updated: 3, inserted: 0 },
        { schema: 'public', name: 'projects', deleted: 2, updated: 0, inserted: 0 },
        { schema: 'audit', name: 'log', deleted: 0, updated: 1, inserted: 1 },
      ]),
    ).toEqual(['public.projects: 2 rows deleted', 'public.notes: 3 rows updated', 'audit.log: 1 row inserted, 1 row updated']);
  });
  it('nothing reached is no lines', () => expect(cascadeLines([])).toEqual([]));
});

describe('which staged edits can reach other rows', () => {
  it('updates and deletes go, inserts do not', () => {
    const edits = stageInsert(stageDelete(stageCell([], { id: 1 }, 'name', 'A', 'B'), { id: 2 }), { name: 'new' }, 1);
    expect(cascadeEditsOf(edits)).toEqual([
      { kind: 'update', key: { id: 1 }, changes: { name: 'A' } },
      { kind: 'delete', key: { id: 2 } },
    ]);
  });
});
