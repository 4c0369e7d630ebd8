/**
 * Bounded fuzz of every route family of the browser-mode server (Data API in both URL shapes,
 * management API, OIDC, SCIM, RPC, the UI session link, static files), over raw TCP so that
 * malformed paths, percent-encodings, NUL bytes and oversize headers and bodies reach the server
 * as an attacker would send them. Once with Postgres up, once while the embedded default's
 * postmaster is killed and restarting, and once against a Postgres that is stopped.
 *
 * Every answer must be well-formed HTTP; never a 500 (nor any 5xx but 503, which must carry
 * Retry-After); a 4xx must have a JSON body; and the server must keep running throughout.
 * Requests are generated from a seeded PRNG: PIER_FUZZ_SEED=<n> repeats a run.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../shared/contract/channels';
import { findPostgresBinaries } from '../local/postgres/binaries';
import { PostgresCluster } from '../local/postgres/cluster';
import { isProcessAlive } from '../local/postgres/isProcessAlive';
import { resolveRunAs } from '../local/postgres/runAs';
import { DEFAULT_DATABASE, ensureDefaultDatabase, seedSampleDatabase } from '../local/seed/sampleDatabase';
import { startPierServer, type PierServer } from './pierServer';
import { openUiSession } from './uiLink';

const SEED = Number(process.env.PIER_FUZZ_SEED ?? Date.now() % 1_000_000);

/** mulberry32: small, seedable, good enough to pick test inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Path segments and values that have broken servers: encodings, NUL, traversal, prototype names, sizes. */
const WEIRD = [
  '',
  'nope',
  '%00',
  '\0',
  '%2e%2e',
  '..',
  '%2F',
  '%2f..%2f..%2fetc%2fpasswd',
  '%ZZ',
  '%',
  '%C0%AF',
  '%FF',
  '%E2%80%AE',
  '%F0%9F%98%80',
  '%0d%0aSet-Cookie:%20x=1',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  "a'b",
  'a%22b',
  'a;b',
  '*',
  '%20',
  'x'.repeat(300),
  'y'.repeat(5000),
];

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'TRACE'];
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];
const BODIES = [
  '',
  '{',
  '}',
  'null',
  '[]',
  '"x"',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{}}}',
  '\0',
  'a=b&c',
  '{"a":"\\u0000"}',
];
const CONTENT_TYPES = [
  undefined,
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'text/csv',
  'application/octet-stream',
  'multipart/form-data; boundary=x',
  'application/json; charset=bogus',
  '%00',
];
const QUERIES = [
  '',
  'select=id',
  'id=eq.1',
  'limit=1',
  'x=%ZZ',
  '%00=1',
  '__proto__=1',
  'a=' + 'z'.repeat(3000),
  'select=*&order=id.desc',
  '&&&',
  '=',
];

interface Answer {
  readonly status: number;
  readonly headers: Map<string, string>;
  readonly body: Buffer;
}

/** Sends raw bytes on a fresh connection and reads until the server closes it. */
function sendRaw(port: number, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer in 15 s to ${request.subarray(0, 200).toString('latin1')}`));
    }, 15_000);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => undefined); // a reset after the answer is fine; no answer is caught below
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    // Not end(): a client that half-closes may lose its answer; "Connection: close" ends it.
    socket.write(request);
  });
}

/** Parses an HTTP/1.1 response strictly; throws saying what is malformed. */
function parseAnswer(raw: Buffer, method: string): Answer {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) throw new Error(`no complete header block in ${JSON.stringify(raw.subarray(0, 200).toString('latin1'))}`);
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3}) [^\r\n]*$/.exec(statusLine);
  if (!m) throw new Error(`malformed status line ${JSON.stringify(statusLine)}`);
  const status = Number(m[1]);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i <= 0 || !/^[!#$%&'*+.^_`|~\w-]+$/.test(line.slice(0, i))) throw new Error(`malformed header line ${JSON.stringify(line)}`);
    headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  let rest = raw.subarray(end + 4);
  if (method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)) {
    if (rest.length > 0) throw new Error(`${method} ${status} answer carries ${rest.length} body bytes`);
    return { status, headers, body: rest };
  }
  if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') {
    const parts: Buffer[] = [];
    for (;;) {
      const eol = rest.indexOf('\r\n');
      if (eol === -1) throw new Error('truncated chunk size');
      const size = Number.parseInt(rest.subarray(0, eol).toString('latin1'), 16);
      if (!Number.isFinite(size)) throw new Error('malformed chunk size');
      if (size === 0) break;
      parts.push(rest.subarray(eol + 2, eol + 2 + size));
      rest = rest.subarray(eol + 2 + size + 2);
    }
    return { status, headers, body: Buffer.concat(parts) };
  }
  const length = headers.get('content-length');
  if (length !== undefined && Number(length) !== rest.length) throw new Error(`content-length ${length} but ${rest.length} body bytes`);
  return { status, headers, body: rest };
}

