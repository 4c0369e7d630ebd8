/**
 * Data API engine benchmark (DESIGN §6), printed, not asserted:
 *   npm run bench:engine          (PIER_BENCH_SECONDS=5 per measurement, PIER_BENCH_CONCURRENCY=32)
 *
 * Starts the embedded Postgres with the sample database (plus more rows), serves the engine over
 * node:http on 127.0.0.1 (pool as the server makes it: 10 connections, pipelined), and drives it
 * at the given concurrency with wrk (C, `apt-get install wrk`; PIER_BENCH_LOAD=node or no wrk: a
 * node:http client on a worker thread, which costs about as much CPU as the server it measures).
 * Then pgbench runs the identical transaction the
 * engine sends for the same request (the role/request settings statement and the statement, in
 * one pipeline ended by one Sync, extended protocol, same parameters) at the same concurrency,
 * and the ratio engine ÷ pgbench is printed per scenario. Targets: GET by key ≥ 75 %, embed ≥ 60 %.
 *
 * With wrk, each side also prints the CPU time per request of every party (from /proc: the engine
 * process, PostgreSQL's processes, the client), which shows where the cores go: the engine's
 * ratio can only reach (pgbench's CPU per transaction) ÷ (the engine side's CPU per request)
 * while both runs are CPU-bound on the same cores.
 */
import Fastify from 'fastify';
import { spawn } from 'node:child_process';
import cluster, { type Worker as ClusterWorker } from 'node:cluster';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { createEngine, searchPathOf } from '../electron/engine/engine';
import { SETTINGS_SQL, settingsValues } from '../electron/engine/execute/runQuery';
import { handleNodeRequest } from '../electron/engine/handleNodeRequest';
import { planRequest } from '../electron/engine/plan/planRequest';
import { parseRequest } from '../electron/engine/request/parseRequest';
import { transactionEnd } from '../electron/engine/respond/toResponse';
import { BatchLanes } from '../electron/engine/execute/BatchLanes';
import { checkedSettings, FINGERPRINT_SQL } from '../electron/engine/execute/privilegedBatch';
import { PrivilegeChecks } from '../electron/engine/PrivilegeChecks';
import type { SqlFragment } from '../electron/engine/sql/SqlQuery';
import { buildQuery } from '../electron/engine/sql/buildQuery';
import { startEmbeddedDefault } from '../electron/local/embeddedDefault';
import { mountHandler } from '../electron/server/mountHandler';

const SECONDS = Number(process.env.PIER_BENCH_SECONDS ?? 5);
/** Comma-separated scenario numbers (1-4) to run; all by default. */
const ONLY = process.env.PIER_BENCH_ONLY?.split(',').map(Number);
const CONCURRENCY = Number(process.env.PIER_BENCH_CONCURRENCY ?? 32);
const POOL_SIZE = Number(process.env.PIER_BENCH_POOL ?? 10);
/**
 * `npm run bench:engine -- --workers N` (or PIER_BENCH_WORKERS): N engine server processes
 * (node:cluster, sharing one port, the pool's connections split between them). 1: this process
 * serves, as the app does.
 */
const WORKERS = workerCount();
/** PIER_BENCH_PREPARE=0: unnamed statements (engine) and -M extended (pgbench), as before prepared statements. */
const PREPARE = process.env.PIER_BENCH_PREPARE !== '0';
/** PIER_BENCH_SHARED=N: requests pipelined on at most N shared connections (EngineOptions.sharedConnections; 0 = one per request). */
const SHARED = process.env.PIER_BENCH_SHARED === undefined ? undefined : Number(process.env.PIER_BENCH_SHARED);
/** PIER_BENCH_SERVER=app: serve through fastify and mountHandler, as the app does, instead of the engine's node:http adapter. */
const THROUGH_APP_SERVER = process.env.PIER_BENCH_SERVER === 'app';
/** PIER_BENCH_FLOOR=0 skips the floor server measured beside each GET (see serveFloor). */
const FLOOR = process.env.PIER_BENCH_FLOOR !== '0';
const CLIENTS = 10_000;
const PROJECTS_PER_CLIENT = 3;
const TASKS_PER_PROJECT = 4;
const ROLE = 'pier_bench_anon';
const AUTHENTICATOR = 'pier_bench_authenticator';
const PASSWORD = 'pier-bench';
/** A key value no request uses, to find the key's parameter in the generated SQL. */
const SENTINEL_ID = 987654321;

