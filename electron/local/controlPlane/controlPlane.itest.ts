import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Branch, Endpoint, Operation, Project } from '../../../shared/management';
import { startLocalControlPlane, type LocalControlPlaneServer } from '../testing/startLocalControlPlane';

let server: LocalControlPlaneServer;
let dataDir: string;
let superuserPassword: string;

interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

async function api<T = Record<string, unknown>>(
  method: string,
  pathAndQuery: string,
  body?: unknown,
  token: string | null = server.ownerToken,
): Promise<Reply<T>> {
  const res = await fetch(`${server.managementApi}/${pathAndQuery}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Polls an operation by name until done, as the SDKs do. */
async function waitFor<T>(op: Operation): Promise<Operation<T>> {
  let current = op as Operation<T>;
  const deadline = Date.now() + 60_000;
  while (!current.done) {
    if (Date.now() > deadline) throw new Error(`Operation ${op.name} did not finish`);
    await new Promise((r) => setTimeout(r, 100));
    current = (await api<Operation<T>>('GET', op.name ?? '')).body;
  }
  return current;
}

async function mutate<T>(method: string, p: string, body?: unknown): Promise<T> {
  const r = await api<Operation>(method, p, body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const done = await waitFor<T>(r.body);
  expect(done.error, JSON.stringify(done.error)).toBeUndefined();
  return done.response as T;
}

/** A client as Lakebase's are: the endpoint's host, TLS checked against the local CA, a credential as the password. */
function connect(endpoint: Endpoint, user: string, password: string, database = 'databricks_postgres'): pg.Client {
  const [host, port] = (endpoint.status?.hosts?.host ?? '').split(':');
  return new pg.Client({
    host,
    port: Number(port ?? 5432),
    user,
    password,
    database,
    ssl: { ca: server.controlPlane.postgres().caCertPem },
  });
}

/** The superuser, at the endpoint's private address (only Pier's own roles log in there). */
function superuser(endpoint: Endpoint, database = 'databricks_postgres'): pg.Client {
  return new pg.Client({
    ...server.controlPlane.localAddress(endpoint.name ?? ''),
    user: 'postgres',
    password: superuserPassword,
    database,
  });
}

async function query(endpoint: Endpoint, sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const c = superuser(endpoint);
  await c.connect();
  try {
    return (await c.query(sql, values)).rows as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-cp-'));
  server = await startLocalControlPlane(dataDir);
  superuserPassword = decodeURIComponent(new URL(server.embedded.connectionString).password);
});

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('authentication and errors', () => {
  it('refuses requests without a valid bearer token', async () => {
    const none = await api('GET', 'projects', undefined, null);
    expect(none.status).toBe(401);
    expect(none.body.error_code).toBe('UNAUTHENTICATED');
    const forged = await api('GET', 'projects', undefined, server.ownerToken.slice(0, -4) + 'AAAA');
    expect(forged.status).toBe(401);
  });

  it('answers unknown resources with 404 in the service wording, and bad list parameters with 400', async () => {
    const missing = await api<{ error_code: string; message: string }>('GET', 'projects/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toMatch(/^project not found; project_id:"nope" \[TraceId: [0-9a-f-]+\]$/);
    expect((await api('GET', 'projects?page_size=101')).status).toBe(400);
    expect((await api('GET', 'projects?show_deleted=maybe')).status).toBe(400);
    expect((await api('GET', 'projects/local/operations/unknown')).status).toBe(404);
  });

  it('answers unknown paths with 404 NOT_FOUND and malformed bodies with 400', async () => {
    expect((await api('GET', 'nothing/here')).status).toBe(404);
    const res = await fetch(`${server.managementApi}/projects?project_id=x`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.ownerToken}` },
      body: '{nope',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_code: string }).error_code).toBe('MALFORMED_REQUEST');
  });
});

