import { PostgrestClient } from '@supabase/postgrest-js';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { fixtureSql, startEngineServer, type EngineServer } from './test/startEngineServer';

/** Write grants and a table with every constraint kind, on top of the shared fixture. */
const WRITES_SQL = `
CREATE TABLE items (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  qty int DEFAULT 1 CHECK (qty >= 0),
  note text DEFAULT 'none',
  project_id int REFERENCES projects(id)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO pier_engine_anon, "user@example.com";
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO pier_engine_anon, "user@example.com";
CREATE POLICY "anon writes clients" ON clients FOR ALL TO pier_engine_anon USING (true) WITH CHECK (true);
GRANT INSERT ON api.notes TO pier_engine_anon;
-- A role that may write a table but not read it.
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pier_engine_writer') THEN CREATE ROLE pier_engine_writer NOLOGIN; END IF;
END $$;
GRANT pier_engine_writer TO pier_engine_authenticator;
CREATE TABLE dropbox (id int PRIMARY KEY, note text);
GRANT USAGE ON SCHEMA public TO pier_engine_writer;
GRANT INSERT, UPDATE, DELETE ON dropbox TO pier_engine_writer;
-- PostgREST's data representations (its documentation's example): a color is an integer, shown and taken as hex text.
CREATE DOMAIN color AS integer CHECK (VALUE >= 0 AND VALUE <= 16777215);
CREATE FUNCTION color_to_json(color) RETURNS json LANGUAGE sql IMMUTABLE AS $$ SELECT to_json(lpad(to_hex($1), 6, '0')) $$;
CREATE CAST (color AS json) WITH FUNCTION color_to_json(color) AS IMPLICIT;
CREATE FUNCTION json_to_color(json) RETURNS color LANGUAGE sql IMMUTABLE AS $$ SELECT ('x' || lpad($1 #>> '{}', 8, '0'))::bit(32)::int $$;
CREATE CAST (json AS color) WITH FUNCTION json_to_color(json) AS IMPLICIT;
CREATE FUNCTION text_to_color(text) RETURNS color LANGUAGE sql IMMUTABLE AS $$ SELECT ('x' || lpad($1, 8, '0'))::bit(32)::int $$;
CREATE CAST (text AS color) WITH FUNCTION text_to_color(text) AS IMPLICIT;
CREATE TABLE paints (id int PRIMARY KEY, name text, shade color);
INSERT INTO paints VALUES (1, 'red', 16711680), (2, 'green', 65280);
GRANT SELECT, INSERT, UPDATE ON paints TO pier_engine_anon;
`;

let api: EngineServer;
let admin: pg.Client;
let db: PostgrestClient;

beforeAll(async () => {
  const url = await createTestDatabase(inject('postgresUrl'), 'pier_engine_writes', (await fixtureSql()) + WRITES_SQL);
  api = await startEngineServer(url);
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  db = new PostgrestClient(api.baseUrl);
});
afterAll(async () => {
  await admin?.end();
  await api?.close();
});
beforeEach(async () => {
  await admin.query('TRUNCATE items RESTART IDENTITY');
});

const items = async () =>
  (
    await admin.query<{ id: number; name: string; qty: number | null; note: string | null }>(
      'SELECT id, name, qty, note FROM items ORDER BY id',
    )
  ).rows;
const REP = { prefer: 'return=representation' };

