import { describe, expect, it } from 'vitest';
import type { DescribeTableOutput } from '../../../../shared/contract/dataApi';
import { parseQuery } from '../../../../shared/dataapi/parseQuery';
import type { ReadQuery } from '../../../../shared/dataapi/ast';
import {
  gridColumns,
  keysetColumn,
  keysetWindowQueryOf,
  queryPartOf,
  readableQuery,
  rowCells,
  stableOrder,
  tableOfUrl,
  viewTotal,
  windowQueryOf,
} from './gridQuery';

const CLIENTS: DescribeTableOutput = {
  baseUrl: 'http://127.0.0.1:1/api/2.0/workspace/local/rest/db',
  exposed: true,
  kind: 'table',
  columns: [
    { name: 'id', type: 'integer', typeName: 'int4', nullable: false, default: "nextval('clients_id_seq')", comment: null },
    { name: 'name', type: 'text', typeName: 'text', nullable: false, default: null, comment: null },
    { name: 'meta', type: 'jsonb', typeName: 'jsonb', nullable: true, default: null, comment: null },
  ],
  primaryKey: ['id'],
  relationships: [
    {
      kind: 'one-to-many',
      target: { schema: 'public', name: 'projects' },
      constraint: 'projects_client_id_fkey',
      toOne: false,
      columns: [['id', 'client_id']],
    },
    {
      kind: 'many-to-one',
      target: { schema: 'public', name: 'regions' },
      constraint: 'clients_region_fkey',
      toOne: true,
      columns: [['region', 'id']],
    },
  ],
};

