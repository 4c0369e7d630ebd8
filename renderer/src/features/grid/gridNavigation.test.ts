import { describe, expect, it } from 'vitest';
import { moveActiveCell, rangeAsTsv, rangeBetween } from './gridNavigation';

const bounds = { rows: 100, cols: 5, pageRows: 11 };

describe('moveActiveCell', () => {
  it.each([
    ['ArrowDown', false, { row: 0, col: 0 }, { row: 1, col: 0 }],
    ['ArrowDown', false, { row: 99, col: 2 }, { row: 99, col: 2 }],
    ['ArrowUp', false, { row: 0, col: 3 }, { row: 0, col: 3 }],
    ['ArrowRight', false, { row: 4, col: 4 }, { row: 4, col: 4 }],
    ['ArrowLeft', false, { row: 4, col: 4 }, { row: 4, col: 3 }],
    ['PageDown', false, { row: 0, col: 1 }, { row: 10, col: 1 }],
    ['PageDown', false, { row: 95, col: 1 }, { row: 99, col: 1 }],
    ['PageUp', false, { row: 5, col: 1 }, { row: 0, col: 1 }],
    ['Home', false, { row: 7, col: 3 }, { row: 7, col: 0 }],
    ['End', false, { row: 7, col: 1 }, { row: 7, col: 4 }],
    ['Home', true, { row: 7, col: 3 }, { row: 0, col: 0 }],
    ['End', true, { row: 7, col: 1 }, { row: 99, col: 4 }],
    ['Enter', false, { row: 7, col: 1 }, null],
  ])('%s (ctrl %s) from %j', (key, ctrl, at, want) => {
    expect(moveActiveCell(key, ctrl, at, bounds)).toEqual(want);
  });

  it('ignores keys in an empty grid', () => {
    expect(moveActiveCell('ArrowDown', false, { row: 0, col: 0 }, { rows: 0, cols: 3, pageRows: 10 })).toBeNull();
  });
});

describe('range selection', () => {
  it('spans anchor to active in either direction and copies as TSV', () => {
    const range = rangeBetween({ row: 3, col: 2 }, { row: 1, col: 1 });
    expect(range).toEqual({ top: 1, bottom: 3, left: 1, right: 2 });
    const text = rangeAsTsv(range, (r, c) => (r === 2 && c === 2 ? 'two\nlines\tand tab' : `${r}:${c}`));
    expect(text).toBe('1:1\t1:2\n2:1\ttwo lines and tab\n3:1\t3:2');
  });
});