describe('POST', () => {
  it('inserts one object: 201, no body and (as PostgREST) no Location by default', async () => {
    const r = await api.send('POST', '/items', { name: 'bolt', qty: 3 });
    expect(r.status, r.text).toBe(201);
    expect(r.text).toBe('');
    expect(r.headers.get('location')).toBeNull();
    expect(r.headers.get('content-range')).toBe('*/*');
    expect(await items()).toEqual([{ id: 1, name: 'bolt', qty: 3, note: 'none' }]);
  });
  it('return=headers-only gives the Location only; count=exact counts the inserted rows', async () => {
    const r = await api.send('POST', '/items', { name: 'h' }, { prefer: 'return=headers-only, count=exact' });
    expect(r.status).toBe(201);
    expect(r.text).toBe('');
    expect(r.headers.get('location')).toBe('/items?id=eq.1');
    expect(r.headers.get('content-range')).toBe('*/1');
    expect(r.headers.get('preference-applied')).toBe('return=headers-only, count=exact');
  });
  it('returns the inserted rows shaped by select, with embeds', async () => {
    const r = await api.send('POST', '/items?select=name,projects(name)', { name: 'nut', project_id: 1 }, REP);
    expect(r.status).toBe(201);
    expect(r.headers.get('preference-applied')).toBe('return=representation');
    expect(r.json).toEqual([{ name: 'nut', projects: { name: 'Website Redesign' } }]);
  });
  it('inserts an array in one statement; missing keys are NULL unless missing=default', async () => {
    const rows = [{ name: 'a', qty: 5 }, { name: 'b' }];
    expect((await api.send('POST', '/items', rows)).json).toMatchObject({ code: 'PGRST102', message: 'All object keys must match' });
    expect((await api.send('POST', '/items?columns=name,qty', rows)).status).toBe(201);
    expect(await items()).toEqual([
      { id: 1, name: 'a', qty: 5, note: 'none' },
      { id: 2, name: 'b', qty: null, note: 'none' },
    ]);
    const r = await api.send('POST', '/items?columns=name,qty&select=name,qty', [{ name: 'c' }, { name: 'd', qty: 0 }], {
      prefer: 'return=representation, missing=default',
    });
    // PostgREST's order: resolution, missing, return, count, tx, handling, timezone, max-affected.
    expect(r.headers.get('preference-applied')).toBe('missing=default, return=representation');
    expect(r.json).toEqual([
      { name: 'c', qty: 1 },
      { name: 'd', qty: 0 },
    ]);
  });
  it('missing=default fills an identity column from its sequence', async () => {
    await admin.query('CREATE TABLE IF NOT EXISTS tickets (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, title text NOT NULL)');
    await admin.query(
      'GRANT SELECT, INSERT ON tickets TO pier_engine_anon; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO pier_engine_anon',
    );
    await api.engine.reloadSchema();
    const r = await api.send(
      'POST',
      '/tickets?columns=id,title&select=id,title',
      [{ title: 'first' }, { id: 50, title: 'chosen' }, { title: 'next' }],
      {
        prefer: 'return=representation, missing=default',
      },
    );
    expect({ status: r.status, body: r.json }).toEqual({
      status: 201,
      body: [
        { id: 1, title: 'first' },
        { id: 50, title: 'chosen' },
        // Every row evaluates the defaults, as in PostgREST: the sequence moved for the row that gave its id.
        { id: 3, title: 'next' },
      ],
    });
  });
  it('columns= picks the keys used and ignores the others', async () => {
    const r = await api.send('POST', '/items?columns=name', { name: 'x', qty: 99, nonsense: true });
    expect(r.status, r.text).toBe(201);
    expect(await items()).toEqual([{ id: 1, name: 'x', qty: 1, note: 'none' }]);
    expect((await api.send('POST', '/items', { name: 'y', nope: 1 })).json).toMatchObject({
      code: 'PGRST204',
      message: "Could not find the 'nope' column of 'items' in the schema cache",
    });
  });
  it('reads CSV and form bodies', async () => {
    const csv = await api.send('POST', '/items', 'name,qty,note\ncsv1,2,"a, ""quoted"" note"\ncsv2,NULL,', { 'content-type': 'text/csv' });
    expect(csv.status, csv.text).toBe(201);
    const form = await api.send('POST', '/items', 'name=form+1&qty=7', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status, form.text).toBe(201);
    expect(await items()).toEqual([
      { id: 1, name: 'csv1', qty: 2, note: 'a, "quoted" note' },
      { id: 2, name: 'csv2', qty: null, note: '' },
      { id: 3, name: 'form 1', qty: 7, note: 'none' },
    ]);
  });
  it('refuses invalid JSON (400 PGRST102) and bodies over the limit (413, limit named)', async () => {
    const bad = await api.send('POST', '/items', '{"name": ', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'PGRST102', message: 'Empty or invalid json' });
    const big = await api.engine.handle({
      method: 'POST',
      path: '/items',
      rawQuery: '',
      headers: {},
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 32),
    });
    expect(big.status).toBe(413);
    expect(JSON.parse(String(big.body))).toMatchObject({ code: 'PGRST413', details: expect.stringContaining('10485760 bytes') });
  });
  it("maps Postgres' constraint and type errors to PostgREST's statuses with their details", async () => {
    await api.send('POST', '/items', { name: 'dup' });
    const dup = await api.send('POST', '/items', { name: 'dup' });
    expect(dup.status).toBe(409);
    expect(dup.json).toMatchObject({ code: '23505', details: 'Key (name)=(dup) already exists.' });
    const fk = await api.send('POST', '/items', { name: 'fk', project_id: 999 });
    expect(fk.status).toBe(409);
    expect(fk.json).toMatchObject({ code: '23503' });
    expect((await api.send('POST', '/items', { name: 'neg', qty: -1 })).json).toMatchObject({ code: '23514' });
    const notNull = await api.send('POST', '/items', { qty: 1 });
    expect(notNull.status).toBe(400);
    expect(notNull.json).toMatchObject({ code: '23502' });
    const type = await api.send('POST', '/items', { name: 't', qty: 'many' });
    expect(type.status).toBe(400);
    expect(type.json).toMatchObject({ code: '22P02' });
    expect(await items()).toEqual([{ id: 1, name: 'dup', qty: 1, note: 'none' }]);
  });
  it('writes into another exposed schema named by Content-Profile, and returns CSV when asked', async () => {
    const r = await api.send(
      'POST',
      '/notes?select=id,text',
      { id: 7, text: 'seven' },
      { 'content-profile': 'api', prefer: 'return=representation', accept: 'text/csv' },
    );
    expect(r.status, r.text).toBe(201);
    expect(r.text).toBe('id,text\n7,seven');
    expect((await admin.query('SELECT text FROM api.notes WHERE id = 7')).rows).toEqual([{ text: 'seven' }]);
    const hidden = await api.send('POST', '/secrets', { id: 1 }, { 'content-profile': 'private' });
    expect(hidden.status).toBe(406);
    expect(hidden.json).toMatchObject({ code: 'PGRST106' });
  });
  it('tx=rollback answers as usual but keeps nothing (the grid previews edits this way)', async () => {
    const r = await api.send('POST', '/items?select=name', { name: 'ghost' }, { prefer: 'return=representation, tx=rollback' });
    expect(r.status).toBe(201);
    expect(r.json).toEqual([{ name: 'ghost' }]);
    expect(r.headers.get('preference-applied')).toBe('return=representation, tx=rollback');
    expect(await items()).toEqual([]);
  });
  it('a singular Accept on a bulk insert is 406 and rolls the insert back', async () => {
    const r = await api.send('POST', '/items', [{ name: 'a' }, { name: 'b' }], {
      prefer: 'return=representation',
      accept: 'application/vnd.pgrst.object+json',
    });
    expect(r.status).toBe(406);
    expect(r.json).toMatchObject({ code: 'PGRST116' });
    expect(await items()).toEqual([]);
  });
  it('runs as the request role: row-level security decides what it may write', async () => {
    const body = Buffer.from(JSON.stringify({ name: 'Mallory', email: 'm@example.com' }));
    const r = await api.engine.handle(
      { method: 'POST', path: '/clients', rawQuery: '', headers: { 'content-type': 'application/json' }, body },
      { role: 'user@example.com' },
    );
    expect(r.status).toBe(403);
    expect(JSON.parse(String(r.body))).toMatchObject({
      code: '42501',
      message: 'new row violates row-level security policy for table "clients"',
    });
    expect((await admin.query(`SELECT 1 FROM clients WHERE name = 'Mallory'`)).rowCount).toBe(0);
  });
});

