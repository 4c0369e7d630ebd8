import { describe, expect, it } from 'vitest';
import { MAX_COLUMN_WIDTH, MAX_DRAGGED_WIDTH, MIN_COLUMN_WIDTH, layoutGrid, moveColumn, type ColumnInfo } from './gridLayout';

const col = (name: string, type: string, isPrimaryKey = false): ColumnInfo => ({ name, type, nullable: !isPrimaryKey, isPrimaryKey });

describe('layoutGrid', () => {
  const columns = [col('name', 'text'), col('tenant', 'integer', true), col('id', 'integer', true), col('bio', 'text')];
  const rows = [['Acme', 1, 10, 'x'.repeat(400)]];
  const layout = layoutGrid(columns, rows);

  it('puts primary-key columns first, pinned, in their catalog order', () => {
    expect(layout.columns.map((c) => [c.info.name, c.pinned, c.pinEdge, c.dataIndex])).toEqual([
      ['tenant', true, false, 1],
      ['id', true, true, 2],
      ['name', false, false, 0],
      ['bio', false, false, 3],
    ]);
  });

  it('stacks left offsets and counts pinned width', () => {
    const [tenant, id, name] = layout.columns;
    expect(tenant!.left).toBe(0);
    expect(id!.left).toBe(tenant!.width);
    expect(name!.left).toBe(tenant!.width + id!.width);
    expect(layout.pinnedWidth).toBe(layout.gutterWidth + tenant!.width + id!.width);
    expect(layout.totalWidth).toBe(layout.gutterWidth + layout.columns.reduce((s, c) => s + c.width, 0));
  });

  it('keeps widths between the minimum and the maximum', () => {
    const byName = Object.fromEntries(layout.columns.map((c) => [c.info.name, c.width]));
    expect(byName.id).toBe(MIN_COLUMN_WIDTH);
    expect(byName.bio).toBe(MAX_COLUMN_WIDTH);
  });

  it('sizes a column for its type label when values are short', () => {
    const [created] = layoutGrid([col('at', 'timestamp with time zone')], [[null]]).columns;
    expect(created!.shortType).toBe('timestamptz');
    expect(created!.width).toBeGreaterThan(MIN_COLUMN_WIDTH);
  });

  it('handles a table without rows or columns', () => {
    expect(layoutGrid([], [])).toMatchObject({ columns: [], pinnedWidth: 40, totalWidth: 40 });
  });

  it('uses dragged widths, clamped, and shifts the columns after them', () => {
    const dragged = layoutGrid(columns, rows, { name: 500, bio: 5000, id: 10 });
    const byName = Object.fromEntries(dragged.columns.map((c) => [c.info.name, c]));
    expect(byName.name!.width).toBe(500);
    expect(byName.bio!.width).toBe(MAX_DRAGGED_WIDTH);
    expect(byName.id!.width).toBe(MIN_COLUMN_WIDTH);
    expect(byName.bio!.left).toBe(byName.name!.left + 500);
  });
});

describe('column order', () => {
  const columns = [col('id', 'integer', true), col('a', 'text'), col('b', 'text'), col('c', 'text')];
  it('follows a dragged order, the key pinned first whatever the order says', () => {
    expect(layoutGrid(columns, [], {}, 0, ['c', 'id', 'a']).columns.map((c) => c.info.name)).toEqual(['id', 'c', 'a', 'b']);
  });
  it('moveColumn drops after a column to the right, before one to the left', () => {
    expect(moveColumn(['id', 'a', 'b', 'c'], 'a', 'c')).toEqual(['id', 'b', 'c', 'a']);
    expect(moveColumn(['id', 'a', 'b', 'c'], 'c', 'a')).toEqual(['id', 'c', 'a', 'b']);
    expect(moveColumn(['id', 'a'], 'a', 'a')).toEqual(['id', 'a']);
  });
});
