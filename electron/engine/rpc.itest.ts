import { PostgrestClient } from '@supabase/postgrest-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { fixtureSql, startEngineServer, type EngineServer } from './test/startEngineServer';

/** Functions of every shape /rpc serves, on top of the shared fixture. */
const RPC_SQL = `
CREATE SEQUENCE counter;
GRANT USAGE ON SEQUENCE counter TO pier_engine_anon;
CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
CREATE FUNCTION greet(name text) RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'hello ' || name $$;
CREATE FUNCTION greet(name text, greeting text) RETURNS text LANGUAGE sql STABLE AS $$ SELECT greeting || ' ' || name $$;
CREATE FUNCTION bump(step int DEFAULT 1) RETURNS int LANGUAGE sql VOLATILE AS $$ SELECT nextval('counter')::int * 0 + step $$;
CREATE FUNCTION client_projects(client int) RETURNS SETOF projects LANGUAGE sql STABLE AS $$ SELECT * FROM projects WHERE client_id = client $$;
CREATE FUNCTION project_stats() RETURNS TABLE(status text, n bigint) LANGUAGE sql STABLE AS $$ SELECT status, count(*) FROM projects GROUP BY status $$;
CREATE FUNCTION first_client() RETURNS clients LANGUAGE sql STABLE AS $$ SELECT * FROM clients ORDER BY id LIMIT 1 $$;
CREATE FUNCTION numbers(n int) RETURNS SETOF int LANGUAGE sql IMMUTABLE AS $$ SELECT generate_series(1, n) $$;
CREATE FUNCTION total(VARIADIC v int[]) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT sum(x)::int FROM unnest(v) x $$;
CREATE FUNCTION echo_json(json) RETURNS json LANGUAGE sql IMMUTABLE AS $$ SELECT $1 $$;
CREATE FUNCTION keys_of(doc jsonb) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT count(*)::int FROM jsonb_object_keys(doc) $$;
CREATE FUNCTION add_note(id int, text text) RETURNS void LANGUAGE sql AS $$ INSERT INTO api.notes VALUES (id, text) $$;
CREATE FUNCTION whoami() RETURNS text LANGUAGE sql STABLE AS $$ SELECT current_user::text $$;
GRANT INSERT ON api.notes TO pier_engine_anon;
-- One unnamed parameter takes the body; overloads; record results; a volatile function that writes nothing.
CREATE FUNCTION shout(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT upper($1) $$;
CREATE FUNCTION root_name(xml) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT (xpath('name(/*)', $1))[1]::text $$;
CREATE FUNCTION byte_count(bytea) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT length($1) $$;
CREATE FUNCTION ignored(int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT $1 $$;
CREATE FUNCTION pick(a int) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'int' $$;
CREATE FUNCTION pick(a text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'text' $$;
CREATE FUNCTION pick(a int, b int) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'two' $$;
CREATE FUNCTION pair() RETURNS record LANGUAGE sql IMMUTABLE AS $$ SELECT 1, 'one'::text $$;
CREATE FUNCTION stamp(label text) RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT label || '!' $$;
-- Unqualified names in a function of schema api: found through the request's search_path.
CREATE FUNCTION api.helper() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'from api' $$;
CREATE FUNCTION api.uses_helper() RETURNS text LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN helper() || ', ' || (SELECT text FROM notes WHERE id = 1); END $$;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA api TO pier_engine_anon;
CREATE FUNCTION padded(c character) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT octet_length(c) $$;
`;

let api: EngineServer;
let admin: pg.Client;
let db: PostgrestClient;

beforeAll(async () => {
  const url = await createTestDatabase(inject('postgresUrl'), 'pier_engine_rpc', (await fixtureSql()) + RPC_SQL);
  api = await startEngineServer(url);
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  db = new PostgrestClient(api.baseUrl);
});
afterAll(async () => {
  await admin?.end();
  await api?.close();
});

