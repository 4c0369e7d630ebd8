/** Lends one pooled connection to `use` (the schema-cache loader runs its transaction on it). */
import type pg from 'pg';

export async function withConnection<T>(pool: pg.Pool, use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
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