function workerCount(): number {
  const i = process.argv.indexOf('--workers');
  const n = Number(i >= 0 ? process.argv[i + 1] : (process.env.PIER_BENCH_WORKERS ?? 1));
  if (!Number.isInteger(n) || n < 1) throw new Error('--workers takes a whole number ≥ 1');
  return n;
}

function pgbenchPath(): string | undefined {
  const candidates = [
    process.env.PIER_PGBENCH,
    '/usr/bin/pgbench',
    ...['18', '17', '16', '15'].map((v) => `/usr/lib/postgresql/${v}/bin/pgbench`),
  ];
  return candidates.find((c): c is string => c !== undefined && existsSync(c));
}

interface Scenario {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  /** Path and query after /rest/{db}; `{id}` is replaced by a random key per request. */
  readonly target: string;
  readonly body?: string;
  readonly headers: Record<string, string>;
}

const taskRow = (n: number) => ({
  title: `bench task ${n}`,
  project_id: 1 + (n % 100),
  status: 'pending',
  priority: 'low',
  estimated_hours: 1.5,
});
const SCENARIOS: Scenario[] = [
  { name: 'GET by primary key', method: 'GET', target: '/public/clients?id=eq.{id}', headers: {} },
  {
    name: 'GET with a two-level embed',
    method: 'GET',
    target: '/public/clients?select=id,name,projects(id,name,tasks(id,title,status))&id=eq.{id}',
    headers: {},
  },
  {
    name: 'POST one row',
    method: 'POST',
    target: '/public/tasks',
    body: JSON.stringify(taskRow(1)),
    headers: { 'content-type': 'application/json' },
  },
  {
    name: 'POST 100 rows (bulk)',
    method: 'POST',
    target: '/public/tasks',
    body: JSON.stringify(Array.from({ length: 100 }, (_, i) => taskRow(i))),
    headers: { 'content-type': 'application/json' },
  },
];

const SETUP_SQL = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${AUTHENTICATOR}') THEN
    CREATE ROLE ${AUTHENTICATOR} LOGIN NOINHERIT PASSWORD '${PASSWORD}';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${ROLE}') THEN
    CREATE ROLE ${ROLE} NOLOGIN;
  END IF;
END $$;
GRANT ${ROLE} TO ${AUTHENTICATOR};
GRANT USAGE ON SCHEMA pgrst TO ${AUTHENTICATOR};
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pgrst TO ${AUTHENTICATOR};
GRANT USAGE ON SCHEMA public TO ${ROLE};
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO ${ROLE};
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${ROLE};
INSERT INTO clients (name, email, company)
  SELECT 'client ' || g, 'client' || g || '@bench.example', 'company ' || g FROM generate_series(1, ${CLIENTS}) g
  ON CONFLICT DO NOTHING;
INSERT INTO projects (name, client_id, status, budget)
  SELECT 'project ' || c.id || '.' || p, c.id, 'active', 1000 FROM clients c, generate_series(1, ${PROJECTS_PER_CLIENT}) p
  WHERE c.email LIKE '%@bench.example';
INSERT INTO tasks (title, project_id, status)
  SELECT 'task ' || pr.id || '.' || t, pr.id, 'pending' FROM projects pr, generate_series(1, ${TASKS_PER_PROJECT}) t
  WHERE pr.name LIKE 'project %.%';
-- The sample schema has no indexes on its foreign keys; any real Data API deployment embedding
-- along them has them, and without them an embed measures sequential scans, not the engine.
CREATE INDEX IF NOT EXISTS projects_client_id_idx ON projects (client_id);
CREATE INDEX IF NOT EXISTS tasks_project_id_idx ON tasks (project_id);
ANALYZE;
`;

/** The load generator: its own thread, so the engine's event loop only serves. */
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, method, target, body, headers, concurrency, seconds, maxId } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const u = new URL(url);
function once() {
  const t0 = performance.now();
  const path = u.pathname + target.replace('{id}', String(1 + Math.floor(Math.random() * maxId)));
  return new Promise((resolve) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method, agent, headers: body ? { ...headers, 'content-length': Buffer.byteLength(body) } : headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - t0, ok: res.statusCode < 300 }));
    });
    req.on('error', () => resolve({ ms: performance.now() - t0, ok: false }));
    if (body) req.write(body);
    req.end();
  });
}
async function run(ms, record) {
  const until = performance.now() + ms;
  const lat = [];
  let failed = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      const r = await once();
      if (!r.ok) failed++;
      else if (record) lat.push(r.ms);
    }
  }));
  return { lat, failed };
}
(async () => {
  await run(1000, false);
  const t0 = performance.now();
  const { lat, failed } = await run(seconds * 1000, true);
  parentPort.postMessage({ count: lat.length, failed, elapsed: (performance.now() - t0) / 1000, lat });
  agent.destroy();
})();
`;

