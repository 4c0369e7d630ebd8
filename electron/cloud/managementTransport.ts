/**
 * One logical management-API call over fetch: auth header, request id, retries within a budget,
 * error bodies turned into CloudErrors. Knows nothing of resources; `ManagementClient` does.
 */
import { randomUUID } from 'node:crypto';
import type { IAuthProvider } from './auth/authProvider';
import { cloudFail, cloudOk, type CloudError, type CloudErrorCode, type CloudErrorDetails, type CloudResult } from './cloudError';
import { parseApiError, type ParsedApiError } from './parseApiError';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, parseRetryAfter, sleep, type RetryPolicy } from './retryPolicy';
import { outboundFetch } from '../platform/outboundFetch';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface CallSpec {
  readonly method: HttpMethod;
  /** Relative to the API base, e.g. `projects/p1/branches` (resource names go in unescaped); or absolute from the host when it starts with `/`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  /**
   * May the call be sent again after an attempt that may have reached the server (a dropped
   * response)? True for GET/PATCH/DELETE and creates that name their resource; false otherwise.
   * Calls the server refused outright (429, 503, connection refused) are always repeated.
   */
  readonly replaySafe: boolean;
  /** For messages: "create branch projects/p/branches/dev". */
  readonly what: string;
  readonly signal?: AbortSignal;
  /**
   * Called when the server refuses a call (4xx) after an earlier attempt may already have been
   * processed: e.g. ALREADY_EXISTS on a create whose first response was lost. It may turn the
   * refusal into the success the first attempt had (after checking), or return undefined.
   */
  readonly recoverAfterReplay?: (error: CloudError) => Promise<CloudResult<CallResponse> | undefined>;
}

export interface CallResponse {
  readonly status: number;
  readonly body: unknown;
  readonly requestId: string;
  /** An earlier attempt may have reached the server: a conflict may be our own first attempt. */
  readonly replayed: boolean;
}

export interface TransportOptions {
  /** API base ending in `/api/2.0/postgres` (a bare workspace host gets it appended). */
  readonly baseUrl: string;
  readonly auth: IAuthProvider;
  readonly retry?: Partial<RetryPolicy>;
  readonly userAgent?: string;
  /** Extra headers on every call (e.g. `X-Databricks-Workspace-Id`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly random?: () => number;
}

const API_SUFFIX = '/api/2.0/postgres';

/** Where the request plainly never reached the server, so repeating is safe for any call. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);
/** Mid-flight failures: may have been processed. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'UND_ERR_SOCKET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

interface NetworkFailure {
  readonly code: string;
  readonly retryable: boolean;
  readonly maybeSent: boolean;
  readonly description: string;
}

function describeNetworkError(err: unknown, timedOut: boolean): NetworkFailure {
  if (timedOut) return { code: 'TIMEOUT', retryable: true, maybeSent: true, description: 'no answer in time' };
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const code = cause?.code ?? (err as { code?: string } | undefined)?.code ?? 'UNKNOWN';
  const message = cause?.message ?? (err instanceof Error ? err.message : String(err));
  if (code === 'ENOTFOUND')
    return { code, retryable: false, maybeSent: false, description: 'the host name does not exist (DNS lookup failed)' };
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return { code, retryable: false, maybeSent: false, description: `its TLS certificate was refused (${message})` };
  }
  if (NOT_SENT_CODES.has(code))
    return { code, retryable: true, maybeSent: false, description: code === 'ECONNREFUSED' ? 'the connection was refused' : message };
  if (TRANSIENT_CODES.has(code)) return { code, retryable: true, maybeSent: true, description: 'the connection dropped' };
  return { code, retryable: true, maybeSent: true, description: message };
}

/** Normalizes what a user typed or the ready file gave into the API base URL. */
export function apiBaseUrl(hostOrBase: string): string {
  const trimmed = hostOrBase.trim().replace(/\/+$/, '');
  return trimmed.endsWith(API_SUFFIX) ? trimmed : trimmed + API_SUFFIX;
}

export class ManagementTransport {
  readonly baseUrl: string;
  readonly host: string;
  private readonly policy: RetryPolicy;
  private readonly random: () => number;

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = apiBaseUrl(options.baseUrl);
    this.host = new URL(this.baseUrl).host;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.random = options.random ?? Math.random;
  }

