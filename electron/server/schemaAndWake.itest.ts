/**
 * Issue 16, items 2 and 3, as a user meets them through the RPC: a table made anywhere (the SQL
 * editor's `CREATE TABLE … AS`, psql from outside) opens in the grid without a restart, and a
 * table on a suspended endpoint opens after Pier wakes the endpoint, never with a raw
 * connection error.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROD, rpc, startCloudTestServer, type CloudTestServer } from './cloudBranchData.testing';

const DB = 'databricks_postgres';
const HOME = { kind: 'local', branch: PROD, database: DB } as const;
const SLEEPY = 'projects/local/branches/sleepy';
const SLEEPY_AT = { kind: 'local', branch: SLEEPY, database: DB } as const;

let t: CloudTestServer;

/** A table's rows as the grid reads them (the engine, as the admin). */
async function read(at: object, table: string) {
  const r = await rpc(t.server, 'dataApi.request', { at, path: `/public/${table}`, rawQuery: 'order=id', viewAs: { kind: 'admin' } });
  return r.ok ? { status: r.value.status as number, body: JSON.parse(r.value.body) as unknown } : { status: -1, body: r.error as unknown };
}

/** Polls until the read answers `status` (the schema cache follows a NOTIFY asynchronously), or gives up after 5 s. */
async function readEventually(at: object, table: string, status: number) {
  let r = await read(at, table);
  for (let i = 0; i < 50 && r.status !== status; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    r = await read(at, table);
  }
  return r;
}