describe('PATCH and DELETE', () => {
  beforeEach(async () => {
    await admin.query(`INSERT INTO items (name, qty) VALUES ('a', 1), ('b', 2), ('c', 3), ('d', 4)`);
  });
  it('PATCH updates the filtered rows: 204, or 200 with the representation and a count', async () => {
    expect((await api.send('PATCH', '/items?id=eq.1', { note: 'first' })).status).toBe(204);
    const r = await api.send(
      'PATCH',
      '/items?qty=gte.3&select=name,note',
      { note: 'big' },
      { prefer: 'return=representation, count=exact' },
    );
    expect(r.status).toBe(200);
    expect(r.headers.get('content-range')).toBe('0-1/2');
    expect(r.json).toEqual([
      { name: 'c', note: 'big' },
      { name: 'd', note: 'big' },
    ]);
    expect((await items()).map((i) => i.note)).toEqual(['first', 'none', 'big', 'big']);
  });
  it('DELETE removes the filtered rows; count=exact reports them', async () => {
    const r = await api.send('DELETE', '/items?name=in.(a,b)', undefined, { prefer: 'count=exact' });
    expect(r.status).toBe(204);
    expect(r.headers.get('content-range')).toBe('*/2');
    expect((await items()).map((i) => i.name)).toEqual(['c', 'd']);
  });
  it('limit with order picks which rows PATCH and DELETE touch', async () => {
    await api.send('PATCH', '/items?order=qty.desc&limit=2', { note: 'top' });
    expect((await items()).map((i) => i.note)).toEqual(['none', 'none', 'top', 'top']);
    const r = await api.send('DELETE', '/items?order=id&limit=1&select=name', undefined, REP);
    expect(r.json).toEqual([{ name: 'a' }]);
    expect(await items()).toHaveLength(3);
  });
  it('max-affected with handling=strict refuses and rolls back a larger change', async () => {
    const r = await api.send('DELETE', '/items?qty=gt.1', undefined, { prefer: 'handling=strict, max-affected=2' });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ code: 'PGRST124', details: 'The query affects 3 rows' });
    expect(await items()).toHaveLength(4);
    const ok = await api.send('DELETE', '/items?qty=gt.2', undefined, { prefer: 'handling=strict, max-affected=2' });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('preference-applied')).toBe('handling=strict, max-affected=2');
    expect(await items()).toHaveLength(2);
  });
  it('refuses unknown preferences and writes nothing; handling=lenient ignores them', async () => {
    for (const prefer of ['handling=strict, return=everything', 'return=everything', 'tx=rolback']) {
      expect((await api.send('PATCH', '/items?id=eq.1', { qty: 9 }, { prefer })).json).toMatchObject({ code: 'PGRST122' });
    }
    expect((await items())[0]!.qty).toBe(1);
    expect((await api.send('PATCH', '/items?id=eq.1', { qty: 9 }, { prefer: 'handling=lenient, return=everything' })).status).toBe(204);
    expect((await items())[0]!.qty).toBe(9);
  });
  it('an empty PATCH changes nothing', async () => {
    expect((await api.send('PATCH', '/items', {})).status).toBe(204);
    expect((await items()).map((i) => i.qty)).toEqual([1, 2, 3, 4]);
  });
});