interface Target {
  readonly port: number;
  readonly tokens: readonly string[];
  readonly cookie: string;
}

interface Probe {
  readonly family: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
}

function build(t: Target, p: Probe): Buffer {
  const body = p.body ?? Buffer.alloc(0);
  let head = `${p.method} ${p.path} HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nConnection: close\r\n`;
  for (const [k, v] of Object.entries(p.headers)) head += `${k}: ${v}\r\n`;
  if (body.length > 0 || ['POST', 'PUT', 'PATCH'].includes(p.method)) head += `Content-Length: ${body.length}\r\n`;
  return Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), body]);
}

/** Random probes across all route families; `destructive` decides whether valid tokens may go with unsafe methods. */
function probes(random: () => number, t: Target, count: number): Probe[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const maybe = <T>(p: number, x: T, otherwise: T): T => (random() < p ? x : otherwise);
  const segment = (...valid: string[]) => (random() < 0.5 ? pick(valid) : pick(WEIRD));
  const query = () => maybe(0.5, `?${pick(QUERIES)}`, '');
  const auth = (): Record<string, string> => {
    const r = random();
    if (r < 0.3) return {};
    if (r < 0.6 && t.tokens.length > 0) return { authorization: `Bearer ${pick(t.tokens)}` };
    return { authorization: pick(['Bearer', 'Bearer x.y.z', 'Basic Zm9vOmJhcg==', `Bearer ${'e'.repeat(4000)}`, 'Bearer %00', '\t']) };
  };
  const withBody = (method: string, headers: Record<string, string>): Pick<Probe, 'headers' | 'body'> => {
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) return { headers };
    const type = pick(CONTENT_TYPES);
    return { headers: type ? { ...headers, 'content-type': type } : headers, body: Buffer.from(pick(BODIES)) };
  };
  // A valid token with an unsafe method could really change things (delete a project): those go without one.
  const request = (family: string, path: string, method = pick(METHODS), extra: Record<string, string> = {}): Probe => {
    const a: Record<string, string> = SAFE_METHODS.includes(method)
      ? auth()
      : random() < 0.5
        ? {}
        : { authorization: 'Bearer not.a.token' };
    return { family, method, path, ...withBody(method, { ...a, ...extra }) };
  };
  const dataApiTail = () =>
    `/api/2.0/workspace/${segment('local')}/rest/${segment(DEFAULT_DATABASE, 'postgres', 'template0', 'template1', 'nope')}/${segment('public', 'pgrst', 'pg_catalog')}/${segment('clients', 'tasks', 'rpc/pre_config', 'rpc/nope')}${query()}`;
  const families: Array<() => Probe> = [
    () => request('data-api', dataApiTail(), pick(SAFE_METHODS)),
    () => request('data-api', dataApiTail()),
    () => request('branch-data-api', `/projects/${segment('local', 'nope')}/branches/${segment('production', 'nope')}${dataApiTail()}`),
    () =>
      request(
        'management',
        `/api/2.0/postgres/${segment('projects', 'projects/local', 'projects/local/branches', 'projects/nope/branches/x', 'operations', 'projects/local/branches/production/endpoints')}${query()}`,
      ),
    () =>
      request(
        'oidc',
        `/oidc/${segment('.well-known/oauth-authorization-server', '.well-known/openid-configuration', 'v1/authorize', 'v1/token', 'jwks')}${maybe(0.5, `?client_id=${pick(WEIRD)}&response_type=${pick(['code', 'token', '%00'])}&redirect_uri=${pick(['http://127.0.0.1:1/cb', '%00', 'javascript:x'])}`, '')}`,
      ),
    () => request('scim', `/api/2.0/preview/scim/v2/Me${pick(['', '/', '/x', '?attributes=%00', `/${pick(WEIRD)}`])}`),
    () => {
      type Headers = Record<string, string>;
      const cookie = maybe<Headers>(
        0.6,
        { cookie: t.cookie },
        maybe<Headers>(0.5, {}, { cookie: `${t.cookie.split('=')[0]}=${pick(WEIRD)}` }),
      );
      const origin = maybe<Headers>(0.8, {}, { origin: pick(['http://evil.example', 'null', `http://127.0.0.1:${t.port}`]) });
      return {
        family: 'rpc',
        method: maybe<string>(0.85, 'POST', pick(METHODS)),
        path: `/rpc/${segment(...CHANNELS)}`,
        headers: { 'content-type': pick(['application/json', 'application/json', 'text/plain']), ...cookie, ...origin },
        body: Buffer.from(
          pick([
            '{}',
            'null',
            '[]',
            '{',
            '{"__proto__":{"x":1}}',
            `{"database":"${pick(['nope', '\\u0000', 'databricks_postgres'])}","schema":"public","table":"${pick(['clients', 'nope', '__proto__'])}"}`,
            '{"database":"databricks_postgres","path":"/public/clients","rawQuery":"x=%ZZ","viewAs":{"kind":"admin"}}',
            `{"branch":"projects/${pick(['nope', 'local'])}/branches/${pick(['nope', '\\u0000'])}","schema":"public","table":"clients"}`,
          ]),
        ),
      };
    },
    () => request('session-link', `/session${maybe(0.8, `?code=${pick(WEIRD)}`, '')}`, pick(SAFE_METHODS)),
    () => request('static', `/${segment('index.html', 'assets/x.js', 'favicon.ico')}${query()}`, pick(SAFE_METHODS)),
    () => request('unknown', `/${pick(WEIRD)}/${pick(WEIRD)}`),
  ];
  return Array.from({ length: count }, () => pick(families)());
}

