import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createLocalIssuer, DEMO_USER_IDENTITY, OWNER_IDENTITY, type LocalIssuer } from './localIssuer';
import { createOidcHandler, type OidcHandler } from './createOidcHandler';
import { SignInRequests } from './signInRequests';

let dir: string;
let server: http.Server;
let origin: string;
let issuer: LocalIssuer;
/** What Pier's UI sees and answers: the tests approve or deny here, as the user would. */
let requests: SignInRequests;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pier-oidc-'));
  server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = await createLocalIssuer({ dataDir: dir, issuerUrl: `${origin}/oidc` });
  requests = new SignInRequests({ timeoutMs: 5_000 });
  const oidc = createOidcHandler(issuer, { approve: (ask) => requests.ask(ask) });
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', origin);
      void oidc
        .handle({
          method: req.method ?? 'GET',
          path: url.pathname.replace(/^\/oidc/, ''),
          rawQuery: url.search.slice(1),
          headers: req.headers,
          body: Buffer.concat(chunks),
        })
        .then((r) => res.writeHead(r.status, r.headers).end(r.body));
    });
  });
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

const b64url = (b: Buffer) => b.toString('base64url');

/** The user's answer to the one sign-in waiting in Pier, once it arrives. */
async function answer(approve: boolean) {
  for (let i = 0; i < 100 && requests.pending().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  const [pending] = requests.pending();
  if (!pending) throw new Error('No sign-in is waiting for the user.');
  expect(requests.decide(pending.id, approve)).toBe(true);
  return pending;
}

async function signIn(options: { loginHint?: string; scope?: string } = {}) {
  const discovery = (await (await fetch(`${origin}/oidc/.well-known/oauth-authorization-server`)).json()) as Record<string, string>;
  const verifier = b64url(randomBytes(64));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const state = b64url(randomBytes(16));
  const auth = new URL(discovery.authorization_endpoint!);
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: 'databricks-cli',
    redirect_uri: 'http://localhost:8020',
    scope: options.scope ?? 'offline_access all-apis',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  };
  if (options.loginHint) params.login_hint = options.loginHint;
  for (const [k, v] of Object.entries(params)) auth.searchParams.set(k, v);
  const redirecting = fetch(auth, { redirect: 'manual' });
  await answer(true);
  const redirect = await redirecting;
  expect(redirect.status).toBe(302);
  const back = new URL(redirect.headers.get('location') ?? '');
  expect(back.origin).toBe('http://localhost:8020');
  expect(back.searchParams.get('state')).toBe(state);
  const code = back.searchParams.get('code') ?? '';
  const exchange = (verifierSent: string) =>
    fetch(discovery.token_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifierSent,
        redirect_uri: 'http://localhost:8020',
        client_id: 'databricks-cli',
      }),
    });
  return { discovery, exchange, verifier };
}

