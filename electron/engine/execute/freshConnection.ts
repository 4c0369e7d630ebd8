/**
 * The way out when a pooled connection turns out dead: a connection made now, with the pool's own
 * settings (client class, pipelining, credentials), outside the pool so that no other idle
 * connection of the same vintage is handed out instead. Used once per read that met a dead one.
 */
import type pg from 'pg';

interface PoolInternals {
  readonly Client: new (config: pg.ClientConfig) => pg.Client;
  readonly options: pg.ClientConfig;
}

const ignore = () => undefined;

/** A one-connection stand-in for the pool: `connect` opens a new client, `release` ends it. */
export function freshConnection(pool: pg.Pool): pg.Pool {
  const { Client, options } = pool as unknown as PoolInternals;
  return {
    async connect() {
      const client = new Client(options);
      // Errors reach the query in flight; an 'error' event without a listener would end the process.
      client.on('error', ignore);
      await client.connect();
      return Object.assign(client, { release: () => void client.end().catch(ignore) });
    },
  } as unknown as pg.Pool;
}

/**
 * A failure that is the connection's, not the statement's: cut (no server error, "Connection
 * terminated unexpectedly", a reset socket) or ended by the server (57P01 admin_shutdown).
 */
export function isConnectionLost(failure: {
  readonly sqlState: string | undefined;
  readonly message: string;
  readonly step: string;
}): boolean {
  if (failure.step === 'rowSecurity') return false;
  if (failure.sqlState !== undefined) return failure.sqlState === '57P01';
  return /Connection terminated|ECONNRESET|EPIPE|socket hang up/i.test(failure.message);
}
