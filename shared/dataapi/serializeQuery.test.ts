import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IS_VALUES, type FieldRef, type FilterNode, type OrderTerm, type ReadQuery, type SelectItem } from './ast';
import { OPERATORS, OPERATOR_NAMES } from './operators';
import { parseQuery, splitQueryString, startsOperatorExpression } from './parseQuery';
import { serializeParams, serializeQuery } from './serializeQuery';

const f = (name: string): FieldRef => ({ name, json: [] });

describe('serializeQuery', () => {
  const cases: [ReadQuery, string][] = [
    [
      {
        select: [
          { kind: 'field', field: f('id') },
          { kind: 'embed', relation: 'projects', spread: false, select: [{ kind: 'star' }] },
        ],
        filters: [],
        order: [],
        paging: [],
      },
      'select=id,projects(*)',
    ],
    [
      {
        filters: [{ path: [], node: { kind: 'condition', field: f('id'), negated: false, operator: 'gte', value: '2' } }],
        order: [],
        paging: [],
      },
      'id=gte.2',
    ],
    [
      {
        filters: [{ path: [], node: { kind: 'condition', field: f('name'), negated: true, operator: 'in', value: ['a,b', 'c'] } }],
        order: [],
        paging: [],
      },
      'name=not.in.("a,b",c)',
    ],
    [
      {
        filters: [{ path: [], node: { kind: 'condition', field: f('order'), negated: false, operator: 'eq', value: '1' } }],
        order: [],
        paging: [],
      },
      '"order"=eq.1',
    ],
    [
      {
        filters: [
          {
            path: ['projects'],
            node: {
              kind: 'or',
              negated: true,
              children: [{ kind: 'condition', field: f('a'), negated: false, operator: 'eq', value: 'x)y' }],
            },
          },
        ],
        order: [],
        paging: [],
      },
      'projects.not.or=(a.eq."x)y")',
    ],
    [
      {
        filters: [],
        order: [
          {
            path: [],
            terms: [
              { field: f('name'), direction: 'desc', nulls: 'last' },
              { relation: 'clients', field: f('name') },
            ],
          },
        ],
        paging: [{ path: ['projects'], limit: 1, offset: 2 }],
      },
      'order=name.desc.nullslast,clients(name)&projects.limit=1&projects.offset=2',
    ],
  ];
  it.each(cases)('writes %j as %s', (q, expected) => {
    expect(
      serializeParams(q)
        .map(([k, v]) => `${k}=${v}`)
        .join('&'),
    ).toBe(expected);
  });
});

// ── round trip ────────────────────────────────────────────────────────────────────────────

const hostile = fc.constantFrom(
  '',
  ' ',
  'a b',
  '"',
  '\\',
  "'; DROP TABLE clients; --",
  '/* c */',
  '\u0000',
  'é',
  '𝄞',
  ',',
  '(',
  ')',
  '.',
  ':',
  '::',
  '!',
  '->',
  '->>',
  '-',
  'a-',
  '{a,b}',
  '*',
  'not',
  'or',
  'and',
  'select',
  'count',
  'inner',
  'asc',
  'null',
);
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: hostile },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
);
const name = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('id', 'name', 'client_id', 'data', 'Ünïcode', 'first-name', '$x') },
  { weight: 2, arbitrary: text },
);
const typeName = fc.constantFrom('text', 'int', 'int4', 'numeric', 'json', 'jsonb', 'bigint');

const field: fc.Arbitrary<FieldRef> = fc.record({
  name,
  json: fc.array(fc.record({ arrow: fc.constantFrom('->' as const, '->>' as const), key: name }), { maxLength: 2 }),
});

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** Drops undefined properties: the model writes "absent", never "present but undefined". */
const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const selectItems: fc.Arbitrary<SelectItem[]> = fc.letrec<{ items: SelectItem[]; item: SelectItem }>((tie) => ({
  items: fc.array(tie('item'), { maxLength: 4 }),
  item: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant({ kind: 'star' as const }),
    fc.record({ alias: opt(name), cast: opt(typeName) }).map((r) => clean({ kind: 'count' as const, ...r })),
    fc
      .record({
        field,
        alias: opt(name),
        cast: opt(typeName),
        aggregate: opt(fc.constantFrom('count', 'sum', 'avg', 'min', 'max') as fc.Arbitrary<'sum'>),
        aggregateCast: opt(typeName),
      })
      .map((r) => clean({ kind: 'field' as const, ...r, aggregateCast: r.aggregate ? r.aggregateCast : undefined })),
    fc
      .record({
        relation: name,
        alias: opt(name),
        hint: opt(name),
        join: opt(fc.constantFrom('inner' as const, 'left' as const)),
        spread: fc.boolean(),
        select: tie('items'),
      })
      .map((r) => clean({ kind: 'embed' as const, ...r, alias: r.spread ? undefined : r.alias }) as SelectItem),
  ),
})).items;

