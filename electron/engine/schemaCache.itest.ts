import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { findRelation, relationshipsFrom } from './schema-cache/SchemaCache';
import { fixtureSql, startEngineServer, type EngineServer } from './test/startEngineServer';
import { createEngine } from './engine';

let url: string;
let api: EngineServer;
let admin: pg.Client;

beforeAll(async () => {
  url = await createTestDatabase(inject('postgresUrl'), 'pier_engine_schema', await fixtureSql());
  api = await startEngineServer(url);
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
});
afterAll(async () => {
  await api?.close();
  await admin?.end();
});

async function eventually<T>(probe: () => Promise<T>, done: (v: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  let v = await probe();
  while (!done(v) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    v = await probe();
  }
  return v;
}

describe('schema cache', () => {
  it('holds tables, views, columns, keys, foreign keys, relationships, routines and comments', async () => {
    const cache = await api.engine.schemaCache();
    expect(cache).toBeDefined();
    const clients = findRelation(cache!, 'public', 'clients')!;
    expect(clients.kind).toBe('table');
    expect(clients.comment).toBe('Customers of the agency');
    expect(clients.primaryKey).toEqual(['id']);
    expect(clients.columnsByName.get('email')).toMatchObject({ type: 'text', nullable: false, comment: 'Where invoices go' });
    expect(clients.columnsByName.get('id')?.default).toBe("nextval('public.clients_id_seq'::regclass)");
    expect(clients.columnsByName.get('phone')?.nullable).toBe(true);
    expect(findRelation(cache!, 'public', 'active_projects')?.kind).toBe('view');
    expect(findRelation(cache!, 'public', 'documents')?.columnsByName.get('during')?.type).toBe('int4range');
    expect(cache!.foreignKeys.find((f) => f.constraint === 'messages_sender_fkey')).toMatchObject({
      columns: ['sender_id'],
      referencedColumns: ['id'],
    });
    const kinds = relationshipsFrom(cache!, { schema: 'public', name: 'clients' }).map((r) => `${r.kind}:${r.target.name}`);
    expect(kinds).toEqual(expect.arrayContaining(['one-to-many:projects', 'one-to-one:client_profiles', 'one-to-many:active_projects']));
    expect(cache!.config).toEqual({ dbSchemas: ['public', 'api'], aggregatesEnabled: true, planEnabled: false });
    await admin.query(`CREATE OR REPLACE FUNCTION public.add(a int, b int) RETURNS int LANGUAGE sql AS 'SELECT a + b'`);
    await api.engine.reloadSchema();
    const routine = (await api.engine.schemaCache())!.routines.find((r) => r.name === 'add');
    expect(routine).toMatchObject({ schema: 'public', arguments: 'a integer, b integer', returns: 'integer', volatility: 'volatile' });
  });

  it('sees DDL after reloadSchema()', async () => {
    await admin.query(
      'CREATE TABLE made_by_pier (id int PRIMARY KEY); GRANT SELECT ON made_by_pier TO pier_engine_anon; INSERT INTO made_by_pier VALUES (7)',
    );
    expect((await api.get('/public/made_by_pier')).status).toBe(404);
    await api.engine.reloadSchema();
    const r = await api.get('/public/made_by_pier');
    expect(r.status).toBe(200);
    expect(r.json).toEqual([{ id: 7 }]);
  });

  it("reloads on NOTIFY pgrst, 'reload schema'", async () => {
    await admin.query('CREATE TABLE made_elsewhere (id int PRIMARY KEY); GRANT SELECT ON made_elsewhere TO pier_engine_anon');
    expect((await api.get('/public/made_elsewhere')).status).toBe(404);
    await admin.query(`NOTIFY pgrst, 'reload schema'`);
    const r = await eventually(
      () => api.get('/public/made_elsewhere'),
      (x) => x.status === 200,
    );
    expect(r.status).toBe(200);
  });

  it('reads pgrst.db_aggregates_enabled from pgrst.pre_config(): aggregates off → PGRST123', async () => {
    await admin.query(`CREATE OR REPLACE FUNCTION pgrst.pre_config() RETURNS void LANGUAGE sql AS $$
      SELECT set_config('pgrst.db_schemas', 'public', true), set_config('pgrst.db_aggregates_enabled', 'false', true) $$`);
    await api.engine.reloadSchema();
    try {
      const r = await api.get('/public/projects?select=budget.sum()');
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ code: 'PGRST123', message: 'Use of aggregate functions is not allowed' });
      expect((await api.get('/api/notes')).status).toBe(406);
    } finally {
      await admin.query(`CREATE OR REPLACE FUNCTION pgrst.pre_config() RETURNS void LANGUAGE sql AS $$
        SELECT set_config('pgrst.db_schemas', 'public, api', true), set_config('pgrst.db_aggregates_enabled', 'true', true) $$`);
      await api.engine.reloadSchema();
    }
    expect((await api.get('/public/projects?select=budget.sum()')).status).toBe(200);
  });

  it('caps rows at pgrst.db_max_rows when pre_config sets it', async () => {
    await admin.query(`CREATE OR REPLACE FUNCTION pgrst.pre_config() RETURNS void LANGUAGE sql AS $$
      SELECT set_config('pgrst.db_schemas', 'public, api', true), set_config('pgrst.db_aggregates_enabled', 'true', true),
             set_config('pgrst.db_max_rows', '3', true) $$`);
    await api.engine.reloadSchema();
    try {
      const r = await api.get('/public/tasks?select=id', { Prefer: 'count=exact' });
      expect(r.status).toBe(206);
      expect(r.headers.get('content-range')).toBe('0-2/6');
    } finally {
      await admin.query(`CREATE OR REPLACE FUNCTION pgrst.pre_config() RETURNS void LANGUAGE sql AS $$
        SELECT set_config('pgrst.db_schemas', 'public, api', true), set_config('pgrst.db_aggregates_enabled', 'true', true) $$`);
      await api.engine.reloadSchema();
    }
  });

  it('loads with the default settings when the login role may not use schema pgrst', async () => {
    await admin.query('REVOKE USAGE ON SCHEMA pgrst FROM pier_engine_authenticator');
    try {
      await api.engine.reloadSchema();
      const r = await api.get('/public/clients?select=id&order=id&limit=1');
      expect({ status: r.status, body: r.json }).toEqual({ status: 200, body: [{ id: 1 }] });
      // pre_config was not run: only the default schema is exposed.
      expect((await api.get('/api/notes')).status).toBe(406);
    } finally {
      await admin.query('GRANT USAGE ON SCHEMA pgrst TO pier_engine_authenticator');
      await api.engine.reloadSchema();
    }
  });

  it('recovers when the server drops every engine connection, LISTEN included', async () => {
    expect((await api.get('/public/clients?select=id')).status).toBe(200);
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'pier_engine_authenticator' AND datname = current_database()`,
    );
    // The next requests get fresh connections; none may crash the process or hang.
    const after = await eventually(
      () => api.get('/public/clients?select=id'),
      (r) => r.status === 200,
    );
    expect(after.json).toHaveLength(3);
    // The listener reconnects, so NOTIFY still reloads the cache.
    await admin.query('CREATE TABLE made_after_drop (id int); GRANT SELECT ON made_after_drop TO pier_engine_anon');
    const seen = await eventually(
      async () => {
        await admin.query(`NOTIFY pgrst, 'reload schema'`);
        return api.get('/public/made_after_drop');
      },
      (r) => r.status === 200,
      10_000,
    );
    expect(seen.status).toBe(200);
  });

  it('answers 503 PGRST002 while the database cannot be read', async () => {
    const pool = new pg.Pool({ connectionString: 'postgresql://nobody:x@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
    const engine = createEngine({ pool, ownsPool: true, database: 'none', anonRole: 'anon', listen: false, schemaWaitMs: 200 });
    try {
      const r = await engine.handle({ method: 'GET', path: '/public/clients', rawQuery: '', headers: {} });
      expect(r.status).toBe(503);
      expect(JSON.parse(String(r.body))).toMatchObject({ code: 'PGRST002' });
    } finally {
      await engine.close();
    }
  });
});