describe('the foundation becomes project local', () => {
  it('has project local with production (default, root) and its primary endpoint, effective values in status', async () => {
    const p = await api<Project>('GET', 'projects/local');
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({
      name: 'projects/local',
      project_id: 'local',
      status: {
        owner: 'owner@pier.local',
        default_branch: 'projects/local/branches/production',
        history_retention_duration: '604800s',
        enable_pg_native_login: false,
      },
    });
    const b = await api<Branch>('GET', 'projects/local/branches/production');
    expect(b.body.status).toMatchObject({ current_state: 'READY', default: true, is_protected: false });
    const e = await api<Endpoint>('GET', 'projects/local/branches/production/endpoints/primary');
    expect(e.body.status).toMatchObject({ endpoint_type: 'ENDPOINT_TYPE_READ_WRITE', current_state: 'ACTIVE' });
    // The sample data is reachable through the endpoint's host, nothing re-created.
    const cred = await api<{ token: string }>('POST', 'credentials', { endpoint: 'projects/local/branches/production/endpoints/primary' });
    const owner = connect(e.body, 'owner@pier.local', cred.body.token);
    await owner.connect();
    expect((await owner.query('SELECT count(*)::int AS n FROM clients')).rows).toEqual([{ n: 3 }]);
    await owner.end();
  });

  it('refuses to delete the project that holds the embedded database', async () => {
    const r = await api<{ error_code: string; message: string }>('DELETE', 'projects/local');
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('embedded database');
  });

  it('refuses to delete the root branch or a read-write endpoint (MANAGED_BY_PARENT)', async () => {
    for (const p of ['projects/local/branches/production', 'projects/local/branches/production/endpoints/primary']) {
      const r = await api<{ error_code: string; details: { metadata?: { declarative_context?: string } }[] }>('DELETE', p);
      expect(r.status).toBe(400);
      expect(r.body.error_code).toBe('BAD_REQUEST');
      expect(r.body.details[0]?.metadata?.declarative_context).toBe('MANAGED_BY_PARENT');
    }
  });
});

