import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { fixtureSql, startEngineServer, type EngineServer } from './test/startEngineServer';

const EDGES_SQL = `
CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
CREATE FUNCTION touch() RETURNS int LANGUAGE sql VOLATILE AS 'SELECT 1';
COMMENT ON FUNCTION add(int, int) IS E'Adds two numbers\n\nReturns their sum.';
COMMENT ON SCHEMA public IS E'Agency API\n\nClients, projects and tasks.';
-- Media type handlers (PostgREST's): domains named after media types, a function and an aggregate producing them.
CREATE DOMAIN "text/html" AS text;
CREATE FUNCTION page(title text) RETURNS "text/html" LANGUAGE sql IMMUTABLE AS $$ SELECT '<h1>' || title || '</h1>' $$;
CREATE DOMAIN "*/*" AS bytea;
CREATE FUNCTION blob() RETURNS "*/*" LANGUAGE sql IMMUTABLE AS $$ SELECT decode('00ff10', 'hex') $$;
CREATE DOMAIN "text/plain" AS text;
CREATE FUNCTION name_lines_step(acc text, c clients) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(acc || E'\n', '') || c.name $$;
CREATE FUNCTION name_lines_final(acc text) RETURNS "text/plain" LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(acc, '') $$;
CREATE AGGREGATE name_lines(clients) (SFUNC = name_lines_step, STYPE = text, FINALFUNC = name_lines_final);
CREATE TYPE mood AS ENUM ('calm', 'busy');
CREATE TABLE moods (id int PRIMARY KEY, mood mood NOT NULL DEFAULT 'calm', note character varying(20) DEFAULT 'none', score int DEFAULT 3);
GRANT SELECT ON moods TO pier_engine_anon;
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
  it('describes the tables, columns and functions the caller may use, as PostgREST does', async () => {
    const r = await api.get('/', { accept: 'application/openapi+json' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/openapi+json; charset=utf-8');
    const doc = r.json as Doc & { info: { title: string; description: string } };
    expect(doc.swagger).toBe('2.0');
    // The title and description come from the schema's comment.
    expect(doc.info).toMatchObject({ title: 'Agency API', description: 'Clients, projects and tasks.' });
    // A relation the role can reach is described with the methods the relation takes.
    expect(Object.keys(doc.paths['/projects']!).sort()).toEqual(['delete', 'get', 'patch', 'post']);
    expect(Object.keys(doc.paths['/client_names']!)).toEqual(['get']);
    expect(doc.paths['/hidden']).toBeUndefined();
    expect(doc.paths['/rpc/add']).toMatchObject({
      post: { summary: 'Adds two numbers', description: 'Returns their sum.' },
      get: { parameters: [{ name: 'a', format: 'int32', type: 'integer' }, { name: 'b' }] },
    });
    expect(doc.paths['/rpc/touch']).toBeUndefined();
    const clients = doc.definitions['clients']!;
    expect(clients.required).toEqual(['id', 'name', 'email']);
    expect(clients.properties['id']).toMatchObject({ type: 'integer', format: 'int32' });
    expect(clients.properties['id']!.description).toContain('Primary Key');
    expect(clients.properties['email']!.description).toContain('Where invoices go');
    expect(doc.definitions['projects']!.properties['client_id']!.description).toContain("<fk table='clients' column='id'/>");
    // Defaults as JSON values, enums, lengths.
    expect(doc.definitions['moods']!.properties).toEqual({
      id: { type: 'integer', format: 'int32', description: 'Note:\nThis is a Primary Key.<pk/>' },
      mood: { type: 'string', format: 'public.mood', enum: ['calm', 'busy'], default: 'calm' },
      note: { type: 'string', format: 'character varying', maxLength: 20, default: 'none' },
      score: { type: 'integer', format: 'int32', default: 3 },
    });
  });
  it('serves another exposed schema through Accept-Profile', async () => {
    const doc = (await api.get('/', { 'accept-profile': 'api' })).json as Doc;
    expect(Object.keys(doc.paths)).toEqual(['/', '/notes']);
  });
});

describe('response headers as PostgREST sends them', () => {
  it('Content-Length on every answer with a body (a read, an error, a write), never chunked', async () => {
    const urls = [`${api.baseUrl}/clients?select=id,name`, `${api.baseUrl}/nope`];
    for (const u of urls) {
      const r = await fetch(u);
      const bytes = Buffer.from(await r.arrayBuffer());
      expect(r.headers.get('content-length')).toBe(String(bytes.length));
      expect(r.headers.get('transfer-encoding')).toBeNull();
    }
    const post = await fetch(`${api.baseUrl}/clients?select=name`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'return=representation, tx=rollback' },
      body: JSON.stringify({ name: 'Ünïcode', email: 'u@example.com' }),
    });
    const bytes = Buffer.from(await post.arrayBuffer());
    expect(post.headers.get('content-length')).toBe(String(bytes.length));
  });
  it('Content-Location of a read repeats the path and the query string in canonical order', async () => {
    const r = await api.get('/public/clients?select=id,name&order=id&id=in.(1,2)&limit=1');
    expect(r.headers.get('content-location')).toBe('/clients?id=in.%281%2C2%29&limit=1&order=id&select=id%2Cname');
  });
  it('Content-Profile answers the schema a profile header chose (or could have chosen: several are exposed)', async () => {
    const r = await api.get('/notes', { 'Accept-Profile': 'api' });
    expect({ status: r.status, profile: r.headers.get('content-profile') }).toEqual({ status: 200, profile: 'api' });
    expect((await api.get('/clients')).headers.get('content-profile')).toBe('public');
    // A path that names its schema (Lakebase's URL shape) negotiated nothing.
    expect((await api.get('/public/clients')).headers.get('content-profile')).toBeNull();
  });
});

describe('media type handlers, as PostgREST serves them', () => {
  it('a function returning a media type answers with it when accepted, and as JSON otherwise', async () => {
    const html = await api.get('/rpc/page?title=Hi', { accept: 'text/html' });
    expect({ status: html.status, type: html.headers.get('content-type'), body: html.text }).toEqual({
      status: 200,
      type: 'text/html',
      body: '<h1>Hi</h1>',
    });
    expect((await api.get('/rpc/page?title=Hi')).json).toBe('<h1>Hi</h1>');
    // Preference order: the first accepted type that something produces.
    expect((await api.get('/rpc/page?title=Hi', { accept: 'application/xml, text/html;q=0.5' })).headers.get('content-type')).toBe(
      'text/html',
    );
  });
  it('a function returning the any-type domain answers bytes as application/octet-stream', async () => {
    const r = await fetch(`${api.baseUrl}/rpc/blob`, { headers: { accept: '*/*' } });
    expect(r.headers.get('content-type')).toBe('application/octet-stream');
    expect([...new Uint8Array(await r.arrayBuffer())]).toEqual([0, 255, 16]);
  });
  it("an aggregate for a table's rows answers its media type for the default select only", async () => {
    const r = await api.get('/clients?order=id', { accept: 'text/plain' });
    expect({ status: r.status, type: r.headers.get('content-type'), body: r.text }).toEqual({
      status: 200,
      type: 'text/plain; charset=utf-8',
      body: 'Acme Corp\nTechStart Inc\nGlobal Solutions',
    });
    const narrowed = await api.get('/clients?select=name', { accept: 'text/plain' });
    expect({ status: narrowed.status, body: narrowed.json }).toEqual({
      status: 406,
      body: { code: 'PGRST107', details: null, hint: null, message: 'None of these media types are available: text/plain' },
    });
    expect((await api.get('/projects', { accept: 'text/html' })).status).toBe(406);
  });
});
