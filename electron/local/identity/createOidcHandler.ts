import { createHash, randomBytes } from 'node:crypto';
import type { LocalIssuer } from './localIssuer';

/** Same shape as the management API's handler, mounted at `/oidc`. */
export interface OidcRequest {
  readonly method: string;
  /** Path after `/oidc`, e.g. `/v1/token`. */
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Raw body (string or bytes) or an already parsed form object. */
  readonly body: unknown;
  /** Base URL the request reached (`http://127.0.0.1:7420`); discovery answers with it. */
  readonly origin?: string;
}

export interface OidcResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface OidcHandler {
  handle(request: OidcRequest): Promise<OidcResponse>;
}

/** What an authorization request asks for, for a consent decision. */
export interface AuthorizationAsk {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope: string;
  /** The identity the client asked for (`login_hint`), already checked to be a local identity. */
  readonly loginHint: string | undefined;
  /** Who would be signed in: the hinted identity, else the workspace owner. */
  readonly identity: string;
}

export interface OidcHandlerOptions {
  /**
   * Decides an authorization request: the identity to sign in, or undefined to refuse — in Pier,
   * the user's answer in the UI (`SignInRequests.ask`). Without it every authorization request is
   * refused: any local process can reach 127.0.0.1, so merely asking never earns a token.
   */
  readonly approve?: (ask: AuthorizationAsk) => Promise<string | undefined>;
}

const ACCESS_TTL_SECONDS = 3600;
const CODE_TTL_MS = 60_000;
const REFRESH_TTL_MS = 30 * 86400_000;

interface PendingCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly subject: string;
  readonly scope: string;
  readonly expires: number;
}

interface RefreshGrant {
  readonly clientId: string;
  readonly subject: string;
  readonly scope: string;
  readonly expires: number;
  /** Tokens of one login share a family; replaying a rotated token revokes the family. */
  readonly family: string;
  used: boolean;
}

/**
 * The OAuth endpoints a Databricks workspace has, for local identities: discovery, authorize
 * (PKCE S256, loopback redirects only), token (authorization_code, refresh_token with rotation,
 * client_credentials). A code is issued only when `options.approve` says so (see there). Codes and refresh
 * tokens live in memory: after a restart, clients sign in again.
 */
