/**
 * OAuth U2M sign-in (authorization code + PKCE S256) as the Databricks CLI does it: discover the
 * workspace's OAuth server, open the system browser on its authorize page with a loopback
 * redirect, take the code from the callback (state checked), exchange it for tokens.
 */
import { cloudFail, type CloudResult } from '../cloudError';
import { startLoopbackCallback, callbackPorts } from './loopbackCallback';
import { DATABRICKS_CLI_CLIENT_ID, DEFAULT_SCOPES, discoverOAuthServer, requestTokens, type OAuthTokens } from './oauthEndpoints';
import { createOAuthState, createPkcePair } from './pkce';

export interface BrowserSignInOptions {
  /** Workspace origin, e.g. `https://x.cloud.databricks.com` (see `normalizeWorkspaceHost`). */
  readonly host: string;
  /** Opens the URL in the system browser (Electron `shell.openExternal`; in browser mode, handed to the UI). */
  readonly openBrowser: (url: string) => Promise<void> | void;
  readonly clientId?: string;
  readonly scopes?: string;
  readonly ports?: readonly number[];
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export async function signInWithBrowser(options: BrowserSignInOptions): Promise<CloudResult<OAuthTokens>> {
  const server = await discoverOAuthServer(options.host, options.signal);
  if (!server.ok) return server;
  const listener = await startLoopbackCallback(options.ports ?? callbackPorts());
  if (!listener.ok) return listener;
  const callback = listener.value;
  try {
    const pkce = createPkcePair();
    const state = createOAuthState();
    const clientId = options.clientId ?? DATABRICKS_CLI_CLIENT_ID;
    const authorize = new URL(server.value.authorizationEndpoint);
    authorize.searchParams.set('response_type', 'code');
    authorize.searchParams.set('client_id', clientId);
    authorize.searchParams.set('redirect_uri', callback.redirectUri);
    authorize.searchParams.set('scope', options.scopes ?? DEFAULT_SCOPES);
    authorize.searchParams.set('state', state);
    authorize.searchParams.set('code_challenge', pkce.challenge);
    authorize.searchParams.set('code_challenge_method', 'S256');
    const waiting = callback.waitForCode({
      state,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    try {
      await options.openBrowser(authorize.toString());
    } catch (err) {
      return cloudFail(
        'CLOUD_AUTH_FAILED',
        `Pier could not open your browser for the sign-in (${(err as Error).message}). Set a default browser, or use a personal access token instead.`,
      );
    }
    const code = await waiting;
    if (!code.ok) return code;
    return await requestTokens(
      server.value.tokenEndpoint,
      {
        grant_type: 'authorization_code',
        code: code.value,
        redirect_uri: callback.redirectUri,
        client_id: clientId,
        code_verifier: pkce.verifier,
      },
      options.signal,
    );
  } finally {
    await callback.close();
  }
}
