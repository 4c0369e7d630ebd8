import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findPostgresBinaries } from '../postgres/binaries';
import { PostgresCluster } from '../postgres/cluster';
import { resolveRunAs } from '../postgres/runAs';
import { EndpointRuntime } from './endpointRuntime';

let dir: string;
let runtime: EndpointRuntime;
const password = 'endpoint-runtime-test';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pier-endpoint-'));
  const cluster = new PostgresCluster({
    dir: path.join(dir, 'c'),
    binaries: await findPostgresBinaries(),
    runAs: await resolveRunAs(),
    superuserPassword: password,
  });
  await cluster.initialize();
  runtime = new EndpointRuntime({ cluster, proxyPort: 0, suspendAfterMs: 300 });
  await runtime.listen();
});

afterAll(async () => {
  await runtime?.close();
  await rm(dir, { recursive: true, force: true });
});

async function ask(): Promise<number> {
  const c = new pg.Client({ host: '127.0.0.1', port: runtime.port, user: 'postgres', password, database: 'postgres' });
  await c.connect();
  try {
    return (await c.query<{ n: number }>('SELECT 41 + 1 AS n')).rows[0]!.n;
  } finally {
    await c.end();
  }
}

it('starts on the first connection, suspends after the idle timeout, and resumes on the next', async () => {
  expect(runtime.state).toBe('IDLE');
  expect(await ask()).toBe(42);
  expect(runtime.state).toBe('ACTIVE');
  await new Promise((r) => setTimeout(r, 900));
  expect(runtime.state).toBe('IDLE');
  expect(await ask()).toBe(42);
  expect(runtime.state).toBe('ACTIVE');
});

it('stays up while a connection is open, however long', async () => {
  const c = new pg.Client({ host: '127.0.0.1', port: runtime.port, user: 'postgres', password, database: 'postgres' });
  await c.connect();
  await new Promise((r) => setTimeout(r, 700));
  expect(runtime.state).toBe('ACTIVE');
  expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  await c.end();
});

it('comes back after its postmaster is killed: the next connection restarts it (crash recovery)', async () => {
  expect(await ask()).toBe(42);
  const pid = Number((await readFile(path.join(dir, 'c', 'pgdata', 'postmaster.pid'), 'utf8')).split('\n')[0]);
  process.kill(pid, 'SIGKILL');
  while (runtime.state === 'ACTIVE') await new Promise((r) => setTimeout(r, 20));
  expect(await ask()).toBe(42);
});

it('when disabled, a suspended endpoint does not wake for connections', async () => {
  await runtime.suspend();
  runtime.configure({ disabled: true });
  await expect(ask()).rejects.toThrow();
  expect(runtime.state).toBe('IDLE');
  runtime.configure({ disabled: false });
  expect(await ask()).toBe(42);
});
