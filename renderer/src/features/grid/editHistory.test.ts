import { describe, expect, it } from 'vitest';
import { EMPTY_HISTORY, redoEdits, recordEdits, undoEdits, type EditHistory } from './editHistory';
import { stageCell, stageDelete, type StagedEdit } from './stagedEdits';

const A = stageCell([], { id: 1 }, 'name', 'Ann', 'Anne');
const AB = stageCell(A, { id: 2 }, 'name', 'Bob', 'Bobby');
const ABC = stageDelete(AB, { id: 3 });

function after(...steps: StagedEdit[][]): EditHistory {
  return steps.reduce(recordEdits, EMPTY_HISTORY);
}

describe('undo and redo of staged edits', () => {
  it('undo goes back one staged change at a time, then stops', () => {
    let h = after(A, AB, ABC);
    h = undoEdits(h);
    expect(h.present).toEqual(AB);
    h = undoEdits(h);
    h = undoEdits(h);
    expect(h.present).toEqual([]);
    expect(undoEdits(h)).toBe(h);
  });
  it('redo replays what was undone, and a new edit forgets it', () => {
    let h = undoEdits(undoEdits(after(A, AB, ABC)));
    expect(h.present).toEqual(A);
    h = redoEdits(h);
    expect(h.present).toEqual(AB);
    h = recordEdits(h, stageDelete(AB, { id: 9 }));
    expect(redoEdits(h)).toBe(h);
    expect(undoEdits(h).present).toEqual(AB);
  });
  it('setting the same edits again is not a step', () => {
    const h = after(A, A);
    expect(undoEdits(h).present).toEqual([]);
  });
});