interface Measured {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly failed: number;
  /** CPU time per request (µs) of each party, from /proc; absent where /proc can't tell. */
  readonly cpu?: CpuPerRequest;
}

interface CpuPerRequest {
  /** The engine process (with the node load generator: its thread too) or pgbench's client. */
  readonly client: number;
  readonly server?: number;
  readonly postgres: number;
}

/** CPU seconds as /proc counts them (clock ticks of 10 ms), in µs. */
const TICK_US = 10_000;

function procStat(pid: number | 'self'): number[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state, ppid, …; utime is field 14.
    return text
      .slice(text.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
  } catch {
    return undefined; // gone, or no /proc
  }
}

/** CPU used so far (µs): this process, the children it has waited for (wrk, pgbench), and PostgreSQL. */
interface CpuSnapshot {
  readonly self: number;
  readonly children: number;
  readonly postgres: number;
}

function cpuSnapshot(postmasterPid: number | undefined): CpuSnapshot | undefined {
  const self = procStat('self');
  if (!self) return undefined;
  let postgres = 0;
  if (postmasterPid !== undefined) {
    const pm = procStat(postmasterPid);
    // The postmaster's own time, plus its exited backends' (cutime/cstime), plus the live ones'.
    if (pm) postgres += pm[11]! + pm[12]! + pm[13]! + pm[14]!;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const st = procStat(Number(entry));
      if (st && st[1] === postmasterPid) postgres += st[11]! + st[12]!;
    }
  }
  // --workers: the engine processes are live children, not yet waited for.
  let workers = 0;
  for (const pid of workerPids) {
    const st = procStat(pid);
    if (st) workers += st[11]! + st[12]!;
  }
  return { self: (self[11]! + self[12]! + workers) * TICK_US, children: (self[13]! + self[14]!) * TICK_US, postgres: postgres * TICK_US };
}

/** PostgreSQL's live processes (the postmaster's children). */
function postgresChildren(pid: number | undefined): number {
  if (pid === undefined) return 0;
  let n = 0;
  for (const entry of readdirSync('/proc')) if (/^\d+$/.test(entry) && procStat(Number(entry))?.[1] === pid) n++;
  return n;
}

/**
 * Waits (≤ 3 s) until pgbench's backends have exited and been reaped: only then does their CPU
 * time show in the postmaster's cutime/cstime.
 */
async function backendsGone(pid: number | undefined, count: number): Promise<void> {
  for (let i = 0; i < 60 && postgresChildren(pid) > count; i++) await new Promise((r) => setTimeout(r, 50));
}

