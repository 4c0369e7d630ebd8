/**
 * The engine's error value: PostgREST's body `{code, message, details, hint}` with the HTTP status
 * it answers with, set where the error is made (errors/pgrstErrors.ts for the engine's own codes,
 * errors/sqlStateStatus.ts for Postgres'). `details` is usually text; PGRST201 lists candidate
 * relationships as objects, as PostgREST does.
 */
export interface ApiError {
  readonly code: string;
  readonly status: number;
  readonly message: string;
  readonly details: unknown;
  readonly hint: string | null;
  /** Headers the error brings along (WWW-Authenticate of a JWT error, Content-Range of a 416). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A stage's answer: its value, or the error that ends the request. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

export const succeed = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failWith = (error: ApiError): { readonly ok: false; readonly error: ApiError } => ({ ok: false, error });