describe('a singular Accept on a write: exactly one row, or 406 and nothing kept', () => {
  const ONE = 'application/vnd.pgrst.object+json';
  beforeEach(async () => {
    await admin.query(`INSERT INTO items (name, qty) VALUES ('a', 1), ('b', 2), ('c', 3), ('d', 4), ('e', 5), ('f', 6)`);
  });
  const names = async () => (await items()).map((i) => `${i.name}${i.qty}`);

  it.each(['', 'return=minimal', 'return=headers-only', 'return=representation'])(
    'DELETE of five rows (Prefer: %s) is 406 PGRST116 and deletes nothing',
    async (prefer) => {
      const r = await api.send('DELETE', '/items?id=gt.0&id=lt.6', undefined, { accept: ONE, ...(prefer && { prefer }) });
      expect(r.status, r.text).toBe(406);
      expect(r.json).toMatchObject({ code: 'PGRST116', details: 'The result contains 5 rows' });
      expect(await names()).toEqual(['a1', 'b2', 'c3', 'd4', 'e5', 'f6']);
    },
  );
  it('DELETE of no row is 406 too', async () => {
    const r = await api.send('DELETE', '/items?id=eq.99', undefined, { accept: ONE });
    expect(r.status).toBe(406);
    expect(r.json).toMatchObject({ code: 'PGRST116', details: 'The result contains 0 rows' });
  });
  it('PATCH of two rows is 406 and changes nothing, whatever return= says', async () => {
    for (const prefer of [undefined, 'return=minimal', 'return=representation']) {
      const r = await api.send('PATCH', '/items?qty=lt.3', { note: 'x' }, { accept: ONE, ...(prefer && { prefer }) });
      expect(r.status, String(prefer)).toBe(406);
    }
    expect((await items()).map((i) => i.note)).toEqual(Array(6).fill('none'));
  });
  it('POST of two rows with return=minimal is 406 and inserts nothing', async () => {
    const r = await api.send('POST', '/items', [{ name: 'g' }, { name: 'h' }], { accept: ONE });
    expect(r.status).toBe(406);
    expect(await names()).toEqual(['a1', 'b2', 'c3', 'd4', 'e5', 'f6']);
  });
  it('exactly one row is written and answered as usual', async () => {
    const del = await api.send('DELETE', '/items?id=eq.1', undefined, { accept: ONE });
    expect(del.status, del.text).toBe(204);
    const patch = await api.send('PATCH', '/items?id=eq.2', { qty: 20 }, { accept: ONE, prefer: 'return=representation' });
    expect(patch.status).toBe(200);
    expect(patch.json).toMatchObject({ id: 2, qty: 20 });
    const put = await api.send('PUT', '/items?id=eq.3', { id: 3, name: 'c', qty: 30 }, { accept: ONE });
    expect(put.status).toBe(204);
    const post = await api.send('POST', '/items', { name: 'z' }, { accept: ONE });
    expect(post.status).toBe(201);
    expect(await names()).toEqual(['b20', 'c30', 'd4', 'e5', 'f6', 'z1']);
  });
});

