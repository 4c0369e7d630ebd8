import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint, Operation, Project } from '../../../shared/management';
import { DEMO_USER_IDENTITY } from '../identity/localIssuer';
import { startLocalControlPlane, type LocalControlPlaneServer } from '../testing/startLocalControlPlane';
import type { ControlPlaneData } from './controlPlaneState';

/**
 * Who may do what on the local management API: the workspace owner and a project's owner
 * manage; CAN_MANAGE manages; CAN_USE reads and gets credentials; everyone else, the Data API's
 * identities included, gets 403 PERMISSION_DENIED. And no role change makes an elevated role
 * reachable from the Data API.
 */

let server: LocalControlPlaneServer;
let dataDir: string;
let userToken: string;

interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

interface AccessControl {
  user_name: string;
  all_permissions: { permission_level: string; inherited: boolean }[];
}

interface ObjectPermissions {
  object_id: string;
  object_type: string;
  access_control_list: AccessControl[];
}

async function call<T>(url: string, method: string, token: string, body?: unknown): Promise<Reply<T>> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T };
}

const api = <T = Record<string, unknown>>(method: string, p: string, token: string, body?: unknown) =>
  call<T>(`${server.managementApi}/${p}`, method, token, body);
const permissions = <T = ObjectPermissions>(method: string, p: string, token: string, body?: unknown) =>
  call<T>(`${server.origin}/api/2.0/permissions/${p}`, method, token, body);

async function waitFor(op: Operation, token: string): Promise<Operation> {
  let current = op;
  const deadline = Date.now() + 60_000;
  while (!current.done) {
    if (Date.now() > deadline) throw new Error(`Operation ${op.name} did not finish`);
    await new Promise((r) => setTimeout(r, 100));
    current = (await api<Operation>('GET', op.name ?? '', token)).body;
  }
  return current;
}

async function mutate(method: string, p: string, token: string, body?: unknown): Promise<Operation> {
  const r = await api<Operation>(method, p, token, body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const done = await waitFor(r.body, token);
  expect(done.error, JSON.stringify(done.error)).toBeUndefined();
  return done;
}

async function superuserQuery<T extends Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: server.embedded.connectionString });
  await c.connect();
  try {
    return (await c.query<T>(sql, values)).rows;
  } finally {
    await c.end();
  }
}

const authenticatorIsMemberOf = async (role: string) =>
  (await superuserQuery<{ m: boolean }>(`SELECT pg_has_role('authenticator', $1::name, 'MEMBER') AS m`, [role]))[0]?.m;

const USER_ROLE = 'projects/local/branches/production/roles/user-example-com';
const OWNER_ROLE = 'projects/local/branches/production/roles/owner-pier-local';

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-perm-'));
  server = await startLocalControlPlane(dataDir);
  userToken = await server.issuer.mintToken(DEMO_USER_IDENTITY);
});

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a Data API identity without project permissions', () => {
  it('sees no projects and is refused every read and change with 403 PERMISSION_DENIED', async () => {
    expect((await api<{ projects: unknown[] }>('GET', 'projects', userToken)).body.projects).toEqual([]);
    const get = await api<{ error_code: string; message: string }>('GET', 'projects/local', userToken);
    expect(get.status).toBe(403);
    expect(get.body.error_code).toBe('PERMISSION_DENIED');
    expect(get.body.message).toContain('CAN_USE');
    for (const [method, p, body] of [
      ['PATCH', `${USER_ROLE}?update_mask=spec.attributes`, { spec: { attributes: { bypassrls: true } } }],
      ['POST', 'projects/local/branches/production/roles?role_id=mine', { spec: { postgres_role: 'mine' } }],
      ['POST', 'projects/local/branches?branch_id=mine', { spec: { source_branch: 'projects/local/branches/production' } }],
      ['PATCH', 'projects/local?update_mask=spec.display_name', { spec: { display_name: 'Mine' } }],
      ['POST', 'credentials', { endpoint: 'projects/local/branches/production/endpoints/primary' }],
      ['POST', 'projects?project_id=mine', {}],
      ['GET', 'projects/local/branches/production/roles', undefined],
    ] as const) {
      const r = await api<{ error_code: string; message: string }>(method, p, userToken, body);
      expect(r.status, `${method} ${p}: ${JSON.stringify(r.body)}`).toBe(403);
      expect(r.body.error_code).toBe('PERMISSION_DENIED');
    }
    expect(
      (await superuserQuery<{ b: boolean }>(`SELECT rolbypassrls AS b FROM pg_roles WHERE rolname = $1`, [DEMO_USER_IDENTITY]))[0]?.b,
    ).toBe(false);
    expect((await superuserQuery(`SELECT 1 FROM pg_roles WHERE rolname = 'mine'`)).length).toBe(0);
    expect((await permissions('GET', 'database-projects/local', userToken)).status).toBe(403);
  });
});

