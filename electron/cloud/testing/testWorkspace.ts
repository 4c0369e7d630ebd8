/**
 * A minimal stand-in for a Databricks workspace's sign-in, on loopback: its OAuth server
 * (`/oidc/.well-known/oauth-authorization-server`, `/oidc/v1/authorize`, `/oidc/v1/token`; PKCE
 * S256 checked, refresh tokens rotated and revocable) and a bearer-checked
 * `GET /api/2.0/postgres/projects`. A test peer for the sign-in and workspace code.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestWorkspace {
  readonly url: string;
  /** Authorize requests as received (to check PKCE and redirect parameters). */
  readonly authorizeRequests: URLSearchParams[];
  readonly tokenRequests: URLSearchParams[];
  /** Lifetime of issued access tokens. */
  accessTokenSeconds: number;
  /** The user declines consent on the next authorize. */
  denyNext: boolean;
  /** Refresh tokens still valid. */
  readonly liveRefreshTokens: Set<string>;
  readonly liveAccessTokens: Set<string>;
  /** Personal access tokens the workspace accepts. */
  readonly validPats: Set<string>;
  close(): Promise<void>;
}

export async function startTestWorkspace(): Promise<TestWorkspace> {
  const codes = new Map<string, { challenge: string; redirectUri: string; clientId: string }>();
  const issuer: Omit<TestWorkspace, 'url' | 'close'> = {
    authorizeRequests: [],
    tokenRequests: [],
    accessTokenSeconds: 3600,
    denyNext: false,
    liveRefreshTokens: new Set(),
    liveAccessTokens: new Set(),
    validPats: new Set(),
  };
  const json = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const issue = (res: http.ServerResponse): void => {
    const access = `at-${randomBytes(8).toString('hex')}`;
    const refresh = `rt-${randomBytes(8).toString('hex')}`;
    issuer.liveAccessTokens.add(access);
    issuer.liveRefreshTokens.add(refresh);
    json(res, 200, {
      access_token: access,
      refresh_token: refresh,
      token_type: 'Bearer',
      expires_in: issuer.accessTokenSeconds,
      scope: 'all-apis offline_access',
    });
  };
  let base = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    if (url.pathname === '/oidc/.well-known/oauth-authorization-server') {
      json(res, 200, {
        issuer: `${base}/oidc`,
        authorization_endpoint: `${base}/oidc/v1/authorize`,
        token_endpoint: `${base}/oidc/v1/token`,
        code_challenge_methods_supported: ['S256'],
      });
      return;
    }
    if (url.pathname === '/oidc/v1/authorize') {
      const q = url.searchParams;
      issuer.authorizeRequests.push(q);
      const redirect = new URL(q.get('redirect_uri') ?? 'http://invalid');
      redirect.searchParams.set('state', q.get('state') ?? '');
      if (issuer.denyNext) {
        issuer.denyNext = false;
        redirect.searchParams.set('error', 'access_denied');
        redirect.searchParams.set('error_description', 'The user denied access');
      } else if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
        redirect.searchParams.set('error', 'invalid_request');
        redirect.searchParams.set('error_description', 'PKCE S256 required');
      } else {
        const code = randomBytes(8).toString('hex');
        codes.set(code, {
          challenge: q.get('code_challenge') ?? '',
          redirectUri: q.get('redirect_uri') ?? '',
          clientId: q.get('client_id') ?? '',
        });
        redirect.searchParams.set('code', code);
      }
      res.writeHead(302, { location: redirect.toString() }).end();
      return;
    }
    if (url.pathname === '/oidc/v1/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        issuer.tokenRequests.push(form);
        if (form.get('grant_type') === 'authorization_code') {
          const code = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          const ok =
            code &&
            code.redirectUri === form.get('redirect_uri') &&
            code.clientId === form.get('client_id') &&
            createHash('sha256').update(verifier).digest('base64url') === code.challenge;
          if (!ok) return json(res, 400, { error: 'invalid_grant', error_description: 'Authorization code or PKCE verifier is invalid' });
          return issue(res);
        }
        if (form.get('grant_type') === 'refresh_token') {
          const rt = form.get('refresh_token') ?? '';
          if (!issuer.liveRefreshTokens.delete(rt))
            return json(res, 400, { error: 'invalid_grant', error_description: 'Refresh token is invalid' });
          return issue(res);
        }
        json(res, 400, { error: 'unsupported_grant_type', error_description: 'unsupported grant type' });
      });
      return;
    }
    if (url.pathname === '/api/2.0/postgres/projects' && req.method === 'GET') {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!issuer.liveAccessTokens.has(token) && !issuer.validPats.has(token))
        return json(res, 401, { error_code: 'UNAUTHENTICATED', message: 'Invalid access token.' });
      return json(res, 200, { projects: [] });
    }
    json(res, 404, { error_code: 'NOT_FOUND', message: 'no such path' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(issuer, {
    url: base,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** Plays the system browser: follows the authorize redirect to the loopback callback. */
export async function fakeBrowser(url: string): Promise<void> {
  const res = await fetch(url, { redirect: 'follow' });
  await res.text();
}
