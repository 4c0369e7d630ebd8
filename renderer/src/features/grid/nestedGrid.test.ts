import { describe, expect, it } from 'vitest';
import { nestedColumns, nestedRowsOf, nestedSummary } from './nestedGrid';

describe('nestedSummary', () => {
  it('counts rows in the embed’s noun', () => {
    expect(nestedSummary(3, 'projects')).toBe('3 projects');
    expect(nestedSummary(1, 'projects')).toBe('1 project');
    expect(nestedSummary(0, 'projects')).toBe('no projects');
    expect(nestedSummary(1, 'address')).toBe('1 address');
  });
});

describe('nestedRowsOf', () => {
  it('accepts only a list of row objects', () => {
    expect(nestedRowsOf([{ id: 1 }])).toEqual([{ id: 1 }]);
    expect(nestedRowsOf([])).toEqual([]);
    expect(nestedRowsOf([1, 2])).toBeNull();
    expect(nestedRowsOf({ id: 1 })).toBeNull();
    expect(nestedRowsOf(null)).toBeNull();
  });
});

describe('nestedColumns', () => {
  const rows = [
    { id: 1, name: 'Migration', budget: null, tasks: [{ id: 7, done: true }] },
    { id: 2, name: 'Audit', budget: '1200.50', tasks: [], extra: 'x' },
  ];
  it('keeps first-seen key order and types from the schema cache', () => {
    const cols = nestedColumns(rows, new Map([['budget', 'numeric(12,2)']]));
    expect(cols.map((c) => c.name)).toEqual(['id', 'name', 'budget', 'tasks', 'extra']);
    expect(cols.find((c) => c.name === 'budget')?.type).toBe('numeric(12,2)');
  });
  it('infers types the cache does not know, and marks deeper to-many embeds as nested', () => {
    const cols = nestedColumns(rows, new Map());
    expect(cols.find((c) => c.name === 'id')?.type).toBe('numeric');
    expect(cols.find((c) => c.name === 'name')?.type).toBe('text');
    const tasks = cols.find((c) => c.name === 'tasks');
    expect(tasks?.type).toBe('jsonb[]');
    expect(tasks?.nested?.noun).toBe('tasks');
    expect(cols.find((c) => c.name === 'budget')?.nested).toBeUndefined();
  });
});
