/** Lends one pooled connection to `use` (the schema-cache loader runs its transaction on it). */
import type pg from 'pg';
import { freshConnection, isConnectionLost } from './freshConnection';

/**
 * `use` only reads (the schema cache, a relation's description): when the connection it got was
 * dead (an endpoint suspended and woken), it runs once more on a connection made now.
 */
export async function withConnection<T>(pool: pg.Pool, use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  try {
    return await lend(pool, use);
  } catch (err) {
    if (!isConnectionLost(lostShape(err))) throw err;
    return lend(freshConnection(pool), use);
  }
}

async function lend<T>(pool: pg.Pool, use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // See runQuery: a lent-out client's socket error must not become an uncaught 'error' event.
  const onError = () => undefined;
  client.on('error', onError);
  let failed = false;
  try {
    return await use(client);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    if (!failed) client.off('error', onError);
    client.release(failed ? true : undefined);
  }
}

/** A thrown error in the shape isConnectionLost reads (a server error has a severity and a SQLSTATE). */
function lostShape(err: unknown): { sqlState: string | undefined; message: string; step: string } {
  const e = err as { severity?: unknown; code?: unknown; message?: unknown } | null;
  const sqlState = typeof e?.severity === 'string' && typeof e.code === 'string' ? e.code : undefined;
  return { sqlState, message: typeof e?.message === 'string' ? e.message : String(err), step: 'query' };
}
