import { describe, expect, it } from 'vitest';
import type { FilterNode, ReadQuery, SelectItem } from './ast';
import { parseQuery, parseSelect, startsOperatorExpression } from './parseQuery';

const f = (name: string, ...json: ['->' | '->>', string][]) => ({ name, json: json.map(([arrow, key]) => ({ arrow, key })) });

function parsed(qs: string): ReadQuery {
  const r = parseQuery(qs);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('parseSelect', () => {
  const cases: [string, SelectItem[]][] = [
    ['*', [{ kind: 'star' }]],
    [
      'id,name',
      [
        { kind: 'field', field: f('id') },
        { kind: 'field', field: f('name') },
      ],
    ],
    ['full_name:name', [{ kind: 'field', field: f('name'), alias: 'full_name' }]],
    ['id::text', [{ kind: 'field', field: f('id'), cast: 'text' }]],
    ['data->a->>b', [{ kind: 'field', field: f('data', ['->', 'a'], ['->>', 'b']) }]],
    ['data->0', [{ kind: 'field', field: f('data', ['->', '0']) }]],
    ['count()', [{ kind: 'count' }]],
    ['total:count()::text', [{ kind: 'count', alias: 'total', cast: 'text' }]],
    ['budget.sum()', [{ kind: 'field', field: f('budget'), aggregate: 'sum' }]],
    [
      's:budget::int.avg()::text',
      [{ kind: 'field', field: f('budget'), alias: 's', cast: 'int', aggregate: 'avg', aggregateCast: 'text' }],
    ],
    [
      'id, name',
      [
        { kind: 'field', field: f('id') },
        { kind: 'field', field: f('name') },
      ],
    ],
    ['"my col"', [{ kind: 'field', field: f('my col') }]],
    ['"a\\"b"', [{ kind: 'field', field: f('a"b') }]],
    ['first-name', [{ kind: 'field', field: f('first-name') }]],
    [
      'projects(id,name)',
      [
        {
          kind: 'embed',
          relation: 'projects',
          spread: false,
          select: [
            { kind: 'field', field: f('id') },
            { kind: 'field', field: f('name') },
          ],
        },
      ],
    ],
    [
      'p:projects!client_id!inner(*)',
      [{ kind: 'embed', relation: 'projects', alias: 'p', hint: 'client_id', join: 'inner', spread: false, select: [{ kind: 'star' }] }],
    ],
    ['projects!left()', [{ kind: 'embed', relation: 'projects', join: 'left', spread: false, select: [] }]],
    [
      'p:projects!inner!client_id(id)',
      [
        {
          kind: 'embed',
          relation: 'projects',
          alias: 'p',
          hint: 'client_id',
          join: 'inner',
          spread: false,
          select: [{ kind: 'field', field: f('id') }],
        },
      ],
    ],
    [
      'first name, last name ',
      [
        { kind: 'field', field: f('first name') },
        { kind: 'field', field: f('last name') },
      ],
    ],
    ['data ->a', [{ kind: 'field', field: f('data', ['->', 'a']) }]],
    ['...clients(name)', [{ kind: 'embed', relation: 'clients', spread: true, select: [{ kind: 'field', field: f('name') }] }]],
    [
      'a(b(c(*)))',
      [
        {
          kind: 'embed',
          relation: 'a',
          spread: false,
          select: [
            {
              kind: 'embed',
              relation: 'b',
              spread: false,
              select: [{ kind: 'embed', relation: 'c', spread: false, select: [{ kind: 'star' }] }],
            },
          ],
        },
      ],
    ],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseSelect(text)).toEqual({ ok: true, value: expected });
  });

  const bad: [string, string][] = [
    ['id,name(', 'end of input'],
    ['id.foo()', 'aggregate'],
    ['id,,name', '","'],
    ['a:', 'end of input'],
    ['"unterminated', 'closing'],
    ['projects!x!y(*)', '"("'],
    ['projects!inner!left(*)', '"("'],
  ];
  it.each(bad)('rejects %s as a syntax error in select', (text, detail) => {
    const r = parseSelect(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ kind: 'querySyntax', param: 'select' });
      expect(r.error.message).toContain(text);
      expect(r.error.details).toContain(detail);
    }
  });
});

