import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUiSession } from './uiLink';
import { startPierServer, type PierServer } from './pierServer';

/**
 * Local sign-in through Pier's own server: /oidc/v1/authorize answers only after the user decided
 * over the RPC (what the UI's dialog calls), and the ready file's tokens do what they are for.
 */

const uiDir = path.join(os.tmpdir(), 'pier-itest-ui');
let dataDir: string;
let server: PierServer;

async function rpc(channel: string, input: unknown) {
  const res = await fetch(`${server.origin}/rpc/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: await openUiSession(server.readyInfo()) },
    body: JSON.stringify(input),
  });
  return (await res.json()) as { ok: boolean; value?: any; error?: any };
}

const REDIRECT = 'http://127.0.0.1:8765/callback';

/** Starts an authorization request as a scripted client would; it waits for the user. */
function authorize() {
  const verifier = randomBytes(48).toString('base64url');
  const url = new URL(`${server.origin}/oidc/v1/authorize`);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: 'scripted-client',
    redirect_uri: REDIRECT,
    scope: 'all-apis offline_access',
    state: 'st-1',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }))
    url.searchParams.set(k, v);
  let answered = false;
  const response = fetch(url, { redirect: 'manual' }).then((r) => {
    answered = true;
    return new URL(r.headers.get('location') ?? '');
  });
  return { verifier, response, answered: () => answered };
}

async function waitingRequest(): Promise<{ id: string; clientId: string; redirectUri: string; identity: string }> {
  for (let i = 0; i < 100; i++) {
    const [first] = (await rpc('signIn.pending', {})).value.requests;
    if (first) return first;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('No sign-in request is waiting.');
}

const exchange = (code: string, verifier: string) =>
  fetch(`${server.origin}/oidc/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
      client_id: 'scripted-client',
    }),
  });

beforeAll(async () => {
  await mkdir(uiDir, { recursive: true });
  await writeFile(path.join(uiDir, 'index.html'), '<!doctype html><title>Pier</title>');
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-signin-'));
  server = await startPierServer({ mode: 'browser', port: 0, dataDir, uiDir });
});

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('local sign-in asks the user', () => {
  it('gives no code to a request the user has not approved, and none once denied', async () => {
    const flow = authorize();
    const shown = await waitingRequest();
    expect(shown).toMatchObject({ clientId: 'scripted-client', redirectUri: REDIRECT, identity: 'owner@pier.local' });
    await new Promise((r) => setTimeout(r, 300));
    expect(flow.answered()).toBe(false);
    expect((await rpc('signIn.decide', { id: shown.id, approve: false })).value).toEqual({ decided: true });
    const back = await flow.response;
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('code')).toBeNull();
    expect((await rpc('signIn.pending', {})).value.requests).toEqual([]);
    expect((await rpc('signIn.decide', { id: shown.id, approve: true })).value).toEqual({ decided: false });
  });

  it('issues a code once approved over the RPC; the token endpoint checks PKCE; the token manages projects', async () => {
    const flow = authorize();
    const shown = await waitingRequest();
    expect((await rpc('signIn.decide', { id: shown.id, approve: true })).value).toEqual({ decided: true });
    const back = await flow.response;
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-1');
    const code = back.searchParams.get('code') ?? '';
    expect(code).not.toBe('');
    const tokens = (await (await exchange(code, flow.verifier)).json()) as { access_token: string };
    const projects = await fetch(`${server.origin}/api/2.0/postgres/projects`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(((await projects.json()) as { projects: { project_id: string }[] }).projects.map((p) => p.project_id)).toEqual(['local']);

    const again = authorize();
    await rpc('signIn.decide', { id: (await waitingRequest()).id, approve: true });
    const wrong = await exchange((await again.response).searchParams.get('code') ?? '', randomBytes(48).toString('base64url'));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a decision without the session key', async () => {
    const res = await fetch(`${server.origin}/rpc/signIn.decide`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'x', approve: true }),
    });
    expect(res.status).toBe(401);
  });
});

describe("the ready file's tokens do what they are for", () => {
  it('the owner token manages; the Data API identity reads its rows but administers nothing', async () => {
    const { tokens, managementApi, dataApi } = server.readyInfo();
    const as = (token: string | undefined) => ({ authorization: `Bearer ${token ?? ''}` });
    const owned = await fetch(`${managementApi}/projects/local/branches/production/roles`, { headers: as(tokens.owner) });
    expect(owned.status).toBe(200);

    const user = tokens['user@example.com'];
    const rows = await fetch(`${dataApi}/clients?select=id`, { headers: as(user) });
    expect(rows.status).toBe(200);
    const escalate = await fetch(`${managementApi}/projects/local/branches/production/roles/user-example-com?update_mask=spec.attributes`, {
      method: 'PATCH',
      headers: { ...as(user), 'content-type': 'application/json' },
      body: JSON.stringify({ spec: { attributes: { bypassrls: true } } }),
    });
    expect(escalate.status).toBe(403);
    expect(await escalate.json()).toMatchObject({ error_code: 'PERMISSION_DENIED' });
    const credential = await fetch(`${managementApi}/credentials`, {
      method: 'POST',
      headers: as(user),
      body: JSON.stringify({ endpoint: 'projects/local/branches/production/endpoints/primary' }),
    });
    expect(credential.status).toBe(403);
    const grants = await fetch(`${server.origin}/api/2.0/permissions/database-projects/local`, { headers: as(tokens.owner) });
    expect(grants.status).toBe(200);
  });
});
