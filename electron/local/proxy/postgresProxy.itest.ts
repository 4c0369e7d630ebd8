/**
 * Connections to local endpoints as Lakebase's clients make them, through Pier's Postgres proxy:
 * TLS required, a database credential as the password, many credentials of one identity at once,
 * routing by TLS server name or `options=endpoint=`, wake-up of a suspended endpoint, and
 * postmasters that admit nobody but Pier. Real control plane, real PostgreSQL, real pg and psql.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint, Operation } from '../../../shared/management';
import { startLocalControlPlane, type LocalControlPlaneServer } from '../testing/startLocalControlPlane';
import { CredentialTokens } from './credentialTokens';

const PRIMARY = 'projects/local/branches/production/endpoints/primary';
const OWNER = 'owner@pier.local';
const DATABASE = 'databricks_postgres';

let server: LocalControlPlaneServer;
let dataDir: string;
let caPem: string;
let proxyPort: number;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-proxy-'));
  server = await startLocalControlPlane(dataDir);
  const postgres = server.controlPlane.postgres();
  proxyPort = postgres.port;
  caPem = await readFile(postgres.caFile, 'utf8');
});

afterAll(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function api<T>(method: string, p: string, body?: unknown, token = server.ownerToken): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.managementApi}/${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function credential(endpoint = PRIMARY, token = server.ownerToken): Promise<string> {
  const r = await api<{ token: string; expire_time: string }>('POST', 'credentials', { endpoint }, token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.token;
}

async function endpoint(name: string): Promise<Endpoint> {
  return (await api<Endpoint>('GET', name)).body;
}

/** A client as Lakebase's docs configure one: the endpoint's host, TLS verified against the local CA. */
function client(password: string, extra: Partial<pg.ClientConfig> = {}, user = OWNER): pg.Client {
  return new pg.Client({
    host: 'localhost',
    port: proxyPort,
    user,
    password,
    database: DATABASE,
    ssl: { ca: caPem, rejectUnauthorized: true },
    ...extra,
  });
}

