import { afterEach, describe, expect, it } from 'vitest';
import type { IAuthProvider } from './auth/authProvider';
import { staticTokenProvider } from './auth/authProvider';
import { collect, ManagementClient } from './managementClient';
import type { RetryPolicy } from './retryPolicy';
import { startScriptedServer, type RecordedRequest, type ScriptedReply, type ScriptedServer } from './testing/scriptedServer';
import type { OperationProgress } from './waitForOperation';

const FAST: Partial<RetryPolicy> = {
  stepMs: 10,
  maxDelayMs: 50,
  jitterMinMs: 0,
  jitterMaxMs: 5,
  totalBudgetMs: 2_000,
  attemptTimeoutMs: 2_000,
};
const BASE = '/api/2.0/postgres';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(
  reply: (req: RecordedRequest, i: number) => ScriptedReply,
  opts: { auth?: IAuthProvider; retry?: Partial<RetryPolicy> } = {},
) {
  server = await startScriptedServer(reply);
  const client = new ManagementClient({
    baseUrl: server.url,
    auth: opts.auth ?? staticTokenProvider('t0k', 'test token'),
    retry: { ...FAST, ...opts.retry },
  });
  return { client, requests: server.requests };
}

const project = { name: 'projects/p1', project_id: 'p1', status: { display_name: 'P one', pg_version: 17 } };
const notFound = { status: 404, body: { error_code: 'NOT_FOUND', message: 'Project not found; project_id:"p1"' } };

