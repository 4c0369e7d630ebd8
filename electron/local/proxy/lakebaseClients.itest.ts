/**
 * Databricks' own clients against a local endpoint, unchanged: the npm `@databricks/lakebase`
 * driver (installed as a devDependency, nothing installed at run time) and Debian's psql the way
 * `databricks psql` runs it. The control plane asks for Lakebase's port 5432; on a machine where
 * something else holds it, `hosts.host` carries the port Pier got and the clients are given it.
 *
 * The driver runs in a child Node process configured only through the environment a user sets
 * (DATABRICKS_HOST/DATABRICKS_TOKEN for its workspace client, LAKEBASE_ENDPOINT, PGHOST, PGUSER,
 * PGDATABASE) and trusts the local CA the way Node is told to: NODE_EXTRA_CA_CERTS. Its own
 * defaults stand: sslMode "require" (TLS, certificate verified), port 5432.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../shared/management';
import { startLocalControlPlane, type LocalControlPlaneServer } from '../testing/startLocalControlPlane';
import { CredentialTokens } from './credentialTokens';

const PRIMARY = 'projects/local/branches/production/endpoints/primary';
const OWNER = 'owner@pier.local';
const DATABASE = 'databricks_postgres';
const LAKEBASE_PORT = 5432;
const REPO = path.resolve(import.meta.dirname, '../../..');

let server: LocalControlPlaneServer;
let dataDir: string;
/** `hosts.host` of the primary endpoint, split as a client splits it. */
let host: string;
let port: number;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-lakebase-clients-'));
  server = await startLocalControlPlane(dataDir, undefined, LAKEBASE_PORT);
  const endpoint = (await api<Endpoint>('GET', PRIMARY)).body;
  const [h, p] = (endpoint.status?.hosts?.host ?? '').split(':');
  host = h ?? '';
  port = p === undefined ? LAKEBASE_PORT : Number(p);
});