describe('branches', () => {
  let dev: Branch;
  let devPrimary: Endpoint;
  let prodPrimary: Endpoint;

  it('creates a branch asynchronously: done:false first, then the READY branch with its source LSN', async () => {
    const before = Date.now();
    const r = await api<Operation>('POST', 'projects/local/branches?branch_id=dev', {
      spec: { source_branch: 'projects/local/branches/production' },
    });
    expect(r.status).toBe(200);
    expect(r.body.done).toBe(false);
    const op = await waitFor<Branch>(r.body);
    expect(op.error, JSON.stringify(op.error)).toBeUndefined();
    dev = op.response!;
    expect(dev).toMatchObject({
      name: 'projects/local/branches/dev',
      parent: 'projects/local',
      branch_id: 'dev',
      status: { current_state: 'READY', default: false, source_branch: 'projects/local/branches/production' },
    });
    expect(dev.status?.source_branch_lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(Date.parse(dev.status?.source_branch_time ?? '')).toBeGreaterThanOrEqual(before - 1000);
    const eps = await api<{ endpoints: Endpoint[] }>('GET', 'projects/local/branches/dev/endpoints');
    expect(eps.body.endpoints.map((e) => e.endpoint_id)).toEqual(['primary']);
    devPrimary = eps.body.endpoints[0]!;
    prodPrimary = (await api<Endpoint>('GET', 'projects/local/branches/production/endpoints/primary')).body;
    // One host for every endpoint (Pier's Postgres proxy), told apart by their uids.
    expect(devPrimary.status?.hosts?.host).toBe(prodPrimary.status?.hosts?.host);
    expect(devPrimary.uid).not.toBe(prodPrimary.uid);
    // The copy carries the source's roles and databases, and lists them.
    const roles = await api<{ roles: { status: { postgres_role: string } }[] }>('GET', 'projects/local/branches/dev/roles');
    expect(roles.body.roles.map((r) => r.status.postgres_role).sort()).toEqual(['owner@pier.local', 'user@example.com']);
    const dbs = await api<{ databases: { name: string; status: { role: string } }[] }>('GET', 'projects/local/branches/dev/databases');
    expect(dbs.body.databases).toEqual([
      expect.objectContaining({
        name: 'projects/local/branches/dev/databases/databricks-postgres',
        status: expect.objectContaining({ role: 'projects/local/branches/dev/roles/owner-pier-local' }),
      }),
    ]);
  });

  it('keeps a branch and its parent apart: writes on one are invisible on the other', async () => {
    expect(await query(devPrimary, 'SELECT count(*)::int AS n FROM clients')).toEqual([{ n: 3 }]);
    await query(devPrimary, `INSERT INTO clients (name, email) VALUES ('Dev Only', 'dev@example.com')`);
    await query(prodPrimary, `INSERT INTO clients (name, email) VALUES ('Prod Only', 'prod@example.com')`);
    expect(await query(devPrimary, 'SELECT name FROM clients WHERE id > 3 ORDER BY id')).toEqual([{ name: 'Dev Only' }]);
    expect(await query(prodPrimary, 'SELECT name FROM clients WHERE id > 3 ORDER BY id')).toEqual([{ name: 'Prod Only' }]);
  });

  it('validates ids and refuses duplicates', async () => {
    const bad = await api<{ error_code: string; message: string }>('POST', 'projects/local/branches?branch_id=Bad_Id', {});
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: "Field branch_id must match pattern ^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$, got 'Bad_Id'.",
    });
    const missing = await api<{ message: string }>('POST', 'projects/local/branches', {});
    expect(missing.body.message).toBe(`Field 'branch_id' is required, expected non-default value (not "")!`);
    const dup = await api<{ error_code: string }>('POST', 'projects/local/branches?branch_id=dev', {});
    expect(dup.status).toBe(409);
    expect(dup.body.error_code).toBe('ALREADY_EXISTS');
    expect((await api('GET', 'projects/local/branches/nope')).status).toBe(404);
  });

  it('updates by mask at the leaf, refuses missing masks and immutable fields, and protects', async () => {
    expect((await api('PATCH', 'projects/local/branches/dev', { spec: { is_protected: true } })).status).toBe(400);
    const imm = await api<{ message: string }>('PATCH', 'projects/local/branches/dev?update_mask=spec.source_branch', {
      spec: { source_branch: 'projects/local/branches/other' },
    });
    expect(imm.status).toBe(400);
    expect(imm.body.message).toContain('immutable');
    const masked = await api('PATCH', 'projects/local/branches/dev?update_mask=spec.is_protected', { spec: { is_protected: true } });
    expect(masked.status).toBe(200);
    await waitFor(masked.body as Operation);
    const updated = await mutate<Branch>('PATCH', 'projects/local/branches/dev?update_mask=spec.expiration', {
      spec: { ttl: '3600s', is_protected: false },
    });
    expect(updated.status).toMatchObject({ is_protected: true });
    expect(Date.parse(updated.status?.expire_time ?? '')).toBeGreaterThan(Date.now());
    const refused = await api<{ error_code: string }>('DELETE', 'projects/local/branches/dev');
    expect(refused.status).toBe(400);
    await mutate('PATCH', 'projects/local/branches/dev?update_mask=spec.is_protected', { spec: { is_protected: false } });
  });

  it('updates endpoints by the spec.suspension group and turns a duplicate create with replace_existing into an update', async () => {
    const ep = await mutate<Endpoint>('PATCH', 'projects/local/branches/dev/endpoints/primary?update_mask=spec.suspension', {
      spec: { suspend_timeout_duration: '120s' },
    });
    expect(ep.status?.suspend_timeout_duration).toBe('120s');
    const single = await api<{ message: string }>('PATCH', 'projects/local/branches/dev/endpoints/primary?update_mask=spec.no_suspension', {
      spec: { no_suspension: true },
    });
    expect(single.status).toBe(400);
    const replaced = await mutate<Branch>('POST', 'projects/local/branches?branch_id=dev&replace_existing=true', {
      spec: { ttl: '7200s' },
    });
    expect(replaced.uid).toBe(dev.uid);
    expect(Date.parse(replaced.status?.expire_time ?? '') - Date.parse(replaced.create_time ?? '')).toBe(7200_000);
    await mutate('PATCH', 'projects/local/branches/dev?update_mask=spec.expiration', { spec: { no_expiry: true } });
  });

  it('applies allowed pg_settings by restarting the endpoint, ignores dangerous ones, survives bad values', async () => {
    await mutate('PATCH', 'projects/local/branches/dev/endpoints/primary?update_mask=spec.settings.pg_settings', {
      spec: { settings: { pg_settings: { work_mem: '7MB', archive_command: 'touch /tmp/pwned' } } },
    });
    expect(await query(devPrimary, `SELECT current_setting('work_mem') AS w, current_setting('archive_command') AS a`)).toEqual([
      { w: '7MB', a: 'test ! -f ../wal-archive/%f && cp %p ../wal-archive/%f' },
    ]);
    await mutate('PATCH', 'projects/local/branches/dev/endpoints/primary?update_mask=spec.settings.pg_settings', {
      spec: { settings: { pg_settings: { work_mem: 'lots' } } },
    });
    expect(await query(devPrimary, `SELECT current_setting('work_mem') AS w`)).toEqual([{ w: '4MB' }]);
    await mutate('PATCH', 'projects/local/branches/dev/endpoints/primary?update_mask=spec.settings.pg_settings', {
      spec: { settings: { pg_settings: {} } },
    });
  });

  it('pages lists with opaque tokens', async () => {
    const first = await api<{ branches: Branch[]; next_page_token?: string }>('GET', 'projects/local/branches?page_size=1');
    expect(first.body.branches).toHaveLength(1);
    expect(first.body.next_page_token).toBeTruthy();
    const second = await api<{ branches: Branch[]; next_page_token?: string }>(
      'GET',
      `projects/local/branches?page_size=1&page_token=${first.body.next_page_token}`,
    );
    expect(second.body.branches.map((b) => b.branch_id)).not.toEqual(first.body.branches.map((b) => b.branch_id));
    expect(second.body.next_page_token).toBeUndefined();
    expect((await api('GET', 'projects/local/branches?page_token=garbage')).status).toBe(400);
  });

  it('suspends an idle endpoint and resumes it on the next connection', async () => {
    await server.controlPlane.suspendEndpoint('projects/local/branches/dev/endpoints/primary');
    expect((await api<Endpoint>('GET', 'projects/local/branches/dev/endpoints/primary')).body.status?.current_state).toBe('IDLE');
    expect(await query(devPrimary, `SELECT name FROM clients WHERE email = 'dev@example.com'`)).toEqual([{ name: 'Dev Only' }]);
    expect((await api<Endpoint>('GET', 'projects/local/branches/dev/endpoints/primary')).body.status?.current_state).toBe('ACTIVE');
  });

  it('adds a read-only endpoint that is a hot standby converging on the primary', async () => {
    const ro = await mutate<Endpoint>('POST', 'projects/local/branches/dev/endpoints?endpoint_id=reader', {
      spec: { endpoint_type: 'ENDPOINT_TYPE_READ_ONLY' },
    });
    expect(ro.status).toMatchObject({ endpoint_type: 'ENDPOINT_TYPE_READ_ONLY', current_state: 'ACTIVE' });
    expect(ro.status?.hosts?.read_only_host).toBe(ro.status?.hosts?.host);
    await query(devPrimary, `INSERT INTO clients (name, email) VALUES ('Replicated', 'rep@example.com')`);
    let rows: Record<string, unknown>[] = [];
    for (let i = 0; i < 100 && rows.length === 0; i++) {
      rows = await query(ro, `SELECT name FROM clients WHERE email = 'rep@example.com'`);
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toEqual([{ name: 'Replicated' }]);
    await expect(query(ro, `INSERT INTO clients (name, email) VALUES ('x', 'x@example.com')`)).rejects.toThrow(/read-only/);
    const rw = await api<{ message: string }>('POST', 'projects/local/branches/dev/endpoints?endpoint_id=second', {
      spec: { endpoint_type: 'ENDPOINT_TYPE_READ_WRITE' },
    });
    expect(rw.status).toBe(400);
    expect(await mutate('DELETE', 'projects/local/branches/dev/endpoints/reader')).toEqual({
      '@type': 'type.googleapis.com/google.protobuf.Empty',
    });
  });

  it('soft-deletes, lists with show_deleted, undeletes, and purges', async () => {
    expect(await mutate('DELETE', 'projects/local/branches/dev')).toEqual({ '@type': 'type.googleapis.com/google.protobuf.Empty' });
    expect((await api('GET', 'projects/local/branches/dev')).status).toBe(404);
    const listed = await api<{ branches: Branch[] }>('GET', 'projects/local/branches?show_deleted=true');
    const deleted = listed.body.branches.find((b) => b.branch_id === 'dev');
    expect(deleted?.status).toMatchObject({ current_state: 'DELETED' });
    expect(deleted?.status?.purge_time).toBeTruthy();
    expect((await api<{ branches: Branch[] }>('GET', 'projects/local/branches')).body.branches.map((b) => b.branch_id)).toEqual([
      'production',
    ]);
    await mutate('POST', 'projects/local/branches/dev/undelete', {});
    expect(await query(devPrimary, `SELECT count(*)::int AS n FROM clients WHERE email = 'dev@example.com'`)).toEqual([{ n: 1 }]);
    await mutate('DELETE', 'projects/local/branches/dev?purge=true');
    expect(
      (await api<{ branches: Branch[] }>('GET', 'projects/local/branches?show_deleted=true')).body.branches.map((b) => b.branch_id),
    ).toEqual(['production']);
    await expect(query(devPrimary, 'SELECT 1')).rejects.toThrow();
  });
});