export function createOidcHandler(issuer: LocalIssuer, options: OidcHandlerOptions = {}): OidcHandler {
  const codes = new Map<string, PendingCode>();
  const refreshTokens = new Map<string, RefreshGrant>();

  const issueTokens = async (subject: string, clientId: string, scope: string, family?: string) => {
    const body: Record<string, unknown> = {
      access_token: await issuer.mintToken(subject, { ttlSeconds: ACCESS_TTL_SECONDS, scope }),
      token_type: 'Bearer',
      expires_in: ACCESS_TTL_SECONDS,
      scope,
    };
    if (scope.split(' ').includes('offline_access')) {
      const token = randomBytes(32).toString('base64url');
      refreshTokens.set(token, {
        clientId,
        subject,
        scope,
        expires: Date.now() + REFRESH_TTL_MS,
        family: family ?? randomBytes(8).toString('hex'),
        used: false,
      });
      body.refresh_token = token;
    }
    return json(200, body);
  };

  return {
    async handle(request) {
      const method = request.method.toUpperCase();
      const path = request.path.replace(/\/+$/, '');
      // The server's port is only known once it listens, so discovery follows the request.
      const base = request.origin ? `${request.origin}/oidc` : issuer.issuerUrl;
      if (method === 'GET' && (path === '/.well-known/oauth-authorization-server' || path === '/.well-known/openid-configuration')) {
        return json(200, {
          issuer: base,
          authorization_endpoint: `${base}/v1/authorize`,
          token_endpoint: `${base}/v1/token`,
          jwks_uri: `${base}/v1/keys`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
          scopes_supported: ['all-apis', 'offline_access', 'openid', 'email', 'profile'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['ES256'],
        });
      }
      if (method === 'GET' && path === '/v1/keys') return json(200, issuer.publicJwks());
      if (method === 'GET' && path === '/v1/authorize') return await authorize(new URLSearchParams(request.rawQuery));
      if (method === 'POST' && path === '/v1/token') return token(formOf(request.body), request.headers.authorization);
      return json(404, { error: 'not_found', error_description: `No OIDC endpoint ${method} /oidc${request.path}.` });
    },
  };

  async function authorize(q: URLSearchParams): Promise<OidcResponse> {
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!isLoopbackRedirect(redirectUri)) {
      // Never redirect to an address we cannot vouch for: answer here instead.
      return json(400, {
        error: 'invalid_request',
        error_description: 'redirect_uri must be an http://localhost or http://127.0.0.1 address (a loopback redirect).',
      });
    }
    const back = (params: Record<string, string>) => {
      const url = new URL(redirectUri);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      const state = q.get('state');
      if (state !== null) url.searchParams.set('state', state);
      return { status: 302, headers: { location: url.toString(), 'cache-control': 'no-store' }, body: '' };
    };
    const fail = (error: string, description: string) => back({ error, error_description: description });
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');
    const clientId = q.get('client_id') ?? '';
    if (!clientId) return fail('invalid_request', 'client_id is required.');
    const challenge = q.get('code_challenge') ?? '';
    if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43,128}$/.test(challenge)) {
      return fail('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256.');
    }
    const hint = q.get('login_hint') ?? undefined;
    if (hint && !issuer.hasIdentity(hint)) return fail('access_denied', `"${hint}" is not a local identity of this Pier.`);
    const scope = q.get('scope') || 'all-apis';
    const identity = hint ?? issuer.owner;
    const subject = options.approve ? await options.approve({ clientId, redirectUri, scope, loginHint: hint, identity }) : undefined;
    if (!subject || !issuer.hasIdentity(subject)) return fail('access_denied', 'The sign-in was not approved in Pier.');
    const code = randomBytes(24).toString('base64url');
    codes.set(code, { clientId, redirectUri, challenge, subject, scope, expires: Date.now() + CODE_TTL_MS });
    return back({ code });
  }

  async function token(form: URLSearchParams, authorization: string | string[] | undefined): Promise<OidcResponse> {
    const grant = form.get('grant_type');
    switch (grant) {
      case 'authorization_code': {
        const code = form.get('code') ?? '';
        const pending = codes.get(code);
        codes.delete(code); // single use, even when the exchange fails
        if (!pending || pending.expires < Date.now())
          return oauthError(400, 'invalid_grant', 'The authorization code is invalid or expired; sign in again.');
        if (form.get('redirect_uri') !== pending.redirectUri)
          return oauthError(400, 'invalid_grant', 'redirect_uri does not match the authorization request.');
        if ((form.get('client_id') ?? basicCredentials(authorization)?.id) !== pending.clientId)
          return oauthError(400, 'invalid_grant', 'client_id does not match the authorization request.');
        const verifier = form.get('code_verifier') ?? '';
        if (createHash('sha256').update(verifier).digest('base64url') !== pending.challenge) {
          return oauthError(400, 'invalid_grant', 'code_verifier does not match the code_challenge (PKCE).');
        }
        return issueTokens(pending.subject, pending.clientId, pending.scope);
      }
      case 'refresh_token': {
        const presented = form.get('refresh_token') ?? '';
        const grantRecord = refreshTokens.get(presented);
        if (!grantRecord || grantRecord.expires < Date.now() || grantRecord.used) {
          if (grantRecord?.used) {
            // A rotated token came back: assume it leaked and end the whole login.
            for (const [t, g] of refreshTokens) if (g.family === grantRecord.family) refreshTokens.delete(t);
          }
          return oauthError(400, 'invalid_grant', 'Refresh token is invalid');
        }
        grantRecord.used = true;
        return issueTokens(grantRecord.subject, grantRecord.clientId, form.get('scope') || grantRecord.scope, grantRecord.family);
      }
      case 'client_credentials': {
        const basic = basicCredentials(authorization);
        const id = basic?.id ?? form.get('client_id') ?? '';
        const secret = basic?.secret ?? form.get('client_secret') ?? '';
        if (!id || !secret || !issuer.checkClientSecret(id, secret))
          return oauthError(401, 'invalid_client', 'Unknown client or wrong client secret.');
        return issueTokens(id, id, form.get('scope') || 'all-apis');
      }
      default:
        return oauthError(
          400,
          'unsupported_grant_type',
          `grant_type must be authorization_code, refresh_token or client_credentials, got '${grant ?? ''}'.`,
        );
    }
  }
}

function isLoopbackRedirect(uri: string): boolean {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}

function basicCredentials(header: string | string[] | undefined): { id: string; secret: string } | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const m = value ? /^Basic\s+(\S+)$/i.exec(value) : null;
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? undefined : { id: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) };
}

function formOf(body: unknown): URLSearchParams {
  if (typeof body === 'string') return new URLSearchParams(body);
  if (body instanceof Uint8Array) return new URLSearchParams(Buffer.from(body).toString('utf8'));
  if (body && typeof body === 'object') {
    const out = new URLSearchParams();
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (typeof v === 'string') out.set(k, v);
    return out;
  }
  return new URLSearchParams();
}

function json(status: number, value: unknown): OidcResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(value),
  };
}

const oauthError = (status: number, error: string, description: string) => json(status, { error, error_description: description });