  private urlFor(call: CallSpec): string {
    // A leading slash addresses another API of the same workspace (e.g. SCIM `/api/2.0/preview/scim/v2/Me`).
    const url = call.path.startsWith('/') ? new URL(call.path, this.baseUrl) : new URL(`${this.baseUrl}/${call.path}`);
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  async call(call: CallSpec): Promise<CloudResult<CallResponse>> {
    const requestId = randomUUID();
    const started = Date.now();
    let replayed = false;
    let refreshedToken = false;
    for (let attempt = 1; ; attempt++) {
      if (call.signal?.aborted) return cloudFail('CLOUD_CANCELLED', `Cancelled: ${call.what}.`, { request_id: requestId });
      const token = await this.options.auth.getToken(call.signal);
      if (!token.ok) return token;
      const outcome = await this.attempt(call, token.value, requestId);
      let retryAfterMs: number | undefined;
      let lastError: CloudError;
      if (outcome.kind === 'response') {
        const { status } = outcome;
        if (status >= 200 && status < 300) return this.readSuccess(call, outcome, requestId, replayed);
        if (status >= 300 && status < 400) {
          // The API never redirects; a redirect means a login page, a proxy, or the wrong address.
          return cloudFail(
            'CLOUD_WRONG_HOST',
            `${this.host} redirected "${call.what}" to ${outcome.location ?? 'another address'} instead of answering. Check the workspace URL (and any proxy that requires signing in).`,
            { http_status: status, request_id: requestId },
          );
        }
        const parsed = parseApiError(status, outcome.text, outcome.contentType);
        lastError = this.httpError(call, status, parsed, requestId);
        if (status === 401 && !refreshedToken && this.options.auth.invalidate()) {
          // The token may have expired in flight; one fresh token, then give up.
          refreshedToken = true;
          continue;
        }
        if (status !== 429 && status !== 503) {
          if (replayed && status < 500 && call.recoverAfterReplay) {
            const recovered = await call.recoverAfterReplay(lastError);
            if (recovered) return recovered;
          }
          return { ok: false, error: lastError };
        }
        const headerDelay = parseRetryAfter(outcome.retryAfter);
        retryAfterMs = headerDelay ?? (parsed.retryDelaySeconds === undefined ? undefined : parsed.retryDelaySeconds * 1000);
      } else if (outcome.kind === 'network') {
        const f = outcome.failure;
        lastError = this.networkError(call, f, requestId);
        if (!f.retryable || (f.maybeSent && !call.replaySafe)) return { ok: false, error: lastError };
        if (f.maybeSent) replayed = true;
      } else {
        return cloudFail('CLOUD_CANCELLED', `Cancelled: ${call.what}.`, { request_id: requestId });
      }
      const delay = backoffDelayMs(this.policy, attempt, retryAfterMs, this.random);
      if (Date.now() - started + delay > this.policy.totalBudgetMs) return { ok: false, error: lastError };
      if (!(await sleep(delay, call.signal))) return cloudFail('CLOUD_CANCELLED', `Cancelled: ${call.what}.`, { request_id: requestId });
    }
  }

  private async attempt(
    call: CallSpec,
    token: string,
    requestId: string,
  ): Promise<
    | { kind: 'response'; status: number; text: string; contentType: string | null; retryAfter: string | null; location: string | null }
    | { kind: 'network'; failure: NetworkFailure }
    | { kind: 'cancelled' }
  > {
    const timeout = AbortSignal.timeout(this.policy.attemptTimeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `Bearer ${token}`,
      'User-Agent': this.options.userAgent ?? 'pier/0.1',
      'X-Request-Id': requestId,
      ...this.options.headers,
    };
    if (call.body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      const res = await outboundFetch(this.urlFor(call), {
        method: call.method,
        headers,
        body: call.body === undefined ? null : JSON.stringify(call.body),
        signal,
        redirect: 'manual',
      });
      const text = await res.text();
      return {
        kind: 'response',
        status: res.status,
        text,
        contentType: res.headers.get('content-type'),
        retryAfter: res.headers.get('retry-after'),
        location: res.headers.get('location'),
      };
    } catch (err) {
      if (call.signal?.aborted) return { kind: 'cancelled' };
      return { kind: 'network', failure: describeNetworkError(err, timeout.aborted) };
    }
  }

  private readSuccess(
    call: CallSpec,
    outcome: { status: number; text: string; contentType: string | null },
    requestId: string,
    replayed: boolean,
  ): CloudResult<CallResponse> {
    const parsed = parseApiError(outcome.status, outcome.text, outcome.contentType);
    if (parsed.html) {
      return cloudFail(
        'CLOUD_WRONG_HOST',
        `${this.host} answered "${call.what}" with ${parsed.message}, not the management API. Check the workspace URL (for Databricks it looks like https://<workspace>.cloud.databricks.com).`,
        { http_status: outcome.status, request_id: requestId },
      );
    }
    let body: unknown = {};
    if (outcome.text.trim() !== '') {
      try {
        body = JSON.parse(outcome.text);
      } catch {
        return cloudFail(
          'CLOUD_BAD_RESPONSE',
          `${this.host} sent a response to "${call.what}" that is not JSON. Check the workspace URL; if it is right, try again later.`,
          {
            http_status: outcome.status,
            request_id: requestId,
          },
        );
      }
    }
    return cloudOk({ status: outcome.status, body, requestId, replayed });
  }

  private networkError(call: CallSpec, f: NetworkFailure, requestId: string): CloudError {
    if (f.code === 'ENOTFOUND' || f.code.includes('CERT') || f.code.startsWith('ERR_TLS')) {
      return {
        code: 'CLOUD_WRONG_HOST',
        message: `Cannot reach ${this.host}: ${f.description}. Check the workspace URL.`,
        details: { request_id: requestId },
      };
    }
    const code: CloudErrorCode = f.code === 'TIMEOUT' ? 'CLOUD_TIMEOUT' : 'CLOUD_NETWORK';
    return {
      code,
      message: `Cannot reach ${this.host} to ${call.what}: ${f.description}. Check your network connection (and VPN or proxy), then try again.`,
      details: { request_id: requestId, error_code: f.code },
    };
  }

  private httpError(call: CallSpec, status: number, parsed: ParsedApiError, requestId: string): CloudError {
    const details: CloudErrorDetails = {
      error_code: parsed.errorCode,
      http_status: status,
      request_id: requestId,
      server_message: parsed.message,
      ...(parsed.reason === undefined ? {} : { reason: parsed.reason }),
      ...(parsed.declarativeContext === undefined ? {} : { declarative_context: parsed.declarativeContext }),
    };
    const make = (code: CloudErrorCode, message: string): CloudError => ({ code, message, details });
    if (parsed.html) {
      return make(
        'CLOUD_WRONG_HOST',
        `${this.host} answered "${call.what}" with ${parsed.message} (HTTP ${status}), not the management API. Check the workspace URL.`,
      );
    }
    const code = parsed.errorCode;
    const server = parsed.message;
    if (status === 401) {
      return make(
        'CLOUD_UNAUTHENTICATED',
        `${this.host} did not accept the ${this.options.auth.label} (${server}). The token is expired, revoked or invalid: sign in to the workspace again or replace the token.`,
      );
    }
    if (status === 403) {
      return make(
        'CLOUD_PERMISSION_DENIED',
        `You are not allowed to ${call.what} (${server}). Ask a workspace admin for access, or sign in as a user who has it.`,
      );
    }
    if (code === 'ALREADY_EXISTS' || code === 'RESOURCE_ALREADY_EXISTS' || status === 409 || /already exists/i.test(server)) {
      return make('CLOUD_ALREADY_EXISTS', `Cannot ${call.what}: it already exists (${server}). Pick another id, or open the existing one.`);
    }
    if (status === 404) {
      if (code === 'UNKNOWN' || code === 'ENDPOINT_NOT_FOUND') {
        return make(
          'CLOUD_WRONG_HOST',
          `${this.host} has no Lakebase management API (HTTP 404 for "${call.what}"). Check the workspace URL, and that Lakebase is enabled in the workspace.`,
        );
      }
      if (code === 'FEATURE_DISABLED')
        return make('CLOUD_NOT_FOUND', `Lakebase is not enabled in this workspace (${server}). Ask a workspace admin to enable it.`);
      return make('CLOUD_NOT_FOUND', `Cannot ${call.what}: not found (${server}). It may have been deleted; refresh and try again.`);
    }
    if (status === 429)
      return make('CLOUD_RATE_LIMITED', `${this.host} is rate limiting requests (${server}). Wait a minute and try again.`);
    if (status === 503)
      return make('CLOUD_UNAVAILABLE', `${this.host} is temporarily unavailable (${server}). Try again in a few minutes.`);
    if (status >= 500)
      return make(
        'CLOUD_SERVER_ERROR',
        `${this.host} failed to ${call.what} (HTTP ${status}: ${server}). Try again; if it keeps failing, quote request id ${requestId} to support.`,
      );
    return make('CLOUD_INVALID_REQUEST', `Cannot ${call.what}: ${server}`);
  }
}
