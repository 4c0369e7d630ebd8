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
    expect(view('')).toEqual({ columns: [], order: [], filters: [], whole: false });
  });
  it('the chosen columns and sort', () => {
    expect(view('select=name,id&order=name.desc.nullslast,id')).toEqual({
      columns: ['name', 'id'],
      order: [
        { column: 'name', descending: true, nulls: 'last' },
        { column: 'id', descending: false },
      ],
      filters: [],
      whole: false,
    });
  });
  it('the view’s plain filters, groups and negations included; values as typed', () => {
    expect(view('select=id&id=gt.1&or=(name.ilike.*acme*,name.not.is.null)&name=in.(x,"y,z")')).toEqual({
      columns: ['id'],
      order: [],
      filters: [
        { kind: 'condition', column: 'id', negated: false, operator: 'gt', value: '1' },
        {
          kind: 'or',
          negated: false,
          children: [
            { kind: 'condition', column: 'name', negated: false, operator: 'ilike', value: '*acme*' },
            { kind: 'condition', column: 'name', negated: true, operator: 'is', value: 'null' },
          ],
        },
        { kind: 'condition', column: 'name', negated: false, operator: 'in', value: ['x', 'y,z'] },
      ],
      whole: false,
    });
  });
  it('paging, aliases, casts, embeds and other operators are not COPY’s: the whole table, said so', () => {
    expect(view('limit=2').whole).toBe(true);
    expect(view('name=fts.acme').whole).toBe(true);
    expect(view('id=eq(any).{1,2}').whole).toBe(true);
    expect(view('projects.id=eq.1').whole).toBe(true);
    expect(view('select=n:name')).toEqual({ columns: [], order: [], filters: [], whole: true });
    expect(view('select=id,projects(*)').whole).toBe(true);
    expect(view('order=projects(name)').whole).toBe(true);
  });
});
