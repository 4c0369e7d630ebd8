import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudOk } from '../cloudError';
import { fakeBrowser, startTestWorkspace, type TestWorkspace } from '../testing/testWorkspace';
import { startScriptedServer } from '../testing/scriptedServer';
import { callbackPorts, startLoopbackCallback } from './loopbackCallback';
import type { OAuthTokens } from './oauthEndpoints';
import { OAuthTokenProvider } from './oauthTokenProvider';
import { pkceChallenge } from './pkce';
import { signInWithBrowser } from './signInWithBrowser';

let issuer: TestWorkspace;
beforeEach(async () => {
  issuer = await startTestWorkspace();
});
afterEach(async () => {
  await issuer.close();
});

// Port 0: the OS picks a free port, so parallel test runs never collide on 8020–8040.
const EPHEMERAL = [0];

describe('signInWithBrowser', () => {
  it('signs in with PKCE S256 over a loopback redirect and returns tokens', async () => {
    let opened = '';
    const r = await signInWithBrowser({ host: issuer.url, ports: EPHEMERAL, openBrowser: (url) => ((opened = url), fakeBrowser(url)) });
    expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
    if (!r.ok) return;
    expect(issuer.liveAccessTokens.has(r.value.accessToken)).toBe(true);
    expect(r.value.refreshToken && issuer.liveRefreshTokens.has(r.value.refreshToken)).toBe(true);
    expect(r.value.expiresAt).toBeGreaterThan(Date.now() + 3500_000);

    const q = issuer.authorizeRequests[0]!;
    expect(opened.startsWith(`${issuer.url}/oidc/v1/authorize?`)).toBe(true);
    expect(q.get('client_id')).toBe('databricks-cli');
    expect(q.get('scope')).toBe('all-apis offline_access');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+$/);
    const exchange = issuer.tokenRequests[0]!;
    expect(pkceChallenge(exchange.get('code_verifier')!)).toBe(q.get('code_challenge'));
    expect(exchange.get('redirect_uri')).toBe(q.get('redirect_uri'));
  });

  it('ignores a callback with a foreign state and still completes with the right one', async () => {
    const r = await signInWithBrowser({
      host: issuer.url,
      ports: EPHEMERAL,
      openBrowser: async (url) => {
        const redirectUri = new URL(url).searchParams.get('redirect_uri')!;
        const forged = await fetch(`${redirectUri}/?code=evil&state=not-ours`);
        expect(forged.status).toBe(400);
        expect(await forged.text()).toContain('not the one Pier is waiting for');
        await fakeBrowser(url);
      },
    });
    expect(r.ok).toBe(true);
    expect(issuer.tokenRequests.map((f) => f.get('code'))).not.toContain('evil');
  });

  it('a browser that cannot be opened is an error value, and the port is freed', async () => {
    let redirect = '';
    const r = await signInWithBrowser({
      host: issuer.url,
      ports: EPHEMERAL,
      openBrowser: (url) => {
        redirect = new URL(url).searchParams.get('redirect_uri')!;
        return Promise.reject(new Error('xdg-open: not found'));
      },
    });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'CLOUD_AUTH_FAILED',
        message: expect.stringContaining('could not open your browser for the sign-in (xdg-open: not found)'),
      },
    });
    await expect(fetch(`${redirect.replace('localhost', '127.0.0.1')}/?code=x&state=y`)).rejects.toThrow();
  });

  it('reports a declined consent', async () => {
    issuer.denyNext = true;
    const r = await signInWithBrowser({ host: issuer.url, ports: EPHEMERAL, openBrowser: fakeBrowser });
    expect(r).toMatchObject({ ok: false, error: { code: 'CLOUD_AUTH_FAILED', details: { error_code: 'access_denied' } } });
    if (!r.ok) expect(r.error.message).toMatch(/declined in the browser.*Start it again/);
  });

  it('gives up when the browser never comes back, and frees the port', async () => {
    let port = 0;
    const r = await signInWithBrowser({
      host: issuer.url,
      ports: EPHEMERAL,
      timeoutMs: 100,
      openBrowser: (url) => void (port = Number(new URL(new URL(url).searchParams.get('redirect_uri')!).port)),
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'CLOUD_TIMEOUT' } });
    await expect(fetch(`http://127.0.0.1:${port}/?code=x&state=y`)).rejects.toThrow();
  });

  it('a host without Databricks sign-in is called the wrong host', async () => {
    const plain = await startScriptedServer(() => ({ status: 404, body: '<html>nope</html>', headers: { 'content-type': 'text/html' } }));
    try {
      const r = await signInWithBrowser({ host: plain.url, ports: EPHEMERAL, openBrowser: fakeBrowser });
      expect(r).toMatchObject({ ok: false, error: { code: 'CLOUD_WRONG_HOST' } });
      if (!r.ok) expect(r.error.message).toMatch(/does not offer Databricks sign-in.*Check the workspace URL/);
    } finally {
      await plain.close();
    }
  });

  it('a host that is down is a network problem', async () => {
    const gone = await startScriptedServer(() => ({ status: 200 }));
    await gone.close();
    const r = await signInWithBrowser({ host: gone.url, ports: EPHEMERAL, openBrowser: fakeBrowser });
    expect(r).toMatchObject({ ok: false, error: { code: 'CLOUD_NETWORK' } });
  });
});

