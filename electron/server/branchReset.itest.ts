/**
 * Issue 17, item 2: reset from parent and restore of a local branch, against real clusters through
 * the management API (`POST …/branches/{b}/restore`), with the branch's data read the ways a user
 * reads it — a `pg` client through the endpoint's host (TLS, a credential as the password) that was
 * connected before the reset, and the Data API — and never restarted in between.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROD, rpc, startCloudTestServer, type CloudTestServer } from './cloudBranchData.testing';

const DB = 'databricks_postgres';
const DEV = 'projects/local/branches/dev';

let t: CloudTestServer;

/** A pool as the owner at a branch's read-write endpoint, as Lakebase's clients connect. */
async function ownerPool(branch: string): Promise<pg.Pool> {
  const info = t.server.readyInfo();
  const eps = await t.manage('GET', `${branch}/endpoints`);
  const endpoint = eps.endpoints.find((e: { status: { endpoint_type: string } }) => e.status.endpoint_type === 'ENDPOINT_TYPE_READ_WRITE');
  const [host, port] = (endpoint.status.hosts.host as string).split(':');
  const cred = await t.manage('POST', 'credentials', { endpoint: endpoint.name });
  const pool = new pg.Pool({
    host,
    port: Number(port ?? 5432),
    user: 'owner@pier.local',
    password: cred.token,
    database: DB,
    ssl: { ca: readFileSync(info.postgresCa ?? '', 'utf8') },
    max: 2,
  });
  pool.on('error', () => undefined); // idle connections cut by the reset are replaced on the next query
  return pool;
}

const pools = new Map<string, pg.Pool>();
async function sql(branch: string, text: string): Promise<Record<string, unknown>[]> {
  let pool = pools.get(branch);
  if (!pool) pools.set(branch, (pool = await ownerPool(branch)));
  return (await pool.query(text)).rows as Record<string, unknown>[];
}

const ledger = async (branch: string) => (await sql(branch, 'SELECT id, note FROM ledger ORDER BY id')).map((r) => `${r.id}:${r.note}`);

async function dataApi(branch: string, table: string) {
  const r = await rpc(t.server, 'dataApi.request', {
    at: { kind: 'local', branch, database: DB },
    path: `/public/${table}`,
    rawQuery: 'order=id',
    viewAs: { kind: 'admin' },
  });
  return r.ok ? { status: r.value.status as number, body: JSON.parse(r.value.body) as unknown } : { status: -1, body: r.error as unknown };
}