async function currentUser(c: pg.Client): Promise<string> {
  return (await c.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u;
}

function psql(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('psql', args, { env: { ...process.env, ...env, PGCONNECT_TIMEOUT: '20' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function waitFor(op: Operation): Promise<Operation> {
  let current = op;
  const deadline = Date.now() + 60_000;
  while (!current.done && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    current = (await api<Operation>('GET', op.name ?? '')).body;
  }
  expect(current.error, JSON.stringify(current.error)).toBeUndefined();
  return current;
}

describe('credentials', () => {
  it('reports every endpoint at localhost with its port (5432 is not asked for in tests)', async () => {
    expect((await endpoint(PRIMARY)).status?.hosts?.host).toBe(`localhost:${proxyPort}`);
  });

  it('many credentials of one identity work at once; issuing one changes nothing else', async () => {
    const first = await credential();
    const held = client(first);
    await held.connect();
    const second = await credential();
    const third = await credential();
    expect(new Set([first, second, third]).size).toBe(3);
    // The first credential still logs in, after two newer ones were issued.
    for (const token of [first, second, third]) {
      const c = client(token);
      await c.connect();
      expect(await currentUser(c)).toBe(OWNER);
      await c.end();
    }
    expect(await currentUser(held)).toBe(OWNER);
    await held.end();
  });

  it('psql with sslmode=require and one credential, while a second credential of the same identity is in use', async () => {
    const inUse = client(await credential());
    await inUse.connect();
    const token = await credential();
    const r = await psql(['-X', '-At', '-c', 'SELECT current_user, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'], {
      PGHOST: 'localhost',
      PGPORT: String(proxyPort),
      PGUSER: OWNER,
      PGDATABASE: DATABASE,
      PGPASSWORD: token,
      PGSSLMODE: 'require',
    });
    expect(r.stderr).toBe('');
    // The proxy's own leg to the postmaster is TLS too.
    expect(r.stdout.trim()).toBe(`${OWNER}|t`);
    expect(await currentUser(inUse)).toBe(OWNER);
    await inUse.end();
  });

  it('verify-full against the local CA: psql checks the certificate and the host name', async () => {
    const token = await credential();
    const env = { PGPASSWORD: token, PGSSLROOTCERT: server.controlPlane.postgres().caFile };
    const conninfo = (host: string) => `host=${host} port=${proxyPort} user=${OWNER} dbname=${DATABASE} sslmode=verify-full`;
    const ok = await psql(['-X', '-At', '-c', 'SELECT 1', conninfo('localhost')], env);
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toBe('1');
    // Without the CA the certificate is not trusted.
    const untrusted = await psql(['-X', '-At', '-c', 'SELECT 1', conninfo('localhost')], {
      ...env,
      PGSSLROOTCERT: path.join(dataDir, 'no-such-ca.crt'),
    });
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stderr).toMatch(/root certificate file .* does not exist|certificate verify failed/);
  });

  it('an expired credential is refused, saying when it expired', async () => {
    const tokens = await CredentialTokens.open(dataDir);
    const project = (await api<{ uid: string }>('GET', 'projects/local')).body;
    // A real credential of this Pier, issued 20 minutes ago for 5 minutes.
    const expired = await tokens.issue({ identity: OWNER, endpoint: PRIMARY, projectUid: project.uid }, 300, Date.now() - 20 * 60_000);
    const c = client(expired.token);
    await expect(c.connect()).rejects.toMatchObject({
      code: '28P01',
      message: `password authentication failed for user "${OWNER}"`,
      detail: `The credential expired at ${expired.expiresAt.toISOString()}.`,
    });
    const r = await psql(['-X', '-c', 'SELECT 1'], {
      PGHOST: 'localhost',
      PGPORT: String(proxyPort),
      PGUSER: OWNER,
      PGDATABASE: DATABASE,
      PGPASSWORD: expired.token,
      PGSSLMODE: 'require',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('password authentication failed');
    expect(r.stderr).toContain('The credential expired at');
  });

  it('refuses a credential used as another user, a made-up password, and a connection without TLS', async () => {
    const token = await credential();
    await expect(client(token, {}, 'user@example.com').connect()).rejects.toMatchObject({
      code: '28P01',
      detail: `The credential was issued to "${OWNER}".`,
    });
    await expect(client('not-a-credential').connect()).rejects.toMatchObject({ code: '28P01' });
    // The OIDC token of the management API is not a database credential.
    await expect(client(server.ownerToken).connect()).rejects.toMatchObject({ code: '28P01' });
    await expect(client(token, { ssl: false }).connect()).rejects.toMatchObject({
      code: '28000',
      message: 'Connections to Pier endpoints require SSL.',
    });
  });

  it("refuses Pier's own roles through endpoints", async () => {
    await expect(client('whatever', {}, 'postgres').connect()).rejects.toMatchObject({ code: '28000' });
    await expect(client('whatever', {}, 'authenticator').connect()).rejects.toMatchObject({ code: '28000' });
  });
});

describe('routing', () => {
  let devUid: string;
  let devPrimary: string;
  beforeAll(async () => {
    const created = await api<Operation>('POST', 'projects/local/branches?branch_id=routing', { spec: { no_expiry: true } });
    expect(created.status).toBe(200);
    await waitFor(created.body);
    devPrimary = 'projects/local/branches/routing/endpoints/primary';
    devUid = (await endpoint(devPrimary)).uid ?? '';
    // Tell the two branches apart by a schema made on one of them.
    const c = client(await credential(devPrimary));
    await c.connect();
    try {
      await c.query('CREATE SCHEMA routing_marker');
    } finally {
      await c.end();
    }
  });

  const marker = async (c: pg.Client) =>
    (await c.query<{ t: string | null }>(`SELECT to_regnamespace('routing_marker')::text AS t`)).rows[0]!.t === null
      ? 'production'
      : 'routing';

  it('goes where the credential was issued for, on the one shared host', async () => {
    expect((await endpoint(devPrimary)).status?.hosts?.host).toBe((await endpoint(PRIMARY)).status?.hosts?.host);
    for (const [name, expected] of [
      [PRIMARY, 'production'],
      [devPrimary, 'routing'],
    ] as const) {
      const c = client(await credential(name));
      await c.connect();
      expect(await marker(c)).toBe(expected);
      await c.end();
    }
  });

  it('goes to the endpoint the TLS server name or options=endpoint= names (Neon and Lakebase hosts)', async () => {
    // A credential is good on every endpoint of its project, as Lakebase's are.
    const token = await credential(PRIMARY);
    const bySni = client(token, { host: '127.0.0.1', ssl: { ca: caPem, servername: `${devUid}.database.localhost` } });
    await bySni.connect();
    expect(await marker(bySni)).toBe('routing');
    await bySni.end();
    const byOption = client(token, { options: `endpoint=${devUid} -c search_path=pg_catalog` });
    await byOption.connect();
    expect(await marker(byOption)).toBe('routing');
    // The other options reach the postmaster.
    expect((await byOption.query<{ search_path: string }>('SHOW search_path')).rows[0]!.search_path).toBe('pg_catalog');
    await byOption.end();
    const r = await psql(['-X', '-At', '-c', `SELECT to_regnamespace('routing_marker') IS NOT NULL`], {
      PGHOST: `${devUid}.database.localhost`,
      PGHOSTADDR: '127.0.0.1',
      PGPORT: String(proxyPort),
      PGUSER: OWNER,
      PGDATABASE: DATABASE,
      PGPASSWORD: token,
      PGSSLMODE: 'verify-full',
      PGSSLROOTCERT: server.controlPlane.postgres().caFile,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('t');
    await expect(client(token, { options: 'endpoint=ep-no-such-thing' }).connect()).rejects.toThrow(
      'Endpoint "ep-no-such-thing" does not exist.',
    );
  });

  it('wakes a suspended endpoint when a client connects', async () => {
    await server.controlPlane.suspendEndpoint(devPrimary);
    expect((await endpoint(devPrimary)).status?.current_state).toBe('IDLE');
    const c = client(await credential(devPrimary));
    await c.connect();
    expect(await marker(c)).toBe('routing');
    expect((await endpoint(devPrimary)).status?.current_state).toBe('ACTIVE');
    // Suspending cuts the connections it holds, as a compute scaling to zero does.
    const ended = new Promise<void>((resolve) => c.once('end', () => resolve()));
    c.on('error', () => undefined);
    await server.controlPlane.suspendEndpoint(devPrimary);
    await ended;
  });

  it('refuses connections to a disabled endpoint, naming it', async () => {
    const op = await api<Operation>('PATCH', `${devPrimary}?update_mask=spec.disabled`, { spec: { disabled: true } });
    await waitFor(op.body);
    await expect(client(await credential(devPrimary)).connect()).rejects.toThrow(`Endpoint ${devUid} is disabled`);
    await waitFor((await api<Operation>('PATCH', `${devPrimary}?update_mask=spec.disabled`, { spec: { disabled: false } })).body);
    const c = client(await credential(devPrimary));
    await c.connect();
    await c.end();
  });
});

describe('postmasters admit nobody but Pier', () => {
  it("a credential does not open the endpoint's private address, with or without TLS", async () => {
    const target = await server.controlPlane.readWriteEndpoint('projects/local/branches/production');
    const token = await credential();
    for (const ssl of [false, { rejectUnauthorized: false }] as const) {
      const c = new pg.Client({ ...target, user: OWNER, password: token, database: DATABASE, ssl });
      await expect(c.connect()).rejects.toThrow(/no pg_hba.conf entry|password authentication failed|certificate/);
    }
  });
});

describe('native Postgres passwords', () => {
  it('are accepted only where the project enables them, for the endpoint named in the connection', async () => {
    const owner = client(await credential());
    await owner.connect();
    await owner.query(`CREATE ROLE native_app LOGIN PASSWORD 'native-secret'`);
    await owner.end();
    const uid = (await endpoint(PRIMARY)).uid ?? '';
    const native = (password: string) => client(password, { options: `endpoint=${uid}` }, 'native_app');
    await expect(native('native-secret').connect()).rejects.toThrow(/password authentication failed/);
    await waitFor(
      (await api<Operation>('PATCH', 'projects/local?update_mask=spec.enable_pg_native_login', { spec: { enable_pg_native_login: true } }))
        .body,
    );
    const c = native('native-secret');
    await c.connect();
    expect(await currentUser(c)).toBe('native_app');
    await c.end();
    await expect(native('wrong').connect()).rejects.toThrow(/password authentication failed/);
    // Without naming the endpoint a Postgres password cannot be routed.
    await expect(client('native-secret', {}, 'native_app').connect()).rejects.toMatchObject({ code: '28P01' });
  });
});