describe('/rpc', () => {
  it('POST with named arguments returns a scalar as JSON', async () => {
    const r = await api.send('POST', '/rpc/add', { a: 1, b: 2 });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toBe(3);
  });
  it('GET calls any function in a read-only transaction: a write inside fails as Postgres says (25006, 405)', async () => {
    expect((await api.get('/rpc/add?a=40&b=2')).json).toBe(42);
    const v = await api.get('/rpc/bump?step=2');
    expect(v.status).toBe(405);
    expect(v.json).toMatchObject({ code: '25006', message: 'cannot execute nextval() in a read-only transaction' });
    expect((await api.send('POST', '/rpc/bump', {})).json).toBe(1);
    expect((await api.get('/rpc/whoami')).json).toBe('pier_engine_anon');
  });
  it('resolves overloads by argument names', async () => {
    expect((await api.send('POST', '/rpc/greet', { name: 'Ann' })).json).toBe('hello Ann');
    expect((await api.send('POST', '/rpc/greet', { name: 'Ann', greeting: 'hi' })).json).toBe('hi Ann');
    const none = await api.send('POST', '/rpc/greet', { nom: 'Ann' });
    expect(none.status).toBe(404);
    expect(none.json).toMatchObject({ code: 'PGRST202' });
  });
  it('applies select, filters, order and limit to set-returning results', async () => {
    expect((await api.get('/rpc/client_projects?client=1&select=name&order=name.desc')).json).toEqual([
      { name: 'Website Redesign' },
      { name: 'Mobile App Development' },
    ]);
    const r = await api.get('/rpc/project_stats?n=gte.1&order=status&limit=2');
    expect(r.json).toEqual([
      { status: 'active', n: 2 },
      { status: 'completed', n: 1 },
    ]);
    expect((await api.get('/rpc/numbers?n=5&limit=2&offset=1')).json).toEqual([2, 3]);
  });
  it('a singular Accept on a set of values wants exactly one: 406 PGRST116 otherwise', async () => {
    const one = { accept: 'application/vnd.pgrst.object+json' };
    const three = await api.send('POST', '/rpc/numbers', { n: 3 }, one);
    expect(three.status).toBe(406);
    expect(three.json).toMatchObject({ code: 'PGRST116', details: 'The result contains 3 rows' });
    const single = await api.get('/rpc/numbers?n=1', one);
    expect(single.status, single.text).toBe(200);
    expect(single.json).toBe(1);
  });
  it('embeds related rows of a function returning a table type', async () => {
    expect((await api.get('/rpc/client_projects?client=2&select=name,clients(name)')).json).toEqual([
      { name: 'Database Migration', clients: { name: 'TechStart Inc' } },
    ]);
  });
  it('returns a composite result as one object', async () => {
    expect((await api.get('/rpc/first_client?select=id,name')).json).toEqual({ id: 1, name: 'Acme Corp' });
  });
  it('takes variadic arguments as an array (POST) or a repeated parameter (GET)', async () => {
    expect((await api.send('POST', '/rpc/total', { v: [1, 2, 3] })).json).toBe(6);
    expect((await api.get('/rpc/total?v=4&v=5')).json).toBe(9);
  });
  it('passes the whole body to a single unnamed json parameter, or with params=single-object', async () => {
    expect((await api.send('POST', '/rpc/echo_json', { x: [1, 'two'] })).json).toEqual({ x: [1, 'two'] });
    const r = await api.send('POST', '/rpc/keys_of', { a: 1, b: 2, c: 3 }, { prefer: 'params=single-object' });
    expect(r.json).toBe(3);
    expect(r.headers.get('preference-applied')).toBe('params=single-object');
    // Even when a key happens to match the parameter's name, the whole object is the argument.
    expect((await api.send('POST', '/rpc/keys_of', { doc: { a: 1, b: 2 } }, { prefer: 'params=single-object' })).json).toBe(1);
    expect((await api.send('POST', '/rpc/keys_of', { doc: { a: 1, b: 2 } })).json).toBe(2);
  });
  it('runs a void function as the caller and answers 204; tx=rollback keeps nothing', async () => {
    const dry = await api.send('POST', '/rpc/add_note', { id: 5, text: 'dry' }, { prefer: 'tx=rollback' });
    expect(dry.status).toBe(204);
    expect((await admin.query('SELECT 1 FROM api.notes WHERE id = 5')).rowCount).toBe(0);
    expect((await api.send('POST', '/rpc/add_note', { id: 5, text: 'kept' })).status).toBe(204);
    expect((await admin.query('SELECT text FROM api.notes WHERE id = 5')).rows).toEqual([{ text: 'kept' }]);
  });
  it('maps function errors (type errors → 400)', async () => {
    const r = await api.send('POST', '/rpc/add', { a: 'x', b: 1 });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ code: '22P02' });
  });
  it("passes a text, xml or binary body to the function's one unnamed parameter", async () => {
    const text = await api.send('POST', '/rpc/shout', 'hello', { 'content-type': 'text/plain' });
    expect({ status: text.status, body: text.json }).toEqual({ status: 200, body: 'HELLO' });
    const xml = await api.send('POST', '/rpc/root_name', '<catalog><book/></catalog>', { 'content-type': 'text/xml' });
    expect(xml.json).toBe('catalog');
    const r = await fetch(`${api.baseUrl}/rpc/byte_count`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array([0, 1, 2, 255]),
    });
    expect(await r.json()).toBe(4);
    // A body of another type does not reach it.
    const wrong = await api.send('POST', '/rpc/shout', '<a/>', { 'content-type': 'text/xml' });
    expect(wrong.status).toBe(404);
    expect(wrong.json).toEqual({
      code: 'PGRST202',
      message: 'Could not find the function public.shout in the schema cache',
      details: 'Searched for the function public.shout with a single unnamed xml parameter, but no matches were found in the schema cache.',
      hint: null,
    });
  });
  it('resolves overloads as PostgREST does; an unnamed parameter other than json, text, xml or bytea is not served', async () => {
    expect((await api.send('POST', '/rpc/pick', { a: 1, b: 2 })).json).toBe('two');
    const ambiguous = await api.send('POST', '/rpc/pick', { a: 1 });
    expect({ status: ambiguous.status, body: ambiguous.json }).toEqual({
      status: 300,
      body: {
        code: 'PGRST203',
        details: null,
        hint: 'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
        message: 'Could not choose the best candidate function between: public.pick(a => integer), public.pick(a => text)',
      },
    });
    const missing = await api.send('POST', '/rpc/pick', { c: 1 });
    expect(missing.json).toEqual({
      code: 'PGRST202',
      message: 'Could not find the function public.pick(c) in the schema cache',
      details:
        'Searched for the function public.pick with parameter c or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function public.pick(a)',
    });
    // postgrest-js sends an unnamed argument as {"": value}.
    expect((await db.rpc('shout', { '': 'x' } as never)).data).toBe('{"":"X"}');
    const ignored = await api.send('POST', '/rpc/ignored', { '': 1 });
    expect({ status: ignored.status, hint: (ignored.json as { hint: string }).hint }).toEqual({
      status: 404,
      hint: null,
    });
  });
  it('calls a volatile function over GET in a read-only transaction, and functions returning record', async () => {
    expect((await api.get('/rpc/stamp?label=hi')).json).toBe('hi!');
    // An anonymous record: its fields carry the names Postgres gives them.
    expect(Object.values((await api.get('/rpc/pair')).json as object)).toEqual([1, 'one']);
    // character(5) arguments are not cut to one character.
    expect((await api.get('/rpc/padded?c=abc')).json).toBe(3);
    // Repeated parameters are the variadic argument's values.
    expect((await api.get('/rpc/total?v=1&v=2&v=3')).json).toBe(6);
  });
  it('works through postgrest-js rpc()', async () => {
    const sum = await db.rpc('add', { a: 2, b: 5 });
    expect(sum.error).toBeNull();
    expect(sum.data).toBe(7);
    const get = await db.rpc('greet', { name: 'Bo' }, { get: true });
    expect(get.data).toBe('hello Bo');
    const rows = await db.rpc('client_projects', { client: 1 }).select('id').order('id');
    expect(rows.data).toEqual([{ id: 1 }, { id: 2 }]);
    const counted = await db.rpc('numbers', { n: 4 }, { count: 'exact' }).range(0, 1);
    expect(counted.data).toEqual([1, 2]);
    expect(counted.count).toBe(4);
  });
});

