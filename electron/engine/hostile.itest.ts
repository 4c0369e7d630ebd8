import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import type { ReadQuery } from '../../shared/dataapi/ast';
import { serializeQuery } from '../../shared/dataapi/serializeQuery';
import { fixtureSql, startEngineServer, type EngineServer } from './test/startEngineServer';

let url: string;
let api: EngineServer;

beforeAll(async () => {
  url = await createTestDatabase(inject('postgresUrl'), 'pier_engine_hostile', await fixtureSql());
  api = await startEngineServer(url);
});
afterAll(async () => {
  await api?.close();
});

const hostile = fc.oneof(
  fc.constantFrom(
    "'; DROP TABLE clients; --",
    '"; DROP TABLE clients; --',
    "1' OR '1'='1",
    '1) OR (1=1',
    '*/ SELECT pg_sleep(5) /*',
    '-- comment',
    '$1',
    '$$ ; $$',
    'a\u0000b',
    '\u0000',
    'é漢字🙂',
    '\\',
    'x"y',
    "O'Brien",
    ',()."',
    'null',
    'not.eq.1',
  ),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  // Long enough to matter to SQL; node:http itself caps a request line near 16 KB.
  fc.constant('A'.repeat(4000) + "'; --"),
);

const okOrClean = (status: number, body: unknown) => {
  expect(status).not.toBe(500);
  if (status >= 400) expect(body).toMatchObject({ code: expect.any(String), message: expect.any(String) });
};

const q = (query: ReadQuery) => '/public/clients?' + serializeQuery(query);

describe('hostile input is data or a clean error, never SQL', () => {
  it('values in every operator shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostile,
        fc.constantFrom('eq', 'like', 'in', 'fts', 'isdistinct', 'match') as fc.Arbitrary<'eq'>,
        async (value, operator) => {
          const r = await api.get(
            q({
              select: [{ kind: 'field', field: { name: 'id', json: [] } }],
              filters: [
                {
                  path: [],
                  node: {
                    kind: 'condition',
                    field: { name: 'name', json: [] },
                    negated: false,
                    operator,
                    value: operator === ('in' as string) ? [value, value] : value,
                  },
                },
              ],
              order: [],
              paging: [],
            }),
          );
          okOrClean(r.status, r.json);
          // Only a real client name matches; nothing hostile widens the result.
          if (r.status === 200 && operator === 'eq') expect(r.json).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('names in select, filters, order and the path', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (name) => {
        const field = { name, json: [] };
        const select = await api.get(q({ select: [{ kind: 'field', field }], filters: [], order: [], paging: [] }));
        expect(select.status).toBe(400);
        expect(select.json).toMatchObject({ code: expect.stringMatching(/^(42703|PGRST100)$/) });
        const filter = await api.get(
          q({
            filters: [{ path: [], node: { kind: 'condition', field, negated: false, operator: 'eq', value: '1' } }],
            order: [],
            paging: [],
          }),
        );
        expect(filter.status).toBe(400);
        const order = await api.get(q({ filters: [], order: [{ path: [], terms: [{ field }] }], paging: [] }));
        expect(order.status).toBe(400);
        const table = await api.get('/public/' + encodeURIComponent(name));
        okOrClean(table.status, table.json);
        expect([200, 404, 400]).toContain(table.status);
      }),
      { numRuns: 40 },
    );
  });

  it('aliases and JSON keys come back as the same text', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostile.filter((s) => !s.includes('\u0000') && new TextEncoder().encode(s).length <= 60 && s.length > 0),
        async (name) => {
          const r = await api.get(
            '/public/documents?' +
              serializeQuery({
                select: [{ kind: 'field', field: { name: 'data', json: [{ arrow: '->>', key: name }] }, alias: name }],
                // Document 4 has no data, so every key reads null.
                filters: [
                  { path: [], node: { kind: 'condition', field: { name: 'id', json: [] }, negated: false, operator: 'eq', value: '4' } },
                ],
                order: [],
                paging: [],
              }),
          );
          expect(r.status, r.text).toBe(200);
          expect(r.json).toEqual([{ [name]: null }]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('leaves the database as it was', async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      expect((await c.query('SELECT count(*)::int AS n FROM clients')).rows[0]).toEqual({ n: 3 });
    } finally {
      await c.end();
    }
  });
});