/** CPU per request between two snapshots; `childIsClient`: the waited-for child (wrk, pgbench) was the client. */
function cpuPerRequest(
  before: CpuSnapshot | undefined,
  after: CpuSnapshot | undefined,
  requests: number,
  childIsClient: boolean,
  wrk: boolean,
): CpuPerRequest | undefined {
  if (!before || !after || requests === 0) return undefined;
  const self = (after.self - before.self) / requests;
  const children = (after.children - before.children) / requests;
  const postgres = (after.postgres - before.postgres) / requests;
  if (childIsClient) return { client: children, postgres };
  return wrk ? { client: children, server: self, postgres } : { client: 0, server: self, postgres };
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * PIER_BENCH_LOAD=inprocess: engine.handle() called directly, no HTTP, so the engine's own CPU per
 * request is measured without a load generator or sockets beside it (steadier on a busy machine;
 * the floor server is skipped).
 */
const IN_PROCESS = process.env.PIER_BENCH_LOAD === 'inprocess';

/** wrk (a C load generator, `apt-get install wrk`) unless PIER_BENCH_LOAD=node/inprocess or it is missing. */
function wrkPath(): string | undefined {
  if (process.env.PIER_BENCH_LOAD === 'node' || IN_PROCESS) return undefined;
  return ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((c) => existsSync(c));
}

/** wrk's request script: a random key per request, and the figures printed as one JSON line. */
function wrkScript(s: Scenario, basePath: string, maxId: number): string {
  const [before, after = ''] = (basePath + s.target).split('{id}') as [string, string?];
  const lua = (v: string) => JSON.stringify(v); // JSON string escapes are valid Lua string escapes here
  const headers = Object.entries(s.headers)
    .map(([k, v]) => `[${lua(k)}] = ${lua(v)}`)
    .join(', ');
  return `
local before, after, hasId = ${lua(before)}, ${lua(after)}, ${s.target.includes('{id}')}
local headers = { ${headers} }
local body = ${s.body === undefined ? 'nil' : lua(s.body)}
request = function()
  local path = before
  if hasId then path = before .. math.random(1, ${maxId}) .. after end
  return wrk.format(${lua(s.method)}, path, headers, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('PIER {"requests":%d,"duration_us":%d,"failed":%d,"p50_us":%d,"p99_us":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
`;
}

async function runWrk(bin: string, dir: string, url: string, s: Scenario, maxId: number, seconds: number): Promise<Measured> {
  const u = new URL(url);
  const file = path.join(dir, 'wrk.lua');
  await writeFile(file, wrkScript(s, u.pathname, maxId));
  const before = cpuSnapshot(postmasterPid);
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(bin, ['-t', '2', '-c', String(CONCURRENCY), '-d', `${seconds}s`, '-s', file, `${u.origin}/`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}:\n${text}`))));
  });
  const line = /PIER (\{.*\})/.exec(out)?.[1];
  if (!line) throw new Error(`wrk printed no figures:\n${out}`);
  const m = JSON.parse(line) as { requests: number; duration_us: number; failed: number; p50_us: number; p99_us: number };
  const cpu = cpuPerRequest(before, cpuSnapshot(postmasterPid), m.requests, false, true);
  return { rps: m.requests / (m.duration_us / 1e6), p50: m.p50_us / 1000, p99: m.p99_us / 1000, failed: m.failed, ...(cpu && { cpu }) };
}

/**
 * CONCURRENCY loops calling engine.handle for `seconds` (a scenario's target is the engine's own
 * path); the CPU of this process is the engine's. Not with --workers (this process's engine then
 * has one connection).
 */
async function runInProcess(engine: ReturnType<typeof createEngine>, s: Scenario, maxId: number, seconds: number): Promise<Measured> {
  const [pathPart, query = ''] = s.target.split('?') as [string, string?];
  const body = s.body === undefined ? undefined : Buffer.from(s.body);
  const headers: Record<string, string> = { host: '127.0.0.1', 'user-agent': 'wrk', accept: '*/*', ...s.headers };
  if (body) headers['content-length'] = String(body.length);
  const lat: number[] = [];
  let count = 0;
  let failed = 0;
  const before = cpuSnapshot(postmasterPid);
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const rawQuery = query.replace('{id}', String(1 + Math.floor(Math.random() * maxId)));
      const started = performance.now();
      const r = await engine.handle({ method: s.method, path: pathPart, rawQuery, headers, ...(body && { body }) });
      lat.push(performance.now() - started);
      count++;
      if (r.status >= 400) failed++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = cpuPerRequest(before, cpuSnapshot(postmasterPid), count, false, false);
  lat.sort((a, b) => a - b);
  return { rps: count / elapsed, p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), failed, ...(cpu && { cpu }) };
}

async function runLoad(url: string, s: Scenario, maxId: number, dir: string, engine?: ReturnType<typeof createEngine>): Promise<Measured> {
  if (IN_PROCESS && engine) {
    await runInProcess(engine, s, maxId, 1); // warm-up
    return runInProcess(engine, s, maxId, SECONDS);
  }
  const wrk = wrkPath();
  if (!wrk) return runNodeLoad(url, s, maxId);
  await runWrk(wrk, dir, url, s, maxId, 1); // warm-up, like the node generator's first second
  return runWrk(wrk, dir, url, s, maxId, SECONDS);
}

/** The fallback load generator (no wrk): a thread of this process, so no CPU split is printed. */
function runNodeLoad(url: string, s: Scenario, maxId: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_WORKER, {
      eval: true,
      workerData: {
        url,
        method: s.method,
        target: s.target,
        body: s.body,
        headers: s.headers,
        concurrency: CONCURRENCY,
        seconds: SECONDS,
        maxId,
      },
    });
    worker.once('message', (m: { count: number; failed: number; elapsed: number; lat: number[] }) => {
      const sorted = m.lat.sort((a, b) => a - b);
      resolve({ rps: m.count / m.elapsed, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), failed: m.failed });
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/** The engine's transaction for a bench request (the key is SENTINEL_ID), as pgbench and the floor server run it. */
function engineTransaction(
  engineOptions: { cache: NonNullable<Awaited<ReturnType<ReturnType<typeof createEngine>['schemaCache']>>>; fingerprint: string },
  s: Scenario,
  port: number,
): { settings: SqlFragment; main: SqlFragment } {
  const [pathPart, query = ''] = s.target.replace('{id}', String(SENTINEL_ID)).split('?') as [string, string?];
  // The headers the engine sees from the load generator (node:http adds `connection`, wrk doesn't).
  const headers: Record<string, string> = { ...s.headers, host: `127.0.0.1:${port}`, ...(!wrkPath() && { connection: 'keep-alive' }) };
  if (s.body) headers['content-length'] = String(Buffer.byteLength(s.body));
  const parsed = parseRequest({ method: s.method, path: pathPart, rawQuery: query, headers, ...(s.body && { body: Buffer.from(s.body) }) });
  if (!parsed.ok) throw new Error(`bench request does not parse: ${parsed.error.message}`);
  const plan = planRequest(parsed.value, engineOptions.cache);
  if (!plan.ok) throw new Error(`bench request does not plan: ${plan.error.message}`);
  if (transactionEnd(plan.value)) throw new Error('bench requests must commit in the same round trip');
  const sql = buildQuery(plan.value);
  const readWrite = plan.value.kind !== 'read';
  const settings = settingsValues({
    role: ROLE,
    claims: { role: ROLE },
    method: s.method,
    path: pathPart,
    headers: parsed.value.headers,
    readWrite,
    // Every bench scenario is in schema public, as its target says.
    searchPath: searchPathOf('public', engineOptions.cache.config),
  });
  // With the privilege check the engine puts in the settings statement (row_security_active for a
  // read of tables, the role fingerprint for a write; see execute/privilegedBatch).
  const checked = checkedSettings(
    { text: SETTINGS_SQL, values: settings },
    new PrivilegeChecks().check(plan.value, engineOptions.cache),
    engineOptions.fingerprint,
  );
  return { settings: { text: checked.text, values: checked.values }, main: sql.main };
}

/** A pgbench script: the engine's transaction for this request, with the same parameters. */
function pgbenchScript(tx: { settings: SqlFragment; main: SqlFragment }): { script: string; defines: string[] } {
  const defines: string[] = [];
  // The engine sends the settings and the statement with one Sync (an implicit transaction);
  // in a pgbench pipeline the Sync is sent at \endpipeline, so this is the same batch.
  const lines = ['\\set id random(1, ' + CLIENTS + ')', '\\startpipeline'];
  const bind = (text: string, values: readonly unknown[], prefix: string) =>
    text.replace(/\$(\d+)/g, (_, n: string) => {
      const v = values[Number(n) - 1];
      if (v === null || v === undefined) return 'NULL';
      if (v === String(SENTINEL_ID)) return ':id';
      defines.push(`${prefix}${n}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
      return `:${prefix}${n}`;
    });
  lines.push(bind(tx.settings.text, tx.settings.values, 's') + ';');
  lines.push(bind(tx.main.text, tx.main.values, 'q') + ';');
  lines.push('\\endpipeline');
  return { script: lines.join('\n') + '\n', defines };
}

