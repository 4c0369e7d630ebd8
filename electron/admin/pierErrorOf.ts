import { PierError } from '../errors/PierError';

/** A Postgres error keeps its SQLSTATE (`PG42501`) and message; anything else is Pier's own failure. */
export function pierErrorOf(err: unknown): Error {
  if (err instanceof PierError) return err;
  const e = err as { code?: string; message?: string };
  return typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)
    ? new PierError(`PG${e.code}`, e.message ?? 'Postgres refused.')
    : new PierError('PIER500', e.message ?? String(err));
}