describe('upserts', () => {
  beforeEach(async () => {
    await admin.query(`INSERT INTO items (name, qty) VALUES ('a', 1), ('b', 2)`);
  });
  it('merge-duplicates updates rows whose key exists and inserts the others', async () => {
    const r = await api.send(
      'POST',
      '/items?on_conflict=name&columns=name,qty&select=name,qty',
      [
        { name: 'a', qty: 10 },
        { name: 'z', qty: 26 },
      ],
      {
        prefer: 'resolution=merge-duplicates, return=representation',
      },
    );
    expect(r.status, r.text).toBe(201);
    expect(r.headers.get('preference-applied')).toBe('resolution=merge-duplicates, return=representation');
    expect((await items()).map((i) => [i.name, i.qty])).toEqual([
      ['a', 10],
      ['b', 2],
      ['z', 26],
    ]);
  });
  it('ignore-duplicates keeps the existing rows', async () => {
    const r = await api.send(
      'POST',
      '/items?on_conflict=name',
      [
        { name: 'a', qty: 10 },
        { name: 'y', qty: 25 },
      ],
      { prefer: 'resolution=ignore-duplicates, return=representation' },
    );
    expect((r.json as unknown[]).length).toBe(1);
    expect((await items()).map((i) => [i.name, i.qty])).toEqual([
      ['a', 1],
      ['b', 2],
      ['y', 25],
    ]);
  });
  it('PUT replaces or creates the row addressed by its full primary key', async () => {
    expect((await api.send('PUT', '/items?id=eq.1', { id: 1, name: 'A', qty: 5 })).status).toBe(204);
    const created = await api.send('PUT', '/items?id=eq.7&select=id,name', { id: 7, name: 'seven' }, REP);
    expect(created.status).toBe(201);
    const replaced = await api.send('PUT', '/items?id=eq.7&select=id,name', { id: 7, name: 'Seven' }, REP);
    expect(replaced.status).toBe(200);
    expect(replaced.json).toEqual([{ id: 7, name: 'Seven' }]);
    await api.send('PUT', '/items?id=eq.7', { id: 7, name: 'seven' });
    expect(created.json).toEqual([{ id: 7, name: 'seven' }]);
    expect((await items()).map((i) => [i.id, i.name])).toEqual([
      [1, 'A'],
      [2, 'b'],
      [7, 'seven'],
    ]);
  });
  it('PUT refuses other filters (405 PGRST105) and a body that contradicts the URL (400 PGRST115)', async () => {
    const notKey = await api.send('PUT', '/items?name=eq.a', { id: 1, name: 'a' });
    expect(notKey.status).toBe(405);
    expect(notKey.json).toMatchObject({ code: 'PGRST105' });
    const mismatch = await api.send('PUT', '/items?id=eq.1', { id: 2, name: 'a' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json).toMatchObject({ code: 'PGRST115' });
  });
});

describe('@supabase/postgrest-js writes', () => {
  it('insert, update, upsert and delete', async () => {
    const ins = await db.from('items').insert({ name: 'js', qty: 2 }).select('id,name,qty').single();
    expect(ins.error).toBeNull();
    expect(ins.status).toBe(201);
    expect(ins.data).toEqual({ id: 1, name: 'js', qty: 2 });
    const bulk = await db
      .from('items')
      .insert([{ name: 'j1' }, { name: 'j2' }], { defaultToNull: false })
      .select('name');
    expect(bulk.error).toBeNull();
    expect(bulk.data).toEqual([{ name: 'j1' }, { name: 'j2' }]);
    const upd = await db.from('items').update({ qty: 8 }).eq('name', 'js').select('qty');
    expect(upd.data).toEqual([{ qty: 8 }]);
    const ups = await db.from('items').upsert({ name: 'js', qty: 9 }, { onConflict: 'name' }).select('name,qty');
    expect(ups.error).toBeNull();
    expect(ups.data).toEqual([{ name: 'js', qty: 9 }]);
    const ign = await db.from('items').upsert([{ name: 'js', qty: 0 }], { onConflict: 'name', ignoreDuplicates: true });
    expect(ign.error).toBeNull();
    const del = await db.from('items').delete({ count: 'exact' }).in('name', ['j1', 'j2']);
    expect(del.error).toBeNull();
    expect(del.count).toBe(2);
    expect((await items()).map((i) => [i.name, i.qty])).toEqual([['js', 9]]);
  });
  it('reports constraint errors as values', async () => {
    await db.from('items').insert({ name: 'once' });
    const { error, status } = await db.from('items').insert({ name: 'once' });
    expect(status).toBe(409);
    expect(error).toMatchObject({ code: '23505' });
  });
});

describe('hostile write input is data or a clean error, never SQL', () => {
  const hostile = fc.oneof(
    fc.constantFrom(
      "'; DROP TABLE items; --",
      '"; DROP TABLE items; --',
      "1' OR '1'='1",
      '$1',
      '$$ ; $$',
      'a\u0000b',
      '\\',
      'x"y',
      ',()."',
      'é漢字🙂',
    ),
    fc.string({ maxLength: 30 }),
  );
  const clean = (r: { status: number; json: unknown }) => {
    expect(r.status).toBeLessThan(500);
    if (r.status >= 400) expect(r.json).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  };
  it('values are stored exactly as sent, or refused cleanly', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (name, note) => {
        await admin.query('TRUNCATE items RESTART IDENTITY');
        const r = await api.send('POST', '/items?select=name,note', { name, note }, REP);
        clean(r);
        if (r.status === 201) expect(r.json).toEqual([{ name, note }]);
        const patch = await api.send('PATCH', '/items?name=eq.' + encodeURIComponent(name), { note: name }, REP);
        clean(patch);
      }),
      { numRuns: 40 },
    );
  });
  it('names in body keys, columns=, on_conflict= and /rpc are checked against the schema', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostile.filter((s) => s.trim() !== '' && !/name|qty|note|id/.test(s)),
        async (key) => {
          const body = await api.send('POST', '/items', { name: 'k', [key]: 1 });
          expect(body.status).toBe(400);
          const columns = await api.send('POST', '/items?columns=' + encodeURIComponent(key), { name: 'k' });
          clean(columns);
          expect(columns.status).toBe(400);
          const conflict = await api.send(
            'POST',
            '/items?on_conflict=' + encodeURIComponent(key),
            { name: 'k' },
            { prefer: 'resolution=merge-duplicates' },
          );
          expect(conflict.status).toBe(400);
          const rpc = await api.send('POST', '/rpc/' + encodeURIComponent(key), {});
          clean(rpc);
          expect([400, 404]).toContain(rpc.status);
        },
      ),
      { numRuns: 40 },
    );
    expect((await admin.query('SELECT count(*)::int AS n FROM clients')).rows[0]).toEqual({ n: 3 });
  });
});

