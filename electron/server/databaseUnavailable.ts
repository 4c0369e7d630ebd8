/** SQLSTATE classes and codes that say the server is away or full, not that the request is wrong. */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3])/;
/** What node-postgres says when a connection could not be made or died under it (these carry no code). */
const CONNECTION_LOST = /^(Connection terminated|timeout exceeded when trying to connect)/;

/**
 * Whether a failure to reach PostgreSQL is one to answer 503 (and retry) rather than a fault.
 * A server error carries a severity, and then only connection, resource and shutdown SQLSTATEs
 * count; otherwise a socket error (ECONNREFUSED, ECONNRESET…) or node-postgres' own "Connection
 * terminated" does.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { severity?: unknown; code?: unknown };
  if (typeof e.severity === 'string') return typeof e.code === 'string' && UNAVAILABLE_SQLSTATE.test(e.code);
  if (typeof e.code === 'string') return /^E[A-Z]+$/.test(e.code);
  return CONNECTION_LOST.test(e.message);
}
