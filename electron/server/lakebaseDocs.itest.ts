import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUiSession } from './uiLink';
import { startPierServer, type PierServer } from './pierServer';

/**
 * The embedded default as a reader of the Lakebase documentation meets it (issue 14): the documented
 * Data API examples answer as documented (../shared/reference/lakebase-data-api-examples.md), the
 * SDKs' host-metadata probe answers, db_anon_role takes effect, and the sample can be put back.
 * A real Pier server over HTTP, on real PostgreSQL.
 */

const uiDir = path.join(os.tmpdir(), 'pier-itest-ui-docs');
let dataDir: string;
let server: PierServer;
let cookie: Promise<string> | undefined;

async function rpc(channel: string, input: unknown) {
  cookie ??= openUiSession(server.readyInfo());
  const res = await fetch(`${server.origin}/rpc/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: await cookie },
    body: JSON.stringify(input),
  });
  return (await res.json()) as { ok: boolean; value?: any; error?: any };
}

/** A request to `$REST_ENDPOINT` as the documentation's identity (the local demo identity). */
async function rest(pathAndQuery: string, init: { method?: string; body?: unknown } = {}) {
  const info = server.readyInfo();
  const res = await fetch(`${info.dataApi}/${pathAndQuery}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${info.tokens['user@example.com']}`,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as any) };
}

async function management(method: string, p: string, body?: unknown) {
  const info = server.readyInfo();
  const headers = { authorization: `Bearer ${info.tokens.owner}`, 'content-type': 'application/json' };
  let op = (await (
    await fetch(`${info.managementApi}/${p}`, { method, headers, body: body !== undefined ? JSON.stringify(body) : undefined })
  ).json()) as any;
  for (let i = 0; i < 600 && op.name?.includes('/operations/') && !op.done; i++) {
    await new Promise((r) => setTimeout(r, 100));
    op = await (await fetch(`${info.managementApi}/${op.name}`, { headers })).json();
  }
  return op;
}

async function superuserSql(text: string): Promise<Record<string, unknown>[]> {
  const db = new pg.Client({ connectionString: server.readyInfo().postgres });
  await db.connect();
  try {
    return (await db.query(text)).rows as Record<string, unknown>[];
  } finally {
    await db.end();
  }
}

const DOCUMENTED_CLIENTS = [
  { id: 1, name: 'Acme Corp', email: 'contact@acme.com', company: 'Acme Corporation', phone: '+1-555-0101' },
  { id: 2, name: 'TechStart Inc', email: 'hello@techstart.com', company: 'TechStart Inc', phone: '+1-555-0102' },
  { id: 3, name: 'Global Solutions', email: 'info@globalsolutions.com', company: 'Global Solutions Ltd', phone: '+1-555-0103' },
];

beforeAll(async () => {
  await mkdir(uiDir, { recursive: true });
  await writeFile(path.join(uiDir, 'index.html'), '<!doctype html><title>Pier</title>');
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-docs-'));
  server = await startPierServer({ mode: 'browser', port: 0, dataDir, uiDir });
});

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("the documentation's Data API examples on the embedded default", () => {
  it('GET clients with embedded projects, id=gte.2 (shown whole in the documentation)', async () => {
    const r = await rest('clients?select=id,name,projects(id,name)&id=gte.2');
    expect(r).toEqual({
      status: 200,
      body: [
        { id: 2, name: 'TechStart Inc', projects: [{ id: 3, name: 'Database Migration' }] },
        { id: 3, name: 'Global Solutions', projects: [{ id: 4, name: 'API Integration' }] },
      ],
    });
  });

  it('GET clients: the three documented clients', async () => {
    const r = await rest('clients');
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(3);
    expect(r.body).toEqual(DOCUMENTED_CLIENTS.map((c) => expect.objectContaining(c)));
  });

  it('GET clients?id=gte.2: clients 2 and 3', async () => {
    const r = await rest('clients?id=gte.2');
    expect(r.body.map((c: { email: string }) => c.email)).toEqual(['hello@techstart.com', 'info@globalsolutions.com']);
  });

  it('GET tasks?limit=10&offset=0: the six tasks', async () => {
    const r = await rest('tasks?limit=10&offset=0');
    expect(r.body.map((t: { title: string }) => t.title)).toEqual([
      'Design Homepage',
      'Setup Development Environment',
      'Database Schema Design',
      'API Authentication',
      'User Testing',
      'Performance Optimization',
    ]);
  });

  it('GET tasks?order=due_date.desc: Performance Optimization first (due 2024-04-30)', async () => {
    const r = await rest('tasks?order=due_date.desc');
    expect(r.body[0]).toMatchObject({ title: 'Performance Optimization', due_date: '2024-04-30' });
  });

  it('GET tasks?status=eq.in_progress&priority=eq.high: Design Homepage alone', async () => {
    const r = await rest('tasks?status=eq.in_progress&priority=eq.high');
    expect(r.body.map((t: { title: string }) => t.title)).toEqual(['Design Homepage']);
  });

  it('POST, PATCH and DELETE clients as documented', async () => {
    const created = await rest('clients', {
      method: 'POST',
      body: { name: 'New Client', email: 'newclient@example.com', company: 'New Company Inc', phone: '+1-555-0104' },
    });
    expect(created.status).toBe(201);
    expect((await rest('clients?email=eq.newclient@example.com&select=name')).body).toEqual([{ name: 'New Client' }]);
    const patched = await rest('clients?id=eq.1', { method: 'PATCH', body: { phone: '+1-555-0199' } });
    expect(patched.status).toBe(204);
    expect((await rest('clients?id=eq.1&select=phone')).body).toEqual([{ phone: '+1-555-0199' }]);
    const deleted = await rest('clients?id=eq.5', { method: 'DELETE' });
    expect(deleted.status).toBe(204);
  });
});

describe('what the SDKs and the Data API settings expect', () => {
  it('answers GET /.well-known/databricks-config as a workspace host does', async () => {
    const res = await fetch(`${server.origin}/.well-known/databricks-config`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ oidc_endpoint: `${server.origin}/oidc`, workspace_id: 'local' });
    const post = await fetch(`${server.origin}/.well-known/databricks-config`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('runs requests without a token as the Data API db_anon_role once it is set, and refuses them before', async () => {
    const anonymous = () => fetch(`${server.readyInfo().dataApi}/clients?select=id&order=id`);
    expect((await anonymous()).status).toBe(401);
    await superuserSql(`CREATE ROLE web_anon NOLOGIN; GRANT USAGE ON SCHEMA public TO web_anon; GRANT SELECT ON clients TO web_anon`);
    const op = await management('POST', 'projects/local/branches/production/databases/databricks-postgres/data-api', {
      spec: { db_anon_role: 'web_anon' },
    });
    expect(op.error).toBeUndefined();
    expect(op.response.status.db_anon_role).toBe('web_anon');
    // The engine reloads its configuration on the NOTIFY the change sends.
    let res = await anonymous();
    for (let i = 0; i < 100 && res.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await anonymous();
    }
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: number }[]).length).toBeGreaterThanOrEqual(3);
    // Only what web_anon may read: not the tasks.
    expect((await fetch(`${server.readyInfo().dataApi}/tasks`)).status).toBe(401);
  });
});

describe('reset sample data', () => {
  const production = 'projects/local/branches/production';

  it('is refused on a protected branch and changes nothing', async () => {
    await superuserSql(`UPDATE clients SET name = 'Changed' WHERE id = 2`);
    const protect = await management('PATCH', `${production}?update_mask=spec.is_protected`, { spec: { is_protected: true } });
    expect(protect.error).toBeUndefined();
    try {
      const r = await rpc('sample.reset', { branch: production });
      expect(r.ok).toBe(false);
      expect(r.error).toMatchObject({ code: 'PIER409', message: expect.stringContaining('protected') });
      expect(await superuserSql(`SELECT name FROM clients WHERE id = 2`)).toEqual([{ name: 'Changed' }]);
    } finally {
      await management('PATCH', `${production}?update_mask=spec.is_protected`, { spec: { is_protected: false } });
    }
  });

  it('puts the documented rows back on an unprotected branch and leaves other tables alone', async () => {
    await superuserSql(`CREATE TABLE keep_me (id int); INSERT INTO keep_me VALUES (7); DELETE FROM tasks`);
    const r = await rpc('sample.reset', { branch: production });
    expect(r).toEqual({
      ok: true,
      value: { branch: production, database: 'databricks_postgres', tables: ['clients', 'projects', 'tasks'] },
    });
    expect((await rest('clients')).body).toEqual(DOCUMENTED_CLIENTS.map((c) => expect.objectContaining(c)));
    expect((await rest('tasks?select=id')).body).toHaveLength(6);
    expect(await superuserSql(`SELECT id FROM keep_me`)).toEqual([{ id: 7 }]);
    // A new row gets the next id after the documented ones, as on a fresh sample.
    const created = await rest('clients', { method: 'POST', body: { name: 'Fourth', email: 'fourth@example.com' } });
    expect(created.status).toBe(201);
    expect((await rest('clients?email=eq.fourth@example.com&select=id')).body).toEqual([{ id: 4 }]);
  });

  it('answers a branch that does not exist with PIER404', async () => {
    const r = await rpc('sample.reset', { branch: 'projects/local/branches/nope' });
    expect(r).toMatchObject({ ok: false, error: { code: 'PIER404' } });
  });
});
