/**
 * The PostgREST mode on a real database, configured by a PostgREST configuration file: root URL,
 * Accept-Profile / Content-Profile, the jwt-secret forms, the anonymous role, app.settings and the
 * authenticator's in-database settings.
 */
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { parseConfigFile } from './parseConfigFile';
import { startPostgrestServer, type PostgrestServer } from './startPostgrestServer';

const DB = 'pier_postgrest_mode';
const SETUP = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pier_pgrst_auth') THEN
    CREATE ROLE pier_pgrst_auth LOGIN NOINHERIT PASSWORD 'pgrst';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pier_pgrst_anon') THEN CREATE ROLE pier_pgrst_anon NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pier_pgrst_user') THEN CREATE ROLE pier_pgrst_user NOLOGIN; END IF;
END $$;
GRANT pier_pgrst_anon, pier_pgrst_user TO pier_pgrst_auth;
-- PostgREST's in-database configuration: a role setting of the authenticator.
ALTER ROLE pier_pgrst_auth IN DATABASE ${DB} SET pgrst.db_aggregates_enabled = 'true';
CREATE SCHEMA api;
CREATE SCHEMA other;
CREATE TABLE api.items (id int PRIMARY KEY, name text NOT NULL, price int);
CREATE TABLE other.items (id int PRIMARY KEY, label text);
INSERT INTO api.items VALUES (1, 'tea', 3), (2, 'coffee', 4);
INSERT INTO other.items VALUES (1, 'from other');
CREATE FUNCTION api.whoami() RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object('role', current_user, 'greeting', current_setting('app.settings.greeting', true),
                           'sub', current_setting('request.jwt.claims', true)::json ->> 'sub')
