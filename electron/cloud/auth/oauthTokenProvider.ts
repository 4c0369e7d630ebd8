/**
 * Bearer tokens from an OAuth sign-in: hands out the access token, refreshes it when under five
 * minutes remain (one refresh at a time, however many callers), and reports each new token set so
 * the caller can store the rotated refresh token. A revoked refresh token means "sign in again".
 */
import { cloudFail, cloudOk, type CloudResult } from '../cloudError';
import type { IAuthProvider } from './authProvider';
import { DATABRICKS_CLI_CLIENT_ID, discoverOAuthServer, requestTokens, type OAuthTokens } from './oauthEndpoints';

export const REFRESH_WHEN_LEFT_MS = 5 * 60_000;

export interface OAuthTokenProviderOptions {
  readonly host: string;
  readonly tokens: OAuthTokens;
  /** Called with every refreshed token set before it is used; persist it (rotating refresh tokens). */
  readonly onTokens: (tokens: OAuthTokens) => Promise<CloudResult<void>>;
  readonly clientId?: string;
  readonly now?: () => number;
}

export class OAuthTokenProvider implements IAuthProvider {
  readonly label = 'OAuth sign-in';
  private tokens: OAuthTokens;
  private refreshing: Promise<CloudResult<string>> | undefined;
  private tokenEndpoint: string | undefined;
  private readonly now: () => number;

  constructor(private readonly options: OAuthTokenProviderOptions) {
    this.tokens = options.tokens;
    this.now = options.now ?? Date.now;
  }

  getToken(): Promise<CloudResult<string>> {
    if (this.tokens.expiresAt - this.now() > REFRESH_WHEN_LEFT_MS) return Promise.resolve(cloudOk(this.tokens.accessToken));
    // Shared by every caller waiting for it, so no one caller's cancellation may end it (it has its own timeout).
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  invalidate(): boolean {
    if (this.tokens.refreshToken === undefined) return false;
    this.tokens = { ...this.tokens, expiresAt: 0 };
    return true;
  }

  private async refresh(): Promise<CloudResult<string>> {
    const host = new URL(this.options.host).host;
    const refreshToken = this.tokens.refreshToken;
    if (refreshToken === undefined) {
      return cloudFail(
        'CLOUD_SIGN_IN_REQUIRED',
        `Your sign-in to ${host} has expired and cannot be renewed (no refresh token was granted). Sign in again.`,
      );
    }
    if (this.tokenEndpoint === undefined) {
      const server = await discoverOAuthServer(this.options.host);
      if (!server.ok) return server;
      this.tokenEndpoint = server.value.tokenEndpoint;
    }
    const res = await requestTokens(this.tokenEndpoint, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: this.options.clientId ?? DATABRICKS_CLI_CLIENT_ID,
    });
    if (!res.ok) return res;
    // Servers that do not rotate send no new refresh token: keep the one we have.
    const next: OAuthTokens = { ...res.value, refreshToken: res.value.refreshToken ?? refreshToken };
    // Use the new set even if saving fails: with rotation the old refresh token is already spent.
    this.tokens = next;
    const saved = await this.options.onTokens(next);
    if (!saved.ok) return saved;
    return cloudOk(next.accessToken);
  }
}
