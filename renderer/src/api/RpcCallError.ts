import type { Result, RpcError } from '../../../shared/contract/result';
import { DataApiError } from './DataApiError';
import { TRANSPORT_ERRORS } from './transport';

/** What a query function throws when a call answers `{ok: false}`: TanStack Query expects throws. */
export class RpcCallError extends Error {
  readonly code: string;
  readonly hint: string | null;
  readonly details: string | null;
  readonly channel: string;

  constructor(channel: string, error: RpcError) {
    super(error.message);
    this.name = 'RpcCallError';
    this.channel = channel;
    this.code = error.code;
    this.hint = error.hint ?? null;
    this.details = error.details ?? null;
  }

  /** The server could not be reached at all; retrying soon may help, unlike an answered error. */
  get isUnreachable(): boolean {
    return this.code === TRANSPORT_ERRORS.unreachable;
  }
}

export function unwrap<T>(channel: string, result: Result<T>): T {
  if (result.ok) return result.value;
  throw new RpcCallError(channel, result.error);
}

/** A person-readable view of any error a query may throw. */
export function describeError(error: unknown): { code: string | null; message: string; hint: string | null } {
  if (error instanceof RpcCallError) return { code: error.code, message: error.message, hint: error.hint };
  // The engine's own words: its details say which value or row was at fault.
  if (error instanceof DataApiError)
    return { code: error.code, message: error.details ? `${error.message} ${error.details}` : error.message, hint: error.hint };
  if (error instanceof Error) return { code: null, message: error.message, hint: null };
  return { code: null, message: String(error), hint: null };
}