function q(text: string): ReadQuery {
  const r = parseQuery(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('gridColumns', () => {
  it('expands * to the table, pk marked', () => {
    expect(gridColumns(q(''), CLIENTS).map((c) => [c.name, c.type, c.isPrimaryKey, c.path])).toEqual([
      ['id', 'integer', true, ['id']],
      ['name', 'text', false, ['name']],
      ['meta', 'jsonb', false, ['meta']],
    ]);
  });

  it('keeps aliases, json paths, to-one fields as columns and to-many as one list column', () => {
    const cols = gridColumns(q('select=ident:id,meta->>tier,regions(name,code),projects(id,name)'), CLIENTS);
    expect(cols.map((c) => [c.name, c.type, c.path])).toEqual([
      ['ident', 'integer', ['ident']],
      ['meta->>tier', 'jsonb', ['tier']],
      ['regions.name', 'text', ['regions', 'name']],
      ['regions.code', 'text', ['regions', 'code']],
      ['projects', 'jsonb[]', ['projects']],
    ]);
    // An aliased key no longer names the table's key column.
    expect(cols[0]?.isPrimaryKey).toBe(false);
  });

  it('lifts spread columns to the top level', () => {
    expect(gridColumns(q('select=id,...regions(region_name:name)'), CLIENTS).map((c) => c.path)).toEqual([['id'], ['region_name']]);
  });
});

describe('to-one embeds with the target described', () => {
  it('expand * into typed columns', () => {
    const regions: DescribeTableOutput = {
      ...CLIENTS,
      columns: [
        { name: 'id', type: 'integer', typeName: 'int4', nullable: false, default: null, comment: null },
        { name: 'opened', type: 'timestamp with time zone', typeName: 'timestamptz', nullable: true, default: null, comment: null },
      ],
      relationships: [],
    };
    const cols = gridColumns(q('select=id,regions(*)'), CLIENTS, new Map([['public.regions', regions]]));
    expect(cols.map((c) => [c.name, c.type, c.path])).toEqual([
      ['id', 'integer', ['id']],
      ['regions.id', 'integer', ['regions', 'id']],
      ['regions.opened', 'timestamp with time zone', ['regions', 'opened']],
    ]);
    // Not yet described: one JSON column.
    expect(gridColumns(q('select=regions(*)'), CLIENTS).map((c) => c.type)).toEqual(['jsonb']);
  });
});

describe('to-many embeds', () => {
  it('carry their noun and field types for the nested grid, aliases and casts included', () => {
    const projects: DescribeTableOutput = {
      ...CLIENTS,
      columns: [
        { name: 'id', type: 'integer', typeName: 'int4', nullable: false, default: null, comment: null },
        { name: 'budget', type: 'numeric(10,2)', typeName: 'numeric', nullable: true, default: null, comment: null },
      ],
      relationships: [],
    };
    const related = new Map([['public.projects', projects]]);
    const [col] = gridColumns(q('select=work:projects(id,money:budget,label:id::text)'), CLIENTS, related);
    expect(col?.nested?.noun).toBe('work');
    expect([...(col?.nested?.types ?? [])]).toEqual([
      ['id', 'integer'],
      ['money', 'numeric(10,2)'],
      ['label', 'text'],
    ]);
    const [star] = gridColumns(q('select=projects(*)'), CLIENTS, related);
    expect([...(star?.nested?.types.keys() ?? [])]).toEqual(['id', 'budget']);
    // A to-one embed is not nested.
    expect(gridColumns(q('select=regions(*)'), CLIENTS).map((c) => c.nested)).toEqual([undefined]);
  });
});

describe('rowCells', () => {
  it('reads nested paths; a missing to-one reads as absent, not as an error', () => {
    const cols = gridColumns(q('select=id,regions(name)'), CLIENTS);
    expect(rowCells({ id: 1, regions: { name: 'EU' } }, cols)).toEqual([1, 'EU']);
    expect(rowCells({ id: 2, regions: null }, cols)).toEqual([2, undefined]);
  });
});

describe('windows over the view', () => {
  it('bounds windows by the query’s own offset and limit', () => {
    const view = q('select=id&limit=450&offset=10');
    expect(readableQuery(windowQueryOf(view, 0, 200)!)).toBe('select=id&limit=200&offset=10');
    expect(readableQuery(windowQueryOf(view, 400, 200)!)).toBe('select=id&limit=50&offset=410');
    expect(windowQueryOf(view, 600, 200)).toBeNull();
    expect(readableQuery(windowQueryOf(q('id=gte.2'), 200, 200)!)).toBe('id=gte.2&limit=200&offset=200');
  });

  it('counts rows in view from the unpaged count', () => {
    expect(viewTotal(q(''), 1_000_000)).toBe(1_000_000);
    expect(viewTotal(q('limit=10'), 3)).toBe(3);
    expect(viewTotal(q('limit=10&offset=995'), 1000)).toBe(5);
    expect(viewTotal(q('offset=5000'), 1000)).toBe(0);
  });
});

describe('readableQuery and queryPartOf', () => {
  it('shows the query as PostgREST docs write it, escaping only what would change its meaning', () => {
    expect(readableQuery(q('select=id,name,projects(id,name)&id=gte.2'))).toBe('select=id,name,projects(id,name)&id=gte.2');
    expect(readableQuery(q('name=eq.a%26b%2Bc%20d'))).toBe('name=eq.a%26b%2Bc%20d');
    // What is shown reads back to the same query.
    const tricky = q('name=in.(%22a,b%22,c)&or=(id.eq.1,name.like.*x*)');
    expect(q(readableQuery(tricky))).toEqual(tricky);
  });

  it('takes the query from a whole URL, a path or a bare query', () => {
    expect(queryPartOf(' http://h/api/rest/db/public/clients?select=id#x ')).toBe('select=id');
    expect(queryPartOf('clients?id=eq.1')).toBe('id=eq.1');
    expect(queryPartOf('select=id')).toBe('select=id');
    expect(queryPartOf('http://h/rest/db/public/clients')).toBe('');
  });
});

describe('stable windows and keyset paging', () => {
  it('sorts by the primary key only when the user chose no order', () => {
    expect(readableQuery(stableOrder(q('id=gt.1'), ['id']))).toBe('id=gt.1&order=id');
    expect(readableQuery(stableOrder(q('order=name.desc'), ['id']))).toBe('order=name.desc');
    expect(readableQuery(stableOrder(q(''), []))).toBe('');
  });

  it('continues after the last key once sorted by a single-column key', () => {
    const key = keysetColumn(q('order=id.desc'), ['id']);
    expect(key).toEqual({ name: 'id', descending: true });
    expect(readableQuery(keysetWindowQueryOf(q('name=like.a*&order=id.desc&limit=500&offset=7'), key!, 4000, 400, 200)!)).toBe(
      'name=like.a*&id=lt.4000&order=id.desc&limit=100',
    );
    expect(readableQuery(keysetWindowQueryOf(q('order=id'), { name: 'id', descending: false }, 400, 1000, 200, 400)!)).toBe(
      'id=gt.400&order=id&limit=200&offset=400',
    );
    expect(keysetColumn(q('order=id,name'), ['id'])).toBeNull();
    expect(keysetColumn(q('order=name'), ['id'])).toBeNull();
    expect(keysetColumn(q('order=id'), ['tenant', 'id'])).toBeNull();
  });
});

describe('tableOfUrl', () => {
  it.each([
    ['http://h/api/2.0/workspace/local/rest/db/public/clients?select=id', 'clients'],
    ['clients?id=eq.1', 'clients'],
    ['/public/my%20table?x=eq.1', 'my table'],
    ['select=id', null],
    ['?select=id', null],
    ['http://h/rest/db/public/projects', 'projects'],
  ])('%s → %s', (text, table) => expect(tableOfUrl(text)).toBe(table));
});
