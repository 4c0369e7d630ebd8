/**
 * A pooled connection can be dead without the pool knowing yet: an endpoint suspended and woken
 * behind a proxy that notices the lost backend only when the client next writes (the failure
 * then reads "Connection terminated unexpectedly"). A read that meets such a connection has
 * written nothing (its transaction is read-only), so the engine runs it once more on a fresh
 * connection; a write is never sent twice. The relay here is real TCP in front of real Postgres.
 */
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { fixtureSql, startEngineServer, type EngineServer } from './test/startEngineServer';

interface Pair {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  stale: boolean;
}

/** A TCP relay whose open connections can be made stale: backend gone, client side cut on its next write. */
async function startRelay(target: { host: string; port: number }) {
  const pairs = new Set<Pair>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    const pair: Pair = { client, upstream, stale: false };
    pairs.add(pair);
    client.on('data', (chunk) => {
      if (pair.stale) client.destroy();
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', () => !pair.stale && end()).on('error', () => !pair.stale && end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    /** Every open connection loses its backend; the client learns it on its next write. */
    goStale(): number {
      for (const p of pairs) {
        p.stale = true;
        p.upstream.destroy();
      }
      return pairs.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const p of pairs) p.client.destroy();
        server.close(() => resolve());
      }),
  };
}

let api: EngineServer;
let relay: Awaited<ReturnType<typeof startRelay>>;
let direct: string;

beforeAll(async () => {
  direct = await createTestDatabase(
    inject('postgresUrl'),
    'pier_engine_stale',
    (await fixtureSql()) + `GRANT INSERT ON users TO pier_engine_anon;`,
  );
  const u = new URL(direct);
  relay = await startRelay({ host: u.hostname, port: Number(u.port) });
  u.port = String(relay.port);
  api = await startEngineServer(u.toString());
});
afterAll(async () => {
  await api?.close();
  await relay?.close();
});

/** Fills the pool with idle connections (several requests at once), then makes them all stale. */
async function staleIdlePool(): Promise<void> {
  const warm = await Promise.all(Array.from({ length: 6 }, () => api.get('/clients?select=id&order=id')));
  for (const r of warm) expect(r.status, r.text).toBe(200);
  expect(relay.goStale()).toBeGreaterThan(0);
}

describe('a read that meets a connection cut behind its back', () => {
  it('answers from a fresh connection: the rows, not a 503 "Connection terminated unexpectedly"', async () => {
    await staleIdlePool();
    const r = await api.get('/clients?select=id,name&order=id&limit=2');
    expect(r.status, r.text).toBe(200);
    expect(r.json).toEqual([
      { id: 1, name: 'Acme Corp' },
      { id: 2, name: 'TechStart Inc' },
    ]);
    // And the next ones too, however many dead connections the pool still held.
    for (let i = 0; i < 6; i++) expect((await api.get('/clients?select=id&id=eq.3')).json).toEqual([{ id: 3 }]);
  });

  it('reloads the schema cache and describes a relation from a fresh connection', async () => {
    await staleIdlePool();
    await api.engine.reloadSchema();
    expect(await api.engine.schemaCache()).toBeDefined();
    await staleIdlePool();
    const described = await api.engine.describeRelation('private', 'secrets');
    expect(described?.relation.columns.map((c) => c.name)).toEqual(['id', 'value']);
  });

  it('never sends a write twice: it fails as a 503 and the row is not there', async () => {
    await staleIdlePool();
    // Writes go on a connection of their own; make sure the one it gets is stale.
    const r = await api.send('POST', '/users', { id: 900, name: 'once', active: true });
    expect(r.status, r.text).toBeGreaterThanOrEqual(500);
    const c = new pg.Client({ connectionString: direct });
    await c.connect();
    try {
      expect((await c.query('SELECT count(*)::int AS n FROM users WHERE id = 900')).rows[0].n).toBe(0);
    } finally {
      await c.end();
    }
  });
});
