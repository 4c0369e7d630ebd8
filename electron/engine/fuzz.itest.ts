/**
 * The engine over HTTP under random requests (fast-check, bounded): random paths, query strings,
 * Prefer / Accept / Range / Content-Type values and bodies, for every method, against a real
 * engine and Postgres. Whatever comes in:
 * - no 5xx, except 503 with Retry-After when Postgres is away;
 * - every 4xx has PostgREST's JSON error body (none after a HEAD);
 * - a request answered with a 4xx wrote nothing.
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { fixtureSql, startEngineServer, type EngineServer, type TestResponse } from './test/startEngineServer';

const SQL = `
CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL UNIQUE, qty int DEFAULT 1 CHECK (qty >= 0), data jsonb);
INSERT INTO items (name, qty, data) VALUES ('a', 1, '{"k": 1}'), ('b', 2, '{"k": [1, 2]}'), ('c', 3, NULL);
CREATE TABLE calls (id serial PRIMARY KEY, at timestamptz DEFAULT now());
CREATE FUNCTION bump(step int DEFAULT 1) RETURNS SETOF items LANGUAGE sql VOLATILE AS $$ INSERT INTO calls DEFAULT VALUES; SELECT * FROM items WHERE qty >= step $$;
CREATE FUNCTION peek(n int) RETURNS SETOF items LANGUAGE sql STABLE AS $$ SELECT * FROM items WHERE qty >= n $$;
GRANT SELECT, INSERT, UPDATE, DELETE ON items, calls, clients, tasks TO pier_engine_anon;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO pier_engine_anon;
CREATE POLICY "anon writes clients" ON clients FOR ALL TO pier_engine_anon USING (true) WITH CHECK (true);
`;

/** Everything a request could have written, as one value. */
const STATE_SQL = `SELECT md5(concat_ws('|',
  (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM items t),
  (SELECT count(*)::text FROM calls),
  (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM clients t),
  (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM tasks t))) AS state`;

let api: EngineServer;
let away: EngineServer;
let admin: pg.Client;

beforeAll(async () => {
  const url = await createTestDatabase(inject('postgresUrl'), 'pier_engine_fuzz', (await fixtureSql()) + SQL);
  api = await startEngineServer(url);
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  // The same engine with Postgres away: a port nothing listens on.
  const dead = new URL(url);
  dead.port = '1';
  away = await startEngineServer(dead.toString(), { listen: false, schemaWaitMs: 200 });
});
afterAll(async () => {
  await admin?.end();
  await api?.close();
  await away?.close();
});

const state = async () => (await admin.query<{ state: string }>(STATE_SQL)).rows[0]!.state;

// ── what a request is made of ─────────────────────────────────────────────────────────────────

const junk = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toString',
    'valueOf',
    'hasOwnProperty',
    '\u0000',
    '%00',
    '%zz',
    '"',
    "'",
    '\\',
    '',
    ' ',
    '..',
    '🙂',
  ),
);
const column = fc.constantFrom('id', 'name', 'qty', 'data', 'data->k', 'data->>k', 'nope', '"na me"', 'projects.id', 'not', 'and', 'or');
const operator = fc.constantFrom(
  'eq',
  'neq',
  'gt',
  'lt',
  'gte',
  'like',
  'ilike',
  'in',
  'is',
  'fts',
  'plfts(0)',
  'cs',
  'eq(any)',
  'not.eq',
  'zz',
  'eq3',
);
const value = fc.oneof(fc.constantFrom('1', '0', '-1', 'a', '(1,2)', '{1,2}', 'null', 'true', '*a*', '"x"', '999999999999'), junk);
const filter = fc.oneof(
  fc.tuple(column, operator, value).map(([c, o, v]) => [c, `${o}.${v}`] as const),
  fc.tuple(column, value).map(([c, v]) => [c, v] as const),
  fc.tuple(fc.constantFrom('select', 'order', 'limit', 'offset', 'or', 'and', 'not.or', 'columns', 'on_conflict', 'items.limit'), value),
  fc.tuple(
    fc.constantFrom('select'),
    fc.constantFrom('*', 'id,name', 'id,projects(id)', 'x:data->>"%00"', 'count()', 'qty.sum()', 'name::int', '('),
  ),
  fc.tuple(junk, junk),
);
const query = fc
  .array(filter, { maxLength: 4 })
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));