/** Fixed probes that need a size no random pick gives: oversize headers and bodies, to every family. */
function oversize(t: Target): Probe[] {
  const roots = [
    `/api/2.0/workspace/local/rest/${DEFAULT_DATABASE}/public/clients`,
    `/projects/local/branches/production/api/2.0/workspace/local/rest/${DEFAULT_DATABASE}/public/clients`,
    '/api/2.0/postgres/projects',
    '/oidc/v1/token',
    '/api/2.0/preview/scim/v2/Me',
    '/rpc/app.status',
    '/session?code=x',
    '/index.html',
  ];
  const big = Buffer.alloc(11 * 1024 * 1024, 'a');
  return roots.flatMap((path): Probe[] => [
    { family: 'oversize-header', method: 'GET', path, headers: { 'x-big': 'h'.repeat(20_000) } },
    { family: 'oversize-header', method: 'HEAD', path, headers: { 'x-big': 'h'.repeat(20_000) } },
    { family: 'oversize-path', method: 'GET', path: `${path}${path.includes('?') ? '&' : '?'}q=${'q'.repeat(70_000)}`, headers: {} },
    {
      family: 'oversize-body',
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', cookie: t.cookie, authorization: 'Bearer not.a.token' },
      body: big,
    },
  ]);
}

interface Finding {
  readonly probe: string;
  readonly problem: string;
}