const refresh = (token: string) =>
  fetch(`${origin}/oidc/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: 'databricks-cli' }),
  });

describe('local OIDC issuer', () => {
  it('discovers the workspace-style endpoints', async () => {
    const { discovery } = await signIn();
    expect(discovery).toMatchObject({
      issuer: `${origin}/oidc`,
      authorization_endpoint: `${origin}/oidc/v1/authorize`,
      token_endpoint: `${origin}/oidc/v1/token`,
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('runs the PKCE code flow and returns a JWT for the identity, verifiable with the JWKS', async () => {
    const { exchange, verifier } = await signIn({ loginHint: DEMO_USER_IDENTITY });
    const res = await exchange(verifier);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number; refresh_token?: string };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(body.refresh_token).toBeTruthy();
    const keys = (await (await fetch(`${origin}/oidc/v1/keys`)).json()) as { keys: [] };
    const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(keys));
    expect(payload.sub).toBe(DEMO_USER_IDENTITY);
  });

  it('refuses a wrong PKCE verifier and a second use of the code', async () => {
    const { exchange, verifier } = await signIn();
    const wrong = await exchange(b64url(randomBytes(64)));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await exchange(verifier)).status).toBe(400); // the code was consumed by the failed attempt
  });

  it('rotates refresh tokens and treats a replayed one as invalid, ending that login', async () => {
    const { exchange, verifier } = await signIn();
    const first = (await (await exchange(verifier)).json()) as { refresh_token: string };
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    const rotated = (await second.json()) as { refresh_token: string; access_token: string };
    expect(rotated.refresh_token).not.toBe(first.refresh_token);
    expect(await issuer.verifyToken(rotated.access_token)).toMatchObject({ ok: true, subject: OWNER_IDENTITY });
    const replay = await refresh(first.refresh_token);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual({ error: 'invalid_grant', error_description: 'Refresh token is invalid' });
    expect((await refresh(rotated.refresh_token)).status).toBe(400);
  });

  it('grants client_credentials with HTTP Basic, and refuses a wrong secret', async () => {
    const secret = await issuer.createClientSecret(OWNER_IDENTITY);
    const call = (s: string) =>
      fetch(`${origin}/oidc/v1/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${OWNER_IDENTITY}:${s}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials&scope=all-apis',
      });
    const ok = (await (await call(secret)).json()) as { access_token: string; refresh_token?: string };
    expect(await issuer.verifyToken(ok.access_token)).toMatchObject({ ok: true, subject: OWNER_IDENTITY });
    expect(ok.refresh_token).toBeUndefined();
    expect((await call('nope')).status).toBe(401);
  });

  it('holds the authorization request until the user decides, showing the client, redirect and identity', async () => {
    const auth = new URL(`${origin}/oidc/v1/authorize`);
    const challenge = b64url(createHash('sha256').update('v'.repeat(43)).digest());
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: 'some-tool',
      redirect_uri: 'http://127.0.0.1:9123/cb',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      login_hint: DEMO_USER_IDENTITY,
      state: 'st',
    }))
      auth.searchParams.set(k, v);
    let settled = false;
    const redirecting = fetch(auth, { redirect: 'manual' }).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    const shown = await answer(false);
    expect(shown).toMatchObject({ clientId: 'some-tool', redirectUri: 'http://127.0.0.1:9123/cb', identity: DEMO_USER_IDENTITY });
    expect(JSON.stringify(shown)).not.toContain(challenge);
    const back = new URL((await redirecting).headers.get('location') ?? '');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('st');
    expect(back.searchParams.get('code')).toBeNull();
    expect(requests.decide(shown.id, true)).toBe(false); // decided once, and gone
  });

  it('gives no code to a request nobody approves: refused when it times out, and always without a consent step', async () => {
    const challenge = b64url(createHash('sha256').update('v'.repeat(43)).digest());
    const ask = (handler: OidcHandler) =>
      handler.handle({
        method: 'GET',
        path: '/v1/authorize',
        headers: {},
        body: undefined,
        rawQuery: new URLSearchParams({
          response_type: 'code',
          client_id: 'databricks-cli',
          redirect_uri: 'http://localhost:8020',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }).toString(),
      });
    const impatient = new SignInRequests({ timeoutMs: 100 });
    for (const handler of [createOidcHandler(issuer), createOidcHandler(issuer, { approve: (a) => impatient.ask(a) })]) {
      const back = new URL((await ask(handler)).headers.location ?? '');
      expect(back.searchParams.get('error')).toBe('access_denied');
      expect(back.searchParams.get('code')).toBeNull();
    }
    expect(impatient.pending()).toEqual([]);
  });

  it('keeps only a few sign-ins waiting, and refuses what still waits on shutdown', async () => {
    const few = new SignInRequests({ maxPending: 2 });
    const ask = { clientId: 'c', redirectUri: 'http://localhost:1/', scope: 'all-apis', loginHint: undefined, identity: OWNER_IDENTITY };
    const waiting = [few.ask(ask), few.ask(ask)];
    expect(await few.ask(ask)).toBeUndefined();
    expect(few.pending()).toHaveLength(2);
    few.dispose();
    expect(await Promise.all(waiting)).toEqual([undefined, undefined]);
    expect(few.decide('nope', true)).toBe(false);
  });

  it('asks the approve hook, and reports a refusal to the client as access_denied', async () => {
    const asked: string[] = [];
    const strict = createOidcHandler(issuer, {
      approve: async (ask) => {
        asked.push(ask.clientId);
        return undefined;
      },
    });
    const challenge = b64url(createHash('sha256').update('v'.repeat(43)).digest());
    const res = await strict.handle({
      method: 'GET',
      path: '/v1/authorize',
      headers: {},
      body: undefined,
      rawQuery: new URLSearchParams({
        response_type: 'code',
        client_id: 'databricks-cli',
        redirect_uri: 'http://localhost:8020',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: 's',
      }).toString(),
    });
    expect(asked).toEqual(['databricks-cli']);
    const back = new URL(res.headers.location ?? '');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('never redirects to a non-loopback address and requires PKCE', async () => {
    const evil = await fetch(
      `${origin}/oidc/v1/authorize?response_type=code&client_id=x&redirect_uri=${encodeURIComponent('https://evil.example/cb')}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
      { redirect: 'manual' },
    );
    expect(evil.status).toBe(400);
    const noPkce = await fetch(
      `${origin}/oidc/v1/authorize?response_type=code&client_id=x&redirect_uri=${encodeURIComponent('http://127.0.0.1:8021')}`,
      { redirect: 'manual' },
    );
    expect(noPkce.status).toBe(302);
    expect(new URL(noPkce.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_request');
  });
});
