/**
 * Postgres dies under a write load and comes back: the engine answers 503 with Retry-After
 * meanwhile, never acknowledges a write it cannot vouch for, recovers its pool and schema
 * cache, and the process keeps running. Uses its own cluster so it can kill it.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgresBinaries } from '../local/postgres/binaries';
import { PostgresCluster } from '../local/postgres/cluster';
import { resolveRunAs } from '../local/postgres/runAs';
import { createTestDatabase } from '../../test/postgres';
import { fixtureSql, startEngineServer, type EngineServer } from './test/startEngineServer';

const LEDGER_SQL = `
CREATE TABLE ledger (id int PRIMARY KEY, worker int NOT NULL, at timestamptz DEFAULT now());
GRANT SELECT, INSERT ON ledger TO pier_engine_anon;
`;

let dir: string;
let cluster: PostgresCluster;
let proxy: net.Server;
/** The cluster's current port (it changes on restart; `cluster.port` throws while it is down). */
let upstreamPort = 0;
let port: number;
let api: EngineServer;
let url: string;

const serverUrl = () => `postgresql://postgres:fault-test@127.0.0.1:${port}/postgres`;

/**
 * A stable address in front of the cluster (a restarted cluster gets a new port), as an
 * endpoint's host stays put while its postmaster restarts. Connections die with the backend.
 */
function startProxy(): Promise<net.Server> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** SIGKILL the postmaster and every backend it forked: a crash, not a shutdown. */
async function killCluster(): Promise<void> {
  const pid = Number((await readFile(path.join(cluster.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name (which may contain spaces) start at ") ".
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) children.push(Number(entry));
  }
  for (const p of [pid, ...children]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

async function restartCluster(): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await cluster.start();
      upstreamPort = cluster.port;
      return;
    } catch (err) {
      // Orphaned backends may hold shared memory for a moment after the kill.
      if (attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pier-engine-faults-'));
  const [binaries, runAs] = await Promise.all([findPostgresBinaries(), resolveRunAs()]);
  cluster = new PostgresCluster({ dir, binaries, runAs, superuserPassword: 'fault-test' });
  await cluster.initialize();
  await cluster.start();
  upstreamPort = cluster.port;
  proxy = await startProxy();
  port = (proxy.address() as net.AddressInfo).port;
  url = await createTestDatabase(serverUrl(), 'pier_engine_faults', (await fixtureSql()) + LEDGER_SQL);
  api = await startEngineServer(url, { schemaWaitMs: 2000 });
}, 120_000);

afterAll(async () => {
  await api?.close();
  proxy?.close();
  await cluster?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Postgres killed and restarted under a write load', () => {
  it('loses no acknowledged write, answers 503 with Retry-After meanwhile, and recovers', async () => {
    const acknowledged = new Set<number>();
    const failures: { status: number; code: string; retryAfter: string | null }[] = [];
    let next = 1;
    let phase: 'before' | 'down' | 'after' = 'before';
    let ackedAfter = 0;
    let stop = false;
    const worker = async (w: number) => {
      while (!stop) {
        const id = next++;
        const r = await api.send('POST', '/ledger', { id, worker: w });
        if (r.status === 201) {
          acknowledged.add(id);
          if (phase === 'after') ackedAfter++;
        } else {
          failures.push({
            status: r.status,
            code: (r.json as { code?: string } | undefined)?.code ?? '',
            retryAfter: r.headers.get('retry-after'),
          });
          // Clients back off as Retry-After asks, briefly here.
          await new Promise((res) => setTimeout(res, 20));
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    await new Promise((r) => setTimeout(r, 400));
    phase = 'down';
    await killCluster();
    await new Promise((r) => setTimeout(r, 500));
    await restartCluster();
    phase = 'after';
    const deadline = Date.now() + 30_000;
    while (ackedAfter < 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    stop = true;
    await Promise.all(workers);

    expect(ackedAfter, 'writes are acknowledged again after the restart').toBeGreaterThanOrEqual(50);
    expect(failures.length, 'the outage was seen by the clients').toBeGreaterThan(0);
    const kinds = [...new Set(failures.map((f) => `${f.status} ${f.code} retry-after=${f.retryAfter}`))];
    expect(
      kinds.filter((k) => !k.startsWith('503 ') || !k.endsWith('retry-after=1')),
      'every failure is a 503 with Retry-After',
    ).toEqual([]);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const present = new Set((await admin.query<{ id: number }>('SELECT id FROM ledger')).rows.map((r) => r.id));
      const lost = [...acknowledged].filter((id) => !present.has(id));
      expect(lost, 'acknowledged writes missing after the crash').toEqual([]);
    } finally {
      await admin.end();
    }
    // The schema cache is usable again: reads and writes plan and run.
    const read = await api.get('/ledger?select=id&limit=1');
    expect(read.status).toBe(200);
  }, 90_000);
});