describe('the Permissions API for database-projects', () => {
  it('lists the owner (CAN_MANAGE) and the levels that can be granted', async () => {
    const r = await permissions('GET', 'database-projects/local', server.ownerToken);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ object_id: '/database-projects/local', object_type: 'database-projects' });
    expect(r.body.access_control_list).toContainEqual(
      expect.objectContaining({ user_name: 'owner@pier.local', all_permissions: [{ permission_level: 'CAN_MANAGE', inherited: false }] }),
    );
    const levels = await permissions<{ permission_levels: { permission_level: string }[] }>(
      'GET',
      'database-projects/local/permissionLevels',
      server.ownerToken,
    );
    expect(levels.body.permission_levels.map((l) => l.permission_level)).toEqual(['CAN_USE', 'CAN_MANAGE']);
  });

  it('refuses what it does not understand, changing nothing', async () => {
    const bad: [unknown, RegExp][] = [
      [{ access_control_list: [{ user_name: DEMO_USER_IDENTITY, permission_level: 'CAN_CREATE' }] }, /CAN_CREATE/],
      [{ access_control_list: [{ user_name: DEMO_USER_IDENTITY, permission_level: 'CAN_FLY' }] }, /CAN_FLY/],
      [{ access_control_list: [{ group_name: 'users', permission_level: 'CAN_USE' }] }, /group/],
      [{ access_control_list: [{ user_name: 'nobody@example.com', permission_level: 'CAN_USE' }] }, /nobody@example.com/],
      [{ access_control_list: [{ user_name: DEMO_USER_IDENTITY, permission_level: 'CAN_USE', color: 'red' }] }, /color/],
      [{ access_control_list: 'all' }, /access_control_list/],
      [{ acl: [] }, /acl/],
    ];
    for (const [body, message] of bad) {
      const r = await permissions<{ error_code: string; message: string }>('PATCH', 'database-projects/local', server.ownerToken, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(r.body.message).toMatch(message);
    }
    expect((await permissions('GET', 'database-projects/nope', server.ownerToken)).status).toBe(404);
    expect((await permissions('GET', 'clusters/local', server.ownerToken)).status).toBe(404);
    const after = await permissions('GET', 'database-projects/local', server.ownerToken);
    expect(after.body.access_control_list.map((a) => a.user_name)).toEqual(['owner@pier.local']);
  });

  it('CAN_USE reads and gets credentials for its own role, but changes nothing', async () => {
    const granted = await permissions('PATCH', 'database-projects/local', server.ownerToken, {
      access_control_list: [{ user_name: DEMO_USER_IDENTITY, permission_level: 'CAN_USE' }],
    });
    expect(granted.status).toBe(200);
    expect(granted.body.access_control_list).toContainEqual(
      expect.objectContaining({ user_name: DEMO_USER_IDENTITY, all_permissions: [{ permission_level: 'CAN_USE', inherited: false }] }),
    );
    expect((await api<{ projects: Project[] }>('GET', 'projects', userToken)).body.projects.map((p) => p.project_id)).toEqual(['local']);
    expect((await api('GET', 'projects/local/branches/production/roles', userToken)).status).toBe(200);
    const endpoint = await api<Endpoint>('GET', 'projects/local/branches/production/endpoints/primary', userToken);
    expect(endpoint.status).toBe(200);
    const cred = await api<{ token: string }>('POST', 'credentials', userToken, {
      endpoint: 'projects/local/branches/production/endpoints/primary',
    });
    expect(cred.status).toBe(200);
    const [host, port] = (endpoint.body.status?.hosts?.host ?? '').split(':');
    const c = new pg.Client({
      host,
      port: Number(port ?? 5432),
      user: DEMO_USER_IDENTITY,
      password: cred.body.token,
      database: 'databricks_postgres',
      ssl: { ca: server.controlPlane.postgres().caCertPem },
    });
    await c.connect();
    expect((await c.query('SELECT current_user AS u')).rows).toEqual([{ u: DEMO_USER_IDENTITY }]);
    await c.end();

    for (const [method, p, body] of [
      ['PATCH', `${USER_ROLE}?update_mask=spec.attributes`, { spec: { attributes: { bypassrls: true } } }],
      ['PATCH', 'projects/local?update_mask=spec.display_name', { spec: { display_name: 'Mine' } }],
      ['DELETE', 'projects/local/branches/production/databases/databricks-postgres/data-api', undefined],
    ] as const) {
      const r = await api<{ error_code: string }>(method, p, userToken, body);
      expect(r.status, `${method} ${p}`).toBe(403);
      expect(r.body.error_code).toBe('PERMISSION_DENIED');
    }
    const regrant = await permissions<{ error_code: string }>('PATCH', 'database-projects/local', userToken, {
      access_control_list: [{ user_name: DEMO_USER_IDENTITY, permission_level: 'CAN_MANAGE' }],
    });
    expect(regrant.status).toBe(403);
    expect(regrant.body.error_code).toBe('PERMISSION_DENIED');
  });

  it('CAN_MANAGE changes the project; PATCH never downgrades; PUT replaces the grants and takes them away', async () => {
    await permissions('PATCH', 'database-projects/local', server.ownerToken, {
      access_control_list: [{ user_name: DEMO_USER_IDENTITY, permission_level: 'CAN_MANAGE' }],
    });
    const kept = await permissions('PATCH', 'database-projects/local', server.ownerToken, {
      access_control_list: [{ user_name: DEMO_USER_IDENTITY, permission_level: 'CAN_USE' }],
    });
    expect(kept.body.access_control_list.find((a) => a.user_name === DEMO_USER_IDENTITY)?.all_permissions).toEqual([
      { permission_level: 'CAN_MANAGE', inherited: false },
    ]);
    await mutate('PATCH', 'projects/local?update_mask=spec.display_name', userToken, { spec: { display_name: 'Shared' } });
    expect((await api<Project>('GET', 'projects/local', server.ownerToken)).body.status?.display_name).toBe('Shared');

    const replaced = await permissions('PUT', 'database-projects/local', server.ownerToken, { access_control_list: [] });
    expect(replaced.status).toBe(200);
    // The owner's CAN_MANAGE is not a grant: it stays.
    expect(replaced.body.access_control_list.map((a) => a.user_name)).toEqual(['owner@pier.local']);
    expect((await api('GET', 'projects/local', userToken)).status).toBe(403);
  });
});

