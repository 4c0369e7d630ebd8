/**
 * Cloud branches through the catalog and Data API channels: a "Databricks" workspace that is this
 * very Pier (its local control plane over real HTTP, signed in with a personal access token), so
 * every call goes over the workspace's endpoint connections (the identity, a database credential
 * from POST /credentials) rather than the local superuser pools.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPierServer, type PierServer } from './pierServer';
import { staticTokenProvider } from '../cloud/auth/authProvider';
import { cloudOk } from '../cloud/cloudError';
import { EndpointPools } from '../cloud/connections/endpointPools';
import { ManagementClient } from '../cloud/managementClient';
import { BranchData } from '../branchData/BranchData';
import { CloudBranchSource } from '../branchData/CloudBranchSource';
import { DataApiConsole } from '../branchData/DataApiConsole';
import { LocalBranchSource } from '../branchData/LocalBranchSource';
import { rpc } from './cloudBranchData.testing';

const uiDir = path.join(os.tmpdir(), 'pier-itest-ui');

/** The owner lets user@example.com use project local (CAN_USE), or takes it back (`undefined`). */
async function setUserAccess(info: { managementApi: string; tokens: Record<string, string> }, level: 'CAN_USE' | undefined) {
  const res = await fetch(info.managementApi.replace(/postgres$/, 'permissions/database-projects/local'), {
    method: level ? 'PATCH' : 'PUT',
    headers: { authorization: `Bearer ${info.tokens.owner}` },
    body: JSON.stringify({ access_control_list: level ? [{ user_name: 'user@example.com', permission_level: level }] : [] }),
  });
  if (res.status !== 200) throw new Error(`Granting ${level ?? 'nothing'} failed: ${await res.text()}`);
}
const PROD = 'projects/local/branches/production';
const BRANCH = 'projects/local/branches/cloudtest';
const DB = 'databricks_postgres';

