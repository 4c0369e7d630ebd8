/**
 * The workspace's OAuth server (reference §11): discovery, code exchange, refresh.
 * Public client `databricks-cli`, no secret; the client id travels in the form.
 */
import { cloudFail, cloudOk, type CloudError, type CloudResult } from '../cloudError';
import { parseApiError } from '../parseApiError';
import { outboundFetch } from '../../platform/outboundFetch';

export const DATABRICKS_CLI_CLIENT_ID = 'databricks-cli';
export const DEFAULT_SCOPES = 'all-apis offline_access';

export interface OAuthServer {
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
}

/** What the token endpoint gave us, with the expiry made absolute. */
export interface OAuthTokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  readonly tokenType: string;
}

const TIMEOUT_MS = 30_000;

function networkFailure(host: string, what: string, err: unknown): { ok: false; error: CloudError } {
  const cause = (err as { cause?: { code?: string } }).cause?.code ?? '';
  if (cause === 'ENOTFOUND')
    return cloudFail('CLOUD_WRONG_HOST', `Cannot find ${host} (DNS lookup failed). Check the workspace URL.`, { error_code: cause });
  if ((err as Error).name === 'TimeoutError')
    return cloudFail('CLOUD_TIMEOUT', `${host} did not answer the ${what} in time. Check your network connection and try again.`);
  return cloudFail(
    'CLOUD_NETWORK',
    `Cannot reach ${host} for the ${what}: ${cause || (err as Error).message}. Check your network connection (and VPN or proxy), then try again.`,
    {
      ...(cause ? { error_code: cause } : {}),
    },
  );
}

/** `GET {host}/oidc/.well-known/oauth-authorization-server`. */
export async function discoverOAuthServer(host: string, signal?: AbortSignal): Promise<CloudResult<OAuthServer>> {
  const hostName = new URL(host).host;
  const url = `${host}/oidc/.well-known/oauth-authorization-server`;
  let res: Response;
  try {
    res = await outboundFetch(url, {
      headers: { Accept: 'application/json' },
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]) : AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'manual',
    });
  } catch (err) {
    return networkFailure(hostName, 'sign-in discovery', err);
  }
  const text = await res.text().catch(() => '');
  const wrongHost = cloudFail(
    'CLOUD_WRONG_HOST',
    `${hostName} does not offer Databricks sign-in (no OAuth server at /oidc/.well-known/oauth-authorization-server, HTTP ${res.status}). Check the workspace URL: it should look like https://<workspace>.cloud.databricks.com.`,
    { http_status: res.status },
  );
  if (!res.ok) return wrongHost;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return wrongHost;
  }
  const d = doc as { authorization_endpoint?: unknown; token_endpoint?: unknown };
  if (typeof d.authorization_endpoint !== 'string' || typeof d.token_endpoint !== 'string') return wrongHost;
  // A discovery document that sends the code or the verifier elsewhere is not to be trusted.
  for (const endpoint of [d.authorization_endpoint, d.token_endpoint]) {
    let u: URL;
    try {
      u = new URL(endpoint);
    } catch {
      return wrongHost;
    }
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && new URL(host).protocol === 'http:')) return wrongHost;
  }
  return cloudOk({ authorizationEndpoint: d.authorization_endpoint, tokenEndpoint: d.token_endpoint });
}

/** POSTs a form to the token endpoint; maps OAuth errors to causes a person can act on. */
export async function requestTokens(
  tokenEndpoint: string,
  form: Record<string, string>,
  signal?: AbortSignal,
): Promise<CloudResult<OAuthTokens>> {
  const hostName = new URL(tokenEndpoint).host;
  let res: Response;
  try {
    res = await outboundFetch(tokenEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]) : AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'manual',
    });
  } catch (err) {
    return networkFailure(hostName, 'token request', err);
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) {
    const parsed = parseApiError(res.status, text, res.headers.get('content-type'));
    let description = parsed.message;
    try {
      const body = JSON.parse(text) as { error?: string; error_description?: string };
      description = body.error_description ?? body.error ?? description;
    } catch {
      // not JSON: keep the parsed message
    }
    const details = { error_code: parsed.errorCode, http_status: res.status, server_message: description };
    const isRefresh = form.grant_type === 'refresh_token';
    if (parsed.errorCode === 'invalid_grant' || /refresh token is invalid/i.test(description)) {
      return cloudFail(
        'CLOUD_SIGN_IN_REQUIRED',
        isRefresh
          ? `Your sign-in to ${hostName} has expired or was revoked (${description}). Sign in again.`
          : `${hostName} refused the sign-in code (${description}). Start the sign-in again.`,
        details,
      );
    }
    return cloudFail(
      'CLOUD_AUTH_FAILED',
      `${hostName} refused the ${isRefresh ? 'token refresh' : 'sign-in'} (HTTP ${res.status}: ${description}). Sign in again; if it keeps failing, check the workspace URL.`,
      details,
    );
  }
  let body: { access_token?: unknown; refresh_token?: unknown; expires_in?: unknown; token_type?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return cloudFail(
      'CLOUD_BAD_RESPONSE',
      `${hostName} answered the token request with something that is not JSON. Check the workspace URL.`,
      { http_status: res.status },
    );
  }
  if (typeof body.access_token !== 'string' || body.access_token === '') {
    return cloudFail('CLOUD_BAD_RESPONSE', `${hostName} answered the token request without an access token. Sign in again.`, {
      http_status: res.status,
    });
  }
  const expiresIn =
    typeof body.expires_in === 'number' ? body.expires_in : typeof body.expires_in === 'string' ? Number(body.expires_in) : 3600;
  return cloudOk({
    accessToken: body.access_token,
    ...(typeof body.refresh_token === 'string' && body.refresh_token !== '' ? { refreshToken: body.refresh_token } : {}),
    expiresAt: Date.now() + (Number.isFinite(expiresIn) ? expiresIn : 3600) * 1000,
    tokenType: typeof body.token_type === 'string' ? body.token_type : 'Bearer',
  });
}