describe('retries', () => {
  it('honours Retry-After on 429 and keeps one request id for the logical call', async () => {
    const { client, requests } = await clientFor((_, i) =>
      i === 0
        ? { status: 429, headers: { 'retry-after': '1' }, body: { error_code: 'RESOURCE_EXHAUSTED', message: 'slow down' } }
        : { status: 200, body: project },
    );
    const started = Date.now();
    const r = await client.getProject('projects/p1');
    expect(r).toMatchObject({ ok: true, value: { project_id: 'p1' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(requests).toHaveLength(2);
    expect(requests[0]!.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(requests[1]!.headers['x-request-id']).toBe(requests[0]!.headers['x-request-id']);
    expect(requests[0]!.headers.authorization).toBe('Bearer t0k');
  });

  it('backs off on 503 without Retry-After, then succeeds', async () => {
    const { client, requests } = await clientFor((_, i) =>
      i < 3 ? { status: 503, body: { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' } } : { status: 200, body: project },
    );
    expect((await client.getProject('projects/p1')).ok).toBe(true);
    expect(requests).toHaveLength(4);
  });

  it('gives up within the budget and reports the server code, status and request id', async () => {
    const { client, requests } = await clientFor(
      () => ({ status: 503, body: { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'maintenance' } }),
      { retry: { totalBudgetMs: 300 } },
    );
    const started = Date.now();
    const r = await client.getProject('projects/p1');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('CLOUD_UNAVAILABLE');
    expect(r.error.details).toMatchObject({ error_code: 'TEMPORARILY_UNAVAILABLE', http_status: 503, server_message: 'maintenance' });
    expect(r.error.details.request_id).toBe(requests[0]!.headers['x-request-id']);
    expect(requests.length).toBeGreaterThan(2);
  });

  it('does not retry other errors', async () => {
    const { client, requests } = await clientFor(() => ({ status: 500, body: { error_code: 'INTERNAL_ERROR', message: 'boom' } }));
    const r = await client.getProject('projects/p1');
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'CLOUD_SERVER_ERROR', details: { error_code: 'INTERNAL_ERROR', http_status: 500 } },
    });
    expect(requests).toHaveLength(1);
  });

  it('retries a GET whose response was lost', async () => {
    const { client, requests } = await clientFor((_, i) => (i === 0 ? 'drop' : { status: 200, body: project }));
    expect((await client.getProject('projects/p1')).ok).toBe(true);
    expect(requests).toHaveLength(2);
  });

  it('a create whose response was lost is retried; the conflict with its own first attempt counts as success', async () => {
    const { client, requests } = await clientFor((req, i) => {
      if (i === 0) return 'drop';
      if (req.method === 'POST') return { status: 409, body: { error_code: 'ALREADY_EXISTS', message: 'Project already exists' } };
      return { status: 200, body: project };
    });
    const started = await client.createProject('p1', { spec: { display_name: 'P one' } });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    expect(await started.value.wait()).toMatchObject({ ok: true, value: { name: 'projects/p1' } });
    expect(requests.map((r) => r.method)).toEqual(['POST', 'POST', 'GET']);
    expect(requests[0]!.url).toBe(`${BASE}/projects?project_id=p1`);
    expect(JSON.parse(requests[0]!.body)).toEqual({ spec: { display_name: 'P one' } });
  });

  it('…but a conflict with somebody else’s different resource stays an error', async () => {
    const { client } = await clientFor((req, i) => {
      if (i === 0) return 'drop';
      if (req.method === 'POST') return { status: 409, body: { error_code: 'ALREADY_EXISTS', message: 'Project already exists' } };
      return { status: 200, body: { ...project, status: { display_name: 'Someone else' } } };
    });
    const r = await client.createProject('p1', { spec: { display_name: 'P one' } });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'CLOUD_ALREADY_EXISTS', details: { error_code: 'ALREADY_EXISTS', http_status: 409 } },
    });
  });

  it('never repeats a create without an id after a lost response', async () => {
    const { client, requests } = await clientFor(() => 'drop');
    const r = await client.createRole('projects/p1/branches/main', undefined, { spec: { postgres_role: 'alice' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'CLOUD_NETWORK' } });
    expect(requests).toHaveLength(1);
  });

  it('a delete whose response was lost, answered 404 on retry, succeeded', async () => {
    const { client } = await clientFor((_, i) => (i === 0 ? 'drop' : notFound));
    const r = await client.deleteBranch('projects/p1/branches/dev');
    expect(r.ok).toBe(true);
    if (r.ok) expect(await r.value.wait()).toMatchObject({ ok: true, value: { '@type': 'type.googleapis.com/google.protobuf.Empty' } });
  });

  it('a 404 on a first delete is an error', async () => {
    const { client } = await clientFor(() => notFound);
    expect(await client.deleteBranch('projects/p1/branches/dev')).toMatchObject({ ok: false, error: { code: 'CLOUD_NOT_FOUND' } });
  });

  it('retries "connection refused" until the budget ends, then says the network is the problem', async () => {
    const s = await startScriptedServer(() => ({ status: 200 }));
    const url = s.url;
    await s.close();
    const client = new ManagementClient({ baseUrl: url, auth: staticTokenProvider('x'), retry: { ...FAST, totalBudgetMs: 200 } });
    const r = await client.listProjects();
    expect(r).toMatchObject({ ok: false, error: { code: 'CLOUD_NETWORK' } });
    if (!r.ok) expect(r.error.message).toMatch(/Cannot reach 127\.0\.0\.1:\d+ .*connection was refused.*Check your network/);
  });

  it('a cancelled call stops waiting between retries', async () => {
    const { client } = await clientFor(() => ({ status: 503, headers: { 'retry-after': '30' } }), { retry: { totalBudgetMs: 60_000 } });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const started = Date.now();
    expect(await client.getProject('projects/p1', { signal: ac.signal })).toMatchObject({ ok: false, error: { code: 'CLOUD_CANCELLED' } });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('auth and bad input', () => {
  it('on 401 refreshes the token once and repeats', async () => {
    let token = 'old';
    const auth: IAuthProvider = {
      label: 'OAuth sign-in',
      getToken: () => Promise.resolve({ ok: true, value: token }),
      invalidate: () => ((token = 'new'), true),
    };
    const { client, requests } = await clientFor(
      (req) =>
        req.headers.authorization === 'Bearer new'
          ? { status: 200, body: project }
          : { status: 401, body: { error_code: 'UNAUTHENTICATED', message: 'Token expired' } },
      { auth },
    );
    expect((await client.getProject('projects/p1')).ok).toBe(true);
    expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
  });

  it('an invalid PAT is reported as such, with the fix', async () => {
    const { client, requests } = await clientFor(
      () => ({ status: 401, body: { error_code: 'UNAUTHENTICATED', message: 'Invalid access token.' } }),
      { auth: staticTokenProvider('bad', 'personal access token') },
    );
    const r = await client.listProjects();
    expect(requests).toHaveLength(1);
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'CLOUD_UNAUTHENTICATED', details: { http_status: 401, error_code: 'UNAUTHENTICATED' } },
    });
    if (!r.ok) expect(r.error.message).toMatch(/did not accept the personal access token \(Invalid access token\.\).*replace the token/);
  });

  it('403 on a project names the action and what to do', async () => {
    const { client } = await clientFor(() => ({
      status: 403,
      body: { error_code: 'PERMISSION_DENIED', message: 'User does not have permission' },
    }));
    const r = await client.listBranches('projects/secret');
    expect(r).toMatchObject({ ok: false, error: { code: 'CLOUD_PERMISSION_DENIED' } });
    if (!r.ok)
      expect(r.error.message).toMatch(
        /not allowed to list branches of projects\/secret \(User does not have permission\)\. Ask a workspace admin/,
      );
  });

  it.each<[string, ScriptedReply]>([
    ['a redirect to a login page', { status: 302, headers: { location: 'https://login.example.com/' } }],
    ['an HTML page', { status: 200, body: '<!doctype html><html><title>Sign in</title></html>', headers: { 'content-type': 'text/html' } }],
    ['a plain 404', { status: 404, body: 'Not Found' }],
  ])('a host that answers with %s is called the wrong host', async (_, reply) => {
    const { client } = await clientFor(() => reply);
    const r = await client.listProjects();
    expect(r).toMatchObject({ ok: false, error: { code: 'CLOUD_WRONG_HOST' } });
    if (!r.ok) expect(r.error.message).toMatch(/Check the workspace URL/);
  });

  it('a host that does not resolve is the wrong host, not retried', async () => {
    const client = new ManagementClient({ baseUrl: 'http://no-such-host.invalid', auth: staticTokenProvider('x'), retry: FAST });
    expect(await client.listProjects()).toMatchObject({ ok: false, error: { code: 'CLOUD_WRONG_HOST' } });
  });

  it.each([
    ['getBranch', () => (c: ManagementClient) => c.getBranch('projects/p1')],
    ['getProject', () => (c: ManagementClient) => c.getProject('projects/../admin')],
    ['createBranch', () => (c: ManagementClient) => c.createBranch('projects/p1', 'Bad_Id', {})],
    ['getOperation', () => (c: ManagementClient) => c.getOperation('projects/p1/../../x')],
  ])('%s refuses bad names before sending anything', async (_, make) => {
    const { client, requests } = await clientFor(() => ({ status: 200, body: {} }));
    expect(await make()(client)).toMatchObject({ ok: false, error: { code: 'CLOUD_INVALID_INPUT' } });
    expect(requests).toHaveLength(0);
  });
});

describe('operations', () => {
  const opName = 'projects/p1/branches/dev/operations/op-1';

  it('wait() polls until done, reports progress, and returns the normalized resource', async () => {
    const { client, requests } = await clientFor((req) => {
      if (req.method === 'POST') return { status: 200, body: { name: opName, done: false } };
      const polls = requests.filter((r) => r.method === 'GET').length;
      return polls < 3
        ? { status: 200, body: { name: opName, done: false, metadata: { step: polls } } }
        : {
            status: 200,
            body: {
              name: opName,
              done: true,
              response: { name: 'projects/p1/branches/dev', status: { logical_size_bytes: '1024', current_state: 'READY' } },
            },
          };
    });
    const started = await client.createBranch('projects/p1', 'dev', {
      spec: { source_branch: 'projects/p1/branches/production', no_expiry: true },
    });
    if (!started.ok) throw new Error(started.error.message);
    const events: OperationProgress['kind'][] = [];
    const r = await started.value.wait({ firstPollMs: 10, onProgress: (e) => events.push(e.kind) });
    expect(r).toEqual({
      ok: true,
      value: {
        name: 'projects/p1/branches/dev',
        branch_id: 'dev',
        status: { branch_id: 'dev', logical_size_bytes: 1024, current_state: 'READY' },
      },
    });
    expect(events).toEqual(['started', 'polled', 'polled', 'polled', 'done']);
    expect(requests.filter((q) => q.method === 'GET').every((q) => q.url === `${BASE}/${opName}`)).toBe(true);
  });

  it('an operation that failed returns its error code and message', async () => {
    const { client } = await clientFor(() => ({
      status: 200,
      body: { name: opName, done: true, error: { error_code: 'INVALID_STATE', message: 'branch is protected' } },
    }));
    const r = await client.deleteBranch('projects/p1/branches/dev');
    if (!r.ok) throw new Error(r.error.message);
    expect(await r.value.wait()).toMatchObject({
      ok: false,
      error: {
        code: 'CLOUD_OPERATION_FAILED',
        message: expect.stringContaining('[INVALID_STATE] branch is protected'),
        details: { error_code: 'INVALID_STATE' },
      },
    });
  });

  it('done without response or error is a failure', async () => {
    const { client } = await clientFor(() => ({ status: 200, body: { name: opName, done: true } }));
    const r = await client.deleteEndpoint('projects/p1/branches/dev/endpoints/ro');
    if (!r.ok) throw new Error(r.error.message);
    expect(await r.value.wait()).toMatchObject({ ok: false, error: { code: 'CLOUD_BAD_RESPONSE' } });
  });

  it('wait() can be cancelled and can time out; the operation is still running on the server', async () => {
    const { client } = await clientFor(() => ({ status: 200, body: { name: opName, done: false } }));
    const r = await client.deleteBranch('projects/p1/branches/dev');
    if (!r.ok) throw new Error(r.error.message);
    const timedOut = await r.value.wait({ firstPollMs: 10, timeoutMs: 150 });
    expect(timedOut).toMatchObject({
      ok: false,
      error: { code: 'CLOUD_TIMEOUT', message: expect.stringContaining('still running on the server') },
    });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    expect(await r.value.wait({ firstPollMs: 10, signal: ac.signal })).toMatchObject({ ok: false, error: { code: 'CLOUD_CANCELLED' } });
  });
});

describe('reading and writing', () => {
  it('pages through a list, resending the same parameters with each token; empty pages may omit the array', async () => {
    const pages: Record<string, unknown> = {
      '': { projects: [{ name: 'projects/a' }, { name: 'projects/b' }], next_page_token: 't1' },
      t1: { next_page_token: 't2' },
      t2: { projects: [{ name: 'projects/c' }], next_page_token: '' },
    };
    const { client, requests } = await clientFor((req) => ({
      status: 200,
      body: pages[new URL(req.url, 'http://x').searchParams.get('page_token') ?? ''],
    }));
    const r = await collect(client.projects({ pageSize: 2, showDeleted: true }));
    expect(r.ok && r.value.map((p) => p.project_id)).toEqual(['a', 'b', 'c']);
    expect(requests.map((q) => q.url)).toEqual([
      `${BASE}/projects?page_size=2&show_deleted=true`,
      `${BASE}/projects?page_size=2&page_token=t1&show_deleted=true`,
      `${BASE}/projects?page_size=2&page_token=t2&show_deleted=true`,
    ]);
  });

  it('a failing page ends the iteration with that error', async () => {
    const { client } = await clientFor((_, i) =>
      i === 0
        ? { status: 200, body: { branches: [{ name: 'projects/p/branches/a' }], next_page_token: 'x' } }
        : { status: 403, body: { error_code: 'PERMISSION_DENIED', message: 'no' } },
    );
    const seen: string[] = [];
    for await (const r of client.branches('projects/p')) seen.push(r.ok ? (r.value.branch_id ?? '?') : r.error.code);
    expect(seen).toEqual(['a', 'CLOUD_PERMISSION_DENIED']);
  });

  it('reads older endpoint shapes: READ_WRITE, status.host, flat host', async () => {
    const { client } = await clientFor((req) =>
      req.url.endsWith('/e1')
        ? {
            status: 200,
            body: {
              name: 'projects/p/branches/b/endpoints/e1',
              spec: { endpoint_type: 'READ_WRITE' },
              status: { host: 'ep-1.example.com', current_state: 'SOMETHING_NEW' },
            },
          }
        : {
            status: 200,
            body: {
              name: 'projects/p/branches/b/endpoints/e2',
              host: 'ep-2.example.com',
              endpoint_type: 'READ_ONLY',
              autoscaling_limit_max_cu: '2',
            },
          },
    );
    expect(await client.getEndpoint('projects/p/branches/b/endpoints/e1')).toMatchObject({
      ok: true,
      value: {
        endpoint_id: 'e1',
        spec: { endpoint_type: 'ENDPOINT_TYPE_READ_WRITE' },
        status: {
          endpoint_id: 'e1',
          endpoint_type: 'ENDPOINT_TYPE_READ_WRITE',
          current_state: 'SOMETHING_NEW',
          hosts: { host: 'ep-1.example.com' },
        },
      },
    });
    expect(await client.getEndpoint('projects/p/branches/b/endpoints/e2')).toMatchObject({
      ok: true,
      value: { status: { endpoint_type: 'ENDPOINT_TYPE_READ_ONLY', hosts: { host: 'ep-2.example.com' } } },
    });
  });

  it('an update sends the changed fields and the mask built from them', async () => {
    const { client, requests } = await clientFor(() => ({
      status: 200,
      body: { name: 'op', done: true, response: { name: 'projects/p/branches/b/endpoints/e' } },
    }));
    const r = await client.updateEndpoint('projects/p/branches/b/endpoints/e', { autoscaling_limit_max_cu: 4, no_suspension: true });
    expect(r.ok).toBe(true);
    expect(requests[0]!.method).toBe('PATCH');
    expect(new URL(requests[0]!.url, 'http://x').searchParams.get('update_mask')).toBe('spec.autoscaling_limit_max_cu,spec.suspension');
    expect(JSON.parse(requests[0]!.body)).toEqual({ spec: { autoscaling_limit_max_cu: 4, no_suspension: true } });
  });

  it('a credential comes back with its expiry; a missing token is an error', async () => {
    const { client, requests } = await clientFor((_, i) => ({
      status: 200,
      body: i === 0 ? { token: 'pw', expire_time: '2030-01-01T00:00:00Z' } : {},
    }));
    expect(await client.generateDatabaseCredential({ endpoint: 'projects/p/branches/b/endpoints/e' })).toEqual({
      ok: true,
      value: { token: 'pw', expire_time: '2030-01-01T00:00:00Z' },
    });
    expect(requests[0]!.url).toBe(`${BASE}/credentials`);
    expect(await client.generateDatabaseCredential({ endpoint: 'projects/p/branches/b/endpoints/e' })).toMatchObject({
      ok: false,
      error: { code: 'CLOUD_BAD_RESPONSE' },
    });
  });

  it('reads the signed-in user from SCIM /Me on the same host', async () => {
    const { client, requests } = await clientFor(() => ({ status: 200, body: { userName: 'ada@example.com', id: '1' } }));
    expect(await client.currentUserName()).toEqual({ ok: true, value: 'ada@example.com' });
    expect(requests[0]!.url).toBe('/api/2.0/preview/scim/v2/Me');
  });
});