/** psql's view of the world: a superuser connection from outside Pier. */
async function outside(sql: string, endpoint = t.server.readyInfo().postgres): Promise<void> {
  const c = new pg.Client({ connectionString: endpoint });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function disableEndpoint(disabled: boolean) {
  await t.manage('PATCH', `${SLEEPY}/endpoints/primary?update_mask=spec.disabled`, {
    spec: { endpoint_type: 'ENDPOINT_TYPE_READ_WRITE', disabled },
  });
}

beforeAll(async () => {
  t = await startCloudTestServer();
  await t.manage('POST', 'projects/local/branches?branch_id=sleepy', { spec: { source_branch: PROD, no_expiry: true } });
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('the schema cache follows DDL from anywhere', () => {
  it('opens a table the SQL editor made with CREATE TABLE … AS, right after the run', async () => {
    expect((await read(HOME, 'clients')).status).toBe(200);
    const run = await rpc(t.server, 'sql.run', {
      at: HOME,
      runId: 'ctas',
      sql: `CREATE TABLE big_clients AS SELECT id, name FROM clients WHERE id <= 2`,
      viewAs: { kind: 'admin' },
      mode: 'run',
      pageSize: 1000,
    });
    expect(run.ok, JSON.stringify(run.error)).toBe(true);
    expect(run.value).toMatchObject({ kind: 'ok', schemaChanged: true });
    // No polling: the run's answer means the grid can open the table.
    expect(await read(HOME, 'big_clients')).toEqual({
      status: 200,
      body: [
        { id: 1, name: 'Acme Corp' },
        { id: 2, name: 'TechStart Inc' },
      ],
    });
  });

  it('sees a table psql creates from outside, and forgets it when psql drops it', async () => {
    expect((await read(HOME, 'clients')).status).toBe(200);
    await outside(`CREATE TABLE made_outside (id int PRIMARY KEY, note text); INSERT INTO made_outside VALUES (1, 'from psql')`);
    expect(await readEventually(HOME, 'made_outside', 200)).toEqual({ status: 200, body: [{ id: 1, note: 'from psql' }] });
    await outside(`DROP TABLE made_outside`);
    expect((await readEventually(HOME, 'made_outside', 404)).status).toBe(404);
  });

  it('installs the watch in a database of a branch Pier manages when it opens, and it fires for DDL by a role that is not a superuser', async () => {
    // The owner (not a superuser), as Lakebase's clients connect: the endpoint's host through TLS, a credential as the password.
    const info = t.server.readyInfo();
    const eps = await t.manage('GET', `${SLEEPY}/endpoints`);
    const endpoint = eps.endpoints.find(
      (e: { status: { endpoint_type: string } }) => e.status.endpoint_type === 'ENDPOINT_TYPE_READ_WRITE',
    );
    const [host, port] = (endpoint.status.hosts.host as string).split(':');
    const cred = await t.manage('POST', 'credentials', { endpoint: endpoint.name });
    const asOwner = async (database: string, sql: string) => {
      const c = new pg.Client({
        host,
        port: Number(port ?? 5432),
        user: 'owner@pier.local',
        password: cred.token,
        database,
        ssl: { ca: readFileSync(info.postgresCa ?? '', 'utf8') },
      });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    await asOwner('databricks_postgres', `CREATE DATABASE appdb`);
    const APP = { kind: 'local', branch: SLEEPY, database: 'appdb' };
    // Opening anything there opens the engine, which installs the watch first.
    expect((await read(APP, 'by_owner')).status).toBe(404);
    const installed = await rpc(t.server, 'sql.run', {
      at: APP,
      runId: 'triggers',
      sql: `SELECT evtname, evtevent FROM pg_event_trigger ORDER BY evtname`,
      viewAs: { kind: 'admin' },
      mode: 'run',
      pageSize: 1000,
    });
    expect(installed.value.results[0].rows).toEqual([
      ['pgrst_watch_ddl', 'ddl_command_end'],
      ['pgrst_watch_drop', 'sql_drop'],
    ]);
    await asOwner('appdb', `CREATE TABLE by_owner (id int PRIMARY KEY)`);
    expect((await readEventually(APP, 'by_owner', 200)).status).toBe(200);
  });
});

describe('a suspended endpoint wakes when used', () => {
  it('says whether the endpoint sleeps, and wakes it', async () => {
    expect((await read(SLEEPY_AT, 'clients')).status).toBe(200);
    await disableEndpoint(true);
    expect((await rpc(t.server, 'catalog.endpointState', { at: SLEEPY_AT })).value).toEqual({ state: 'suspended' });
    const woke = await rpc(t.server, 'catalog.wakeEndpoint', { at: SLEEPY_AT });
    expect(woke).toEqual({ ok: true, value: { woke: true } });
    expect((await rpc(t.server, 'catalog.endpointState', { at: SLEEPY_AT })).value).toEqual({ state: 'active' });
    expect((await t.manage('GET', `${SLEEPY}/endpoints/primary`)).status.current_state).toBe('ACTIVE');
    expect((await rpc(t.server, 'catalog.wakeEndpoint', { at: SLEEPY_AT })).value).toEqual({ woke: false });
  });

  it('opens a table, runs SQL and lists roles on a suspended endpoint, with no connection error', async () => {
    expect((await read(SLEEPY_AT, 'clients')).status).toBe(200);
    await disableEndpoint(true);
    const table = await read(SLEEPY_AT, 'clients');
    expect(table.status, JSON.stringify(table.body)).toBe(200);
    expect((table.body as unknown[]).length).toBeGreaterThan(0);

    await disableEndpoint(true);
    const sql = await rpc(t.server, 'sql.run', {
      at: SLEEPY_AT,
      runId: 'wake-sql',
      sql: `SELECT count(*)::int AS n FROM clients`,
      viewAs: { kind: 'admin' },
      mode: 'run',
      pageSize: 1000,
    });
    expect(sql.ok, JSON.stringify(sql.error)).toBe(true);
    expect(sql.value.kind, JSON.stringify(sql.value)).toBe('ok');

    await disableEndpoint(true);
    const roles = await rpc(t.server, 'admin.roles', { at: SLEEPY_AT });
    expect(roles.ok, JSON.stringify(roles.error)).toBe(true);
    expect((await t.manage('GET', `${SLEEPY}/endpoints/primary`)).status).toMatchObject({ current_state: 'ACTIVE', disabled: false });
  });
});
