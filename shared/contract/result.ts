/**
 * Errors are values across the renderer↔main boundary: every call answers with a Result.
 * `code` is stable and grep-able (PGRST… for the Data API engine, PIER… for the app,
 * CLOUD… for the management client, LOCAL… for the local control plane).
 */
export interface RpcError {
  readonly code: string;
  /** What went wrong and, where possible, what to do about it, for a person to read. */
  readonly message: string;
  readonly details?: string | null;
  readonly hint?: string | null;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: RpcError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (error: RpcError): Result<never> => ({ ok: false, error });

/** Exhaustiveness guard for switches over closed unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