describe('the Data API never gets an elevated role', () => {
  it('editing the owner role does not grant it to authenticator', async () => {
    expect(await authenticatorIsMemberOf('owner@pier.local')).toBe(false);
    await mutate('PATCH', `${OWNER_ROLE}?update_mask=spec.attributes`, server.ownerToken, { spec: { attributes: { createdb: true } } });
    expect(await authenticatorIsMemberOf('owner@pier.local')).toBe(false);
  });

  it('a BYPASSRLS (or CREATEROLE) identity role is taken away from authenticator, and given back when no longer elevated', async () => {
    expect(await authenticatorIsMemberOf(DEMO_USER_IDENTITY)).toBe(true);
    await mutate('PATCH', `${USER_ROLE}?update_mask=spec.attributes`, server.ownerToken, { spec: { attributes: { bypassrls: true } } });
    expect(await authenticatorIsMemberOf(DEMO_USER_IDENTITY)).toBe(false);
    await mutate('PATCH', `${USER_ROLE}?update_mask=spec.attributes`, server.ownerToken, { spec: { attributes: { createrole: true } } });
    expect(await authenticatorIsMemberOf(DEMO_USER_IDENTITY)).toBe(false);
    await mutate('PATCH', `${USER_ROLE}?update_mask=spec.attributes`, server.ownerToken, { spec: { attributes: {} } });
    expect(await authenticatorIsMemberOf(DEMO_USER_IDENTITY)).toBe(true);
  });

  it('a new identity role that is elevated is not granted to authenticator; a plain one is', async () => {
    await mutate('POST', 'projects/local/branches/production/roles?role_id=power', server.ownerToken, {
      spec: { postgres_role: 'power@example.com', identity_type: 'USER', membership_roles: ['DATABRICKS_SUPERUSER'] },
    });
    expect(await authenticatorIsMemberOf('power@example.com')).toBe(false);
    await mutate('POST', 'projects/local/branches/production/roles?role_id=plain', server.ownerToken, {
      spec: { postgres_role: 'plain@example.com', identity_type: 'USER' },
    });
    expect(await authenticatorIsMemberOf('plain@example.com')).toBe(true);
  });
});

describe('an existing data folder', () => {
  it('keeps working: a project recorded without owner or permissions is owned by the workspace owner', async () => {
    await server.close();
    const file = path.join(dataDir, 'control-plane.json');
    const state = JSON.parse(await readFile(file, 'utf8')) as ControlPlaneData;
    const local = state.projects['projects/local'] as unknown as Record<string, unknown>;
    delete local.owner;
    delete local.permissions;
    await writeFile(file, JSON.stringify(state));
    server = await startLocalControlPlane(dataDir);
    const p = await api<Project>('GET', 'projects/local', server.ownerToken);
    expect(p.body.status?.owner).toBe('owner@pier.local');
    await mutate('PATCH', 'projects/local?update_mask=spec.display_name', server.ownerToken, { spec: { display_name: 'Local workspace' } });
    expect((await api('GET', 'projects/local', await server.issuer.mintToken(DEMO_USER_IDENTITY))).status).toBe(403);
  });
});
