import http from 'node:http';
import pg from 'pg';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { fixtureSql, startEngineServer, type EngineServer } from './test/startEngineServer';

let url: string;
let api: EngineServer;
let signingKey: CryptoKey;
let publicJwk: JWK;
const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';

async function token(claims: Record<string, unknown>, expiresIn: string | number = '5m', key: CryptoKey = signingKey): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'local-1' }).setIssuedAt().setExpirationTime(expiresIn).sign(key);
}
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

beforeAll(async () => {
  url = await createTestDatabase(inject('postgresUrl'), 'pier_engine_auth', await fixtureSql());
  const pair = await generateKeyPair('ES256', { extractable: true });
  signingKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'local-1', alg: 'ES256' };
  // No anonymous role: every request needs a token.
  api = await startEngineServer(url, { anonRole: undefined, jwt: { publicKeys: [publicJwk], secret: SECRET } });
});
afterAll(async () => {
  await api?.close();
});

describe('identity and roles', () => {
  it('runs as the token subject, so RLS restricts user@example.com to 2 clients', async () => {
    const r = await api.get('/public/clients?select=id,name&order=id', bearer(await token({ sub: 'user@example.com' })));
    expect(r.status).toBe(200);
    expect(r.json).toEqual([
      { id: 1, name: 'Acme Corp' },
      { id: 2, name: 'TechStart Inc' },
    ]);
  });
  it('applies RLS inside embeds too', async () => {
    const r = await api.get('/public/projects?select=id,clients(name)&order=id', bearer(await token({ sub: 'user@example.com' })));
    expect((r.json as { clients: unknown }[]).map((p) => p.clients)).toEqual([
      { name: 'Acme Corp' },
      { name: 'Acme Corp' },
      { name: 'TechStart Inc' },
      null,
    ]);
  });
  it('without a token and without an anonymous role: 401 PGRST302', async () => {
    const r = await api.get('/public/clients');
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    expect(r.json).toMatchObject({ code: 'PGRST302', message: 'Anonymous access is disabled' });
  });
  it('refuses an expired token with 401 PGRST303', async () => {
    const r = await api.get('/public/clients', bearer(await token({ sub: 'user@example.com' }, Math.floor(Date.now() / 1000) - 60)));
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ code: 'PGRST303', message: 'JWT expired' });
    expect(r.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", error_description="JWT expired"');
  });
  it('refuses a token signed by another key, and garbage, with 401 PGRST301', async () => {
    const other = await generateKeyPair('ES256');
    const forged = await api.get('/public/clients', bearer(await token({ sub: 'user@example.com' }, '5m', other.privateKey)));
    expect(forged.status).toBe(401);
    expect(forged.json).toMatchObject({ code: 'PGRST301', message: 'JWT cryptographic operation failed' });
    const garbage = await api.get('/public/clients', bearer('not-a-jwt'));
    expect(garbage.status).toBe(401);
    expect(garbage.json).toMatchObject({ code: 'PGRST301', message: 'Expected 3 parts in JWT; got 1' });
    const basic = await api.get('/public/clients', { Authorization: 'Basic dXNlcjpwYXNz' });
    expect(basic.status).toBe(401);
    const empty = await api.get('/public/clients', { Authorization: 'Bearer ' });
    expect(empty.json).toMatchObject({ code: 'PGRST301', message: 'Empty JWT is sent in Authorization header' });
  });
  it('refuses a token without exp (one that never expires) with 401 PGRST303', async () => {
    const noExp = await new SignJWT({ sub: 'user@example.com' })
      .setProtectedHeader({ alg: 'ES256', kid: 'local-1' })
      .setIssuedAt()
      .sign(signingKey);
    const hs = await new SignJWT({ sub: 'user@example.com' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
    for (const t of [noExp, hs]) {
      const r = await api.get('/public/clients', bearer(t));
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject({ code: 'PGRST303', message: "The JWT 'exp' claim is required" });
      expect(r.headers.get('www-authenticate')).toBe(`Bearer error="invalid_token", error_description="The JWT 'exp' claim is required"`);
    }
  });
  it('accepts HS256 tokens signed with the configured secret', async () => {
    const t = await new SignJWT({ sub: 'user@example.com' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    const r = await api.get('/public/clients?select=id', bearer(t));
    expect(r.status).toBe(200);
    expect(r.json).toHaveLength(2);
  });
  it('refuses a role not granted to the authenticator with 403, and an unknown role with 401', async () => {
    const stranger = await api.get('/public/clients', bearer(await token({ sub: 'pier_engine_stranger' })));
    expect(stranger.status).toBe(403);
    expect(stranger.json).toMatchObject({ code: '42501' });
    const nobody = await api.get('/public/clients', bearer(await token({ sub: 'nobody@example.com' })));
    expect(nobody.status).toBe(401);
    expect(nobody.json).toMatchObject({ code: '22023', message: 'role "nobody@example.com" does not exist' });
    expect(nobody.headers.get('www-authenticate')).toBe('Bearer');
  });
  it('never falls back to the connecting role: the authenticator itself sees no tables', async () => {
    const r = await api.get('/public/clients', bearer(await token({ sub: 'pier_engine_authenticator' })));
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ code: '42501' });
  });
  it('exposes the request to SQL as PostgREST does', async () => {
    const r = await api.get('/public/request_info', {
      ...bearer(await token({ sub: 'user@example.com', team: 'red' })),
      'X-Probe': 'hello',
      Cookie: 'theme=dark; session=s1',
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual([
      {
        role: 'user@example.com',
        method: 'GET',
        path: '/public/request_info',
        claims: expect.objectContaining({ sub: 'user@example.com', team: 'red', role: 'user@example.com' }),
        probe: 'hello',
        session: 's1',
        tz: expect.any(String),
      },
    ]);
  });
});

describe('in-process callers', () => {
  it('run as the role they choose, without a token, under the same RLS', async () => {
    const r = await api.engine.handle(
      { method: 'GET', path: '/public/clients', rawQuery: 'select=id&order=id', headers: {} },
      { role: 'user@example.com' },
    );
    expect(r.status).toBe(200);
    expect(JSON.parse(String(r.body))).toEqual([{ id: 1 }, { id: 2 }]);
    const stranger = await api.engine.handle(
      { method: 'GET', path: '/public/clients', rawQuery: '', headers: {} },
      { role: 'pier_engine_stranger' },
    );
    expect(stranger.status).toBe(403);
  });
});

describe('engine configuration', () => {
  it('reads the role from another claim and uses a configured anonymous role', async () => {
    const other = await startEngineServer(url, {
      anonRole: 'pier_engine_anon',
      roleClaimKey: '.app.role',
      jwt: { publicKeys: [publicJwk] },
    });
    try {
      const asUser = await other.get('/public/clients?select=id', bearer(await token({ sub: 'x', app: { role: 'user@example.com' } })));
      expect(asUser.json).toHaveLength(2);
      const anon = await other.get('/public/clients?select=id');
      expect(anon.status).toBe(200);
      expect(anon.json).toHaveLength(3);
    } finally {
      await other.close();
    }
  });
  it('verifies tokens against a JWKS URL', async () => {
    const jwks = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as AddressInfo;
    const other = await startEngineServer(url, { anonRole: undefined, jwt: { jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json` } });
    try {
      const r = await other.get('/public/clients?select=id', bearer(await token({ sub: 'user@example.com' })));
      expect(r.status).toBe(200);
      expect(r.json).toHaveLength(2);
    } finally {
      await other.close();
      await new Promise<void>((resolve) => jwks.close(() => resolve()));
    }
  });
  it('works the same over a pool without pipelining', async () => {
    const other = await startEngineServer(url, { anonRole: 'pier_engine_anon', jwt: { publicKeys: [publicJwk] } }, { pipeline: false });
    try {
      const ok = await other.get('/public/clients?select=id&order=id', bearer(await token({ sub: 'user@example.com' })));
      expect(ok.json).toEqual([{ id: 1 }, { id: 2 }]);
      const refused = await other.get('/public/clients', bearer(await token({ sub: 'pier_engine_stranger' })));
      expect(refused.status).toBe(403);
      // The connection that saw the refusal serves the next request cleanly.
      expect((await other.get('/public/clients?select=id')).json).toHaveLength(3);
    } finally {
      await other.close();
    }
  });
  it('caps rows at maxRows and stops slow statements at the timeout', async () => {
    const other = await startEngineServer(url, { anonRole: 'pier_engine_anon', maxRows: 2, statementTimeoutMs: 100 });
    try {
      const capped = await other.get('/public/tasks?select=id&order=id', { Prefer: 'count=exact' });
      expect(capped.json).toEqual([{ id: 1 }, { id: 2 }]);
      expect(capped.headers.get('content-range')).toBe('0-1/6');
      const slow = await other.get('/public/slow');
      expect(slow.status).toBe(500);
      expect(slow.json).toMatchObject({ code: '57014' });
    } finally {
      await other.close();
    }
  });
});

describe('audience and tokens without a role, as PostgREST checks them', () => {
  let aud: EngineServer;
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // A table nobody was granted.
    await admin.query('CREATE TABLE IF NOT EXISTS denied (id int)');
    await admin.end();
    aud = await startEngineServer(url, { jwt: { secret: SECRET, audience: 'pier' }, listen: false });
  });
  afterAll(async () => {
    await aud?.close();
  });
  const hs = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));

  it.each([
    { label: 'no aud', claims: {}, status: 200 },
    { label: 'the audience', claims: { aud: 'pier' }, status: 200 },
    { label: 'an array holding it', claims: { aud: ['other', 'pier'] }, status: 200 },
    { label: 'an empty array', claims: { aud: [] }, status: 200 },
    { label: 'another audience', claims: { aud: 'other' }, status: 401 },
    { label: 'an array without it', claims: { aud: ['other'] }, status: 401 },
    { label: 'a number', claims: { aud: 5 }, status: 401 },
  ] as { label: string; claims: { aud?: unknown }; status: number }[])('aud: $label → $status', async ({ claims, status }) => {
    const r = await aud.get('/public/clients?select=id&limit=1', bearer(await hs({ sub: 'user@example.com', ...claims })));
    expect(r.status).toBe(status);
    if (status === 401)
      expect((r.json as { message: string }).message).toBe(
        typeof claims.aud === 'number' ? "The JWT 'aud' claim must be a string or an array of strings" : 'JWT not in audience',
      );
  });

  it('a token without a role claim runs as the anonymous role, and a denial is 401 as for no token', async () => {
    const r = await aud.get('/public/request_info?select=role', bearer(await hs({ name: 'no role here' })));
    expect(r.json).toEqual([{ role: 'pier_engine_anon' }]);
    const denied = await aud.get('/public/denied', bearer(await hs({ name: 'no role here' })));
    expect({ status: denied.status, code: (denied.json as { code: string }).code }).toEqual({ status: 401, code: '42501' });
  });
});
