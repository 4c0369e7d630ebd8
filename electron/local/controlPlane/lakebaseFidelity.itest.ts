import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint, Operation, Project } from '../../../shared/management';
import { startLocalControlPlane, type LocalControlPlaneServer } from '../testing/startLocalControlPlane';

/**
 * The local control plane answering as Lakebase does for what Databricks' own clients send
 * (issue 14): Terraform's update masks, pg_version 16 and 17, and the service's smaller behaviours.
 * Real HTTP, real PostgreSQL of each major.
 */

let server: LocalControlPlaneServer;
let dataDir: string;
let superuserPassword: string;

interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

async function api<T = Record<string, unknown>>(method: string, pathAndQuery: string, body?: unknown): Promise<Reply<T>> {
  const res = await fetch(`${server.managementApi}/${pathAndQuery}`, {
    method,
    headers: {
      authorization: `Bearer ${server.ownerToken}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function mutate<T>(method: string, p: string, body?: unknown): Promise<T> {
  const r = await api<Operation>(method, p, body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  let op = r.body as Operation<T>;
  const deadline = Date.now() + 120_000;
  while (!op.done) {
    if (Date.now() > deadline) throw new Error(`Operation ${op.name} did not finish`);
    await new Promise((res) => setTimeout(res, 100));
    op = (await api<Operation<T>>('GET', op.name ?? '')).body;
  }
  expect(op.error, JSON.stringify(op.error)).toBeUndefined();
  return op.response as T;
}

async function primaryOf(branch: string): Promise<Endpoint> {
  const list = await api<{ endpoints: Endpoint[] }>('GET', `${branch}/endpoints`);
  const ep = list.body.endpoints.find((e) => e.status?.endpoint_type === 'ENDPOINT_TYPE_READ_WRITE');
  if (!ep) throw new Error(`No read-write endpoint on ${branch}`);
  return ep;
}

async function sql(endpoint: Endpoint, text: string, database = 'databricks_postgres'): Promise<Record<string, unknown>[]> {
  // The superuser at the endpoint's private address (clients reach endpoints through the TLS proxy; only Pier's own roles log in here).
  const c = new pg.Client({
    ...server.controlPlane.localAddress(endpoint.name ?? ''),
    user: 'postgres',
    password: superuserPassword,
    database,
  });
  await c.connect();
  try {
    return (await c.query(text)).rows as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-fidelity-'));
  server = await startLocalControlPlane(dataDir);
  superuserPassword = decodeURIComponent(new URL(server.embedded.connectionString).password);
});

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a project as Terraform manages it (pg_version 16)', () => {
  beforeAll(async () => {
    await mutate('POST', 'projects?project_id=tf', {
      spec: {
        display_name: 'Original Name',
        pg_version: 16,
        history_retention_duration: '604800s',
        default_endpoint_settings: { autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 4, suspend_timeout_duration: '300s' },
      },
      initial_role_spec: { postgres_role: 'app_owner' },
    });
  }, 180_000);

  it('runs a real PostgreSQL 16, and the project says so', async () => {
    const p = (await api<Project>('GET', 'projects/tf')).body;
    expect(p.status?.pg_version).toBe(16);
    const [row] = await sql(await primaryOf('projects/tf/branches/production'), 'SHOW server_version_num');
    expect(String(row?.server_version_num)).toMatch(/^16\d{4}$/);
  });

  it('shows one member of the suspension oneof in default_endpoint_settings', async () => {
    const p = (await api<Project>('GET', 'projects/tf')).body;
    expect(p.status?.default_endpoint_settings).toEqual({
      autoscaling_limit_min_cu: 0.5,
      autoscaling_limit_max_cu: 4,
      suspend_timeout_duration: '300s',
    });
  });

  it('makes the initial_role_spec role and gives it the initial database', async () => {
    const owner = await sql(
      await primaryOf('projects/tf/branches/production'),
      `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'databricks_postgres'`,
    );
    expect(owner).toEqual([{ owner: 'app_owner' }]);
    const roles = await api<{ roles: { status?: { postgres_role?: string } }[] }>('GET', 'projects/tf/branches/production/roles');
    expect(roles.body.roles.map((r) => r.status?.postgres_role)).toEqual(expect.arrayContaining(['app_owner', 'owner@pier.local']));
    const dbs = await api<{ databases: { status?: { role?: string } }[] }>('GET', 'projects/tf/branches/production/databases');
    expect(dbs.body.databases[0]?.status?.role).toMatch(/^projects\/tf\/branches\/production\/roles\/app-owner$/);
  });

  it("accepts Terraform's PATCH (update_mask=initial_branch_spec,initial_endpoint_spec,spec) and keeps what it leaves out", async () => {
    // Terraform's body for a display name change (Databricks CLI acceptance test postgres_projects/update_display_name).
    const updated = await mutate<Project>('PATCH', 'projects/tf?update_mask=initial_branch_spec,initial_endpoint_spec,spec', {
      spec: {
        default_endpoint_settings: { autoscaling_limit_max_cu: 4, autoscaling_limit_min_cu: 0.5, suspend_timeout_duration: '300s' },
        display_name: 'Updated Name',
        history_retention_duration: '604800s',
        pg_version: 16,
      },
    });
    expect(updated.status).toMatchObject({
      display_name: 'Updated Name',
      pg_version: 16,
      default_branch: 'projects/tf/branches/production',
    });
    // `spec` alone, with a smaller body: still nothing wiped.
    await mutate('PATCH', 'projects/tf?update_mask=spec', { spec: { display_name: 'Again' } });
    const p = (await api<Project>('GET', 'projects/tf')).body;
    expect(p.status).toMatchObject({
      display_name: 'Again',
      pg_version: 16,
      default_branch: 'projects/tf/branches/production',
      history_retention_duration: '604800s',
    });
    // Changing the immutable pg_version through `spec` is refused, and changes nothing.
    const bump = await api<{ error_code: string; message: string }>('PATCH', 'projects/tf?update_mask=spec', { spec: { pg_version: 17 } });
    expect(bump.status).toBe(400);
    expect(bump.body).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: "Field 'spec.pg_version' is immutable and cannot be updated.",
    });
  });

  it('refuses `*` without every updatable field, naming the first one, and leaves the project as it was', async () => {
    const star = await api<{ error_code: string; message: string }>('PATCH', 'projects/tf?update_mask=*', {
      spec: { display_name: 'Star' },
    });
    expect(star.status).toBe(400);
    expect(star.body.message).toMatch(/^Field 'spec\.[a-z_.]+' is in update_mask but not provided in request$/);
    expect((await api<Project>('GET', 'projects/tf')).body.status?.display_name).toBe('Again');
  });

  it('branches after the PATCH without naming a source branch; the branch runs PostgreSQL 16 too', async () => {
    const b = await mutate<{ status?: { source_branch?: string } }>('POST', 'projects/tf/branches?branch_id=dev', {
      spec: { no_expiry: true },
    });
    expect(b.status?.source_branch).toBe('projects/tf/branches/production');
    const [row] = await sql(await primaryOf('projects/tf/branches/dev'), 'SHOW server_version_num');
    expect(String(row?.server_version_num)).toMatch(/^16\d{4}$/);
  }, 120_000);
});

describe('pg_version 17 and the default', () => {
  it('creates a project on a real PostgreSQL 17', async () => {
    const p = await mutate<Project>('POST', 'projects?project_id=seventeen', { spec: { pg_version: 17 } });
    expect(p.status?.pg_version).toBe(17);
    const [row] = await sql(await primaryOf('projects/seventeen/branches/production'), 'SHOW server_version_num');
    expect(String(row?.server_version_num)).toMatch(/^17\d{4}$/);
  }, 180_000);

  it('refuses a major it does not have, before any operation starts', async () => {
    const r = await api<{ error_code: string; message: string }>('POST', 'projects?project_id=fifteen', { spec: { pg_version: 15 } });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe("Field 'spec.pg_version' must be one of 16, 17, 18, got 15.");
    expect((await api('GET', 'projects/fifteen')).status).toBe(404);
  });
});

describe("the service's smaller behaviours", () => {
  it('answers a database owned by a role the branch does not have with 404 NOT_FOUND', async () => {
    const r = await api<{ error_code: string; message: string }>(
      'POST',
      'projects/local/branches/production/databases?database_id=orphan',
      {
        spec: { postgres_database: 'orphan', role: 'projects/local/branches/production/roles/nobody' },
      },
    );
    expect(r.status).toBe(404);
    expect(r.body.error_code).toBe('NOT_FOUND');
    expect(r.body.message).toMatch(/^role not found; role_id:"nobody" \[TraceId: [0-9a-f-]+\]$/);
  });

  it('refuses credential group_name and claims with a 400 naming the field, and issues nothing', async () => {
    const endpoint = 'projects/local/branches/production/endpoints/primary';
    const group = await api<{ error_code: string; message: string }>('POST', 'credentials', { endpoint, group_name: 'analysts' });
    expect(group.status).toBe(400);
    expect(group.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("Field 'group_name'") });
    expect(group.body).not.toHaveProperty('token');
    const claims = await api<{ error_code: string; message: string }>('POST', 'credentials', {
      endpoint,
      claims: [{ permission_set: 'READ_ONLY', resources: [{ table_name: 'main.default.t' }] }],
    });
    expect(claims.status).toBe(400);
    expect(claims.body.message).toContain("Field 'claims'");
    // Empty values are the same as none.
    expect((await api('POST', 'credentials', { endpoint, group_name: '', claims: [] })).status).toBe(200);
  });

  it('says "role with that name already exists" before an operation starts', async () => {
    await mutate('POST', 'projects/local/branches/production/roles?role_id=dup-one', { spec: { postgres_role: 'dup_role' } });
    const dup = await api<{ error_code: string; message: string }>('POST', 'projects/local/branches/production/roles?role_id=dup-two', {
      spec: { postgres_role: 'dup_role' },
    });
    expect(dup.status).toBe(400);
    expect(dup.body).toMatchObject({ error_code: 'BAD_REQUEST', message: 'role with that name already exists' });
  });

  describe('the Data API', () => {
    const dataApi = 'projects/local/branches/production/databases/databricks-postgres/data-api';
    let primary: Endpoint;
    beforeAll(async () => {
      primary = await primaryOf('projects/local/branches/production');
      const dbs = await api<{ databases: { name: string; status?: { postgres_database?: string } }[] }>(
        'GET',
        'projects/local/branches/production/databases',
      );
      expect(dbs.body.databases.map((d) => d.name)).toContain('projects/local/branches/production/databases/databricks-postgres');
      await mutate('POST', dataApi, { spec: {} });
    });

    it('reads status back from the database: a change made with SQL shows', async () => {
      await sql(
        primary,
        `CREATE OR REPLACE FUNCTION pgrst.pre_config() RETURNS void LANGUAGE sql AS $$
           SELECT set_config('pgrst.db_schemas', 'public,reporting', true), set_config('pgrst.db_max_rows', '25', true) $$`,
      );
      const r = await api<{ status: { db_schemas: string[]; db_max_rows: number } }>('GET', dataApi);
      expect(r.status).toBe(200);
      expect(r.body.status).toMatchObject({ db_schemas: ['public', 'reporting'], db_max_rows: 25 });
    });

    it('runs pgrst.pre_config() as authenticator when reading status, never as a superuser', async () => {
      // A database owner writes this function; reading status must not run it with more rights than the Data API has.
      await sql(
        primary,
        `CREATE OR REPLACE FUNCTION pgrst.pre_config() RETURNS void LANGUAGE sql AS $$
           SELECT set_config('pgrst.db_schemas', (SELECT CASE WHEN rolsuper THEN 'as_superuser' ELSE 'public' END
                                                    FROM pg_roles WHERE rolname = current_user), true) $$`,
      );
      const r = await api<{ status: { db_schemas: string[] } }>('GET', dataApi);
      expect(r.body.status.db_schemas).toEqual(['public']);
    });

    it('refuses a db_anon_role that does not exist or is elevated, before an operation starts', async () => {
      const missing = await api<{ message: string }>('PATCH', `${dataApi}?update_mask=spec.db_anon_role`, {
        spec: { db_anon_role: 'nobody_here' },
      });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toContain('does not exist');
      const elevated = await api<{ message: string }>('PATCH', `${dataApi}?update_mask=spec.db_anon_role`, {
        spec: { db_anon_role: 'owner@pier.local' },
      });
      expect(elevated.status).toBe(400);
      expect(elevated.body.message).toContain('elevated');
    });

    it('writes db_anon_role into pgrst.pre_config() and grants it to authenticator', async () => {
      await sql(primary, `CREATE ROLE web_anon NOLOGIN`);
      const r = await mutate<{ status: { db_anon_role?: string } }>('PATCH', `${dataApi}?update_mask=spec.db_anon_role`, {
        spec: { db_anon_role: 'web_anon' },
      });
      expect(r.status.db_anon_role).toBe('web_anon');
      expect((await api<{ status: { db_anon_role?: string } }>('GET', dataApi)).body.status.db_anon_role).toBe('web_anon');
      expect(await sql(primary, `SELECT pg_has_role('authenticator', 'web_anon', 'MEMBER') AS granted`)).toEqual([{ granted: true }]);
    });
  });
});