/** Starts a restore and returns the operation unfinished, and the branch as seen right after. */
async function startRestore(branch: string, body: unknown) {
  const info = t.server.readyInfo();
  const auth = { authorization: `Bearer ${info.tokens.owner}` };
  const res = await fetch(`${info.managementApi}/${branch}/restore`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
  const op = (await res.json()) as { name?: string; done?: boolean; error_code?: string; message?: string };
  const during = await t.manage('GET', branch);
  return { status: res.status, op, during };
}

async function waitFor(opName: string) {
  return t.manage('GET', opName);
}

/** The server's clock as the database sees it, after a pause so later commits are clearly after it. */
async function pointInTime(branch: string): Promise<string> {
  const [row] = await sql(branch, `SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS t`);
  await new Promise((r) => setTimeout(r, 1200));
  return String(row!.t);
}

beforeAll(async () => {
  t = await startCloudTestServer();
  // The owner may make tables in public (as databricks_postgres's owner may on Lakebase); branches inherit it.
  const su = new pg.Client({ connectionString: t.server.readyInfo().postgres });
  await su.connect();
  await su.query(`GRANT CREATE ON SCHEMA public TO "owner@pier.local"`);
  await su.end();
  await sql(PROD, `CREATE TABLE ledger (id int PRIMARY KEY, note text); INSERT INTO ledger VALUES (1, 'one'), (2, 'two')`);
  await t.manage('POST', 'projects/local/branches?branch_id=dev', { spec: { source_branch: PROD, no_expiry: true } });
}, 180_000);

afterAll(async () => {
  for (const p of pools.values()) await p.end().catch(() => undefined);
  await t?.close();
});

describe('reset from parent', () => {
  it("brings back the parent's rows, drops the child's changes, and the endpoint serves the new data without a restart", async () => {
    await sql(
      DEV,
      `INSERT INTO ledger VALUES (3, 'dev only'); DELETE FROM ledger WHERE id = 1; CREATE TABLE dev_scratch (id int PRIMARY KEY)`,
    );
    await sql(PROD, `INSERT INTO ledger VALUES (4, 'four')`);
    expect(await ledger(DEV)).toEqual(['2:two', '3:dev only']);
    expect((await dataApi(DEV, 'dev_scratch')).status).toBe(200);
    const before = (await t.manage('GET', `${DEV}/endpoints/primary`)).status.hosts.host as string;

    const started = await startRestore(DEV, { source_branch: PROD });
    expect(started.status, JSON.stringify(started.op)).toBe(200);
    expect(started.op.done).toBe(false);
    expect(started.during.status.current_state).toBe('RESETTING');
    const op = await waitFor(started.op.name!);
    expect(op.response.status.current_state).toBe('READY');

    // The same pool (connected before), the same host and port.
    expect(await ledger(DEV)).toEqual(['1:one', '2:two', '4:four']);
    expect((await t.manage('GET', `${DEV}/endpoints/primary`)).status.hosts.host).toBe(before);
    // The Data API serves the new data, and has forgotten the table only the old data had.
    expect(await dataApi(DEV, 'ledger')).toEqual({
      status: 200,
      body: [
        { id: 1, note: 'one' },
        { id: 2, note: 'two' },
        { id: 4, note: 'four' },
      ],
    });
    expect((await dataApi(DEV, 'dev_scratch')).status).toBe(404);
    // The parent is untouched.
    expect(await ledger(PROD)).toEqual(['1:one', '2:two', '4:four']);
  });

  it("resets to a time within the parent's history: the parent's state at that time", async () => {
    await sql(PROD, `INSERT INTO ledger VALUES (5, 'five')`);
    const at = await pointInTime(PROD);
    await sql(PROD, `INSERT INTO ledger VALUES (6, 'six'); UPDATE ledger SET note = 'ONE' WHERE id = 1`);
    await sql(DEV, `DELETE FROM ledger`);
    const started = await startRestore(DEV, { source_branch: PROD, source_branch_time: at });
    expect(started.status, JSON.stringify(started.op)).toBe(200);
    await waitFor(started.op.name!);
    expect(await ledger(DEV)).toEqual(['1:one', '2:two', '4:four', '5:five']);
    const branch = await t.manage('GET', DEV);
    expect(branch.status.source_branch_time).toBe(at);
  });

  it('is refused on a protected branch, and nothing changes', async () => {
    const before = await ledger(DEV);
    await t.manage('PATCH', `${DEV}?update_mask=spec.is_protected`, { spec: { is_protected: true } });
    try {
      const refused = await startRestore(DEV, { source_branch: PROD });
      expect(refused.status).toBe(400);
      expect(refused.op).toMatchObject({ error_code: 'BAD_REQUEST' });
      expect(refused.op.message).toMatch(/protected/);
      expect(refused.during.status.current_state).toBe('READY');
      expect(await ledger(DEV)).toEqual(before);
    } finally {
      await t.manage('PATCH', `${DEV}?update_mask=spec.is_protected`, { spec: { is_protected: false } });
    }
  });

  it('names what it does not understand and runs nothing', async () => {
    const unknown = await startRestore(DEV, { source_branch: PROD, source_timestamp: new Date().toISOString() });
    expect(unknown.status).toBe(400);
    expect(unknown.op.message).toMatch(/source_timestamp/);
    const noPreserve = await startRestore(DEV, { source_branch: DEV, source_branch_time: new Date(Date.now() - 1000).toISOString() });
    expect(noPreserve.status).toBe(400);
    expect(noPreserve.op.message).toMatch(/preserve_under_name/);
  });
});

describe('through the RPC', () => {
  it('is refused for a Databricks workspace, whose API has no such call, and says where it is done', async () => {
    const r = await rpc(t.server, 'cloud.restoreBranch', { workspaceId: t.workspaceId, branch: DEV, sourceBranch: PROD });
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r.error)).toMatch(/Lakebase App/);
  });
});

describe('restore to a point in time', () => {
  it('keeps the state before it as a new branch, and undoing the restore leaves the data as before', async () => {
    await sql(DEV, `INSERT INTO ledger VALUES (100, 'kept')`);
    const at = await pointInTime(DEV);
    await sql(
      DEV,
      `INSERT INTO ledger VALUES (101, 'later'); DELETE FROM ledger WHERE id = 1; UPDATE ledger SET note = 'changed' WHERE id = 2`,
    );
    const beforeRestore = await ledger(DEV);

    const started = await startRestore(DEV, { source_branch: DEV, source_branch_time: at, preserve_under_name: 'dev-old-1' });
    expect(started.status, JSON.stringify(started.op)).toBe(200);
    await waitFor(started.op.name!);
    expect(await ledger(DEV)).toEqual(['1:one', '2:two', '4:four', '5:five', '100:kept']);
    const kept = 'projects/local/branches/dev-old-1';
    expect(await ledger(kept)).toEqual(beforeRestore);
    expect((await t.manage('GET', kept)).status).toMatchObject({ current_state: 'READY', source_branch: DEV });

    // Undo: restore the branch from the one that kept its state.
    const undo = await startRestore(DEV, { source_branch: kept });
    expect(undo.status, JSON.stringify(undo.op)).toBe(200);
    await waitFor(undo.op.name!);
    expect(await ledger(DEV)).toEqual(beforeRestore);
    expect((await dataApi(DEV, 'ledger')).body).toEqual(
      beforeRestore.map((r) => ({ id: Number(r.split(':')[0]), note: r.split(':').slice(1).join(':') })),
    );
    // The kept branch can go once it is no longer needed.
    await t.manage('DELETE', kept);
  });
});