describe("a cloud workspace's branches through the catalog and Data API channels", () => {
  let dataDir: string;
  let server: PierServer;
  let workspaceId: string;

  beforeAll(async () => {
    await mkdir(uiDir, { recursive: true });
    await writeFile(path.join(uiDir, 'index.html'), '<!doctype html><title>Pier</title>');
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-cloud-data-'));
    server = await startPierServer({ mode: 'browser', port: 0, dataDir, uiDir });
    const info = server.readyInfo();
    const added = await rpc(server, 'workspaces.add', { method: 'pat', host: server.origin, token: info.tokens.owner });
    expect(added.ok).toBe(true);
    workspaceId = added.value.id;
    // A second branch of production, made through the workspace's management API.
    const auth = { authorization: `Bearer ${info.tokens.owner}` };
    let op = (await (
      await fetch(`${info.managementApi}/projects/local/branches?branch_id=cloudtest`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ spec: { source_branch: PROD, no_expiry: true } }),
      })
    ).json()) as any;
    for (let i = 0; i < 600 && !op.done; i++) {
      await new Promise((r) => setTimeout(r, 100));
      op = await (await fetch(`${info.managementApi}/${op.name}`, { headers: auth })).json();
    }
    expect(op.error).toBeUndefined();
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A database of a branch of the workspace that is this Pier. */
  const at = (branch: string) => ({ kind: 'cloud', workspaceId, branch, database: DB });
  const request = ({ branch, ...input }: { branch: string } & Record<string, unknown>) =>
    rpc(server, 'dataApi.request', { at: at(branch), viewAs: { kind: 'admin' }, ...input });

  it('lists the schemas of a database on a cloud branch', async () => {
    const r = await rpc(server, 'catalog.listSchemas', { at: at(PROD) });
    expect(r.ok).toBe(true);
    expect(r.value.database).toBe(DB);
    const pub = r.value.schemas.find((s: { name: string }) => s.name === 'public');
    expect(pub.relations.map((t: { name: string }) => t.name)).toEqual(['clients', 'projects', 'tasks']);
  });

  it('reads rows through the engine as the signed-in identity', async () => {
    const r = await request({ branch: PROD, path: '/public/clients', rawQuery: 'select=id,name&order=id' });
    expect(r.value.status).toBe(200);
    expect(JSON.parse(r.value.body)).toEqual([
      { id: 1, name: 'Acme Corp' },
      { id: 2, name: 'TechStart Inc' },
      { id: 3, name: 'Global Solutions' },
    ]);
  });

  it('describes a table with the hosted Data API base URL, and lists the identities', async () => {
    const d = await rpc(server, 'dataApi.describe', { at: at(PROD), schema: 'public', table: 'projects' });
    expect(d.ok).toBe(true);
    expect(d.value.primaryKey).toEqual(['id']);
    expect(d.value.relationships.map((r: { target: { name: string } }) => r.target.name)).toContain('clients');
    expect(d.value.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/2\.0\/workspace\/local\/rest\/databricks_postgres$/);
    const ids = await rpc(server, 'dataApi.identities', { at: at(PROD) });
    expect(ids.value.roles).toContain('user@example.com');
  });

  it('writes on a non-default branch, which keeps its own data apart from production', async () => {
    const patched = await request({
      branch: BRANCH,
      method: 'PATCH',
      path: '/public/clients',
      rawQuery: 'id=eq.1&select=id,name',
      headers: { 'content-type': 'application/json', prefer: 'return=representation' },
      body: JSON.stringify({ name: 'Acme (cloud branch)' }),
    });
    expect(patched.value.status).toBe(200);
    expect(JSON.parse(patched.value.body)).toEqual([{ id: 1, name: 'Acme (cloud branch)' }]);
    const onBranch = await request({ branch: BRANCH, path: '/public/clients', rawQuery: 'select=name&id=eq.1' });
    expect(JSON.parse(onBranch.value.body)).toEqual([{ name: 'Acme (cloud branch)' }]);
    const onProduction = await request({ branch: PROD, path: '/public/clients', rawQuery: 'select=name&id=eq.1' });
    expect(JSON.parse(onProduction.value.body)).toEqual([{ name: 'Acme Corp' }]);
  });

  it("runs the grid's staged writes in one transaction on the cloud branch", async () => {
    const write = (body: unknown) => ({
      method: 'PATCH',
      path: '/public/clients',
      rawQuery: 'id=eq.3',
      headers: { prefer: 'return=representation' },
      body: JSON.stringify(body),
    });
    const tx = (requests: unknown[]) =>
      rpc(server, 'dataApi.transaction', {
        at: at(BRANCH),
        viewAs: { kind: 'admin' },
        rollback: false,
        requests,
      });
    const refused = await tx([write({ name: 'Global (tx)' }), write({ email: null })]);
    expect({
      committed: refused.value.committed,
      statuses: refused.value.responses.map((r: { status: number } | null) => r?.status ?? null),
    }).toEqual({ committed: false, statuses: [200, 400] });
    const read = async () =>
      JSON.parse((await request({ branch: BRANCH, path: '/public/clients', rawQuery: 'select=name&id=eq.3' })).value.body);
    expect(await read()).toEqual([{ name: 'Global Solutions' }]);
    expect((await tx([write({ name: 'Global (tx)' })])).value.committed).toBe(true);
    expect(await read()).toEqual([{ name: 'Global (tx)' }]);
  });

  it('says clearly when the identity may not view as a role', async () => {
    const r = await request({ branch: PROD, path: '/public/clients', viewAs: { kind: 'identity', role: 'user@example.com' } });
    expect(r.ok).toBe(true);
    expect(r.value.status).toBeGreaterThanOrEqual(400);
    const body = JSON.parse(r.value.body);
    expect(body.message).toMatch(/permission denied to set role "user@example.com"/);
    expect(body.hint).toContain('logs in as "owner@pier.local", which is not a member of "user@example.com"');
    expect(body.hint).toContain('GRANT "user@example.com" TO "owner@pier.local"');
  });

  it('the same database as a local location is the local workspace, and a location is never implied', async () => {
    const local = await rpc(server, 'dataApi.request', {
      at: { kind: 'local', branch: PROD, database: DB },
      path: '/public/clients',
      rawQuery: 'select=name&id=eq.1',
      viewAs: { kind: 'admin' },
    });
    expect(JSON.parse(local.value.body)).toEqual([{ name: 'Acme Corp' }]);
    const implicit = await rpc(server, 'dataApi.request', { path: '/public/clients', viewAs: { kind: 'admin' } });
    expect(implicit.error).toMatchObject({ code: 'PIER002' });
    const schemas = await rpc(server, 'catalog.listSchemas', { at: { kind: 'local', branch: BRANCH, database: DB } });
    expect(schemas.value.schemas.find((s: { name: string }) => s.name === 'public').relations).toHaveLength(3);
  });

  it('logs in again with a fresh credential when another client of the identity replaced it', async () => {
    const info = server.readyInfo();
    expect((await request({ branch: PROD, path: '/public/clients', rawQuery: 'select=id' })).value.status).toBe(200);
    // Another client asks for a credential of the same identity: locally that replaces the password.
    const other = await fetch(`${info.managementApi}/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${info.tokens.owner}` },
      body: JSON.stringify({ endpoint: `${PROD}/endpoints/primary` }),
    });
    expect(other.status).toBe(200);
    // Its open sessions end, so the engine has to log in again.
    const superuser = new pg.Client({ connectionString: info.postgres });
    await superuser.connect();
    await superuser.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'owner@pier.local' AND application_name = 'pier'`,
    );
    await superuser.end();
    await new Promise((r) => setTimeout(r, 300));
    const r = await request({ branch: PROD, path: '/public/clients', rawQuery: 'select=name&id=eq.3' });
    expect(r.value.status).toBe(200);
    expect(JSON.parse(r.value.body)).toEqual([{ name: 'Global Solutions' }]);
  });

  it('asks for the branch and database a cloud call must name', async () => {
    const r = await rpc(server, 'catalog.listSchemas', { at: { kind: 'cloud', workspaceId, branch: PROD } });
    expect(r.error).toMatchObject({ code: 'PIER002' });
    expect(r.error.message).toContain('at.database');
  });

  it('a new token for the workspace drops the connections made as the old identity', async () => {
    const info = server.readyInfo();
    const superuser = new pg.Client({ connectionString: info.postgres });
    await superuser.connect();
    const sessionsOf = async (user: string) =>
      (
        await superuser.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND application_name = 'pier'`,
          [user],
        )
      ).rows[0]!.n;
    const waitFor = async (check: () => Promise<boolean>) => {
      for (let i = 0; i < 50 && !(await check()); i++) await new Promise((r) => setTimeout(r, 100));
    };
    try {
      expect((await request({ branch: PROD, path: '/public/clients' })).value.status).toBe(200);
      expect(await sessionsOf('owner@pier.local')).toBeGreaterThan(0);
      // The engine reads pgrst.pre_config(), which needs USAGE on its schema (owners have it).
      await superuser.query(`GRANT USAGE ON SCHEMA pgrst TO "user@example.com"`);
      // Its credentials need CAN_USE on the project, as on Databricks.
      await setUserAccess(info, 'CAN_USE');
      expect((await rpc(server, 'workspaces.replaceToken', { id: workspaceId, token: info.tokens['user@example.com'] })).ok).toBe(true);
      await waitFor(async () => (await sessionsOf('owner@pier.local')) === 0);
      expect(await sessionsOf('owner@pier.local')).toBe(0);
      const asUser = await request({ branch: PROD, path: '/public/clients', rawQuery: 'select=name&id=eq.3' });
      expect(JSON.parse(asUser.value.body)).toEqual([{ name: 'Global Solutions' }]);
      expect(await sessionsOf('user@example.com')).toBeGreaterThan(0);
      // Back to the owner for the tests after this one.
      expect((await rpc(server, 'workspaces.replaceToken', { id: workspaceId, token: info.tokens.owner })).ok).toBe(true);
      await waitFor(async () => (await sessionsOf('user@example.com')) === 0);
      expect(await sessionsOf('user@example.com')).toBe(0);
      expect((await request({ branch: PROD, path: '/public/clients' })).value.status).toBe(200);
    } finally {
      await setUserAccess(info, undefined);
      await superuser.query(`REVOKE USAGE ON SCHEMA pgrst FROM "user@example.com"`);
      await superuser.end();
    }
  });

  it('closes an engine nobody used for a while, releasing its pool, and makes a new one when needed', async () => {
    const info = server.readyInfo();
    const client = new ManagementClient({ baseUrl: server.origin, auth: staticTokenProvider(info.tokens.owner as string) });
    const pools = new EndpointPools({
      clientFor: async () => cloudOk(client),
      identityFor: async () => cloudOk('owner@pier.local'),
      idleCloseMs: 100,
      // The local endpoints' certificate is signed by this Pier's local CA.
      loopbackCa: await readFile(info.postgresCa ?? '', 'utf8'),
    });
    const cloud = new CloudBranchSource({ clientFor: async () => cloudOk(client), pools, idleCloseMs: 200 });
    // Only cloud locations are used here; the local source is never asked.
    const local = new LocalBranchSource({
      home: { branch: PROD, target: { host: '127.0.0.1', port: 1 } },
      superuser: { user: 'x', password: 'x' },
      authenticator: { user: 'x', password: 'x' },
      jwt: {},
      origin: server.origin,
    });
    const data = new BranchData({ local, cloud });
    const dataApi = new DataApiConsole(data);
    try {
      const read = () =>
        dataApi.request({
          at: { kind: 'cloud', workspaceId: 'idle-test', branch: PROD, database: DB },
          method: 'GET',
          path: '/public/clients',
          rawQuery: 'select=id&id=eq.1',
          headers: {},
          viewAs: { kind: 'admin' },
        });
      expect(JSON.parse((await read()).body)).toEqual([{ id: 1 }]);
      expect([data.size, pools.size]).toEqual([1, 1]);
      for (let i = 0; i < 30 && (data.size > 0 || pools.size > 0); i++) await new Promise((r) => setTimeout(r, 100));
      expect([data.size, pools.size]).toEqual([0, 0]);
      expect(JSON.parse((await read()).body)).toEqual([{ id: 1 }]);
      expect(data.size).toBe(1);
    } finally {
      await data.close();
      await pools.dispose();
    }
  });

  it("closes the workspace's connections when it is removed", async () => {
    const superuser = new pg.Client({ connectionString: server.readyInfo().postgres });
    await superuser.connect();
    const sessions = async () =>
      (
        await superuser.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'owner@pier.local' AND application_name = 'pier'`,
        )
      ).rows[0]!.n;
    try {
      expect(await sessions()).toBeGreaterThan(0);
      expect((await rpc(server, 'workspaces.remove', { id: workspaceId })).ok).toBe(true);
      for (let i = 0; i < 50 && (await sessions()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await sessions()).toBe(0);
      const after = await request({ branch: PROD, path: '/public/clients' });
      expect(after.ok).toBe(false);
    } finally {
      await superuser.end();
    }
  });
});