describe('/rpc statuses and Content-Range', () => {
  it('counts a scalar result as one row; ranges a set like a read; 416 past its end; Range applies to GET only', async () => {
    const one = await api.send('POST', '/rpc/add', { a: 1, b: 1 }, { prefer: 'count=exact' });
    expect({ range: one.headers.get('content-range'), body: one.json }).toEqual({ range: '0-0/1', body: 2 });
    const page = await api.get('/rpc/numbers?n=5&offset=1&limit=2', { prefer: 'count=exact' });
    expect({ status: page.status, range: page.headers.get('content-range'), body: page.json }).toEqual({
      status: 206,
      range: '1-2/5',
      body: [2, 3],
    });
    const past = await api.get('/rpc/numbers?n=5&offset=7', { prefer: 'count=exact' });
    expect({ status: past.status, code: (past.json as { code: string }).code, range: past.headers.get('content-range') }).toEqual({
      status: 416,
      code: 'PGRST103',
      range: '*/5',
    });
    const post = await api.send('POST', '/rpc/numbers', { n: 3 }, { range: '0-0' });
    expect(post.json).toEqual([1, 2, 3]);
    expect((await api.get('/rpc/numbers?n=3', { range: '0-0' })).json).toEqual([1]);
  });
});

describe('the search_path of a request', () => {
  it('is the request schema, then public, as PostgREST sets it: unqualified names in functions resolve', async () => {
    const r = await api.get('/api/rpc/uses_helper');
    expect({ status: r.status, body: r.json }).toEqual({ status: 200, body: 'from api, from the api schema' });
    expect((await api.get('/public/rpc/whoami')).json).toBe('pier_engine_anon');
  });
});
