import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../../shared/dataapi/parseQuery';
import type { ReadQuery } from '../../../../shared/dataapi/ast';
import {
  addEmbed,
  addFilter,
  embedFor,
  isRunnableFilter,
  removeEmbed,
  setTopOrder,
  sortByHeader,
  toggleColumnInQuery,
  updateEmbed,
} from './builderEdits';
import { readableQuery } from './gridQuery';
import type { DescribeTableOutput } from '../../../../shared/contract/dataApi';

const NAMES = ['id', 'name', 'meta'];

const CLIENTS: DescribeTableOutput = {
  baseUrl: 'http://127.0.0.1:1/api/2.0/workspace/local/rest/db',
  exposed: true,
  kind: 'table',
  columns: NAMES.map((name) => ({ name, type: 'text', typeName: 'text', nullable: true, default: null, comment: null })),
  primaryKey: ['id'],
  relationships: [
    {
      kind: 'one-to-many',
      target: { schema: 'public', name: 'projects' },
      constraint: 'projects_client_id_fkey',
      toOne: false,
      columns: [['id', 'client_id']],
    },
  ],
};

function q(text: string): ReadQuery {
  const r = parseQuery(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('builder edits, read through the URL they produce', () => {
  const cases: [string, string, (x: ReadQuery) => ReadQuery, string][] = [
    ['unticking a column lists the rest', '', (x) => toggleColumnInQuery(x, NAMES, 'meta', false), 'select=id,name'],
    ['ticking the last one goes back to all', 'select=id,name', (x) => toggleColumnInQuery(x, NAMES, 'meta', true), ''],
    ['catalog order is kept', 'select=name', (x) => toggleColumnInQuery(x, NAMES, 'id', true), 'select=id,name'],
    [
      'aliases and embeds survive',
      'select=n:name,projects(id)',
      (x) => toggleColumnInQuery(x, NAMES, 'id', true),
      'select=id,n:name,projects(id)',
    ],
    ['an embed makes * explicit', '', (x) => addEmbed(x, embedFor(CLIENTS, CLIENTS.relationships[0]!)), 'select=*,projects(*)'],
    [
      'an embed edits its own columns and join',
      'select=id,projects(*)',
      (x) => updateEmbed(x, 'projects', (e) => ({ ...e, join: 'inner', select: [{ kind: 'field', field: { name: 'name', json: [] } }] })),
      'select=id,projects!inner(name)',
    ],
    [
      'removing an embed drops its filters and order',
      'select=*,projects(*)&projects.id=eq.1&projects.order=id&id=gt.0',
      (x) => removeEmbed(x, 'projects'),
      'id=gt.0',
    ],
    [
      'filters append in order',
      'id=gte.2',
      (x) =>
        addFilter(x, ['projects'], {
          kind: 'condition',
          field: { name: 'name', json: [] },
          negated: true,
          operator: 'ilike',
          value: '*app*',
        }),
      'id=gte.2&projects.name=not.ilike.*app*',
    ],
    [
      'sort with nulls',
      '',
      (x) => setTopOrder(x, [{ field: { name: 'name', json: [] }, direction: 'desc', nulls: 'last' }, { field: { name: 'id', json: [] } }]),
      'order=name.desc.nullslast,id',
    ],
    ['removing every sort term removes order', 'order=id', (x) => setTopOrder(x, []), ''],
  ];
  it.each(cases)('%s', (_name, from, edit, to) => {
    expect(readableQuery(edit(q(from)))).toBe(to);
  });

  it('hints an embed with the constraint when two keys lead to the same table', () => {
    const twice = {
      ...CLIENTS,
      relationships: [CLIENTS.relationships[0]!, { ...CLIENTS.relationships[0]!, constraint: 'projects_owner_fkey' }],
    };
    expect(embedFor(twice, twice.relationships[1]!).hint).toBe('projects_owner_fkey');
    expect(embedFor(CLIENTS, CLIENTS.relationships[0]!).hint).toBeUndefined();
  });
});

describe('header click sorts', () => {
  const cases: [string, string, string, boolean, string][] = [
    ['a click sorts by the column, ascending', '', 'name', false, 'order=name.asc'],
    ['a second click turns it around', 'order=name.asc', 'name', false, 'order=name.desc'],
    ['a third click removes the sort', 'order=name.desc', 'name', false, ''],
    ['a click on another column replaces the sort', 'order=name.asc,id.desc', 'meta', false, 'order=meta.asc'],
    ['shift-click adds a key after the others', 'order=name.asc', 'id', true, 'order=name.asc,id.asc'],
    ['shift-click on a key turns only that one', 'order=name.asc,id.asc', 'id', true, 'order=name.asc,id.desc'],
    ['shift-click on a descending key removes only it', 'order=name.desc,id.desc', 'name', true, 'order=id.desc'],
    ['a column sorted among others becomes the only key', 'order=name.asc,id.desc', 'id', false, 'order=id.asc'],
  ];
  it.each(cases)('%s', (_, before, column, additive, after) => {
    const next = setTopOrder(q(before), sortByHeader(q(before).order[0]?.terms ?? [], column, additive));
    expect(readableQuery(next)).toBe(after);
  });
});

describe('a filter runs only once it says something', () => {
  const condition = (operator: string, value: string | string[]) => ({
    kind: 'condition' as const,
    field: { name: 'id', json: [] },
    negated: false,
    operator: operator as 'eq',
    value,
  });
  const cases: [string, Parameters<typeof isRunnableFilter>[0], boolean][] = [
    ['an empty value is not run', condition('eq', ''), false],
    ['a typed value is', condition('eq', '3'), true],
    ['is null needs no typing', condition('is', 'null'), true],
    ['an empty list is not run', condition('in', []), false],
    ['a list is', condition('in', ['1']), true],
    [
      'a group with an empty condition is not run',
      { kind: 'or', negated: false, children: [condition('eq', '1'), condition('eq', '')] },
      false,
    ],
    ['a group without conditions is not run', { kind: 'and', negated: false, children: [] }, false],
    ['a complete group is', { kind: 'or', negated: false, children: [condition('eq', '1'), condition('is', 'null')] }, true],
  ];
  it.each(cases)('%s', (_, node, runnable) => expect(isRunnableFilter(node)).toBe(runnable));
});