describe('point-in-time branches', () => {
  it('branches production as it was at a past time, from its WAL archive', async () => {
    const prod = (await api<Endpoint>('GET', 'projects/local/branches/production/endpoints/primary')).body;
    await query(prod, `INSERT INTO clients (name, email) VALUES ('Before PITR', 'before@example.com')`);
    await new Promise((r) => setTimeout(r, 50));
    const at = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 50));
    await query(prod, `INSERT INTO clients (name, email) VALUES ('After PITR', 'after@example.com')`);
    const past = await mutate<Branch>('POST', 'projects/local/branches?branch_id=past', { spec: { source_branch_time: at } });
    expect(past.status).toMatchObject({
      current_state: 'READY',
      source_branch: 'projects/local/branches/production',
      source_branch_time: at,
    });
    expect(past.status?.source_branch_lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    const ep = (await api<Endpoint>('GET', 'projects/local/branches/past/endpoints/primary')).body;
    expect(await query(ep, `SELECT name FROM clients WHERE email IN ('before@example.com', 'after@example.com')`)).toEqual([
      { name: 'Before PITR' },
    ]);
    // The past branch is writable and independent.
    await query(ep, `INSERT INTO clients (name, email) VALUES ('Past Only', 'past@example.com')`);
    expect(await query(prod, `SELECT count(*)::int AS n FROM clients WHERE email = 'past@example.com'`)).toEqual([{ n: 0 }]);
    await mutate('DELETE', 'projects/local/branches/past?purge=true');
  });

  it('branches a branch (on its own timeline) from a past time too', async () => {
    await mutate('POST', 'projects/local/branches?branch_id=mid', {});
    const mid = (await api<Endpoint>('GET', 'projects/local/branches/mid/endpoints/primary')).body;
    await query(mid, `CREATE TABLE notes (body text)`);
    await query(mid, `INSERT INTO notes VALUES ('first')`);
    await new Promise((r) => setTimeout(r, 50));
    const at = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 50));
    await query(mid, `INSERT INTO notes VALUES ('second')`);
    // The source is asleep: branching wakes it.
    await server.controlPlane.suspendEndpoint('projects/local/branches/mid/endpoints/primary');
    const past = await mutate<Branch>('POST', 'projects/local/branches?branch_id=mid-past', {
      spec: { source_branch: 'projects/local/branches/mid', source_branch_time: at },
    });
    expect(past.status?.source_branch).toBe('projects/local/branches/mid');
    const ep = (await api<Endpoint>('GET', 'projects/local/branches/mid-past/endpoints/primary')).body;
    expect(await query(ep, 'SELECT body FROM notes')).toEqual([{ body: 'first' }]);
    await mutate('DELETE', 'projects/local/branches/mid-past?purge=true');
    await mutate('DELETE', 'projects/local/branches/mid?purge=true');
  });

  it('refuses targets outside the history: in the future, beyond retention, before the first backup', async () => {
    const future = await api<{ message: string }>('POST', 'projects/local/branches?branch_id=later', {
      spec: { source_branch_time: new Date(Date.now() + 3600_000).toISOString() },
    });
    expect(future.status).toBe(400);
    const ancient = await api<{ message: string }>('POST', 'projects/local/branches?branch_id=older', {
      spec: { source_branch_time: '2020-01-01T00:00:00Z' },
    });
    expect(ancient.status).toBe(400);
    expect(ancient.body.message).toContain('history retention');
    // Known before any operation starts: the client gets the 400 itself.
    const early = await api<{ message: string }>('POST', 'projects/local/branches?branch_id=early', {
      spec: { source_branch_time: new Date(Date.now() - 3600_000).toISOString() },
    });
    expect(early.status).toBe(400);
    expect(early.body.message).toContain('no history that far back');
    expect((await api('GET', 'projects/local/branches/early')).status).toBe(404);
  });
});