/** Sends the probes (a few at a time) and returns what broke the rules. */
async function run(t: Target, list: Probe[], allowUnavailable: boolean): Promise<{ findings: Finding[]; statuses: Map<number, number> }> {
  const findings: Finding[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const p = list[next++] as Probe;
      const label = `${p.family}: ${p.method} ${p.path.slice(0, 160)}${p.body ? ` [${p.body.length} B]` : ''}`;
      try {
        const a = parseAnswer(await sendRaw(t.port, build(t, p)), p.method);
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        if (a.status >= 500 && a.status !== 503) findings.push({ probe: label, problem: `${a.status} ${a.body.toString().slice(0, 300)}` });
        if (a.status === 503 && !a.headers.has('retry-after')) findings.push({ probe: label, problem: '503 without Retry-After' });
        // With Postgres up, the only fair 503 is a schema cache still loading (PGRST002) on a busy machine.
        if (a.status === 503 && !allowUnavailable && !a.body.toString().includes('PGRST002'))
          findings.push({ probe: label, problem: `503 with Postgres up: ${a.body.toString().slice(0, 300)}` });
        if (a.status >= 400 && a.status < 500 && p.method !== 'HEAD') {
          let json: unknown;
          try {
            json = JSON.parse(a.body.toString('utf8'));
          } catch {
            json = undefined;
          }
          if (typeof json !== 'object' || json === null)
            findings.push({ probe: label, problem: `${a.status} without a JSON body: ${a.body.toString().slice(0, 200)}` });
        }
      } catch (err) {
        findings.push({ probe: label, problem: (err as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { findings, statuses };
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let uiDir: string;

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  uiDir = path.join(os.tmpdir(), 'pier-itest-ui');
  await mkdir(uiDir, { recursive: true });
  await writeFile(path.join(uiDir, 'index.html'), '<!doctype html><title>Pier</title>');
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

async function healthy(t: Target, server: PierServer): Promise<void> {
  const res = await fetch(`${server.origin}/`);
  expect(res.status).toBe(200);
  const rpc = await fetch(`${server.origin}/rpc/app.status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: t.cookie },
    body: '{}',
  });
  expect(rpc.status).toBe(200);
}

function report(phase: string, r: { findings: Finding[]; statuses: Map<number, number> }): void {
  const statuses = [...r.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
  console.log(`[fuzz seed ${SEED}] ${phase}: ${statuses.join(' ')}`);
}

describe(`route fuzz (seed ${SEED})`, () => {
  let dataDir: string;
  let server: PierServer;
  let target: Target;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-fuzz-'));
    server = await startPierServer({ mode: 'browser', port: 0, dataDir, uiDir });
    const info = server.readyInfo();
    target = { port: Number(new URL(server.origin).port), tokens: Object.values(info.tokens), cookie: await openUiSession(info) };
  });
  afterAll(async () => {
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('with Postgres up: every family, malformed and oversize input', async () => {
    const random = prng(SEED);
    const r = await run(target, [...probes(random, target, 700), ...oversize(target)], false);
    report('postgres up', r);
    expect(r.findings).toEqual([]);
    expect(unhandled).toEqual([]);
    await healthy(target, server);
  });

  it('while the default cluster is killed and restarting: 503 with Retry-After at worst, then recovery', async () => {
    const pidFile = path.join(dataDir, 'clusters', 'production', 'pgdata', 'postmaster.pid');
    const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    while (isProcessAlive(pid)) await new Promise((r) => setTimeout(r, 10));
    const r = await run(target, probes(prng(SEED + 1), target, 250), true);
    report('postgres restarting', r);
    expect(r.findings).toEqual([]);
    expect(unhandled).toEqual([]);
    await expect
      .poll(
        async () =>
          (
            await fetch(`${server.readyInfo().dataApi}/clients?limit=1`, {
              headers: { authorization: `Bearer ${server.readyInfo().tokens['user@example.com']}` },
            })
          ).status,
        {
          timeout: 30_000,
        },
      )
      .toBe(200);
  });
});

describe(`route fuzz against a stopped Postgres (seed ${SEED})`, () => {
  let dir: string;
  let cluster: PostgresCluster;
  let server: PierServer;
  let target: Target;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pier-fuzz-external-'));
    const [binaries, runAs] = await Promise.all([findPostgresBinaries(), resolveRunAs()]);
    cluster = new PostgresCluster({ dir: path.join(dir, 'cluster'), binaries, runAs, superuserPassword: 'fuzz' });
    await cluster.initialize();
    await cluster.start();
    const admin = new pg.Client({ connectionString: cluster.connectionString('postgres') });
    await admin.connect();
    await ensureDefaultDatabase(admin);
    await admin.end();
    const db = new pg.Client({ connectionString: cluster.connectionString(DEFAULT_DATABASE) });
    await db.connect();
    await seedSampleDatabase(db);
    await db.end();
    server = await startPierServer({
      mode: 'browser',
      port: 0,
      dataDir: path.join(dir, 'data'),
      databaseUrl: cluster.connectionString(DEFAULT_DATABASE),
      uiDir,
    });
    const info = server.readyInfo();
    target = { port: Number(new URL(server.origin).port), tokens: Object.values(info.tokens), cookie: await openUiSession(info) };
    await cluster.stop();
  });
  afterAll(async () => {
    await server?.close();
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After for what needs Postgres, and nothing ends the server', async () => {
    const r = await run(target, probes(prng(SEED + 2), target, 400), true);
    report('postgres stopped', r);
    expect(r.findings).toEqual([]);
    expect(r.statuses.get(503)).toBeGreaterThan(0);
    expect(unhandled).toEqual([]);
    const res = await fetch(`${server.origin}/`);
    expect(res.status).toBe(200);
  });
});
