/**
 * `npm run bench:branch [-- --sizes 10,100,1000] [--verbose]`: how long creating a branch takes for source
 * databases of about 10 MB, 100 MB and 1 GB (DESIGN §6 target: ≤ 5 s at 100 MB), and how long a
 * suspended endpoint takes to answer its first query. A benchmark: it prints, it asserts nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Endpoint, Operation } from '../shared/management';
import { startLocalControlPlane, type LocalControlPlaneServer } from '../electron/local/testing/startLocalControlPlane';

const sizesArg = process.argv.indexOf('--sizes');
const sizesMb = (sizesArg > 0 ? (process.argv[sizesArg + 1] ?? '') : '10,100,1000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);

async function call<T>(s: LocalControlPlaneServer, method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${s.managementApi}/${p}`, {
    method,
    headers: { authorization: `Bearer ${s.ownerToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function until(s: LocalControlPlaneServer, op: Operation): Promise<Operation> {
  let cur = op;
  while (!cur.done) {
    await new Promise((r) => setTimeout(r, 10));
    cur = await call<Operation>(s, 'GET', op.name ?? '');
  }
  if (cur.error) throw new Error(`${op.name}: ${cur.error.message}`);
  return cur;
}

/** Grows `databricks_postgres` on production to about `mb` megabytes. */
async function growTo(db: pg.Client, mb: number): Promise<number> {
  await db.query('CREATE TABLE IF NOT EXISTS bench_fill (id bigserial PRIMARY KEY, pad text NOT NULL)');
  for (;;) {
    const size = Number((await db.query<{ s: string }>('SELECT pg_database_size(current_database())::text AS s')).rows[0]?.s ?? 0);
    const missing = mb * 1024 * 1024 - size;
    if (missing < 1024 * 1024) return size;
    // ~1.1 kB per row; at most 200 MB per statement.
    const rows = Math.ceil(Math.min(missing, 200 * 1024 * 1024) / 1100);
    await db.query(`INSERT INTO bench_fill (pad) SELECT repeat(md5(g::text), 32) FROM generate_series(1, $1) g`, [rows]);
    await db.query('CHECKPOINT');
  }
}

/** Connect-and-query time of a client as Lakebase's connect: the endpoint's host, TLS, a credential as the password. */
async function firstQueryMs(endpoint: Endpoint): Promise<number> {
  const [host, port] = (endpoint.status?.hosts?.host ?? '').split(':');
  const cred = await call<{ token: string }>(server, 'POST', 'credentials', { endpoint: endpoint.name });
  const t = performance.now();
  const c = new pg.Client({
    host,
    port: Number(port ?? 5432),
    user: server.issuer.owner,
    password: cred.token,
    database: 'databricks_postgres',
    ssl: { ca: server.controlPlane.postgres().caCertPem },
  });
  await c.connect();
  await c.query('SELECT 1');
  const ms = performance.now() - t;
  await c.end();
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-bench-branch-'));
const verbose = process.argv.includes('--verbose');
const server = await startLocalControlPlane(dataDir, verbose ? (line) => console.log(`  · ${line}`) : undefined);
const db = new pg.Client({ connectionString: server.embedded.connectionString });
await db.connect();
const rows: string[] = [];
try {
  console.log(`Branch creation benchmark (data in ${dataDir}, ${os.cpus().length} CPUs)`);
  for (const mb of sizesMb) {
    const size = await growTo(db, mb);
    const id = `bench-${mb}`;
    const t = performance.now();
    const op = await call<Operation>(server, 'POST', `projects/local/branches?branch_id=${id}`, {});
    await until(server, op);
    const seconds = (performance.now() - t) / 1000;
    const endpoint = await call<Endpoint>(server, 'GET', `projects/local/branches/${id}/endpoints/primary`);
    const resumes: number[] = [];
    for (let i = 0; i < 3; i++) {
      await server.controlPlane.suspendEndpoint(endpoint.name ?? '');
      resumes.push(await firstQueryMs(endpoint));
    }
    const line = `source ${(size / 1048576).toFixed(0).padStart(5)} MB   branch ready in ${seconds.toFixed(2).padStart(6)} s   resume from suspended (median of 3) ${median(resumes).toFixed(0).padStart(5)} ms`;
    console.log(line);
    rows.push(line);
    await until(server, await call<Operation>(server, 'DELETE', `projects/local/branches/${id}?purge=true`));
  }
} finally {
  await db.end();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
}