async function runPgbench(
  bin: string,
  dir: string,
  name: string,
  script: string,
  defines: string[],
  port: number,
  database: string,
): Promise<Measured> {
  const file = path.join(dir, `${name}.sql`);
  await writeFile(file, script);
  const prefix = path.join(dir, `log-${name}`);
  // The engine prepares each statement once per connection (unless PIER_BENCH_PREPARE=0); so does -M prepared.
  const args = [
    '-n',
    '-M',
    PREPARE ? 'prepared' : 'extended',
    '-c',
    String(CONCURRENCY),
    '-j',
    '2',
    '-T',
    String(SECONDS + 1),
    '-f',
    file,
    '-l',
    '--log-prefix',
    prefix,
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-U',
    AUTHENTICATOR,
  ];
  for (const d of defines) args.push('-D', d);
  args.push(database);
  const children = postgresChildren(postmasterPid);
  const before = cpuSnapshot(postmasterPid);
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(bin, args, { env: { ...process.env, PGPASSWORD: PASSWORD }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`pgbench exited ${code}:\n${text}`))));
  });
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1] ?? NaN);
  const failed = Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? 0);
  // Per-transaction log: client_id transaction_no time(µs) script_no epoch epoch_us; skip the first second like the engine's warm-up.
  await backendsGone(postmasterPid, children);
  const after = cpuSnapshot(postmasterPid);
  const lat: number[] = [];
  let transactions = 0;
  for (const f of (await readdir(dir)).filter((n) => n.startsWith(`log-${name}`))) {
    const rows = (await readFile(path.join(dir, f), 'utf8'))
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split(' ').map(Number));
    transactions += rows.length;
    const start = Math.min(...rows.map((r) => r[4]!));
    for (const r of rows) if (r[4]! >= start + 1) lat.push(r[2]! / 1000);
  }
  lat.sort((a, b) => a - b);
  const cpu = cpuPerRequest(before, after, transactions, true, false);
  return { rps: tps, p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), failed, ...(cpu && { cpu }) };
}