describe('roles, databases, data API and credentials', () => {
  let primary: Endpoint;
  beforeAll(async () => {
    primary = (await api<Endpoint>('GET', 'projects/local/branches/production/endpoints/primary')).body;
  });

  it('gives the caller a short-lived Postgres password for its own role', async () => {
    const cred = await api<{ token: string; expire_time: string }>('POST', 'credentials', {
      endpoint: 'projects/local/branches/production/endpoints/primary',
      ttl: '600s',
    });
    expect(cred.status).toBe(200);
    const left = Date.parse(cred.body.expire_time) - Date.now();
    expect(left).toBeGreaterThan(590_000);
    expect(left).toBeLessThan(610_000);
    const c = connect(primary, 'owner@pier.local', cred.body.token);
    await c.connect();
    expect((await c.query('SELECT current_user AS u')).rows).toEqual([{ u: 'owner@pier.local' }]);
    await c.end();
    const bad = connect(primary, 'owner@pier.local', 'wrong');
    await expect(bad.connect()).rejects.toThrow(/password authentication failed/);
    expect(
      (await api('POST', 'credentials', { endpoint: 'projects/local/branches/production/endpoints/primary', ttl: '60s' })).status,
    ).toBe(400);
    expect((await api('POST', 'credentials', { endpoint: 'projects/local/branches/production/endpoints/none' })).status).toBe(404);
  });

  it('runs the Lakebase docs SQL: CREATE EXTENSION databricks_auth and databricks_create_role, then that identity logs in', async () => {
    const ownerCred = await api<{ token: string }>('POST', 'credentials', {
      endpoint: 'projects/local/branches/production/endpoints/primary',
    });
    const owner = connect(primary, 'owner@pier.local', ownerCred.body.token);
    await owner.connect();
    await owner.query('CREATE EXTENSION IF NOT EXISTS databricks_auth');
    expect((await owner.query(`SELECT databricks_create_role('someone@example.com', 'USER') AS r`)).rows).toEqual([
      { r: 'someone@example.com' },
    ]);
    await expect(owner.query(`SELECT databricks_create_role('x@example.com', 'ROBOT')`)).rejects.toThrow(/identity_type must be/);
    await owner.end();
    await server.issuer.addIdentity('someone@example.com');
    const token = await server.issuer.mintToken('someone@example.com');
    // A credential needs CAN_USE on the project, as on Databricks.
    const grant = await fetch(`${server.origin}/api/2.0/permissions/database-projects/local`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${server.ownerToken}` },
      body: JSON.stringify({ access_control_list: [{ user_name: 'someone@example.com', permission_level: 'CAN_USE' }] }),
    });
    expect(grant.status).toBe(200);
    const res = await fetch(`${server.managementApi}/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ endpoint: 'projects/local/branches/production/endpoints/primary' }),
    });
    const cred = (await res.json()) as { token: string };
    const someone = connect(primary, 'someone@example.com', cred.token);
    await someone.connect();
    expect((await someone.query('SELECT current_user AS u')).rows).toEqual([{ u: 'someone@example.com' }]);
    await someone.end();
  });

  it('creates roles and databases in the branch, refusing duplicates', async () => {
    const role = await mutate<{ role_id: string; status: Record<string, unknown> }>(
      'POST',
      'projects/local/branches/production/roles?role_id=app-owner',
      {
        spec: { postgres_role: 'app_owner', attributes: { createdb: true } },
      },
    );
    expect(role.status).toMatchObject({
      postgres_role: 'app_owner',
      auth_method: 'PG_PASSWORD_SCRAM_SHA_256',
      attributes: { createdb: true, createrole: false, bypassrls: false },
    });
    const dup = await api<{ error_code: string; message: string }>('POST', 'projects/local/branches/production/roles?role_id=app-owner-2', {
      spec: { postgres_role: 'app_owner' },
    });
    expect(dup.status).toBe(400);
    expect(dup.body.message).toBe('role with that name already exists');
    const db = await mutate<{ status: Record<string, unknown> }>('POST', 'projects/local/branches/production/databases?database_id=app', {
      spec: { postgres_database: 'app', role: 'projects/local/branches/production/roles/app-owner' },
    });
    expect(db.status).toEqual({ database_id: 'app', postgres_database: 'app', role: 'projects/local/branches/production/roles/app-owner' });
    expect(await query(primary, `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'app'`)).toEqual([
      { owner: 'app_owner' },
    ]);
    const attr = await mutate<{ status: { attributes: Record<string, boolean> } }>(
      'PATCH',
      'projects/local/branches/production/roles/app-owner?update_mask=spec.attributes.bypassrls',
      { spec: { attributes: { bypassrls: true } } },
    );
    expect(attr.status.attributes).toEqual({ createdb: true, createrole: false, bypassrls: true });
    const noRole = await api<{ message: string }>('POST', 'projects/local/branches/production/databases?database_id=x2', { spec: {} });
    expect(noRole.body.message).toBe(`Field 'database.spec.role' is required, expected non-default value (not "")!`);
  });

  it('enables, updates and disables the Data API, writing pgrst.pre_config()', async () => {
    const on = await mutate<{ name: string; status: { url: string; db_schemas: string[]; available_schemas: string[] } }>(
      'POST',
      'projects/local/branches/production/databases/app/data-api',
      { spec: { db_schemas: ['public', 'api'] } },
    );
    expect(on.name).toBe('projects/local/branches/production/databases/app/data-api');
    expect(on.status.url).toBe(`${server.origin}/api/2.0/workspace/local/rest/app`);
    expect(on.status.db_schemas).toEqual(['public', 'api']);
    const appDb = superuser(primary, 'app');
    await appDb.connect();
    const read = async () => {
      await appDb.query('BEGIN');
      await appDb.query('SELECT pgrst.pre_config()');
      const r = await appDb.query(`SELECT current_setting('pgrst.db_schemas') AS s, current_setting('pgrst.db_aggregates_enabled') AS a`);
      await appDb.query('COMMIT');
      return r.rows[0] as { s: string; a: string };
    };
    expect(await read()).toEqual({ s: 'public,api', a: 'true' });
    await mutate('PATCH', 'projects/local/branches/production/databases/app/data-api?update_mask=spec.db_aggregates_enabled', {
      spec: { db_aggregates_enabled: false },
    });
    expect(await read()).toEqual({ s: 'public,api', a: 'false' });
    await mutate('DELETE', 'projects/local/branches/production/databases/app/data-api');
    expect((await api('GET', 'projects/local/branches/production/databases/app/data-api')).status).toBe(404);
    await appDb.end();
  });

  it('deletes a database and a role, reassigning what it owned', async () => {
    const blocked = await api<{ message: string }>('DELETE', 'projects/local/branches/production/roles/app-owner');
    expect(blocked.status).toBe(400);
    expect(blocked.body.message).toContain('reassign_owned_to');
    await mutate('DELETE', 'projects/local/branches/production/databases/app');
    await query(primary, `CREATE TABLE owned_by_app (id int)`);
    await query(primary, `ALTER TABLE owned_by_app OWNER TO app_owner`);
    const plain = await api<{ message: string }>('DELETE', 'projects/local/branches/production/roles/app-owner');
    expect(plain.status).toBe(400);
    expect(plain.body.message).toContain('reassign_owned_to');
    expect((await api('GET', 'projects/local/branches/production/roles/app-owner')).status).toBe(200);
    await mutate('DELETE', 'projects/local/branches/production/roles/app-owner?reassign_owned_to=owner-pier-local');
    expect(await query(primary, `SELECT tableowner FROM pg_tables WHERE tablename = 'owned_by_app'`)).toEqual([
      { tableowner: 'owner@pier.local' },
    ]);
    expect(await query(primary, `SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'app_owner'`)).toEqual([{ n: 0 }]);
    expect((await api('GET', 'projects/local/branches/production/roles/app-owner')).status).toBe(404);
  });
});

