import pg from 'pg';

/**
 * A pg pool that never takes the process down when Postgres goes away: the pool reports errors
 * of idle connections on itself, but a connection that is checked out at that moment reports on
 * the client, where an error without a listener would be thrown. Both are logged instead; the
 * query in flight still fails and the pool replaces the connection.
 */
export function resilientPool(config: pg.PoolConfig, label: string, log?: (line: string) => void): pg.Pool {
  const pool = new pg.Pool(config);
  const report = (err: Error) => log?.(`${label}: connection lost (${err.message})`);
  pool.on('error', report);
  pool.on('connect', (client) => client.on('error', report));
  return pool;
}