const fmt = (m: Measured) =>
  `${m.rps.toFixed(0).padStart(7)} req/s  p50 ${m.p50.toFixed(2).padStart(6)} ms  p99 ${m.p99.toFixed(2).padStart(6)} ms${m.failed ? `  (${m.failed} failed)` : ''}`;

/** CPU µs per request, e.g. "CPU/req: engine 61 µs, Postgres 38 µs, wrk 9 µs". */
function fmtCpu(m: Measured, clientName: string): string {
  if (!m.cpu) return '';
  const { client, server, postgres } = m.cpu;
  const parts = [
    ...(server !== undefined ? [`engine ${server.toFixed(0)}`] : []),
    `Postgres ${postgres.toFixed(0)}`,
    `${clientName} ${client.toFixed(0)}`,
  ];
  return `CPU µs/request: ${parts.join(', ')} = ${(client + (server ?? 0) + postgres).toFixed(0)}`;
}

let postmasterPid: number | undefined;
let workerPids: number[] = [];

const PREFIX = (database: string) => `/api/2.0/workspace/local/rest/${database}`;

/** The engine over node:http through handleNodeRequest, as the bench serves it in each process. */
async function serveEngine(
  authenticatorUrl: string,
  database: string,
  poolSize: number,
): Promise<{ server: http.Server; engine: ReturnType<typeof createEngine> }> {
  const pool = new pg.Pool({ connectionString: authenticatorUrl, max: poolSize, pipeline: true } as pg.PoolConfig);
  const engine = createEngine({
    pool,
    ownsPool: true,
    database,
    anonRole: ROLE,
    listen: false,
    prepareStatements: PREPARE,
    ...(SHARED !== undefined && { sharedConnections: SHARED }),
  });
  if (!(await engine.schemaCache())) throw new Error('schema cache did not load');
  const prefix = PREFIX(database);
  if (THROUGH_APP_SERVER) {
    // The route the app serves the Data API on: fastify and mountHandler in front of the engine.
    const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
    await mountHandler(app, prefix, (req) => engine.handle(req));
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { server: app.server, engine };
  }
  const server = http.createServer(
    (req, res) => void handleNodeRequest(engine, req, res, (req.url ?? '').split('?')[0]!.slice(prefix.length)),
  );
  // In a cluster worker, port 0 is one port the primary picks and shares between the workers.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, engine };
}

/**
 * The floor under any engine built on node:http and pg: a server that runs the engine's own
 * transaction for each request (the key taken from the URL, the same pool, shared connections and
 * prepared statements) and answers with its body, skipping everything else the engine does
 * (parse, plan, SQL building, headers). What it costs per request, the engine cannot go below.
 */