describe('statuses and headers of writes, as PostgREST answers them', () => {
  const send = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) => api.send(method, path, body, headers);
  it('an upsert that inserts nothing is 200; one that inserts is 201; ignore-duplicates stays 201', async () => {
    await send('POST', '/items', [{ name: 'a' }, { name: 'b' }]);
    const merge = { prefer: 'resolution=merge-duplicates', 'content-type': 'application/json' };
    expect((await send('POST', '/items?on_conflict=name', [{ name: 'a', qty: 7 }], merge)).status).toBe(200);
    expect(
      (
        await send(
          'POST',
          '/items?on_conflict=name',
          [
            { name: 'a', qty: 8 },
            { name: 'c', qty: 1 },
          ],
          merge,
        )
      ).status,
    ).toBe(201);
    expect((await admin.query(`SELECT qty FROM items WHERE name = 'a'`)).rows).toEqual([{ qty: 8 }]);
    const ignore = await send('POST', '/items?on_conflict=name', [{ name: 'a' }], { prefer: 'resolution=ignore-duplicates' });
    expect(ignore.status).toBe(201);
  });
  it('Content-Range: */n for inserts and deletes, 0-(n-1)/n for updates, none for PUT', async () => {
    await send('POST', '/items', [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    const patch = await send('PATCH', '/items?name=in.(a,b)', { qty: 2 }, { prefer: 'count=exact' });
    expect({ status: patch.status, range: patch.headers.get('content-range') }).toEqual({ status: 204, range: '0-1/2' });
    const none = await send('PATCH', '/items?name=eq.zz', { qty: 2 });
    expect(none.headers.get('content-range')).toBe('*/*');
    const del = await send('DELETE', '/items?name=in.(a,b)', undefined, { prefer: 'count=exact, return=representation' });
    expect({ status: del.status, range: del.headers.get('content-range') }).toEqual({ status: 200, range: '*/2' });
    const put = await send('PUT', '/items?id=eq.9', { id: 9, name: 'nine' });
    expect({ status: put.status, range: put.headers.get('content-range') }).toEqual({ status: 204, range: null });
  });
  it('return=minimal writes need no SELECT privilege; a representation does', async () => {
    const as = { role: 'pier_engine_writer' };
    const post = await api.engine.handle(
      {
        method: 'POST',
        path: '/public/dropbox',
        rawQuery: '',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from('{"id":1,"note":"x"}'),
      },
      as,
    );
    expect(post.status, String(post.body)).toBe(201);
    const patch = await api.engine.handle(
      {
        method: 'PATCH',
        path: '/public/dropbox',
        rawQuery: 'id=eq.1',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from('{"note":"y"}'),
      },
      as,
    );
    // The filter reads the id column: PostgREST's UPDATE needs SELECT on it too, so this is refused alike.
    expect(patch.status).toBe(403);
    const rep = await api.engine.handle(
      {
        method: 'POST',
        path: '/public/dropbox',
        rawQuery: '',
        headers: { 'content-type': 'application/json', prefer: 'return=representation' },
        body: Buffer.from('{"id":2}'),
      },
      as,
    );
    expect(rep.status).toBe(403);
    expect((await admin.query('SELECT id, note FROM dropbox ORDER BY id')).rows).toEqual([{ id: 1, note: 'x' }]);
  });
});

describe('data representations (domain casts to and from JSON and text), as PostgREST applies them', () => {
  it('outputs a domain through its json cast, reads filter values through its text cast, writes JSON through its json cast', async () => {
    const read = await api.get('/public/paints?select=id,shade&order=id');
    expect(read.json).toEqual([
      { id: 1, shade: 'ff0000' },
      { id: 2, shade: '00ff00' },
    ]);
    expect((await api.get('/public/paints?select=name&shade=eq.00ff00')).json).toEqual([{ name: 'green' }]);
    expect((await api.get('/public/paints?select=name&shade=in.(ff0000,00ff00)&order=id')).json).toEqual([
      { name: 'red' },
      { name: 'green' },
    ]);
    const created = await api.send('POST', '/public/paints?select=id,shade', { id: 3, name: 'blue', shade: '0000ff' }, REP);
    expect({ status: created.status, body: created.json }).toEqual({ status: 201, body: [{ id: 3, shade: '0000ff' }] });
    const updated = await api.send('PATCH', '/public/paints?id=eq.3&select=shade', { shade: '000080' }, REP);
    expect(updated.json).toEqual([{ shade: '000080' }]);
    expect((await admin.query('SELECT shade FROM paints WHERE id = 3')).rows).toEqual([{ shade: 128 }]);
    expect((await api.get('/public/paints?id=eq.1', { accept: 'text/csv' })).text).toBe('id,name,shade\n1,red,16711680');
  });
});