describe('parseQuery filters', () => {
  const one = (qs: string): FilterNode => {
    const q = parsed(qs);
    expect(q.filters).toHaveLength(1);
    return q.filters[0]!.node;
  };
  const cases: [string, FilterNode][] = [
    ['id=eq.1', { kind: 'condition', field: f('id'), negated: false, operator: 'eq', value: '1' }],
    ['id=not.gt.1', { kind: 'condition', field: f('id'), negated: true, operator: 'gt', value: '1' }],
    ['name=eq.a,b(c).d', { kind: 'condition', field: f('name'), negated: false, operator: 'eq', value: 'a,b(c).d' }],
    ['name=eq.', { kind: 'condition', field: f('name'), negated: false, operator: 'eq', value: '' }],
    ['id=in.(1,2,3)', { kind: 'condition', field: f('id'), negated: false, operator: 'in', value: ['1', '2', '3'] }],
    ['name=in.("a,b","c\\"d",e)', { kind: 'condition', field: f('name'), negated: false, operator: 'in', value: ['a,b', 'c"d', 'e'] }],
    ['id=in.()', { kind: 'condition', field: f('id'), negated: false, operator: 'in', value: [] }],
    ['x=is.null', { kind: 'condition', field: f('x'), negated: false, operator: 'is', value: 'null' }],
    ['x=is.NOT_NULL', { kind: 'condition', field: f('x'), negated: false, operator: 'is', value: 'not_null' }],
    ['x=not.is.true', { kind: 'condition', field: f('x'), negated: true, operator: 'is', value: 'true' }],
    [
      't=fts(english).cat %26 dog',
      { kind: 'condition', field: f('t'), negated: false, operator: 'fts', language: 'english', value: 'cat & dog' },
    ],
    ['t=wfts.cat', { kind: 'condition', field: f('t'), negated: false, operator: 'wfts', value: 'cat' }],
    ['n=like(any).{a*,b*}', { kind: 'condition', field: f('n'), negated: false, operator: 'like', quantifier: 'any', value: '{a*,b*}' }],
    ['tags=cs.{a,b}', { kind: 'condition', field: f('tags'), negated: false, operator: 'cs', value: '{a,b}' }],
    ['r=adj.[1,5)', { kind: 'condition', field: f('r'), negated: false, operator: 'adj', value: '[1,5)' }],
    ['data->>a=eq.x', { kind: 'condition', field: f('data', ['->>', 'a']), negated: false, operator: 'eq', value: 'x' }],
    ['"order"=eq.1', { kind: 'condition', field: f('order'), negated: false, operator: 'eq', value: '1' }],
    [
      'or=(a.eq.1,b.in.(1,"2,3"),not.and(c.gt.5,d.eq."x,)y"),e.cs.{1,2})',
      {
        kind: 'or',
        negated: false,
        children: [
          { kind: 'condition', field: f('a'), negated: false, operator: 'eq', value: '1' },
          { kind: 'condition', field: f('b'), negated: false, operator: 'in', value: ['1', '2,3'] },
          {
            kind: 'and',
            negated: true,
            children: [
              { kind: 'condition', field: f('c'), negated: false, operator: 'gt', value: '5' },
              { kind: 'condition', field: f('d'), negated: false, operator: 'eq', value: 'x,)y' },
            ],
          },
          { kind: 'condition', field: f('e'), negated: false, operator: 'cs', value: '{1,2}' },
        ],
      },
    ],
    [
      'not.or=(a.is.null,a.not.eq.2)',
      {
        kind: 'or',
        negated: true,
        children: [
          { kind: 'condition', field: f('a'), negated: false, operator: 'is', value: 'null' },
          { kind: 'condition', field: f('a'), negated: true, operator: 'eq', value: '2' },
        ],
      },
    ],
  ];
  it.each(cases)('%s', (qs, expected) => {
    expect(one(qs)).toEqual(expected);
  });

  it('puts embedded filters, order and paging on their path', () => {
    const q = parsed('select=*,projects(*)&projects.status=eq.active&projects.order=name.desc&projects.limit=1&projects.not.or=(a.eq.1)');
    expect(q.filters.map((x) => x.path)).toEqual([['projects'], ['projects']]);
    expect(q.filters[1]!.node).toMatchObject({ kind: 'or', negated: true });
    expect(q.order).toEqual([{ path: ['projects'], terms: [{ field: f('name'), direction: 'desc' }] }]);
    expect(q.paging).toEqual([{ path: ['projects'], limit: 1 }]);
  });

  it('decodes percent escapes and plus signs like URLSearchParams', () => {
    expect(one('name=eq.a%2Bb+c')).toMatchObject({ value: 'a+b c' });
  });

  it('keeps parameters whose value is no operator expression as arguments of a function read, as PostgREST does', () => {
    const r = parseQuery('id=1&name=foo.bar&select=id&x=gt.1&not_op=eq1&t=fts(bad-lang).x', 'functionRead');
    expect(r).toEqual({
      ok: true,
      value: {
        select: [{ kind: 'field', field: f('id') }],
        filters: [{ path: [], node: { kind: 'condition', field: f('x'), negated: false, operator: 'gt', value: '1' } }],
        order: [],
        paging: [],
        params: [
          ['id', '1'],
          ['name', 'foo.bar'],
          ['not_op', 'eq1'],
          ['t', 'fts(bad-lang).x'],
        ],
      },
    });
  });

  it('decides "operator expression" as PostgREST\'s parser commits to one', () => {
    const operator = [
      'eq.1',
      'not.x',
      'in.x',
      'is.x',
      'isdistinct.',
      'gte.1',
      'eq(any).{1}',
      'fts(english).cat',
      'fts(bad lang).x',
      'plfts.a',
      'adj.[1,2)',
    ];
    const argument = ['1', 'eq1', 'zz.1', 'constructor.1', '__proto__.1', 'fts(bad-lang).x', 'eq(some).1', 'neq(any).1', 'IN.(1)', ''];
    for (const v of operator) expect(startsOperatorExpression(v), v).toBe(true);
    for (const v of argument) expect(startsOperatorExpression(v), v).toBe(false);
  });

  const bad: [string, string, string][] = [
    ['id=not.1', 'operator', 'id'],
    ['id=not.foo.1', 'operator', 'id'],
    ['projects.id=1', 'operator', 'projects.id'],
    ['id=in.(1,2', 'end of input', 'id'],
    ['x=is.maybe', 'null, not_null', 'x'],
    ['offset=-1', 'non-negative integer', 'offset'],
    ['limit=ten', 'an integer', 'limit'],
    ['or=(a.eq.1', 'end of input', 'or'],
    ['or=a.eq.1', '"("', 'or'],
    ['order=name.up', '".asc"', 'order'],
    ['id=neq(any).{1}', '"."', 'id'],
    ['t=fts(bad lang).x', 'language', 't'],
    ['t=plfts(0).x', 'language', 't'],
    // A table read: every parameter that is not reserved is a filter.
    ['id=1', 'operator', 'id'],
    ['id=eq3', '"."', 'id'],
    ['id=zz.1', 'operator', 'id'],
    ['id=constructor.1', 'operator', 'id'],
    ['__proto__=1', 'operator', '__proto__'],
    ['id', 'operator', 'id'],
    ['a:b=eq.1', '"." or the end of the key', 'a:b'],
  ];
  it.each(bad)('rejects %s naming the parameter', (qs, detail, param) => {
    const r = parseQuery(qs);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ kind: 'querySyntax', param });
      expect(r.error.details).toContain(detail);
      expect(r.error.hint).toContain(`'${param}'`);
    }
  });
});

describe('parseQuery order and paging', () => {
  it('reads several terms, JSON paths and embedded to-one columns', () => {
    expect(parsed('order=name.desc.nullslast,data->>k,clients(name).asc,id.nullsfirst').order).toEqual([
      {
        path: [],
        terms: [
          { field: f('name'), direction: 'desc', nulls: 'last' },
          { field: f('data', ['->>', 'k']) },
          { relation: 'clients', field: f('name'), direction: 'asc' },
          { field: f('id'), nulls: 'first' },
        ],
      },
    ]);
  });
  it('reads limit and offset together', () => {
    expect(parsed('limit=10&offset=20').paging).toEqual([{ path: [], limit: 10, offset: 20 }]);
  });
  it('reads a negative limit for the engine to refuse', () => {
    expect(parsed('limit=-1').paging).toEqual([{ path: [], limit: -1 }]);
  });
  it('ignores write-only parameters', () => {
    expect(parsed('columns=a,b&on_conflict=id')).toEqual({ filters: [], order: [], paging: [] });
  });
});
