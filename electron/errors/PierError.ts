import type { RpcError } from '../../shared/contract/result';

/**
 * Pier's own error codes, each with the HTTP status it answers with: the one table the RPC
 * dispatcher, the HTTP routes and the services read. Codes are stable and grep-able; a retired
 * code is never reused. The Data API engine keeps PostgREST's codes (electron/engine/errors), the
 * management client its CLOUD_… codes (electron/cloud/cloudError.ts), the local control plane the
 * service's error_code values (shared/management); they reach the RPC boundary through `PierError`.
 */
export const PIER_ERRORS = {
  /** A channel the server does not have (UI and server from different versions). */
  PIER001: 404,
  /** Input that does not match the contract. */
  PIER002: 400,
  /** A workspace, branch, database, schema or relation that is not there (any more). */
  PIER404: 404,
  /** What is asked conflicts with the resource's state (e.g. resetting the sample data of a protected branch). */
  PIER409: 409,
  /** Pier failed in a way it did not foresee; the server log has the stack. */
  PIER500: 500,
  /** Something Pier needs is unavailable right now (Postgres restarting, workspaces without a vault). */
  PIER503: 503,
  // Start-up: Pier cannot run as asked (the message says what to change).
  /** A command-line option that is unknown or has no valid value. */
  PIER_USAGE: 400,
  /** The loopback port is taken. */
  PIER_PORT_IN_USE: 409,
  /** Another running Pier holds the data folder, or it cannot be written. */
  PIER_DATA_DIR: 409,
  /** PostgreSQL could not be initialised or started. */
  PIER_POSTGRES_START: 500,
} as const;

export type PierErrorCode = keyof typeof PIER_ERRORS;

/** Codes a PierError may carry: Pier's own, or another domain's passed through unchanged (CLOUD_…, SQLSTATEs as PG…). */
export type AnyErrorCode = PierErrorCode | `CLOUD_${string}` | `PG${string}` | `LOCAL_${string}`;

/**
 * The one base error of the main process: a stable code, a message that says what to do, and
 * optional details and hint. Thrown where a caller cannot go on; the boundary (RPC dispatcher,
 * HTTP route) turns it into its wire shape with `toRpcError` / `status`.
 */
export class PierError extends Error {
  override name = 'PierError';
  readonly details: string | null;
  readonly hint: string | null;

  constructor(
    readonly code: AnyErrorCode,
    message: string,
    extra: { readonly details?: string | null; readonly hint?: string | null; readonly cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.details = extra.details ?? null;
    this.hint = extra.hint ?? null;
  }

  /** The HTTP status this error answers with (codes of other domains: 400 for input, else 500). */
  get status(): number {
    return statusOfCode(this.code);
  }

  toRpcError(): RpcError {
    return { code: this.code, message: this.message, details: this.details, hint: this.hint };
  }

  /** An RpcError value another domain already made (e.g. the management client's CLOUD_… errors). */
  static from(error: RpcError): PierError {
    return new PierError(error.code as AnyErrorCode, error.message, { details: error.details ?? null, hint: error.hint ?? null });
  }
}

export function statusOfCode(code: string): number {
  if (Object.hasOwn(PIER_ERRORS, code)) return PIER_ERRORS[code as PierErrorCode];
  if (code === 'CLOUD_NOT_FOUND') return 404;
  if (code === 'PG22023') return 400;
  if (code === 'CLOUD_INVALID_INPUT' || code === 'CLOUD_INVALID_REQUEST') return 400;
  if (code === 'CLOUD_PERMISSION_DENIED') return 403;
  if (code === 'CLOUD_UNAVAILABLE' || code === 'CLOUD_NETWORK') return 503;
  return 500;
}

/** Something named by the caller is not there (PIER404). */
export const notFound = (message: string, hint = 'It may have been dropped, renamed or deleted: refresh the explorer.') =>
  new PierError('PIER404', message, { hint });

/**
 * A change the catalog makes impossible (creating a role that exists, altering a superuser …): it
 * carries SQLSTATE 22023 (invalid_parameter_value), so it reads like the Postgres error it stands in for.
 */
export const invalidInput = (message: string, hint: string | null = null) => new PierError('PG22023', message, { hint });

/** Something Pier needs is unavailable right now (PIER503). */
export const unavailable = (message: string, hint: string | null = null, cause?: unknown) =>
  new PierError('PIER503', message, { hint, cause });