async function serveFloor(
  authenticatorUrl: string,
  tx: { settings: SqlFragment; main: SqlFragment },
): Promise<{ server: http.Server; close: () => Promise<void> }> {
  const pool = new pg.Pool({ connectionString: authenticatorUrl, max: POOL_SIZE, pipeline: true } as pg.PoolConfig);
  const lanes = new BatchLanes(pool, SHARED ?? Math.max(1, Math.floor(POOL_SIZE / 3)));
  const epoch = {};
  const withKey = (f: SqlFragment, key: string): SqlFragment => ({
    text: f.text,
    values: f.values.map((v) => (v === String(SENTINEL_ID) ? key : v)),
  });
  const server = http.createServer((req, res) => {
    const key = /eq\.(\d+)/.exec(req.url ?? '')?.[1] ?? '1';
    lanes.run([{ ...withKey(tx.settings, key), discardRows: true }, withKey(tx.main, key)], PREPARE ? epoch : undefined).then(
      (results) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end((results[1]?.rows[0] as { body?: string } | undefined)?.body ?? '[]');
      },
      () => {
        res.writeHead(503);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

/** A cluster worker: serve until the primary disconnects. */
async function runWorker(): Promise<void> {
  const { server, engine } = await serveEngine(
    process.env.PIER_BENCH_DB_URL!,
    process.env.PIER_BENCH_DATABASE!,
    Number(process.env.PIER_BENCH_WORKER_POOL),
  );
  process.once('disconnect', () => {
    server.close();
    server.closeAllConnections();
    void engine.close().then(() => process.exit(0));
  });
}

/** Forks the workers; resolves with the shared port once every one listens. */
function startWorkers(authenticatorUrl: string, database: string, poolSize: number): Promise<{ port: number; workers: ClusterWorker[] }> {
  const workers: ClusterWorker[] = [];
  return new Promise((resolve, reject) => {
    let listening = 0;
    for (let i = 0; i < WORKERS; i++) {
      const w = cluster.fork({
        PIER_BENCH_DB_URL: authenticatorUrl,
        PIER_BENCH_DATABASE: database,
        PIER_BENCH_WORKER_POOL: String(poolSize),
      });
      workers.push(w);
      w.once('exit', (code) => code !== 0 && reject(new Error(`engine worker exited ${code}`)));
      w.once('listening', (address) => {
        if (++listening === WORKERS) resolve({ port: address.port, workers });
      });
    }
  });
}

async function stopWorkers(workers: ClusterWorker[]): Promise<void> {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.isDead()) return resolve();
          w.once('exit', () => resolve());
          w.disconnect();
        }),
    ),
  );
}