describe('projects', () => {
  it('creates a project with its production branch and primary endpoint, then soft-deletes and purges it', async () => {
    const p = await mutate<Project>('POST', 'projects?project_id=shop', {
      spec: { display_name: 'Shop' },
      initial_endpoint_spec: { suspend_timeout_duration: '300s' },
    });
    expect(p.status).toMatchObject({
      display_name: 'Shop',
      // The service's default major.
      pg_version: 17,
      default_branch: 'projects/shop/branches/production',
      owner: 'owner@pier.local',
    });
    const ep = (await api<Endpoint>('GET', 'projects/shop/branches/production/endpoints/primary')).body;
    expect(ep.status).toMatchObject({ suspend_timeout_duration: '300s', autoscaling_limit_min_cu: 1 });
    expect(await query(ep, `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'databricks_postgres'`)).toEqual([
      { owner: 'owner@pier.local' },
    ]);
    const dbs = await api<{ databases: { database_id: string }[] }>('GET', 'projects/shop/branches/production/databases');
    expect(dbs.body.databases.map((d) => d.database_id)).toEqual(['databricks-postgres']);
    expect((await api('PATCH', 'projects/shop?update_mask=spec.pg_version', { spec: { pg_version: 16 } })).status).toBe(400);
    const renamed = await mutate<Project>(
      'PATCH',
      'projects/shop?update_mask=spec.display_name,spec.default_endpoint_settings.suspension',
      { spec: { display_name: 'Shop 2', default_endpoint_settings: { no_suspension: true } } },
    );
    expect(renamed.status?.display_name).toBe('Shop 2');
    expect(renamed.status?.default_endpoint_settings).toMatchObject({ no_suspension: true });
    expect(renamed.status?.default_endpoint_settings?.suspend_timeout_duration).toBeUndefined();
    await mutate('DELETE', 'projects/shop');
    expect((await api('GET', 'projects/shop')).status).toBe(404);
    expect((await api<{ projects: Project[] }>('GET', 'projects?show_deleted=true')).body.projects.map((x) => x.project_id)).toContain(
      'shop',
    );
    await mutate('DELETE', 'projects/shop?purge=true');
    expect((await api<{ projects: Project[] }>('GET', 'projects?show_deleted=true')).body.projects.map((x) => x.project_id)).toEqual([
      'local',
    ]);
  });
});

describe('housekeeping', () => {
  it('soft-deletes expired branches, purges after purge_time, and renews point-in-time history', async () => {
    await mutate('POST', 'projects/local/branches?branch_id=short', { spec: { ttl: '1s' } });
    await new Promise((r) => setTimeout(r, 1100));
    const first = await server.controlPlane.runMaintenance();
    expect(first.expiredBranches).toEqual(['projects/local/branches/short']);
    expect((await api('GET', 'projects/local/branches/short')).status).toBe(404);
    const week = 8 * 86400_000;
    const later = await server.controlPlane.runMaintenance(Date.now() + week);
    expect(later.purgedBranches).toEqual(['projects/local/branches/short']);
    expect(later.baseBackups).toContain('projects/local/branches/production');
    expect(later.prunedFiles).toBeGreaterThan(0);
    expect(
      (await api<{ branches: Branch[] }>('GET', 'projects/local/branches?show_deleted=true')).body.branches.map((b) => b.branch_id),
    ).toEqual(['production']);
  });
});
