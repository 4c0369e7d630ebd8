import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FilterNode } from '../../../shared/dataapi/ast';
import { OPERATOR_NAMES, OPERATORS } from '../../../shared/dataapi/operators';
import { planRequest } from '../plan/planRequest';
import type { ApiRequest } from '../request/ApiRequest';
import type { Column, Relation, SchemaCache } from '../schema-cache/SchemaCache';
import { relationKey } from '../schema-cache/SchemaCache';
import { buildQuery } from './buildQuery';
import { quoteIdent } from './quoteIdent';

const column = (name: string, type = 'text'): Column => ({ name, type, typeName: type, nullable: true, default: null, comment: null });
const columns = [column('id', 'int4'), column('name'), column('data', 'jsonb'), column('tags', '_text')];
const clients: Relation = {
  schema: 'public',
  name: 'clients',
  kind: 'table',
  columns,
  columnsByName: new Map(columns.map((c) => [c.name, c])),
  primaryKey: ['id'],
  comment: null,
  writable: { insert: true, update: true, delete: true },
};
const cache: SchemaCache = {
  config: { dbSchemas: ['public'], aggregatesEnabled: true, planEnabled: false },
  relations: new Map([[relationKey(clients), clients]]),
  relationships: new Map(),
  foreignKeys: [],
  routines: [],
  timezones: new Set(),
  loadedAt: new Date(0),
};

function request(filters: FilterNode[], extra: Partial<ApiRequest> = {}): ApiRequest {
  return {
    action: { kind: 'read', headOnly: false },
    target: { kind: 'relation', schema: 'public', name: 'clients' },
    query: { filters: filters.map((node) => ({ path: [], node })), order: [], paging: [] },
    accepted: [{ kind: 'json', stripNulls: false }],
    preferences: { unknown: [] },
    method: 'GET',
    path: '/public/clients',
    headers: {},
    ...extra,
  };
}

/** The only quoted literals the SQL stage writes itself. */
const OWN_LITERALS = [`'[]'`, `'null'`, `','`, `E'\\n'`, `''`];

const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("'; DROP TABLE clients; --", "' OR 1=1 --", '*/', '/*', '$1', '\\', "''", 'é🙂'),
);

describe('buildQuery', () => {
  it('puts every filter value in a parameter, never in the SQL text', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OPERATOR_NAMES),
        hostile,
        fc.boolean(),
        fc.constantFrom('name', 'data'),
        (operator, value, negated, field) => {
          const shape = OPERATORS[operator].shape;
          const v = shape === 'list' ? [value, value + 'x'] : shape === 'is' ? 'null' : value;
          const plan = planRequest(
            request([
              {
                kind: 'condition',
                field: { name: field, json: field === 'data' ? [{ arrow: '->>', key: value }] : [] },
                negated,
                operator,
                value: v,
              },
            ]),
            cache,
          );
          if (!plan.ok) throw new Error(JSON.stringify(plan.error));
          const { main } = buildQuery(plan.value);
          let text = main.text;
          for (const lit of OWN_LITERALS) text = text.split(lit).join('');
          expect(text).not.toContain("'");
          expect(text).not.toMatch(/--|\/\*|;/);
          if (shape !== 'is')
            expect(main.values).toContainEqual(shape === 'list' ? v : shape === 'pattern' ? value.replace(/\*/g, '%') : value);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('passes limit and offset as parameters', () => {
    const plan = planRequest({ ...request([]), query: { filters: [], order: [], paging: [{ path: [], limit: 5, offset: 10 }] } }, cache);
    if (!plan.ok) throw new Error('plan failed');
    const { main } = buildQuery(plan.value);
    expect(main.text).toMatch(/LIMIT \$1 OFFSET \$2/);
    expect(main.values).toEqual([5, 10]);
  });

  it('quotes any identifier into exactly one SQL identifier', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        expect(quoteIdent(name)).toMatch(/^"(?:[^"]|"")*"$/s);
        expect(quoteIdent(name).slice(1, -1).replace(/""/g, '"')).toBe(name);
      }),
    );
  });
});
