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

/**
 * The one result type where a caller must branch on failure: across the RPC boundary `E` is the
 * RpcError; inside a domain it is that domain's error value (the engine's PostgREST body, the
 * management client's CloudError, an update mask's MaskError).
 */
export type Result<T, E = RpcError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });
export const fail = <E = RpcError>(error: E): { readonly ok: false; readonly error: E } => ({ ok: false, error });

/** Exhaustiveness guard for switches over closed unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
