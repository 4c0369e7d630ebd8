import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../../shared/dataapi/parseQuery';
import { copyExportOf } from './copyExport';

const NAMES = ['id', 'name', 'a,b'];
function view(text: string) {
  const q = parseQuery(text);
  if (!q.ok) throw new Error(q.error.message);
  return copyExportOf(q.value, NAMES);
}

describe('what a CSV export through COPY takes from the view', () => {
  it('all columns, the key order, when the view is the table', () => {
    expect(view('')).toEqual({ columns: [], order: [], whole: false });
  });
  it('the chosen columns and sort', () => {
    expect(view('select=name,id&order=name.desc.nullslast,id')).toEqual({
      columns: ['name', 'id'],
      order: [
        { column: 'name', descending: true, nulls: 'last' },
        { column: 'id', descending: false },
      ],
      whole: false,
    });
  });
  it('filters, aliases, casts and embeds are not COPY’s: the whole table, said so', () => {
    expect(view('id=gt.1').whole).toBe(true);
    expect(view('select=n:name')).toEqual({ columns: [], order: [], whole: true });
    expect(view('select=id,projects(*)').whole).toBe(true);
    expect(view('order=projects(name)').whole).toBe(true);
  });
});
