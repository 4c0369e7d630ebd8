import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { fixtureSql, startEngineServer, type EngineServer } from './test/startEngineServer';

const EDGES_SQL = `
CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
CREATE FUNCTION touch() RETURNS int LANGUAGE sql VOLATILE AS 'SELECT 1';
COMMENT ON FUNCTION add(int, int) IS 'Adds two numbers';
CREATE TABLE hidden (id int PRIMARY KEY);
CREATE MATERIALIZED VIEW client_names AS SELECT id, name FROM clients;
GRANT SELECT ON client_names TO pier_engine_anon;
CREATE VIEW inbox AS SELECT 1 AS id, 'x'::text AS body;
CREATE FUNCTION inbox_insert() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER inbox_insert INSTEAD OF INSERT ON inbox FOR EACH ROW EXECUTE FUNCTION inbox_insert();
GRANT INSERT ON clients TO pier_engine_anon;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO pier_engine_anon;
CREATE POLICY "anon inserts clients" ON clients FOR INSERT TO pier_engine_anon WITH CHECK (true);
REVOKE EXECUTE ON FUNCTION touch() FROM PUBLIC;
`;

let api: EngineServer;
let cors: EngineServer;
let url: string;

beforeAll(async () => {
  url = await createTestDatabase(inject('postgresUrl'), 'pier_engine_edges', (await fixtureSql()) + EDGES_SQL);
  api = await startEngineServer(url);
  cors = await startEngineServer(url, { cors: { allowedOrigins: ['http://app.example'] }, listen: false });
});
afterAll(async () => {
  await cors?.close();
  await api?.close();
});

describe('OPTIONS and HEAD', () => {
  it('OPTIONS answers Allow for what the path accepts', async () => {
    expect((await api.get('/clients', {}, 'OPTIONS')).headers.get('allow')).toBe('OPTIONS,GET,HEAD,POST,PUT,PATCH,DELETE');
    expect((await api.get('/client_names', {}, 'OPTIONS')).headers.get('allow')).toBe('OPTIONS,GET,HEAD');
    // Views: what Postgres would let a write do (a simple view is updatable, a computed one is not).
    expect((await api.get('/active_projects', {}, 'OPTIONS')).headers.get('allow')).toBe('OPTIONS,GET,HEAD,POST,PUT,PATCH,DELETE');
    expect((await api.get('/request_info', {}, 'OPTIONS')).headers.get('allow')).toBe('OPTIONS,GET,HEAD');
    expect((await api.get('/inbox', {}, 'OPTIONS')).headers.get('allow')).toBe('OPTIONS,GET,HEAD,POST');
    expect((await api.get('/rpc/add', {}, 'OPTIONS')).headers.get('allow')).toBe('OPTIONS,GET,HEAD,POST');
    expect((await api.get('/rpc/touch', {}, 'OPTIONS')).headers.get('allow')).toBe('OPTIONS,POST');
    expect((await api.get('/', {}, 'OPTIONS')).headers.get('allow')).toBe('OPTIONS,GET,HEAD');
  });
  it('HEAD is served wherever GET is, without a body', async () => {
    for (const path of ['/rpc/add?a=1&b=2', '/', '/clients?id=eq.1']) {
      const r = await api.get(path, {}, 'HEAD');
      expect(r.status, path).toBe(200);
      expect(r.text).toBe('');
    }
  });
});

describe('CORS', () => {
  it('is off unless configured', async () => {
    const r = await api.get('/clients?id=eq.1', { origin: 'http://app.example' });
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });
  it('answers preflights and exposes the headers clients read for an allowed origin only', async () => {
    const pre = await cors.get(
      '/clients',
      { origin: 'http://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, prefer' },
      'OPTIONS',
    );
    expect(pre.status).toBe(200);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://app.example');
    expect(pre.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(pre.headers.get('access-control-allow-headers')).toBe('authorization, prefer');
    const get = await cors.get('/clients?id=eq.1', { origin: 'http://app.example' });
    expect(get.headers.get('access-control-allow-origin')).toBe('http://app.example');
    expect(get.headers.get('access-control-expose-headers')).toContain('Content-Range');
    const other = await cors.get('/clients?id=eq.1', { origin: 'http://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('OpenAPI at the schema root', () => {
  interface Doc {
    swagger: string;
    paths: Record<string, Record<string, unknown>>;
    definitions: Record<
      string,
      { required?: string[]; properties: Record<string, { type?: string; format?: string; description?: string }> }
    >;
  }
  it('describes the tables, columns and functions the caller may use', async () => {
    const r = await api.get('/', { accept: 'application/openapi+json' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/openapi+json; charset=utf-8');
    const doc = r.json as Doc;
    expect(doc.swagger).toBe('2.0');
    expect(Object.keys(doc.paths['/clients']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/projects']!)).toEqual(['get']);
    expect(doc.paths['/hidden']).toBeUndefined();
    expect(doc.paths['/rpc/add']).toMatchObject({ post: { summary: 'Adds two numbers' }, get: {} });
    expect(doc.paths['/rpc/touch']).toBeUndefined();
    const clients = doc.definitions['clients']!;
    expect(clients.required).toEqual(['name', 'email']);
    expect(clients.properties['id']).toMatchObject({ type: 'integer', format: 'integer' });
    expect(clients.properties['id']!.description).toContain('Primary Key');
    expect(clients.properties['email']!.description).toContain('Where invoices go');
    expect(doc.definitions['projects']!.properties['client_id']!.description).toContain("<fk table='clients' column='id'/>");
  });
  it('serves another exposed schema through Accept-Profile', async () => {
    const doc = (await api.get('/', { 'accept-profile': 'api' })).json as Doc;
    expect(Object.keys(doc.paths)).toEqual(['/', '/notes']);
  });
});