async function runPrimary(): Promise<void> {
  const pgbench = process.env.PIER_BENCH_NO_PGBENCH ? undefined : pgbenchPath();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pier-bench-engine-'));
  const embedded = await startEmbeddedDefault({ dataDir: path.join(dir, 'data') });
  // Never throws: a failure here would leave the cluster running (the try below stops it).
  postmasterPid =
    Number((await readFile(path.join(embedded.cluster.dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]) || undefined;
  let server: http.Server | undefined;
  let engine: ReturnType<typeof createEngine> | undefined;
  let workers: ClusterWorker[] = [];
  try {
    const superuser = new pg.Client({ connectionString: embedded.connectionString });
    await superuser.connect();
    const t0 = performance.now();
    await superuser.query(SETUP_SQL);
    await superuser.end();
    const dbUrl = new URL(embedded.connectionString);
    const database = decodeURIComponent(dbUrl.pathname.slice(1));
    const port = Number(dbUrl.port);
    console.log(
      `sample database ${database}: +${CLIENTS} clients, ${CLIENTS * PROJECTS_PER_CLIENT} projects, ${CLIENTS * PROJECTS_PER_CLIENT * TASKS_PER_PROJECT} tasks in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    dbUrl.username = AUTHENTICATOR;
    dbUrl.password = PASSWORD;
    // With workers, this process's engine only supplies the schema cache for the pgbench scripts.
    const served = await serveEngine(dbUrl.toString(), database, WORKERS > 1 ? 1 : POOL_SIZE);
    engine = served.engine;
    server = served.server;
    const cache = (await served.engine.schemaCache())!;
    const authenticator = new pg.Client({ connectionString: dbUrl.toString() });
    await authenticator.connect();
    const fingerprint = (await authenticator.query<{ fingerprint: string }>(FINGERPRINT_SQL)).rows[0]!.fingerprint;
    await authenticator.end();
    const workerPool = Math.max(1, Math.round(POOL_SIZE / WORKERS));
    let httpPort = (served.server.address() as AddressInfo).port;
    if (WORKERS > 1) {
      const started = await startWorkers(dbUrl.toString(), database, workerPool);
      workers = started.workers;
      workerPids = workers.map((w) => w.process.pid).filter((pid): pid is number => pid !== undefined);
      httpPort = started.port;
    }
    const url = `http://127.0.0.1:${httpPort}${PREFIX(database)}`;
    const connections = WORKERS > 1 ? `${WORKERS} × ${workerPool}` : String(POOL_SIZE);
    console.log(
      `concurrency ${CONCURRENCY}, ${SECONDS} s per measurement after 1 s warm-up; engine pool ${connections} pipelined connections; ${os.cpus().length} CPUs`,
    );
    console.log(
      `engine: ${WORKERS > 1 ? `${WORKERS} PROCESSES (node:cluster; not how the app runs)` : 'one process (as the app runs)'}, served by ${THROUGH_APP_SERVER ? "fastify through mountHandler (the app's route)" : "node:http through handleNodeRequest (the engine's adapter; PIER_BENCH_SERVER=app for the app's fastify route)"}` +
        `; statements ${PREPARE ? 'prepared per connection' : 'unnamed'}` +
        `; requests pipelined on shared connections: ${SHARED === undefined ? 'engine default (pool ÷ 3)' : SHARED === 0 ? 'off' : `≤ ${SHARED}`}`,
    );
    const noPgbench = process.env.PIER_BENCH_NO_PGBENCH
      ? 'pgbench skipped (PIER_BENCH_NO_PGBENCH)'
      : 'pgbench not found (apt-get install postgresql-client, or set PIER_PGBENCH): ratios skipped';
    console.log(pgbench ? `pgbench: ${pgbench} (-M ${PREPARE ? 'prepared' : 'extended'}, one pipeline per transaction)` : noPgbench);
    console.log(
      IN_PROCESS
        ? `load: engine.handle() in process, ${CONCURRENCY} loops, no HTTP (PIER_BENCH_LOAD=inprocess; the engine's CPU includes the loops')`
        : wrkPath()
          ? `load generator: wrk, 2 threads, ${CONCURRENCY} connections`
          : 'load generator: node:http on a worker thread (apt-get install wrk for a C one that leaves the cores to the engine)',
    );
    const rows: string[] = [];
    for (const [i, s] of SCENARIOS.entries()) {
      if (ONLY && !ONLY.includes(i + 1)) continue;
      const e = await runLoad(url, s, CLIENTS, dir, engine);
      const pad = ''.padEnd(28);
      let line = `${s.name.padEnd(28)} engine ${fmt(e)}`;
      if (e.cpu) line += `\n${pad}        ${fmtCpu(e, IN_PROCESS ? 'client (none)' : 'wrk')}`;
      if (FLOOR && !IN_PROCESS && s.method === 'GET') {
        const floor = await serveFloor(dbUrl.toString(), engineTransaction({ cache, fingerprint }, s, httpPort));
        try {
          const f = await runLoad(`http://127.0.0.1:${(floor.server.address() as AddressInfo).port}${PREFIX(database)}`, s, CLIENTS, dir);
          line += `\n${pad} floor  ${fmt(f)}   (node:http + pg running the same transaction, no engine work; engine ÷ floor = ${((100 * e.rps) / f.rps).toFixed(0)} %)`;
          if (f.cpu) line += `\n${pad}        ${fmtCpu(f, 'wrk').replace('engine', 'server')}`;
        } finally {
          await floor.close();
        }
      }
      if (pgbench) {
        const { script, defines } = pgbenchScript(engineTransaction({ cache, fingerprint }, s, httpPort));
        const b = await runPgbench(pgbench, dir, `s${i}`, script, defines, port, database);
        line += `\n${pad} pgbench${fmt(b)}`;
        if (b.cpu) line += `\n${pad}        ${fmtCpu(b, 'pgbench')}`;
        line += `\n${pad} engine ÷ pgbench = ${((100 * e.rps) / b.rps).toFixed(0)} %`;
        const cpuTotal = (m: Measured) => (m.cpu ? m.cpu.client + (m.cpu.server ?? 0) + m.cpu.postgres : NaN);
        if (e.cpu && b.cpu)
          line += ` (CPU per request: pgbench's ÷ the engine side's = ${((100 * cpuTotal(b)) / cpuTotal(e)).toFixed(0)} %, the ratio when both are CPU-bound)`;
      }
      console.log(line);
      rows.push(line);
    }
  } finally {
    await stopWorkers(workers);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await engine?.close();
    await embedded.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

if (cluster.isWorker) await runWorker();
else await runPrimary();