afterAll(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function api<T>(method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.managementApi}/${p}`, {
    method,
    headers: { authorization: `Bearer ${server.ownerToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  // Nothing from the test's own environment decides how the client connects.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(PG|DATABRICKS_|LAKEBASE_|NODE_EXTRA_CA_CERTS$)/.test(k)),
  ) as Record<string, string>;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO, env: { ...inherited, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** What a user exports to use the driver against this Pier (PGPORT only when 5432 was taken). */
function driverEnv(): Record<string, string> {
  return {
    DATABRICKS_HOST: server.origin,
    DATABRICKS_TOKEN: server.ownerToken,
    LAKEBASE_ENDPOINT: PRIMARY,
    PGHOST: host,
    ...(port === LAKEBASE_PORT ? {} : { PGPORT: String(port) }),
    PGUSER: OWNER,
    PGDATABASE: DATABASE,
    NODE_EXTRA_CA_CERTS: server.controlPlane.postgres().caFile,
  };
}

/** Runs an ES module body in a child Node that imports the driver from node_modules; it prints one JSON line. */
async function driver<T>(body: string, env: Record<string, string>): Promise<T> {
  const r = await run(process.execPath, ['--input-type=module', '-e', body], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as T;
}

const WHO = `SELECT current_user AS "user", current_database() AS db, pg_backend_pid() AS pid`;

describe('the @databricks/lakebase driver', () => {
  it('opens pools with its defaults (TLS verified, a credential per pool as the password), two of one identity at once', async () => {
    const out = await driver<{
      credentials: string[];
      a: { user: string; db: string; pid: number }[];
      b: { user: string; db: string; pid: number }[];
    }>(
      `
      import { createLakebasePool, getWorkspaceClient } from '@databricks/lakebase';
      // The workspace client the driver would make itself (SDK default auth from the environment),
      // watched to see the credentials it is given; the requests are real.
      const credentials = [];
      const workspaceClient = getWorkspaceClient({});
      const request = workspaceClient.apiClient.request.bind(workspaceClient.apiClient);
      workspaceClient.apiClient.request = async (...args) => {
        const r = await request(...args);
        if (args[0].path === '/api/2.0/postgres/credentials') credentials.push(r.token);
        return r;
      };
      const a = createLakebasePool({ workspaceClient });
      const b = createLakebasePool({ workspaceClient });
      const who = ${JSON.stringify(WHO)};
      // Pool a logs in with the first credential and keeps that connection.
      const a1 = await a.connect();
      // Pool b gets a second credential of the same identity and logs in with it.
      const b1 = await b.connect();
      // Pool a opens another connection with its (now older) credential while both are held.
      const a2 = await a.connect();
      const rows = async (c) => (await c.query(who)).rows[0];
      const out = { credentials, a: [await rows(a1), await rows(a2)], b: [await rows(b1)] };
      a1.release(); a2.release(); b1.release();
      await Promise.all([a.end(), b.end()]);
      console.log(JSON.stringify(out));
      `,
      driverEnv(),
    );
    expect(out.credentials).toHaveLength(2);
    expect(new Set(out.credentials).size).toBe(2);
    for (const row of [...out.a, ...out.b]) expect(row).toMatchObject({ user: OWNER, db: DATABASE });
    expect(new Set([...out.a, ...out.b].map((r) => r.pid)).size).toBe(3);
  });

  it('an older credential still logs in after newer ones were issued; an expired one is refused', async () => {
    const project = (await api<{ uid: string }>('GET', 'projects/local')).body;
    // A real credential of this Pier (its signing key), issued 20 minutes ago for 5 minutes.
    const tokens = await CredentialTokens.open(dataDir);
    const expired = await tokens.issue({ identity: OWNER, endpoint: PRIMARY, projectUid: project.uid }, 300, Date.now() - 20 * 60_000);
    const out = await driver<{ older: string; expired: { code: string; message: string; detail: string } }>(
      `
      import { createLakebasePool, generateDatabaseCredential, getWorkspaceClient } from '@databricks/lakebase';
      const workspaceClient = getWorkspaceClient({});
      const endpoint = process.env.LAKEBASE_ENDPOINT;
      const older = await generateDatabaseCredential(workspaceClient, { endpoint });
      await generateDatabaseCredential(workspaceClient, { endpoint });
      await generateDatabaseCredential(workspaceClient, { endpoint });
      // The driver's native-password form: the token is the password.
      const pool = createLakebasePool({ password: older.token });
      const { rows } = await pool.query('SELECT current_user AS u');
      await pool.end();
      const stale = createLakebasePool({ password: process.env.EXPIRED });
      const refused = await stale.query('SELECT 1').then(() => null, (e) => ({ code: e.code, message: e.message, detail: e.detail }));
      await stale.end();
      console.log(JSON.stringify({ older: rows[0].u, expired: refused }));
      `,
      { ...driverEnv(), EXPIRED: expired.token },
    );
    expect(out.older).toBe(OWNER);
    expect(out.expired).toEqual({
      code: '28P01',
      message: `password authentication failed for user "${OWNER}"`,
      detail: `The credential expired at ${expired.expiresAt.toISOString()}.`,
    });
  });

  it('refuses the connection when the local CA is not trusted (sslMode require verifies the certificate)', async () => {
    const env = driverEnv();
    delete env.NODE_EXTRA_CA_CERTS;
    const out = await driver<{ error: string }>(
      `
      import { createLakebasePool } from '@databricks/lakebase';
      const pool = createLakebasePool();
      const error = await pool.query('SELECT 1').then(() => 'connected', (e) => e.code ?? e.message);
      await pool.end();
      console.log(JSON.stringify({ error }));
      `,
      env,
    );
    expect(out.error).toMatch(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
  });
});

describe('psql as `databricks psql` runs it', () => {
  it('connects with --host=<hosts.host> --port and PGSSLMODE=require, a credential as PGPASSWORD, and runs a query', async () => {
    if (port === LAKEBASE_PORT) expect(host).toBe('localhost');
    const cred = await api<{ token: string }>('POST', 'credentials', { endpoint: PRIMARY });
    // A second credential of the same identity, issued after, changes nothing for the first.
    await api('POST', 'credentials', { endpoint: PRIMARY });
    const r = await run(
      '/usr/bin/psql',
      [
        `--host=${host}`,
        `--port=${port}`,
        `--username=${OWNER}`,
        `--dbname=${DATABASE}`,
        '-X',
        '-At',
        '-c',
        `SELECT current_user, count(*) FROM clients`,
      ],
      { PGSSLMODE: 'require', PGPASSWORD: cred.body.token, PGCONNECT_TIMEOUT: '20' },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`${OWNER}|3`);
  });

  it('psql says why an expired credential is refused', async () => {
    const project = (await api<{ uid: string }>('GET', 'projects/local')).body;
    const tokens = await CredentialTokens.open(dataDir);
    const expired = await tokens.issue({ identity: OWNER, endpoint: PRIMARY, projectUid: project.uid }, 300, Date.now() - 20 * 60_000);
    const r = await run(
      '/usr/bin/psql',
      [`--host=${host}`, `--port=${port}`, `--username=${OWNER}`, `--dbname=${DATABASE}`, '-X', '-c', 'SELECT 1'],
      {
        PGSSLMODE: 'require',
        PGPASSWORD: expired.token,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`password authentication failed for user "${OWNER}"`);
    expect(r.stderr).toContain(`The credential expired at ${expired.expiresAt.toISOString()}.`);
  });
});
