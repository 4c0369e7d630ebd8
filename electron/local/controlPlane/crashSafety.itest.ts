import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import pg from 'pg';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Branch, Endpoint, Operation } from '../../../shared/management';
import { buildServeScript } from '../testing/buildServeScript';

interface Running {
  child: ChildProcess;
  managementApi: string;
  ownerToken: string;
}

let script: string;
let dataDir: string;
let current: Running | undefined;

async function startPier(): Promise<Running> {
  const child = spawn(process.execPath, [script, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`Pier exited with ${code} before it was ready`)));
  });
  const ready = JSON.parse(line) as { managementApi: string; ownerToken: string };
  current = { child, ...ready };
  return current;
}

async function stopPier(r: Running, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((resolve) => r.child.once('exit', resolve));
  r.child.kill(signal);
  await exited;
  current = undefined;
}

async function api<T>(r: Running, method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${r.managementApi}/${p}`, {
    method,
    headers: { authorization: `Bearer ${r.ownerToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** A query as the workspace owner through the endpoint's host, with a database credential, as Lakebase's clients connect. */
async function sql(r: Running, endpoint: Endpoint, text: string): Promise<unknown[]> {
  const [host, port] = (endpoint.status?.hosts?.host ?? '').split(':');
  const cred = await api<{ token: string }>(r, 'POST', 'credentials', { endpoint: endpoint.name });
  const ca = await readFile(path.join(dataDir, 'tls', 'pier-local-ca.crt'), 'utf8');
  const c = new pg.Client({
    host,
    port: Number(port ?? 5432),
    user: 'owner@pier.local',
    password: cred.body.token,
    database: 'databricks_postgres',
    ssl: { ca },
  });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

let keepDir: string | undefined;
const branchDirs = async () => (await readdir(path.join(dataDir, 'clusters'))).filter((d) => d.startsWith('br-') && d !== keepDir);

beforeAll(async () => {
  script = await buildServeScript();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-crash-'));
});

afterAll(async () => {
  if (current) await stopPier(current, 'SIGTERM');
  await rm(dataDir, { recursive: true, force: true });
});

// Two starts of Pier and two branch copies: over a minute on a busy 2-core machine, hence the longer timeout.
it('kill -9 during a branch creation leaves no half branch, reports the operation failed, and keeps finished work', async () => {
  let pier = await startPier();
  // A finished branch with data, to check that the crash costs nothing that was done.
  let kept = (await api<Operation>(pier, 'POST', 'projects/local/branches?branch_id=keep', {})).body;
  while (!kept.done) {
    await new Promise((r) => setTimeout(r, 50));
    kept = (await api<Operation>(pier, 'GET', kept.name ?? '')).body;
  }
  const keptEndpoint = await api<Endpoint>(pier, 'GET', 'projects/local/branches/keep/endpoints/primary');
  await sql(pier, keptEndpoint.body, `CREATE SCHEMA kept; CREATE TABLE kept.kept AS SELECT 'still here' AS note`);
  keepDir = (await readdir(path.join(dataDir, 'clusters'))).find((d) => d.startsWith('br-'));
  const created = await api<Operation>(pier, 'POST', 'projects/local/branches?branch_id=crashy', {});
  expect(created.body.done).toBe(false);
  // Wait until the copy has begun on disk, then kill Pier without warning.
  const deadline = Date.now() + 20_000;
  while ((await branchDirs()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  expect(await branchDirs()).toHaveLength(1);
  await stopPier(pier, 'SIGKILL');

  pier = await startPier();
  const keptAfter = await api<Endpoint>(pier, 'GET', 'projects/local/branches/keep/endpoints/primary');
  expect(keptAfter.body.status?.hosts?.host).toBe(keptEndpoint.body.status?.hosts?.host);
  expect(await sql(pier, keptAfter.body, 'SELECT note FROM kept.kept')).toEqual([{ note: 'still here' }]);
  const op = await api<Operation>(pier, 'GET', created.body.name ?? '');
  expect(op.status).toBe(200);
  // Either the branch finished before the kill or it was rolled back: never in between.
  const branch = await api<Branch>(pier, 'GET', 'projects/local/branches/crashy');
  if (op.body.error) {
    expect(op.body).toMatchObject({ done: true, error: { error_code: 'ABORTED' } });
    expect(branch.status).toBe(404);
    expect(await branchDirs()).toEqual([]);
  } else {
    expect(op.body.done).toBe(true);
    expect(branch.body.status?.current_state).toBe('READY');
  }
  // The same id can be used again, and the new branch works.
  if (branch.status === 404) {
    const again = await api<Operation>(pier, 'POST', 'projects/local/branches?branch_id=crashy', {});
    let done = again.body;
    while (!done.done) {
      await new Promise((r) => setTimeout(r, 100));
      done = (await api<Operation>(pier, 'GET', again.body.name ?? '')).body;
    }
    expect(done.error).toBeUndefined();
    expect((done.response as Branch).status?.current_state).toBe('READY');
  }
  await stopPier(pier, 'SIGTERM');
}, 180_000);

it('kill -9 during a reset leaves the branch READY on one whole cluster (its old data or the parent’s), with no folder left over', async () => {
  let pier = await startPier();
  const before = await api<Endpoint>(pier, 'GET', 'projects/local/branches/keep/endpoints/primary');
  const started = await api<Operation>(pier, 'POST', 'projects/local/branches/keep/restore', {
    source_branch: 'projects/local/branches/production',
  });
  expect(started.status).toBe(200);
  expect((await api<Branch>(pier, 'GET', 'projects/local/branches/keep')).body.status?.current_state).toBe('RESETTING');
  // Wait until the new cluster's copy has begun on disk, then kill Pier without warning.
  const dirsBefore = new Set(await readdir(path.join(dataDir, 'clusters')));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && (await readdir(path.join(dataDir, 'clusters'))).every((d) => dirsBefore.has(d)))
    await new Promise((r) => setTimeout(r, 5));
  await stopPier(pier, 'SIGKILL');

  pier = await startPier();
  const branch = await api<Branch>(pier, 'GET', 'projects/local/branches/keep');
  expect(branch.body.status?.current_state).toBe('READY');
  const after = await api<Endpoint>(pier, 'GET', 'projects/local/branches/keep/endpoints/primary');
  expect(after.body.status?.hosts?.host).toBe(before.body.status?.hosts?.host);
  // One whole cluster: either the branch's own data or production's (which has no schema "kept").
  const kept = (await sql(pier, after.body, `SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'kept'`)) as { n: number }[];
  expect([0, 1]).toContain(kept[0]!.n);
  // Every branch folder left belongs to a branch: crashy (if it finished) and keep.
  const branches = (await api<{ branches: Branch[] }>(pier, 'GET', 'projects/local/branches')).body.branches;
  const dirs = (await readdir(path.join(dataDir, 'clusters'))).filter((d) => d.startsWith('br-'));
  expect(dirs).toHaveLength(branches.filter((b) => b.branch_id !== 'production').length);
  await stopPier(pier, 'SIGTERM');
}, 180_000);
