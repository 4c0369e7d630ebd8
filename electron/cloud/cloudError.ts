/**
 * Errors of the management client, as values. Codes are stable and grep-able (`CLOUD_…`); each
 * message names the cause and the fix, for a person to read. The server's own `error_code`,
 * HTTP status and the request id travel in `details` so support can find the call.
 */
import type { Result, RpcError } from '../../shared/contract/result';

export type CloudErrorCode =
  /** The host could not be reached (offline, refused, DNS). */
  | 'CLOUD_NETWORK'
  /** The host answered, but not like a Databricks workspace / Pier control plane. */
  | 'CLOUD_WRONG_HOST'
  /** 401: the token is expired, revoked or invalid. */
  | 'CLOUD_UNAUTHENTICATED'
  /** The sign-in itself must be redone (refresh token revoked, nothing stored to refresh with). */
  | 'CLOUD_SIGN_IN_REQUIRED'
  /** Getting a token failed for another reason (CLI missing or too old, browser flow failed). */
  | 'CLOUD_AUTH_FAILED'
  /** 403. */
  | 'CLOUD_PERMISSION_DENIED'
  /** 404. */
  | 'CLOUD_NOT_FOUND'
  /** 409 / "already exists". */
  | 'CLOUD_ALREADY_EXISTS'
  /** Other 4xx: the request was refused as invalid. */
  | 'CLOUD_INVALID_REQUEST'
  /** 429 still after the retry budget. */
  | 'CLOUD_RATE_LIMITED'
  /** 503 still after the retry budget, or other 5xx. */
  | 'CLOUD_UNAVAILABLE'
  | 'CLOUD_SERVER_ERROR'
  /** The response could not be read. */
  | 'CLOUD_BAD_RESPONSE'
  /** A long-running operation finished with an error. */
  | 'CLOUD_OPERATION_FAILED'
  | 'CLOUD_TIMEOUT'
  | 'CLOUD_CANCELLED'
  /** Input refused before anything was sent (bad id, bad host). */
  | 'CLOUD_INVALID_INPUT'
  /** The credential vault failed (its own VAULT_… code is in `details.error_code`). */
  | 'CLOUD_VAULT';

export interface CloudErrorDetails {
  /** The server's `error_code` (e.g. `NOT_FOUND`), when it sent one. */
  readonly error_code?: string;
  readonly http_status?: number;
  /** The `X-Request-Id` of the logical call (all its attempts share it). */
  readonly request_id?: string;
  /** The server's own message, verbatim. */
  readonly server_message?: string;
  /** `google.rpc.ErrorInfo` reason, when the server sent one (e.g. `RESOURCE_CONFLICT`). */
  readonly reason?: string;
  /** ErrorInfo `metadata.declarative_context`, e.g. `MANAGED_BY_PARENT` for parts deleted only with their parent. */
  readonly declarative_context?: string;
}

export interface CloudError {
  readonly code: CloudErrorCode;
  readonly message: string;
  readonly hint?: string;
  readonly details: CloudErrorDetails;
}

export type CloudResult<T> = Result<T, CloudError>;

export const cloudOk = <T>(value: T): CloudResult<T> => ({ ok: true, value });

export function cloudFail(
  code: CloudErrorCode,
  message: string,
  details: CloudErrorDetails = {},
  hint?: string,
): { ok: false; error: CloudError } {
  return { ok: false, error: hint === undefined ? { code, message, details } : { code, message, details, hint } };
}

/** For the RPC boundary: `RpcError.details` is text, so the structured details go as JSON. */
export function toRpcError(error: CloudError): RpcError {
  return {
    code: error.code,
    message: error.message,
    details: JSON.stringify(error.details),
    hint: error.hint ?? null,
  };
}
