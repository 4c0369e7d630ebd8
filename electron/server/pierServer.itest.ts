import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUiSession } from './uiLink';
import { startPierServer, type PierServer } from './pierServer';

const uiDir = path.join(os.tmpdir(), 'pier-itest-ui');
const HOME = { kind: 'local', branch: 'projects/local/branches/production', database: 'databricks_postgres' };

const sessionCookies = new WeakMap<PierServer, Promise<string>>();

/** The owner lets user@example.com use project local (CAN_USE), or takes it back (`undefined`). */
async function setUserAccess(info: { managementApi: string; tokens: Record<string, string> }, level: 'CAN_USE' | undefined) {
  const res = await fetch(info.managementApi.replace(/postgres$/, 'permissions/database-projects/local'), {
    method: level ? 'PATCH' : 'PUT',
    headers: { authorization: `Bearer ${info.tokens.owner}` },
    body: JSON.stringify({ access_control_list: level ? [{ user_name: 'user@example.com', permission_level: level }] : [] }),
  });
  if (res.status !== 200) throw new Error(`Granting ${level ?? 'nothing'} failed: ${await res.text()}`);
}

async function rpc(server: PierServer, channel: string, input: unknown, headers: Record<string, string> = {}) {
  let cookie = sessionCookies.get(server);
  if (!cookie) sessionCookies.set(server, (cookie = openUiSession(server.readyInfo())));
  const res = await fetch(`${server.origin}/rpc/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: await cookie, ...headers },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; value?: any; error?: any } };
}

/** A table's rows as the console reads them (the engine, as the admin), at a location. */
async function readTable(server: PierServer, table: string, rawQuery = 'order=id', at: object = HOME) {
  const r = await rpc(server, 'dataApi.request', { at, path: `/public/${table}`, rawQuery, viewAs: { kind: 'admin' } });
  return { ...r, rows: r.body.ok && r.body.value.status === 200 ? (JSON.parse(r.body.value.body) as any[]) : undefined };
}

describe('browser-mode server on the embedded default', () => {
  let dataDir: string;
  let server: PierServer;

  beforeAll(async () => {
    await mkdir(uiDir, { recursive: true });
    await writeFile(path.join(uiDir, 'index.html'), '<!doctype html><title>Pier</title>');
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-serve-'));
    server = await startPierServer({ mode: 'browser', port: 0, dataDir, uiDir });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lists the sample schema', async () => {
    const r = await rpc(server, 'catalog.listSchemas', { at: HOME });
    expect(r.body.ok).toBe(true);
    expect(r.body.value.database).toBe('databricks_postgres');
    const pub = r.body.value.schemas.find((s: { name: string }) => s.name === 'public');
    expect(pub.relations.map((t: { name: string }) => t.name)).toEqual(['clients', 'projects', 'tasks']);
    const schemas = r.body.value.schemas.map((s: { name: string }) => s.name);
    expect(schemas).toContain('pgrst');
    const pgrst = r.body.value.schemas.find((s: { name: string }) => s.name === 'pgrst');
    // pre_config (the Data API's settings) and the schema watch's event-trigger function (NOTIFY pgrst on DDL).
    expect(pgrst.routines).toEqual([
      { name: 'pre_config', arguments: '', returns: 'void', kind: 'function' },
      { name: 'watch_schema_changes', arguments: '', returns: 'event_trigger', kind: 'function' },
    ]);
  });

  it('reads the first rows of clients through the engine, with their column types', async () => {
    const r = await readTable(server, 'clients', 'order=id&limit=2');
    expect(r.rows?.map((row) => row.name)).toEqual(['Acme Corp', 'TechStart Inc']);
    const d = await rpc(server, 'dataApi.describe', { at: HOME, schema: 'public', table: 'clients' });
    expect(d.body.value.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'name', 'email', 'company', 'phone', 'created_at']);
    expect(d.body.value.columns[0]).toMatchObject({ type: 'integer', nullable: false });
    expect(d.body.value.primaryKey).toEqual(['id']);
  });

  it('reports the Postgres version and connection', async () => {
    const r = await rpc(server, 'app.status', {});
    expect(r.body.value).toMatchObject({ mode: 'browser', connected: true, database: 'databricks_postgres', home: HOME });
    expect(r.body.value.postgresVersion).toMatch(/^\d+/);
  });

  it('answers bad calls with errors that say what is wrong', async () => {
    const missing = await rpc(server, 'dataApi.describe', { at: HOME, schema: 'public', table: 'nope' });
    expect(missing.body).toMatchObject({ ok: false, error: { code: 'PIER404' } });
    expect(missing.body.error.message).toContain('public.nope');
    const invalid = await rpc(server, 'dataApi.request', {
      at: { ...HOME, kind: 'somewhere' },
      path: '/public/clients',
      viewAs: { kind: 'admin' },
    });
    expect(invalid.body).toMatchObject({ ok: false, error: { code: 'PIER002' } });
    expect(invalid.body.error.message).toContain('at');
    const unknown = await rpc(server, 'catalog.dropEverything', {});
    expect(unknown.body).toMatchObject({ ok: false, error: { code: 'PIER001' } });
    const hostile = await rpc(server, 'dataApi.describe', { at: HOME, schema: 'public', table: 'clients"; DROP TABLE clients; --' });
    expect(hostile.body.error.code).toBe('PIER404');
    expect((await readTable(server, 'clients')).rows).toHaveLength(3);
  });

  it('refuses RPC without the session cookie, from another origin, or for another host name', async () => {
    const noKey = await fetch(`${server.origin}/rpc/app.status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as any).error).toMatchObject({ details: 'missing', hint: expect.stringContaining('npm run serve') });
    const cross = await rpc(server, 'app.status', {}, { origin: 'http://evil.example' });
    expect(cross.status).toBe(403);
    // A DNS-rebound page reaches 127.0.0.1 under a foreign host name (fetch cannot forge Host, node:http can).
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const u = new URL(server.origin);
      const req = http.request(
        {
          host: u.hostname,
          port: u.port,
          path: '/rpc/app.status',
          method: 'POST',
          headers: { host: 'evil.example', 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
  });

  it('serves the UI with a strict Content-Security-Policy', async () => {
    const res = await fetch(`${server.origin}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it("serves the Data API at the Lakebase URL shape, as the token's identity", async () => {
    const info = server.readyInfo();
    expect(info.dataApi).toMatch(/\/api\/2\.0\/workspace\/local\/rest\/databricks_postgres\/public$/);
    const auth = { authorization: `Bearer ${info.tokens['user@example.com']}` };
    const res = await fetch(`${info.dataApi}/clients?select=id,name,projects(id,name)&id=gte.2`, { headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      { id: 2, name: 'TechStart Inc', projects: [{ id: 3, name: 'Database Migration' }] },
      { id: 3, name: 'Global Solutions', projects: [{ id: 4, name: 'API Integration' }] },
    ]);
    const tooLarge = await fetch(`${info.dataApi}/clients`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify([{ name: 'x'.repeat(10.5 * 1024 * 1024) }]),
    });
    expect(tooLarge.status).toBe(413);
    expect((await tooLarge.json()) as any).toMatchObject({ code: 'PGRST413', details: expect.stringMatching(/limit is \d+ bytes/) });
    const anonymous = await fetch(`${info.dataApi}/clients`);
    expect(anonymous.status).toBe(401);
    const otherDb = await fetch(info.dataApi.replace('databricks_postgres', 'nope') + '/clients', { headers: auth });
    expect(otherDb.status).toBe(404);
  });

  it("applies row-level security of the identity's role (the Lakebase documentation's policy)", async () => {
    const info = server.readyInfo();
    const db = new pg.Client({ connectionString: info.postgres });
    await db.connect();
    await db.query(`ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
      CREATE POLICY "restrict client access" ON clients FOR SELECT TO "user@example.com" USING (id IN (1, 2))`);
    try {
      const res = await fetch(`${info.dataApi}/clients?select=name`, {
        headers: { authorization: `Bearer ${info.tokens['user@example.com']}` },
      });
      expect(await res.json()).toEqual([{ name: 'Acme Corp' }, { name: 'TechStart Inc' }]);
      // The console's in-process path gives the same answer for the same identity, and all rows to the admin.
      const base = { at: HOME, path: '/public/clients', rawQuery: 'select=name' };
      const asUser = await rpc(server, 'dataApi.request', { ...base, viewAs: { kind: 'identity', role: 'user@example.com' } });
      expect(JSON.parse(asUser.body.value.body)).toEqual([{ name: 'Acme Corp' }, { name: 'TechStart Inc' }]);
      const asAdmin = await rpc(server, 'dataApi.request', { ...base, viewAs: { kind: 'admin' } });
      expect(JSON.parse(asAdmin.body.value.body)).toHaveLength(3);
      // A role that is not granted to authenticator cannot be used, even in process.
      const asOwner = await rpc(server, 'dataApi.request', { ...base, viewAs: { kind: 'identity', role: 'postgres' } });
      expect(asOwner.body.value.status).toBeGreaterThanOrEqual(400);
    } finally {
      await db.query(`DROP POLICY "restrict client access" ON clients; ALTER TABLE clients DISABLE ROW LEVEL SECURITY`);
      await db.end();
    }
  });

  it("runs the console's staged writes in one transaction: all or nothing", async () => {
    const db = new pg.Client({ connectionString: server.readyInfo().postgres });
    await db.connect();
    const names = async () =>
      (await db.query<{ name: string }>('SELECT name FROM clients WHERE id IN (1, 2) ORDER BY id')).rows.map((r) => r.name);
    const write = (id: number, body: unknown) => ({
      method: 'PATCH',
      path: '/public/clients',
      rawQuery: `id=eq.${id}`,
      headers: { prefer: 'return=representation' },
      body: JSON.stringify(body),
    });
    const base = { at: HOME, viewAs: { kind: 'admin' } };
    try {
      const refused = await rpc(server, 'dataApi.transaction', {
        ...base,
        rollback: false,
        requests: [write(1, { name: 'Acme X' }), write(2, { email: null })],
      });
      expect(refused.body.value.committed).toBe(false);
      expect(refused.body.value.responses.map((r: { status: number } | null) => r?.status ?? null)).toEqual([200, 400]);
      expect(await names()).toEqual(['Acme Corp', 'TechStart Inc']);
      const done = await rpc(server, 'dataApi.transaction', {
        ...base,
        rollback: false,
        requests: [write(1, { name: 'Acme X' }), write(2, { name: 'TechStart X' })],
      });
      expect(done.body.value.committed).toBe(true);
      expect(await names()).toEqual(['Acme X', 'TechStart X']);
    } finally {
      await db.query(`UPDATE clients SET name = CASE id WHEN 1 THEN 'Acme Corp' ELSE 'TechStart Inc' END WHERE id IN (1, 2)`);
      await db.end();
    }
  });

  it('tells the Data API console its base URL, which serves the requests the console copies as curl', async () => {
    const r = await rpc(server, 'dataApi.baseUrl', { at: HOME });
    expect(r.body.value).toEqual({ baseUrl: `${server.origin}/api/2.0/workspace/local/rest/databricks_postgres` });
    const token = server.readyInfo().tokens['user@example.com'];
    const res = await fetch(`${r.body.value.baseUrl}/public/clients?select=id&id=eq.1`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([{ id: 1 }]);
    // Input it does not know is refused, not ignored.
    const bad = await rpc(server, 'dataApi.baseUrl', { at: HOME, schema: 'public' });
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'PIER002' } });
  });

  it('describes a table for the query builder and lists the identities', async () => {
    const d = await rpc(server, 'dataApi.describe', { at: HOME, schema: 'public', table: 'clients' });
    expect(d.body.value).toMatchObject({ exposed: true, primaryKey: ['id'] });
    expect(d.body.value.baseUrl).toBe(`${server.origin}/api/2.0/workspace/local/rest/databricks_postgres`);
    expect(d.body.value.relationships).toContainEqual(
      expect.objectContaining({ kind: 'one-to-many', target: { schema: 'public', name: 'projects' }, toOne: false }),
    );
    const ids = await rpc(server, 'dataApi.identities', { at: HOME });
    expect(ids.body.value.roles).toContain('user@example.com');
    const none = await rpc(server, 'dataApi.describe', { at: { ...HOME, database: 'nope' }, schema: 'public', table: 'clients' });
    expect(none.body.error.code).toBe('PIER404');
  });

  it('serves the local management API and OIDC discovery, with the foundation cluster as project local', async () => {
    const info = server.readyInfo();
    expect(info.managementApi).toBe(`${server.origin}/api/2.0/postgres`);
    const auth = { authorization: `Bearer ${info.tokens.owner}` };
    const projects = (await (await fetch(`${info.managementApi}/projects`, { headers: auth })).json()) as any;
    expect(projects.projects.map((p: { project_id: string }) => p.project_id)).toContain('local');
    const branches = (await (await fetch(`${info.managementApi}/projects/local/branches`, { headers: auth })).json()) as any;
    expect(branches.branches).toContainEqual(
      expect.objectContaining({ branch_id: 'production', status: expect.objectContaining({ default: true }) }),
    );
    // The compute Pier itself runs on cannot be suspended under it.
    const suspend = await fetch(`${info.managementApi}/projects/local/branches/production/endpoints/primary?update_mask=spec.disabled`, {
      method: 'PATCH',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ spec: { endpoint_type: 'ENDPOINT_TYPE_READ_WRITE', disabled: true } }),
    });
    expect(suspend.status).toBe(400);
    expect(((await suspend.json()) as any).message).toContain('cannot be suspended');
    const unauthenticated = await fetch(`${info.managementApi}/projects`);
    expect(unauthenticated.status).toBe(401);
    const discovery = (await (await fetch(`${server.origin}/oidc/.well-known/oauth-authorization-server`)).json()) as any;
    expect(discovery.token_endpoint).toBe(`${server.origin}/oidc/v1/token`);
  });

  it('lists the local workspace and its projects over RPC, without secrets', async () => {
    const ws = await rpc(server, 'workspaces.list', {});
    expect(ws.body.ok).toBe(true);
    const local = ws.body.value.workspaces[0];
    expect(local).toMatchObject({ kind: 'local' });
    const projects = await rpc(server, 'cloud.projects', { workspaceId: local.id });
    expect(projects.body.value.projects.map((p: { id: string }) => p.id)).toContain('local');
    expect(JSON.stringify(ws.body) + JSON.stringify(projects.body)).not.toContain(server.readyInfo().tokens.owner);
  });

  it('reads a branch of its own: a change there is not visible on production', async () => {
    const info = server.readyInfo();
    const auth = { authorization: `Bearer ${info.tokens.owner}`, 'content-type': 'application/json' };
    let op = (await (
      await fetch(`${info.managementApi}/projects/local/branches?branch_id=itest`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ spec: { source_branch: 'projects/local/branches/production', no_expiry: true } }),
      })
    ).json()) as any;
    for (let i = 0; i < 600 && !op.done; i++) {
      await new Promise((r) => setTimeout(r, 100));
      op = await (await fetch(`${info.managementApi}/${op.name}`, { headers: auth })).json();
    }
    expect(op.error).toBeUndefined();
    const branch = 'projects/local/branches/itest';
    const eps = (await (await fetch(`${info.managementApi}/${branch}/endpoints`, { headers: auth })).json()) as any;
    // The owner, as Lakebase's clients connect: the endpoint's host, TLS, a credential as the password.
    const [host, port] = (eps.endpoints[0].status.hosts.host as string).split(':');
    const cred = await (
      await fetch(`${info.managementApi}/credentials`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ endpoint: eps.endpoints[0].name }),
      })
    ).json();
    const db = new pg.Client({
      host,
      port: Number(port ?? 5432),
      user: 'owner@pier.local',
      password: cred.token,
      database: 'databricks_postgres',
      ssl: { ca: await readFile(info.postgresCa ?? '', 'utf8') },
    });
    await db.connect();
    await db.query(`UPDATE clients SET name = 'Acme (branch)' WHERE id = 1`);
    await db.end();
    const onBranch = await readTable(server, 'clients', 'order=id', { ...HOME, branch });
    expect(onBranch.rows?.[0].name).toBe('Acme (branch)');
    const viaEngine = await rpc(server, 'dataApi.request', {
      at: { ...HOME, branch },
      path: '/public/clients',
      rawQuery: 'select=name&id=eq.1',
      viewAs: { kind: 'identity', role: 'user@example.com' },
    });
    expect(JSON.parse(viaEngine.body.value.body)).toEqual([{ name: 'Acme (branch)' }]);
    // Over HTTP, the branch's Data API has the Lakebase tail behind the branch's path.
    const branchApi = `${server.origin}/projects/local/branches/itest/api/2.0/workspace/local/rest/databricks_postgres/public`;
    const overHttp = await fetch(`${branchApi}/clients?select=name&id=eq.1`, {
      headers: { authorization: `Bearer ${info.tokens['user@example.com']}` },
    });
    expect(await overHttp.json()).toEqual([{ name: 'Acme (branch)' }]);
    const described = await rpc(server, 'dataApi.describe', { at: { ...HOME, branch }, schema: 'public', table: 'clients' });
    expect(`${described.body.value.baseUrl}/public`).toBe(branchApi);
    const onProduction = await readTable(server, 'clients');
    expect(onProduction.rows?.[0].name).toBe('Acme Corp');
    const missing = await readTable(server, 'clients', 'order=id', { ...HOME, branch: 'projects/local/branches/nope' });
    expect(missing.body.error).toMatchObject({ code: 'PIER404' });
    expect(missing.body.error.message).toContain('does not exist');
    // Over HTTP, a branch that is not there is a 404, and the server stays up.
    const gone = await fetch(`${server.origin}/projects/nope/branches/nope/api/2.0/workspace/local/rest/databricks_postgres/public/x`);
    expect(gone.status).toBe(404);
    expect((await readTable(server, 'clients')).rows).toHaveLength(3);
  });

  it("sends the grid's request to the workspace's hosted Data API with the workspace's token, to compare", async () => {
    const info = server.readyInfo();
    // A "Databricks" workspace that is this very server, signed in with user@example.com's token,
    // which may use project local (CAN_USE).
    await setUserAccess(info, 'CAN_USE');
    const added = await rpc(server, 'workspaces.add', { method: 'pat', host: server.origin, token: info.tokens['user@example.com'] });
    expect(added.body.ok).toBe(true);
    const workspaceId = added.body.value.id;
    try {
      const dbs = await rpc(server, 'cloud.databases', { workspaceId, branch: 'projects/local/branches/production' });
      const database = dbs.body.value.databases.find(
        (d: { postgresDatabase: string }) => d.postgresDatabase === 'databricks_postgres',
      ).name;
      const api = await rpc(server, 'cloud.dataApi', { workspaceId, database });
      if (!api.body.value.enabled) {
        const started = await rpc(server, 'cloud.enableDataApi', { workspaceId, database, settings: {} });
        expect(started.body.ok).toBe(true);
        for (let i = 0; i < 300 && !(await rpc(server, 'cloud.dataApi', { workspaceId, database })).body.value.enabled; i++)
          await new Promise((r) => setTimeout(r, 100));
      }
      const hosted = await rpc(server, 'cloud.sendToHostedDataApi', {
        workspaceId,
        database,
        path: '/public/clients',
        rawQuery: 'select=id,name&id=gte.2',
      });
      expect(hosted.body.value.status).toBe(200);
      const inPier = await rpc(server, 'dataApi.request', {
        at: HOME,
        path: '/public/clients',
        rawQuery: 'select=id,name&id=gte.2',
        viewAs: { kind: 'identity', role: 'user@example.com' },
      });
      expect(JSON.parse(hosted.body.value.body)).toEqual(JSON.parse(inPier.body.value.body));
      expect(JSON.stringify(hosted.body)).not.toContain(info.tokens['user@example.com']);
    } finally {
      await rpc(server, 'workspaces.remove', { id: workspaceId });
      await setUserAccess(info, undefined);
    }
  });

  it('refuses a second server on the same data folder, naming it', async () => {
    await expect(startPierServer({ mode: 'browser', port: 0, dataDir, uiDir })).rejects.toThrow(dataDir);
  });

  it('names the port and the flag when the port is taken', async () => {
    const port = Number(new URL(server.origin).port);
    await expect(startPierServer({ mode: 'browser', port, dataDir: path.join(dataDir, 'other'), uiDir })).rejects.toThrow(
      new RegExp(`Port ${port} .*--port`),
    );
  });

  it('keeps the data across a restart and never re-seeds', async () => {
    const url = server.readyInfo().postgres;
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query(`DELETE FROM clients WHERE name = 'Global Solutions'`);
    await db.query(`CREATE TABLE notes (id int primary key, body text); INSERT INTO notes VALUES (1, 'kept')`);
    await db.end();
    await server.close();
    server = await startPierServer({ mode: 'browser', port: 0, dataDir, uiDir });
    const clients = await readTable(server, 'clients');
    expect(clients.rows?.map((r) => r.name)).toEqual(['Acme Corp', 'TechStart Inc']);
    const notes = await readTable(server, 'notes');
    expect(notes.rows).toEqual([{ id: 1, body: 'kept' }]);
  });
});

describe('bad start-up conditions', () => {
  it('names a data folder that cannot be written', async () => {
    const file = path.join(os.tmpdir(), `pier-not-a-dir-${process.pid}`);
    await writeFile(file, 'x');
    const dataDir = path.join(file, 'data');
    await expect(startPierServer({ mode: 'browser', port: 0, dataDir, uiDir })).rejects.toThrow(dataDir);
    await rm(file, { force: true });
  });
});
