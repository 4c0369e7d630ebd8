/**
 * The engine's error value: PostgREST's body `{code, message, details, hint}`. `details` is
 * usually text, but PGRST201 lists candidate relationships as objects, as PostgREST does.
 */
export interface ApiError {
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
  readonly hint?: string | null;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

export function refuse(code: string, message: string, details: unknown = null, hint: string | null = null): { ok: false; error: ApiError } {
  return { ok: false, error: { code, message, details, hint } };
}