const condition = fc.constantFrom(...OPERATOR_NAMES).chain((operator) => {
  const spec = OPERATORS[operator];
  const value: fc.Arbitrary<string | string[]> =
    spec.shape === 'list' ? fc.array(text, { maxLength: 4 }) : spec.shape === 'is' ? fc.constantFrom(...IS_VALUES) : text;
  return fc
    .record({
      field,
      negated: fc.boolean(),
      value,
      quantifier: spec.quantifiable ? opt(fc.constantFrom('any' as const, 'all' as const)) : fc.constant(undefined),
      language: spec.shape === 'fts' ? opt(fc.constantFrom('english', 'simple', 'french')) : fc.constant(undefined),
    })
    .map((r) => clean({ kind: 'condition' as const, operator, ...r }));
});

const filterNode: fc.Arbitrary<FilterNode> = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    condition,
    fc.record({
      kind: fc.constantFrom('and' as const, 'or' as const),
      negated: fc.boolean(),
      children: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
    }),
  ),
})).node;

const orderTerm: fc.Arbitrary<OrderTerm> = fc
  .record({
    relation: opt(name),
    field,
    direction: opt(fc.constantFrom('asc' as const, 'desc' as const)),
    nulls: opt(fc.constantFrom('first' as const, 'last' as const)),
  })
  .map(clean);

const path = fc.array(name, { maxLength: 2 });
const RESERVED = new Set(['select', 'columns', 'on_conflict', 'order', 'limit', 'offset', 'and', 'or']);
const functionArgs = fc.array(
  fc.tuple(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), text).filter(([k, v]) => !RESERVED.has(k) && !startsOperatorExpression(v)),
  { maxLength: 2 },
);
const readQuery: fc.Arbitrary<ReadQuery> = fc
  .record({
    select: opt(selectItems),
    filters: fc.array(fc.record({ path, node: filterNode }), { maxLength: 4 }),
    order: fc.uniqueArray(fc.record({ path, terms: fc.array(orderTerm, { minLength: 1, maxLength: 3 }) }), {
      maxLength: 2,
      selector: (o) => JSON.stringify(o.path),
    }),
    paging: fc
      .uniqueArray(fc.record({ path, limit: opt(fc.nat()), offset: opt(fc.nat()) }), {
        maxLength: 2,
        selector: (p) => JSON.stringify(p.path),
      })
      .map((ps) => ps.filter((p) => p.limit !== undefined || p.offset !== undefined).map(clean)),
    params: functionArgs.map((a) => (a.length > 0 ? a : undefined)),
  })
  .map(clean);

describe('URL codec round trip', () => {
  it('parseQuery(serializeQuery(q)) equals q', () => {
    fc.assert(
      fc.property(readQuery, (q) => {
        // Arguments only exist for a function read; everything else reads the same either way.
        const back = parseQuery(serializeQuery(q), q.params ? 'functionRead' : 'relation');
        expect(back).toEqual({ ok: true, value: q });
      }),
      { numRuns: 400 },
    );
  });

  it('turns any query string into a value or a syntax error, never an exception', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(text, fc.constantFrom('select', 'order', 'limit', 'or', 'not.and', 'a.b.order')), text), {
          maxLength: 4,
        }),
        (pairs) => {
          for (const target of ['relation', 'functionRead'] as const) {
            const r = parseQuery(pairs, target);
            if (!r.ok) expect(r.error.kind).toBe('querySyntax');
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('splits query strings as URLSearchParams does', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text), { maxLength: 4 }), (pairs) => {
        const qs = new URLSearchParams(pairs).toString();
        expect(splitQueryString(qs)).toEqual([...new URLSearchParams(qs)]);
      }),
    );
  });
});
