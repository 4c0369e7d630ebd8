import { describe, expect, it } from 'vitest';
import { cellClipboardText, formatCell, shortTypeName, typeCategory } from './cellFormat';

describe('typeCategory', () => {
  it.each([
    ['integer', 'number'],
    ['bigint', 'number'],
    ['numeric(10,2)', 'number'],
    ['double precision', 'number'],
    ['boolean', 'boolean'],
    ['jsonb', 'json'],
    ['json', 'json'],
    ['timestamp without time zone', 'time'],
    ['date', 'time'],
    ['interval', 'time'],
    ['text', 'text'],
    ['character varying(255)', 'text'],
    ['uuid', 'text'],
    ['integer[]', 'array'],
    ['numeric(5,2)[]', 'array'],
  ])('%s is %s', (type, want) => {
    expect(typeCategory(type)).toBe(want);
  });
});

describe('formatCell', () => {
  it.each([
    { value: null, category: 'text', want: { kind: 'null' } },
    { value: undefined, category: 'number', want: { kind: 'null' } },
    { value: '', category: 'text', want: { kind: 'text', text: '', title: null } },
    { value: 42, category: 'number', want: { kind: 'number', text: '42', title: null } },
    { value: '25000.00', category: 'number', want: { kind: 'number', text: '25000.00', title: null } },
    { value: true, category: 'boolean', want: { kind: 'boolean', text: 'true', title: null } },
    {
      value: { a: 1, b: [true, null] },
      category: 'json',
      want: { kind: 'json', text: '{"a":1,"b":[true,null]}', title: '{"a":1,"b":[true,null]}' },
    },
    { value: [1, 2], category: 'array', want: { kind: 'json', text: '[1,2]', title: null } },
    { value: 'hi', category: 'json', want: { kind: 'json', text: '"hi"', title: null } },
    { value: '2024-01-15T10:00:00', category: 'time', want: { kind: 'time', text: '2024-01-15T10:00:00', title: '2024-01-15T10:00:00' } },
    { value: 'Acme', category: 'text', want: { kind: 'text', text: 'Acme', title: null } },
    { value: 'line one\nline two', category: 'text', want: { kind: 'text', text: 'line one ↵ line two', title: 'line one\nline two' } },
  ] as const)('$value as $category', ({ value, category, want }) => {
    expect(formatCell(value, category)).toEqual(want);
  });

  it('truncates very long text for display but keeps a (bounded) tooltip', () => {
    const long = 'x'.repeat(5000);
    const cell = formatCell(long, 'text');
    if (cell.kind === 'null') throw new Error('expected text');
    expect(cell.text).toHaveLength(501);
    expect(cell.text.endsWith('…')).toBe(true);
    expect(cell.title).toHaveLength(2001);
  });
});

describe('cellClipboardText', () => {
  it.each([
    [null, 'NULL'],
    [{ a: 1 }, '{"a":1}'],
    [3.5, '3.5'],
    ['a\nb', 'a\nb'],
  ])('%j → %s', (value, want) => {
    expect(cellClipboardText(value)).toBe(want);
  });
});

describe('shortTypeName', () => {
  it.each([
    ['timestamp without time zone', 'timestamp'],
    ['timestamp(3) with time zone', 'timestamptz(3)'],
    ['time without time zone', 'time'],
    ['character varying(255)', 'varchar(255)'],
    ['character varying[]', 'varchar[]'],
    ['character(1)', 'char(1)'],
    ['double precision', 'float8'],
    ['numeric(10,2)', 'numeric(10,2)'],
    ['text', 'text'],
  ])('%s → %s', (type, want) => {
    expect(shortTypeName(type)).toBe(want);
  });
});