describe('loopback callback ports', () => {
  it('uses 8020–8040 unless DATABRICKS_OAUTH_CALLBACK_PORT says otherwise', () => {
    expect(callbackPorts({})).toEqual(Array.from({ length: 21 }, (_, i) => 8020 + i));
    expect(callbackPorts({ DATABRICKS_OAUTH_CALLBACK_PORT: '9111' })).toEqual([9111]);
  });

  it('falls back to the next free port, and says so clearly when none is free', async () => {
    const blocker = http.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const cb = await startLoopbackCallback([taken, 0]);
      expect(cb.ok).toBe(true);
      if (cb.ok) {
        expect(cb.value.port).not.toBe(taken);
        await cb.value.close();
      }
      const none = await startLoopbackCallback([taken]);
      expect(none).toMatchObject({ ok: false, error: { code: 'CLOUD_AUTH_FAILED' } });
      if (!none.ok) expect(none.error.message).toContain(`port ${taken}`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('OAuthTokenProvider', () => {
  async function signedIn(): Promise<OAuthTokens> {
    const r = await signInWithBrowser({ host: issuer.url, ports: EPHEMERAL, openBrowser: fakeBrowser });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  }

  it('uses the access token while more than 5 minutes remain', async () => {
    const tokens = await signedIn();
    const provider = new OAuthTokenProvider({ host: issuer.url, tokens, onTokens: () => Promise.resolve(cloudOk(undefined)) });
    expect(await provider.getToken()).toEqual({ ok: true, value: tokens.accessToken });
    expect(issuer.tokenRequests).toHaveLength(1);
  });

  it('refreshes once when under 5 minutes remain, storing the rotated refresh token', async () => {
    issuer.accessTokenSeconds = 240;
    const tokens = await signedIn();
    const stored: OAuthTokens[] = [];
    const provider = new OAuthTokenProvider({
      host: issuer.url,
      tokens,
      onTokens: (t) => (stored.push(t), Promise.resolve(cloudOk(undefined))),
    });
    issuer.accessTokenSeconds = 3600;
    const [a, b] = await Promise.all([provider.getToken(), provider.getToken()]);
    expect(a).toEqual(b);
    expect(a.ok && a.value).not.toBe(tokens.accessToken);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.refreshToken).not.toBe(tokens.refreshToken);
    // The old refresh token is spent; the stored one is live.
    expect(issuer.liveRefreshTokens.has(tokens.refreshToken!)).toBe(false);
    expect(issuer.liveRefreshTokens.has(stored[0]!.refreshToken!)).toBe(true);
    expect(await provider.getToken()).toEqual(a);
  });

  it('a revoked refresh token asks the user to sign in again', async () => {
    const tokens = await signedIn();
    issuer.liveRefreshTokens.clear();
    const provider = new OAuthTokenProvider({ host: issuer.url, tokens, onTokens: () => Promise.resolve(cloudOk(undefined)) });
    expect(provider.invalidate()).toBe(true);
    const r = await provider.getToken();
    expect(r).toMatchObject({ ok: false, error: { code: 'CLOUD_SIGN_IN_REQUIRED' } });
    if (!r.ok) expect(r.error.message).toMatch(/expired or was revoked \(Refresh token is invalid\)\. Sign in again\./);
  });
});
