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
  it('GET passes arguments in the query string to STABLE/IMMUTABLE functions; VOLATILE via GET is 405', async () => {
    expect((await api.get('/rpc/add?a=40&b=2')).json).toBe(42);
    const v = await api.get('/rpc/bump?step=2');
    expect(v.status).toBe(405);
    expect(v.json).toMatchObject({ code: 'PGRST101' });
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