const path = fc.constantFrom(
  '/items',
  '/public/items',
  '/clients',
  '/tasks',
  '/active_projects',
  '/request_info',
  '/rpc/bump',
  '/rpc/peek',
  '/rpc/nope',
  '/',
  '/nope',
  '/private/secrets',
  '/a/b/c/d',
  '/%zz',
  '/%00',
  '/items%00',
  '/rpc/',
);
const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS', 'PROPFIND');
const prefer = fc.oneof(
  fc.constant(undefined),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          'return=representation',
          'return=minimal',
          'return=headers-only',
          'count=exact',
          'count=planned',
          'count=estimated',
          'handling=strict',
          'handling=lenient',
          'tx=rollback',
          'tx=commit',
          'max-affected=1',
          'missing=default',
          'resolution=merge-duplicates',
          'resolution=ignore-duplicates',
          'params=single-object',
          'timezone=UTC',
          'timezone=Mars/Base',
          'toString',
          '__proto__=1',
        ),
        junk,
      ),
      { maxLength: 3 },
    )
    .map((ps) => ps.join(', ')),
);
const accept = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    'application/json',
    'application/vnd.pgrst.object+json',
    'application/vnd.pgrst.object+json;nulls=stripped',
    'text/csv',
    'application/vnd.pgrst.plan+json; options=analyze',
    'application/vnd.pgrst.plan, application/json',
    'image/png',
    '*/*;q=0',
    ';;;',
  ),
  junk,
);
const range = fc.oneof(fc.constant(undefined), fc.constantFrom('0-1', '1-0', '5-', 'items=0-0', '-1', 'bytes=0-1'), junk);
const contentType = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('application/json', 'text/csv', 'application/x-www-form-urlencoded', 'text/plain', 'application/vnd.pgrst.object+json'),
  junk,
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    '{"name": "fz", "qty": 2}',
    '[{"name": "f1"}, {"name": "f2"}]',
    '{"qty": -1}',
    '{"id": 1, "name": "a", "qty": 5}',
    '{"nope": 1}',
    '{"__proto__": {"qty": 1}}',
    '[]',
    '{}',
    'null',
    '[1, 2]',
    'name,qty\nfz,3',
    'name=fz&qty=4',
    '{"name": "x"',
    '\u0000',
  ),
  fc.json({ maxDepth: 2 }),
);

const request = fc.record({ method, path, query, prefer, accept, range, contentType, body });
type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

async function send(server: EngineServer, r: FuzzRequest): Promise<TestResponse> {
  const headers: Record<string, string> = {};
  // Header values cannot hold control characters (such a value is not a request that can be
  // sent); other text goes as its UTF-8 bytes, as a client would send it.
  const put = (name: string, v: string | undefined) => {
    const sendable = v !== undefined && [...v].every((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f);
    if (sendable) headers[name] = Buffer.from(v, 'utf8').toString('latin1');
  };
  put('prefer', r.prefer);
  put('accept', r.accept);
  put('range', r.range);
  put('content-type', r.contentType);
  const withBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD' && r.method !== 'OPTIONS' && r.method !== 'PROPFIND';
  return server.send(r.method, `${r.path}${r.query ? `?${r.query}` : ''}`, withBody ? r.body : undefined, headers);
}

function wellFormed(r: FuzzRequest, res: TestResponse, databaseAway: boolean): void {
  const what = `${r.method} ${r.path}?${r.query} → ${res.status} ${res.text.slice(0, 300)}`;
  if (res.status >= 500) {
    expect(databaseAway && res.status === 503, what).toBe(true);
    expect(res.headers.get('retry-after'), what).toBe('1');
  }
  if (res.status >= 400 && r.method !== 'HEAD') {
    expect(res.headers.get('content-type'), what).toMatch(/^application\/json/);
    const e = res.json as Record<string, unknown> | undefined;
    expect(Object.keys(e ?? {}).sort(), what).toEqual(['code', 'details', 'hint', 'message']);
    expect(typeof e!['code'] === 'string' && typeof e!['message'] === 'string', what).toBe(true);
    expect(e!['hint'] === null || typeof e!['hint'] === 'string', what).toBe(true);
  }
  if (r.method === 'HEAD') expect(res.text, what).toBe('');
}

describe('random requests', () => {
  it('never a 5xx, always PostgREST’s error body, and a 4xx writes nothing', async () => {
    let seen4xx = 0;
    let seen2xx = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const before = await state();
        const res = await send(api, r);
        wellFormed(r, res, false);
        if (res.status >= 400) {
          seen4xx++;
          expect(await state(), `${r.method} ${r.path}?${r.query} → ${res.status} wrote`).toBe(before);
        } else seen2xx++;
      }),
      { numRuns: 400, interruptAfterTimeLimit: 20_000 },
    );
    // The generator reaches both sides (else the property proves little).
    expect(seen4xx).toBeGreaterThan(50);
    expect(seen2xx).toBeGreaterThan(10);
  });

  it('with Postgres away: 503 with Retry-After or a 4xx, never another 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => wellFormed(r, await send(away, r), true)),
      { numRuns: 60, interruptAfterTimeLimit: 6_000 },
    );
  });
});