$$;
GRANT USAGE ON SCHEMA api, other TO pier_pgrst_anon, pier_pgrst_user;
GRANT SELECT ON ALL TABLES IN SCHEMA api, other TO pier_pgrst_anon, pier_pgrst_user;
GRANT INSERT ON other.items TO pier_pgrst_user;
GRANT EXECUTE ON FUNCTION api.whoami() TO pier_pgrst_anon, pier_pgrst_user;
-- Unqualified names: resolved by the request's search_path (its schema, then db-extra-search-path).
CREATE SCHEMA extras;
CREATE FUNCTION extras.twice(n int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT n * 2';
CREATE FUNCTION api.price_of(item int) RETURNS int LANGUAGE plpgsql STABLE AS 'BEGIN RETURN (SELECT twice(price) FROM items WHERE id = item); END';
GRANT USAGE ON SCHEMA extras TO pier_pgrst_anon, pier_pgrst_user;
-- db-pre-request: refuses a request that carries a header, and leaves a setting the statement reads.
CREATE FUNCTION api.check_request() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('request.headers', true)::json ->> 'x-block' IS NOT NULL THEN
    RAISE EXCEPTION 'blocked by the pre-request' USING ERRCODE = 'P0001';
  END IF;
  PERFORM set_config('app.checked', 'yes', true);
END $$;
CREATE FUNCTION api.checked() RETURNS text LANGUAGE sql STABLE AS $$ SELECT current_setting('app.checked', true) $$;
CREATE TABLE api.log (id int PRIMARY KEY);
CREATE TABLE api.secret (id int PRIMARY KEY);
GRANT SELECT, INSERT ON api.log TO pier_pgrst_anon;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA api TO pier_pgrst_anon;
`;

const SECRET = 'a-secret-of-more-than-thirty-two-characters';

let dir: string;
let dbUri: string;
const servers: PostgrestServer[] = [];

beforeAll(async () => {
  const superuser = await createTestDatabase(inject('postgresUrl'), DB, SETUP);
  const u = new URL(superuser);
  u.username = 'pier_pgrst_auth';
  u.password = 'pgrst';
  dbUri = u.toString();
  dir = await mkdtemp(path.join(os.tmpdir(), 'pier-postgrest-'));
});
afterAll(async () => {
  for (const s of servers) await s.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Writes a configuration file and starts the mode from it, as `npm run postgrest -- FILE` does. */
async function serve(lines: string[], env: Record<string, string> = {}): Promise<PostgrestServer> {
  const file = path.join(dir, `postgrest-${servers.length}.conf`);
  await writeFile(file, [`db-uri = "${dbUri}"`, 'server-port = 0', 'server-host = "127.0.0.1"', ...lines].join('\n'));
  const parsed = parseConfigFile(await readFile(file, 'utf8'), { file, env });
  const server = await startPostgrestServer({ file: parsed.values, env });
  servers.push(server);
  return server;
}

const token = (claims: Record<string, unknown>, key: Uint8Array = new TextEncoder().encode(SECRET)) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(key);

async function get(s: PostgrestServer, pathAndQuery: string, headers: Record<string, string> = {}) {
  const r = await fetch(s.url + pathAndQuery, { headers });
  const text = await r.text();
  return { status: r.status, headers: r.headers, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

describe('PostgREST mode', () => {
  let s: PostgrestServer;
  beforeAll(async () => {
    s = await serve([
      'db-schemas = "api, other"',
      'db-anon-role = "pier_pgrst_anon"',
      `jwt-secret = "${SECRET}"`,
      'app.settings.greeting = "hello"',
    ]);
  });

  it('serves the first schema at the root URL, the others by Accept-Profile', async () => {
    expect(await get(s, '/items?select=name&order=id')).toMatchObject({ status: 200, json: [{ name: 'tea' }, { name: 'coffee' }] });
    expect((await get(s, '/items', { 'Accept-Profile': 'other' })).json).toEqual([{ id: 1, label: 'from other' }]);
    const wrong = await get(s, '/items', { 'Accept-Profile': 'nope' });
    expect(wrong).toMatchObject({ status: 406, json: { code: 'PGRST106', hint: 'Only the following schemas are exposed: api, other' } });
    expect(await get(s, '/api/items')).toMatchObject({ status: 404, json: { code: 'PGRST125' } });
    expect((await get(s, '/')).headers.get('content-type')).toMatch(/^application\/openapi\+json/);
  });

  it('writes into the schema named by Content-Profile, as the role of the token', async () => {
    const headers = { 'Content-Profile': 'other', 'Content-Type': 'application/json', Prefer: 'return=representation' };
    const anon = await fetch(`${s.url}/items`, { method: 'POST', headers, body: JSON.stringify({ id: 2, label: 'x' }) });
    expect(anon.status).toBe(401);
    const r = await fetch(`${s.url}/items`, {
      method: 'POST',
      headers: { ...headers, Authorization: `Bearer ${await token({ role: 'pier_pgrst_user' })}` },
      body: JSON.stringify({ id: 2, label: 'written' }),
    });
    expect({ status: r.status, body: await r.json() }).toEqual({ status: 201, body: [{ id: 2, label: 'written' }] });
  });

  it('runs anonymous requests as db-anon-role, tokens as their role claim, with app.settings set', async () => {
    expect((await get(s, '/rpc/whoami')).json).toEqual({ role: 'pier_pgrst_anon', greeting: 'hello', sub: null });
    const auth = { Authorization: `Bearer ${await token({ role: 'pier_pgrst_user', sub: 'ann' })}` };
    expect((await get(s, '/rpc/whoami', auth)).json).toEqual({ role: 'pier_pgrst_user', greeting: 'hello', sub: 'ann' });
    const forged = { Authorization: `Bearer ${await token({ role: 'pier_pgrst_user' }, new TextEncoder().encode('x'.repeat(40)))}` };
    expect(await get(s, '/rpc/whoami', forged)).toMatchObject({ status: 401, json: { code: 'PGRST301' } });
  });

  it("reads the authenticator's in-database settings (aggregates on)", async () => {
    expect((await get(s, '/items?select=price.sum()')).json).toEqual([{ sum: 7 }]);
  });
});

describe('PostgREST mode: jwt-secret forms and the anonymous role', () => {
  it('a base64 secret (jwt-secret-is-base64)', async () => {
    const key = new Uint8Array(Array.from({ length: 48 }, (_, i) => (i * 37) % 256));
    const s = await serve(['db-schemas = "api"', `jwt-secret = "${Buffer.from(key).toString('base64')}"`, 'jwt-secret-is-base64 = true']);
    const auth = { Authorization: `Bearer ${await token({ role: 'pier_pgrst_user' }, key)}` };
    expect((await get(s, '/rpc/whoami', auth)).json).toMatchObject({ role: 'pier_pgrst_user' });
    // No db-anon-role: a request without a token is refused.
    expect(await get(s, '/items')).toMatchObject({ status: 401, json: { code: 'PGRST302' } });
  });

  it('a JWKS with a symmetric key and a public key, from PGRST_JWT_SECRET', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwks = {
      keys: [
        { kty: 'oct', k: Buffer.from(SECRET).toString('base64url') },
        { ...(await exportJWK(publicKey)), kid: 'ec1' },
      ],
    };
    const s = await serve(['db-schemas = "api"'], { PGRST_JWT_SECRET: JSON.stringify(jwks), PGRST_JWT_AUD: 'pier' });
    const es = await new SignJWT({ role: 'pier_pgrst_user', aud: 'pier' })
      .setProtectedHeader({ alg: 'ES256', kid: 'ec1' })
      .setExpirationTime('5m')
      .sign(privateKey);
    expect((await get(s, '/rpc/whoami', { Authorization: `Bearer ${es}` })).json).toMatchObject({ role: 'pier_pgrst_user' });
    const hs = await token({ role: 'pier_pgrst_user', aud: 'pier' });
    expect((await get(s, '/rpc/whoami', { Authorization: `Bearer ${hs}` })).json).toMatchObject({ role: 'pier_pgrst_user' });
    const otherAudience = await token({ role: 'pier_pgrst_user', aud: 'someone-else' });
    expect(await get(s, '/rpc/whoami', { Authorization: `Bearer ${otherAudience}` })).toMatchObject({ status: 401 });
  });

  it('refuses to start with a key it does not know, naming it', async () => {
    await expect(serve(['db-schemas = "api"', 'db-anon-rol = "pier_pgrst_anon"'])).rejects.toThrow(
      'Unknown PostgREST setting: db-anon-rol.',
    );
    await expect(serve(['db-schemas = "api"'], { PGRST_SERVER_UNIX_SOCKET: '/tmp/x' })).rejects.toThrow(
      "Not supported by Pier's PostgREST mode: PGRST_SERVER_UNIX_SOCKET; remove it.",
    );
  });
});

describe('PostgREST mode: settings that shape each request', () => {
  let s: PostgrestServer;
  beforeAll(async () => {
    s = await serve([
      'db-schemas = "api"',
      'db-anon-role = "pier_pgrst_anon"',
      'db-extra-search-path = "public, extras"',
      'db-pre-request = "api.check_request"',
      'db-max-rows = 1',
      'client-error-verbosity = "minimal"',
      'server-timing-enabled = true',
      'openapi-mode = "disabled"',
    ]);
  });

  it('sets the search_path to the request schema and db-extra-search-path', async () => {
    expect((await get(s, '/rpc/price_of?item=2')).json).toBe(8);
  });

  it('calls db-pre-request before each statement: its error answers, its settings stay for the statement', async () => {
    expect((await get(s, '/rpc/checked')).json).toBe('yes');
    const blocked = await get(s, '/rpc/checked', { 'x-block': '1' });
    // client-error-verbosity = minimal: code and message only.
    expect({ status: blocked.status, body: blocked.json }).toEqual({
      status: 400,
      body: { code: 'P0001', message: 'blocked by the pre-request' },
    });
  });

  it('caps rows at db-max-rows, times the answer, and hides the root when openapi-mode is disabled', async () => {
    const r = await get(s, '/items?select=id&order=id');
    expect(r.json).toEqual([{ id: 1 }]);
    expect(r.headers.get('server-timing')).toMatch(/query;dur=/);
    expect(await get(s, '/')).toMatchObject({ status: 404, json: { code: 'PGRST126', message: 'Root endpoint metadata is disabled' } });
  });

  it('db-tx-end: commit ignores Prefer: tx=rollback; commit-allow-override honours it', async () => {
    const post = (server: PostgrestServer, id: number) =>
      fetch(`${server.url}/log`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', prefer: 'tx=rollback' },
        body: JSON.stringify({ id }),
      });
    const kept = await post(s, 1);
    expect({ status: kept.status, applied: kept.headers.get('preference-applied') }).toEqual({ status: 201, applied: null });
    const overriding = await serve(['db-schemas = "api"', 'db-anon-role = "pier_pgrst_anon"', 'db-tx-end = "commit-allow-override"']);
    const dry = await post(overriding, 2);
    expect({ status: dry.status, applied: dry.headers.get('preference-applied') }).toEqual({ status: 201, applied: 'tx=rollback' });
    expect((await get(s, '/log?select=id')).json).toEqual([{ id: 1 }]);
  });

  it('openapi-mode = ignore-privileges describes what the role may not use; follow-privileges leaves it out', async () => {
    const ignoring = await serve(['db-schemas = "api"', 'db-anon-role = "pier_pgrst_anon"', 'openapi-mode = "ignore-privileges"']);
    const following = await serve(['db-schemas = "api"', 'db-anon-role = "pier_pgrst_anon"']);
    const paths = async (server: PostgrestServer) => Object.keys(((await get(server, '/')).json as { paths: object }).paths);
    expect(await paths(ignoring)).toContain('/secret');
    expect(await paths(following)).not.toContain('/secret');
  });
});
