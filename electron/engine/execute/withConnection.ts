/** Lends one pooled connection to `use` (the schema-cache loader runs its transaction on it). */
import type pg from 'pg';

export async function withConnection<T>(pool: pg.Pool, use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failed = false;
  try {
    return await use(client);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    client.release(failed ? true : undefined);
  }
}
