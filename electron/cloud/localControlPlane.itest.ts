/**
 * The management client, sign-in and connections against Pier's real local control plane and
 * local OIDC issuer (real Postgres clusters, real HTTP), plus a resilience run through the
 * fault-injecting proxy.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createControlPlane, type ControlPlane } from '../local/controlPlane/createControlPlane';
import { startEmbeddedDefault, type EmbeddedDefault } from '../local/embeddedDefault';
import { createOidcHandler } from '../local/identity/createOidcHandler';
import { SignInRequests } from '../local/identity/signInRequests';
import { createLocalIssuer, type LocalIssuer } from '../local/identity/localIssuer';
import { openBrowserVault } from '../vault/openBrowserVault';
import { staticTokenProvider } from './auth/authProvider';
import { OAuthTokenProvider } from './auth/oauthTokenProvider';
import { signInWithBrowser } from './auth/signInWithBrowser';
import { cloudOk } from './cloudError';
import { EndpointPools } from './connections/endpointPools';
import { collect, ManagementClient, type Pending } from './managementClient';
import type { CloudResult } from './cloudError';
import { startFaultProxy } from './testing/faultProxy';
import { fakeBrowser } from './testing/testWorkspace';
import type { OperationProgress } from './waitForOperation';
import { WorkspaceRegistry } from './workspaces/workspaceRegistry';
import { createCloudServices, type CloudServices } from './createCloudServices';
import { mintedTokenProvider } from './auth/mintedTokenProvider';
import { createCloudHandlers, type CloudHandlers } from './rpc/createCloudHandlers';
import { PierError } from '../errors/PierError';
import {
  createEndpointInput,
  createProjectInput,
  createRoleInput,
  enableDataApiInput,
  updateDataApiInput,
  updateEndpointInput,
  createBranchInput,
  type TrackedOperationDto,
} from '../../shared/management/workspaceSchemas';

let dataDir: string;
let embedded: EmbeddedDefault;
let issuer: LocalIssuer;
let controlPlane: ControlPlane;
let server: http.Server;
let origin: string;
let client: ManagementClient;

const FAST = { stepMs: 20, jitterMinMs: 0, jitterMaxMs: 20, totalBudgetMs: 30_000 };
const PROD = 'projects/local/branches/production';

/** Pier's server mounts the control plane and the OIDC endpoints like this. */
function mount(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
  const url = new URL(req.url ?? '/', origin);
  const request = { method: req.method ?? 'GET', rawQuery: url.search.slice(1), headers: req.headers, body };
  const reply = (p: Promise<{ status: number; headers: Record<string, string>; body: string }>): void => {
    void p.then((r) => res.writeHead(r.status, r.headers).end(r.body));
  };
  if (url.pathname.startsWith('/api/2.0/postgres/'))
    reply(controlPlane.handle({ ...request, path: url.pathname.slice('/api/2.0/postgres'.length) }));
  else if (url.pathname.startsWith('/oidc/')) reply(oidc.handle({ ...request, path: url.pathname.slice('/oidc'.length) }));
  else res.writeHead(404).end();
}
let oidc: ReturnType<typeof createOidcHandler>;
/** Local sign-ins wait for the user, as in Pier; `approvingBrowser` approves them as the user would. */
const signIns = new SignInRequests();

/** The system browser following the sign-in, while the user approves it in Pier's dialog. */
async function approvingBrowser(url: string): Promise<void> {
  const browsing = fakeBrowser(url);
  for (let i = 0; i < 200 && signIns.pending().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  for (const request of signIns.pending()) signIns.decide(request.id, true);
  await browsing;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-cloud-'));
  // Locked down as the app runs it: endpoints are reached through Pier's Postgres proxy only.
  embedded = await startEmbeddedDefault({ dataDir, lockDown: true });
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => mount(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = await createLocalIssuer({ dataDir, issuerUrl: `${origin}/oidc` });
  controlPlane = await createControlPlane({
    dataDir,
    issuer,
    embedded,
    dataApiUrl: ({ database }) => `${origin}/api/2.0/workspace/local/rest/${database}`,
  });
  oidc = createOidcHandler(issuer, { approve: (ask) => signIns.ask(ask) });
  client = new ManagementClient({
    baseUrl: origin,
    auth: staticTokenProvider(await issuer.mintToken(issuer.owner), 'owner token'),
    retry: FAST,
  });
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await controlPlane?.dispose();
  await embedded?.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

/** Starts a mutation and waits for it; fails the test with the message if either step fails. */
async function done<T>(started: Promise<CloudResult<Pending<T>>>, onProgress?: (e: OperationProgress) => void): Promise<T> {
  const s = await started;
  if (!s.ok) throw new Error(`${s.error.code}: ${s.error.message}`);
  const r = await s.value.wait({ firstPollMs: 50, maxPollMs: 500, timeoutMs: 90_000, ...(onProgress ? { onProgress } : {}) });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

function value<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('signing in to the local workspace (OAuth U2M end to end)', () => {
  it('signs in through the browser flow, calls the API with the token, refreshes with rotation, and a replayed refresh token ends the sign-in', async () => {
    const tokens = value(await signInWithBrowser({ host: origin, ports: [0], openBrowser: approvingBrowser }));
    expect(tokens.refreshToken).toBeTruthy();
    const saved: string[] = [];
    const provider = new OAuthTokenProvider({
      host: origin,
      tokens,
      onTokens: (t) => (saved.push(t.refreshToken ?? ''), Promise.resolve(cloudOk(undefined))),
    });
    const viaOAuth = new ManagementClient({ baseUrl: origin, auth: provider, retry: FAST });
    expect(value(await viaOAuth.getProject('projects/local')).status?.owner).toBe('owner@pier.local');

    // Force a refresh: a new refresh token is issued and stored.
    provider.invalidate();
    expect((await viaOAuth.getProject('projects/local')).ok).toBe(true);
    expect(saved).toHaveLength(1);
    expect(saved[0]).not.toBe(tokens.refreshToken);

    // Someone replays the spent refresh token: the issuer ends the whole sign-in; we ask to sign in again.
    const stale = new OAuthTokenProvider({
      host: origin,
      tokens: { ...tokens, expiresAt: 0 },
      onTokens: () => Promise.resolve(cloudOk(undefined)),
    });
    expect(await stale.getToken()).toMatchObject({ ok: false, error: { code: 'CLOUD_SIGN_IN_REQUIRED' } });
    provider.invalidate();
    const after = await viaOAuth.getProject('projects/local');
    expect(after).toMatchObject({ ok: false, error: { code: 'CLOUD_SIGN_IN_REQUIRED' } });
  });

  it('adds the local workspace by OAuth through the workspace registry, with its tokens in the vault', async () => {
    const vault = value(await openBrowserVault(path.join(dataDir, 'app')));
    const registry = value(
      await WorkspaceRegistry.open({
        file: path.join(dataDir, 'app', 'workspaces.json'),
        vault,
        local: { baseUrl: origin, auth: staticTokenProvider('x') },
        callbackPorts: [0],
        retry: FAST,
      }),
    );
    const added = value(await registry.addWithOAuth({ host: origin, displayName: 'Loopback', openBrowser: approvingBrowser }));
    expect(added).toMatchObject({ displayName: 'Loopback', authMethod: 'oauth' });
    expect(vault.list(added.id).map((s) => s.kind)).toEqual(['oauthTokens']);
    const c = value(await registry.client(added.id));
    expect(value(await c.listProjects()).items.map((p) => p.project_id)).toContain('local');
    value(await registry.remove(added.id));
    expect(vault.list()).toEqual([]);
  });
});

describe('every resource through the client', () => {
  it('projects: list, iterate, get, create, update, soft delete, undelete, purge', async () => {
    expect(value(await collect(client.projects({ pageSize: 1 }))).map((p) => p.project_id)).toContain('local');
    const created = await done(client.createProject('shop', { spec: { display_name: 'Shop' } }));
    expect(created).toMatchObject({
      name: 'projects/shop',
      project_id: 'shop',
      status: { display_name: 'Shop', default_branch: 'projects/shop/branches/production' },
    });
    expect(
      (await done(client.updateProject('projects/shop', { display_name: 'Shop 2', default_endpoint_settings: { no_suspension: true } })))
        .status?.display_name,
    ).toBe('Shop 2');
    await done(client.deleteProject('projects/shop'));
    expect(await client.getProject('projects/shop')).toMatchObject({
      ok: false,
      error: { code: 'CLOUD_NOT_FOUND', details: { http_status: 404 } },
    });
    await done(client.undeleteProject('projects/shop'));
    expect(value(await client.getProject('projects/shop')).status?.display_name).toBe('Shop 2');
    await done(client.deleteProject('projects/shop', { purge: true }));
    expect(value(await collect(client.projects({ showDeleted: true }))).map((p) => p.project_id)).toEqual(['local']);
  });

  it('branches and endpoints: create with progress, get, list, update by mask, read-only endpoint, delete, undelete', async () => {
    const events: string[] = [];
    const dev = await done(client.createBranch('projects/local', 'dev', { spec: { source_branch: PROD, no_expiry: true } }), (e) =>
      events.push(e.kind),
    );
    expect(dev).toMatchObject({
      name: 'projects/local/branches/dev',
      branch_id: 'dev',
      status: { current_state: 'READY', source_branch: PROD },
    });
    expect(events[0]).toBe('started');
    expect(events.at(-1)).toBe('done');
    expect(
      value(await collect(client.branches('projects/local')))
        .map((b) => b.branch_id)
        .sort(),
    ).toEqual(['dev', 'production']);
    expect((await done(client.updateBranch('projects/local/branches/dev', { is_protected: true }))).status?.is_protected).toBe(true);
    expect(await done(client.deleteBranch('projects/local/branches/dev')).catch((e: Error) => e.message)).toMatch(/protected/i);
    await done(client.updateBranch('projects/local/branches/dev', { is_protected: false, ttl: '86400s' }));
    expect(value(await client.getBranch('projects/local/branches/dev')).status?.expire_time).toBeTruthy();

    const primary = value(await client.getEndpoint('projects/local/branches/dev/endpoints/primary'));
    expect(primary.status).toMatchObject({
      endpoint_type: 'ENDPOINT_TYPE_READ_WRITE',
      // Pier's Postgres proxy: localhost, with the port when it is not 5432.
      hosts: { host: expect.stringMatching(/^localhost(:\d+)?$/) },
    });
    const updated = await done(
      client.updateEndpoint('projects/local/branches/dev/endpoints/primary', {
        autoscaling_limit_max_cu: 2,
        suspend_timeout_duration: '600s',
      }),
    );
    expect(updated.status).toMatchObject({ autoscaling_limit_max_cu: 2, suspend_timeout_duration: '600s' });
    const ro = await done(
      client.createEndpoint('projects/local/branches/dev', 'ro', { spec: { endpoint_type: 'ENDPOINT_TYPE_READ_ONLY' } }),
    );
    expect(ro.status).toMatchObject({ endpoint_type: 'ENDPOINT_TYPE_READ_ONLY' });
    expect(
      value(await collect(client.endpoints('projects/local/branches/dev')))
        .map((e) => e.endpoint_id)
        .sort(),
    ).toEqual(['primary', 'ro']);
    await done(client.deleteEndpoint('projects/local/branches/dev/endpoints/ro'));

    await done(client.deleteBranch('projects/local/branches/dev'));
    expect(await client.getBranch('projects/local/branches/dev')).toMatchObject({ ok: false, error: { code: 'CLOUD_NOT_FOUND' } });
    await done(client.undeleteBranch('projects/local/branches/dev'));
    expect(value(await client.getBranch('projects/local/branches/dev')).status?.current_state).toBe('READY');
    await done(client.deleteBranch('projects/local/branches/dev', { purge: true }));
  });

  it('roles, databases and the Data API', async () => {
    const role = await done(client.createRole(PROD, 'app-owner', { spec: { postgres_role: 'app_owner', attributes: { createdb: true } } }));
    expect(role.status).toMatchObject({ role_id: 'app-owner', postgres_role: 'app_owner', attributes: { createdb: true } });
    expect((await done(client.updateRole(`${PROD}/roles/app-owner`, { attributes: { bypassrls: true } }))).status?.attributes).toEqual({
      createdb: true,
      createrole: false,
      bypassrls: true,
    });
    expect(await client.createRole(PROD, 'app-owner-2', { spec: { postgres_role: 'app_owner' } })).toMatchObject({
      ok: false,
      error: { code: 'CLOUD_ALREADY_EXISTS' },
    });
    expect(value(await collect(client.roles(PROD))).map((r) => r.role_id)).toContain('app-owner');

    const db = await done(client.createDatabase(PROD, 'app', { spec: { postgres_database: 'app', role: `${PROD}/roles/app-owner` } }));
    expect(db.status).toEqual({ database_id: 'app', postgres_database: 'app', role: `${PROD}/roles/app-owner` });
    expect(value(await client.getDatabase(`${PROD}/databases/app`)).database_id).toBe('app');
    expect(value(await collect(client.databases(PROD))).map((d) => d.database_id)).toContain('app');

    const api = await done(client.enableDataApi(`${PROD}/databases/app`, { spec: { db_schemas: ['public'] } }));
    expect(api.status).toMatchObject({ db_schemas: ['public'], url: `${origin}/api/2.0/workspace/local/rest/app` });
    expect(
      (await done(client.updateDataApi(`${PROD}/databases/app`, { db_aggregates_enabled: false }))).status?.db_aggregates_enabled,
    ).toBe(false);
    expect(value(await client.getDataApi(`${PROD}/databases/app`)).status?.db_aggregates_enabled).toBe(false);
    await done(client.disableDataApi(`${PROD}/databases/app`));
    expect(await client.getDataApi(`${PROD}/databases/app`)).toMatchObject({ ok: false, error: { code: 'CLOUD_NOT_FOUND' } });

    await done(client.deleteDatabase(`${PROD}/databases/app`));
    await done(client.deleteRole(`${PROD}/roles/app-owner`));
    expect(await client.getRole(`${PROD}/roles/app-owner`)).toMatchObject({ ok: false, error: { code: 'CLOUD_NOT_FOUND' } });
  });

  it('server-side validation errors carry the server code and message', async () => {
    const r = await client.updateEndpoint(`${PROD}/endpoints/primary`, { endpoint_type: 'ENDPOINT_TYPE_READ_ONLY' });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'CLOUD_INVALID_REQUEST', details: { http_status: 400, error_code: 'INVALID_PARAMETER_VALUE' } },
    });
  });
});

describe('connections to branches', () => {
  it('connects as the identity with a fresh credential, renews it, and closes idle pools', async () => {
    let credentialCalls = 0;
    const counting = new ManagementClient({
      baseUrl: origin,
      auth: staticTokenProvider(await issuer.mintToken(issuer.owner)),
      retry: FAST,
    });
    const original = counting.generateDatabaseCredential.bind(counting);
    counting.generateDatabaseCredential = (req, opts) => (credentialCalls++, original(req, opts));
    // A 300 s credential with "renew when under 300 s left": every new connection renews.
    const pools = new EndpointPools({
      clientFor: () => Promise.resolve(cloudOk(counting)),
      identityFor: () => Promise.resolve(cloudOk(issuer.owner)),
      loopbackCa: controlPlane.postgres().caCertPem,
      idleCloseMs: 300,
      credentialTtl: '300s',
      renewBeforeMs: 300_000,
    });
    try {
      const target = { workspaceId: 'local', endpoint: `${PROD}/endpoints/primary` };
      const who = await pools.withConnection(
        target,
        async (c) => (await c.query<{ u: string; n: number }>('SELECT current_user AS u, count(*)::int AS n FROM clients')).rows[0],
      );
      expect(who).toEqual({ ok: true, value: { u: 'owner@pier.local', n: 3 } });
      expect(pools.size).toBe(1);
      // Two connections at once: the second one logs in with a renewed credential.
      const both = await pools.withConnection(target, (a) =>
        pools.withConnection(target, async (b) => (await a.query('SELECT 1')).rowCount! + (await b.query('SELECT 1')).rowCount!),
      );
      expect(both).toEqual({ ok: true, value: { ok: true, value: 2 } });
      expect(credentialCalls).toBeGreaterThanOrEqual(2);
      await new Promise((r) => setTimeout(r, 600));
      expect(pools.size).toBe(0);

      const missing = await pools.withConnection({ workspaceId: 'local', endpoint: `${PROD}/endpoints/nope` }, () => Promise.resolve(1));
      expect(missing).toMatchObject({ ok: false, error: { code: 'CLOUD_NOT_FOUND' } });
      const noDb = await pools.withConnection({ ...target, database: 'no_such_db' }, () => Promise.resolve(1));
      expect(noDb).toMatchObject({ ok: false, error: { code: 'CLOUD_NOT_FOUND' } });
    } finally {
      await pools.dispose();
    }
  });

  it('logs in again with a fresh credential when the cached one was superseded', async () => {
    const owner = new ManagementClient({ baseUrl: origin, auth: staticTokenProvider(await issuer.mintToken(issuer.owner)), retry: FAST });
    const pools = new EndpointPools({
      clientFor: () => Promise.resolve(cloudOk(owner)),
      identityFor: () => Promise.resolve(cloudOk(issuer.owner)),
      loopbackCa: controlPlane.postgres().caCertPem,
    });
    try {
      const target = { workspaceId: 'local', endpoint: `${PROD}/endpoints/primary` };
      const r = await pools.withConnection(target, async (a) => {
        // A newer credential leaves the cached one valid, as on Lakebase; both logins work.
        value(await owner.generateDatabaseCredential({ endpoint: target.endpoint }));
        return pools.withConnection(target, async (b) => [
          (await a.query('SELECT 1 AS x')).rows[0],
          (await b.query('SELECT 2 AS x')).rows[0],
        ]);
      });
      expect(r).toEqual({ ok: true, value: { ok: true, value: [{ x: 1 }, { x: 2 }] } });
    } finally {
      await pools.dispose();
    }
  });
});

describe('a leased pool (for a Data API engine)', () => {
  it('renews the credential ahead of expiry, so new logins keep working after the old password is replaced', async () => {
    let credentialCalls = 0;
    const counting = new ManagementClient({
      baseUrl: origin,
      auth: staticTokenProvider(await issuer.mintToken(issuer.owner)),
      retry: FAST,
    });
    const original = counting.generateDatabaseCredential.bind(counting);
    counting.generateDatabaseCredential = (req, opts) => (credentialCalls++, original(req, opts));
    // 300 s credentials renewed with under 298 s left: the renewal is due about 2 s after the first.
    const pools = new EndpointPools({
      clientFor: () => Promise.resolve(cloudOk(counting)),
      identityFor: () => Promise.resolve(cloudOk(issuer.owner)),
      loopbackCa: controlPlane.postgres().caCertPem,
      idleCloseMs: 200,
      credentialTtl: '300s',
      renewBeforeMs: 298_000,
    });
    try {
      const lease = value(await pools.leasePool({ workspaceId: 'local', endpoint: `${PROD}/endpoints/primary` }));
      expect(lease.user).toBe(issuer.owner);
      const first = await lease.pool.connect();
      for (let i = 0; i < 100 && credentialCalls < 2; i++) await new Promise((r) => setTimeout(r, 100));
      expect(credentialCalls).toBeGreaterThanOrEqual(2);
      // A login after the renewal uses the renewed credential.
      const second = await lease.pool.connect();
      expect((await second.query<{ u: string }>('SELECT current_user AS u')).rows[0]?.u).toBe(issuer.owner);
      first.release();
      second.release();
      // Leased pools are not closed when idle; released ones are.
      await new Promise((r) => setTimeout(r, 400));
      expect(pools.size).toBe(1);
      lease.release();
      await new Promise((r) => setTimeout(r, 400));
      expect(pools.size).toBe(0);
    } finally {
      await pools.dispose();
    }
  });
});

describe('through the fault-injecting proxy', () => {
  it('every operation succeeds and no resource is duplicated while ~10% of responses are lost and 429/503s with Retry-After arrive', async () => {
    const proxy = await startFaultProxy({
      target: origin,
      seed: 42,
      dropRate: 0.1,
      throttleRate: 0.05,
      unavailableRate: 0.05,
      retryAfterSeconds: 0,
    });
    try {
      const flaky = new ManagementClient({
        baseUrl: proxy.url,
        auth: staticTokenProvider(await issuer.mintToken(issuer.owner)),
        retry: FAST,
      });
      const ids = Array.from({ length: 6 }, (_, i) => `r${i}`);
      for (const id of ids) {
        await done(flaky.createRole(PROD, `role-${id}`, { spec: { postgres_role: `role_${id}` } }));
        await done(flaky.updateRole(`${PROD}/roles/role-${id}`, { attributes: { createdb: true } }));
        await done(flaky.createDatabase(PROD, `db-${id}`, { spec: { postgres_database: `db_${id}`, role: `${PROD}/roles/role-${id}` } }));
      }
      await done(flaky.createBranch('projects/local', 'flaky', { spec: { source_branch: PROD, ttl: '3600s' } }));
      await done(flaky.createProject('flaky', { spec: { display_name: 'Flaky' } }));
      await done(flaky.updateProject('projects/flaky', { display_name: 'Flaky 2' }));
      for (const id of ids.slice(0, 3)) {
        await done(flaky.deleteDatabase(`${PROD}/databases/db-${id}`));
        await done(flaky.deleteRole(`${PROD}/roles/role-${id}`));
      }
      expect(value(await flaky.generateDatabaseCredential({ endpoint: `${PROD}/endpoints/primary` })).token).toBeTruthy();

      const roles = value(await collect(flaky.roles(PROD, { pageSize: 2 })));
      const mine = roles.filter((r) => r.role_id?.startsWith('role-')).map((r) => r.role_id);
      expect(mine.sort()).toEqual(['role-r3', 'role-r4', 'role-r5']);
      expect(roles.filter((r) => r.status?.postgres_role?.startsWith('role_')).every((r) => r.status?.attributes?.createdb)).toBe(true);
      const dbs = value(await collect(flaky.databases(PROD)))
        .map((d) => d.database_id)
        .filter((id) => id?.startsWith('db-'));
      expect(dbs.sort()).toEqual(['db-r3', 'db-r4', 'db-r5']);
      const projects = value(await collect(flaky.projects({ pageSize: 1 })));
      expect(projects.map((p) => p.project_id).sort()).toEqual(['flaky', 'local']);
      expect(projects.find((p) => p.project_id === 'flaky')?.status?.display_name).toBe('Flaky 2');
      await done(flaky.deleteProject('projects/flaky', { purge: true }));
      expect(
        value(await collect(flaky.branches('projects/local')))
          .map((b) => b.branch_id)
          .sort(),
      ).toEqual(['flaky', 'production']);
      await done(flaky.deleteBranch('projects/local/branches/flaky', { purge: true }));
      expect(proxy.stats.dropped).toBeGreaterThan(0);
      expect(proxy.stats.throttled + proxy.stats.unavailable).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  }, 240_000); // every operation of a project through retries and their waits; minutes on a loaded machine
});

describe('tree actions through the RPC handlers', () => {
  let services: CloudServices;
  let h: CloudHandlers;
  const ws = 'local';
  const TREE = 'projects/tree';
  const ALT = `${TREE}/branches/alt`;
  const TREE_PROD = `${TREE}/branches/production`;

  beforeAll(async () => {
    const made = await createCloudServices({
      dataDir: path.join(dataDir, 'rpc'),
      local: {
        baseUrl: `${origin}/api/2.0/postgres`,
        auth: mintedTokenProvider(() => issuer.mintToken(issuer.owner, { ttlSeconds: 3600 }), 3600_000),
        identity: issuer.owner,
        caCertPem: controlPlane.postgres().caCertPem,
      },
    });
    services = value(made);
    h = createCloudHandlers({ services, openBrowser: () => undefined });
  });
  afterAll(async () => {
    await services?.dispose();
  });

  /** Waits for a tracked operation to end; it must succeed. */
  async function succeeded(started: Promise<{ operation: TrackedOperationDto }>): Promise<TrackedOperationDto> {
    const { operation } = await started;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const op = (await h['cloud.operations']({})).operations.find((o) => o.id === operation.id);
      if (op && op.state !== 'running') {
        if (op.state !== 'succeeded') throw new Error(`${op.title}: ${op.state} ${op.error?.code ?? ''} ${op.error?.message ?? ''}`);
        return op;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${operation.title} did not finish`);
  }
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => (e instanceof PierError ? e.toRpcError() : e),
    );
  const endpoints = async (branch: string) => (await h['cloud.endpoints']({ workspaceId: ws, branch })).endpoints;

  it('creates a project, branches it, switches the default branch, and explains refused deletes', async () => {
    await succeeded(
      h['cloud.createProject'](createProjectInput.parse({ workspaceId: ws, projectId: 'tree', displayName: 'Tree house', pgVersion: 18 })),
    );
    const projects = (await h['cloud.projects']({ workspaceId: ws })).projects;
    expect(projects.find((p) => p.id === 'tree')).toMatchObject({
      displayName: 'Tree house',
      pgVersion: 18,
      defaultBranch: TREE_PROD,
      owner: issuer.owner,
    });
    // The server refuses a version it does not run (it runs 16, 17 and 18); the message says which ones it does.
    const v15 = await refusal(h['cloud.createProject'](createProjectInput.parse({ workspaceId: ws, projectId: 'old', pgVersion: 15 })));
    expect(v15).toMatchObject({ code: 'CLOUD_INVALID_REQUEST', message: expect.stringMatching(/pg_version.*16, 17, 18/) });

    await succeeded(h['cloud.createBranch'](createBranchInput.parse({ workspaceId: ws, project: TREE, branchId: 'alt' })));
    await succeeded(h['cloud.setDefaultBranch']({ workspaceId: ws, branch: ALT }));
    const branches = (await h['cloud.branches']({ workspaceId: ws, project: TREE })).branches;
    expect(branches.map((b) => [b.id, b.isDefault]).sort()).toEqual([
      ['alt', true],
      ['production', false],
    ]);
    expect(branches.find((b) => b.id === 'alt')).toMatchObject({
      sourceBranch: TREE_PROD,
      sourceBranchLsn: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]+$/),
      logicalSizeBytes: expect.any(Number),
      createTime: expect.any(String),
    });
    expect((await h['cloud.projects']({ workspaceId: ws })).projects.find((p) => p.id === 'tree')?.defaultBranch).toBe(ALT);
    const nope = await refusal(h['cloud.setDefaultBranch']({ workspaceId: ws, branch: `${TREE}/branches/missing` }));
    expect(nope).toMatchObject({ code: 'CLOUD_INVALID_REQUEST', message: expect.stringMatching(/default_branch/) });

    const root = await refusal(h['cloud.deleteBranch']({ workspaceId: ws, branch: TREE_PROD }));
    expect(root).toMatchObject({
      code: 'CLOUD_INVALID_REQUEST',
      message: expect.stringMatching(/root branch: it is deleted with its project/),
    });
    const rw = await refusal(h['cloud.deleteEndpoint']({ workspaceId: ws, endpoint: `${ALT}/endpoints/primary` }));
    expect(rw).toMatchObject({
      code: 'CLOUD_INVALID_REQUEST',
      message: expect.stringMatching(/read-write endpoints are deleted with their branch/),
    });
    expect(JSON.parse((rw as { details: string }).details)).toMatchObject({ declarative_context: 'MANAGED_BY_PARENT', http_status: 400 });
    expect(await endpoints(ALT)).toHaveLength(1);
  });

  it('creates and deletes a read-only endpoint; suspends, resumes and resizes the read-write one', async () => {
    const ro = await succeeded(
      h['cloud.createEndpoint'](
        createEndpointInput.parse({
          workspaceId: ws,
          branch: ALT,
          endpointId: 'ro',
          type: 'READ_ONLY',
          minCu: 0.5,
          maxCu: 1,
          suspendTimeoutSeconds: 300,
        }),
      ),
    );
    expect(ro.title).toBe('Create read-only endpoint ro');
    expect((await endpoints(ALT)).find((e) => e.id === 'ro')).toMatchObject({
      type: 'ENDPOINT_TYPE_READ_ONLY',
      minCu: 0.5,
      maxCu: 1,
      suspendTimeoutSeconds: 300,
      disabled: false,
      host: expect.stringMatching(/^localhost(:\d+)?$/),
    });
    const second = await refusal(
      h['cloud.createEndpoint'](createEndpointInput.parse({ workspaceId: ws, branch: ALT, endpointId: 'rw2', type: 'READ_WRITE' })),
    );
    expect(second).toMatchObject({ code: 'CLOUD_INVALID_REQUEST', message: expect.stringMatching(/at most one/) });
    await succeeded(h['cloud.deleteEndpoint']({ workspaceId: ws, endpoint: `${ALT}/endpoints/ro` }));
    expect((await endpoints(ALT)).map((e) => e.id)).toEqual(['primary']);

    const primary = `${ALT}/endpoints/primary`;
    await succeeded(h['cloud.updateEndpoint'](updateEndpointInput.parse({ workspaceId: ws, endpoint: primary, disabled: true })));
    expect((await endpoints(ALT))[0]).toMatchObject({ state: 'IDLE', disabled: true });
    // Suspended: connections are refused instead of waking it.
    const blocked = await services.pools.withConnection({ workspaceId: ws, endpoint: primary }, (c) => c.query('SELECT 1'));
    expect(blocked.ok).toBe(false);

    await succeeded(h['cloud.updateEndpoint'](updateEndpointInput.parse({ workspaceId: ws, endpoint: primary, disabled: false })));
    expect((await endpoints(ALT))[0]).toMatchObject({ state: 'ACTIVE', disabled: false });

    await succeeded(
      h['cloud.updateEndpoint'](updateEndpointInput.parse({ workspaceId: ws, endpoint: primary, maxCu: 2, noSuspension: true })),
    );
    const resized = (await endpoints(ALT))[0];
    expect(resized).toMatchObject({ maxCu: 2, state: 'ACTIVE' });
    expect(resized?.suspendTimeoutSeconds).toBeUndefined();
    const tooWide = await refusal(h['cloud.updateEndpoint'](updateEndpointInput.parse({ workspaceId: ws, endpoint: primary, maxCu: 40 })));
    expect(tooWide).toMatchObject({ code: 'CLOUD_INVALID_REQUEST', message: expect.stringMatching(/too wide/) });
  });

  it("lists a branch's databases and roles, and turns its Data API on, changes it, and off", async () => {
    const dbs = (await h['cloud.databases']({ workspaceId: ws, branch: TREE_PROD })).databases;
    expect(dbs).toEqual([expect.objectContaining({ postgresDatabase: 'databricks_postgres', owner: issuer.owner })]);
    const roles = (await h['cloud.roles']({ workspaceId: ws, branch: TREE_PROD })).roles;
    expect(roles.find((r) => r.postgresRole === issuer.owner)).toMatchObject({
      identityType: 'USER',
      authMethod: 'LAKEBASE_OAUTH_V1',
      membershipRoles: ['DATABRICKS_SUPERUSER'],
    });
    const database = dbs[0]!.name;

    expect(await h['cloud.dataApi']({ workspaceId: ws, database })).toEqual({ enabled: false, settings: {} });
    expect(await refusal(h['cloud.dataApi']({ workspaceId: ws, database: `${TREE_PROD}/databases/missing` }))).toMatchObject({
      code: 'CLOUD_NOT_FOUND',
    });

    await succeeded(h['cloud.enableDataApi'](enableDataApiInput.parse({ workspaceId: ws, database, settings: { dbSchemas: ['public'] } })));
    const on = await h['cloud.dataApi']({ workspaceId: ws, database });
    expect(on).toMatchObject({
      enabled: true,
      settings: { dbSchemas: ['public'], aggregatesEnabled: true },
      url: `${origin}/api/2.0/workspace/local/rest/databricks_postgres`,
    });

    await succeeded(
      h['cloud.updateDataApi'](
        updateDataApiInput.parse({ workspaceId: ws, database, settings: { maxRows: 50, aggregatesEnabled: false } }),
      ),
    );
    expect((await h['cloud.dataApi']({ workspaceId: ws, database })).settings).toMatchObject({
      dbSchemas: ['public'],
      maxRows: 50,
      aggregatesEnabled: false,
    });
    // What the Data API engine reads: the database's own pgrst.pre_config().
    const endpoint = `${TREE_PROD}/endpoints/primary`;
    const config = await services.pools.withConnection({ workspaceId: ws, endpoint }, async (c) => {
      await c.query('BEGIN');
      await c.query('SELECT pgrst.pre_config()');
      const r = await c.query<{ rows: string; agg: string }>(
        `SELECT current_setting('pgrst.db_max_rows') AS rows, current_setting('pgrst.db_aggregates_enabled') AS agg`,
      );
      await c.query('ROLLBACK');
      return r.rows[0];
    });
    expect(config).toEqual({ ok: true, value: { rows: '50', agg: 'false' } });

    await succeeded(h['cloud.disableDataApi']({ workspaceId: ws, database }));
    expect((await h['cloud.dataApi']({ workspaceId: ws, database })).enabled).toBe(false);
    await succeeded(h['cloud.updateBranch']({ workspaceId: ws, branch: ALT, isProtected: true }));
    const guarded = await refusal(h['cloud.deleteProject']({ workspaceId: ws, project: TREE, purge: true }));
    expect(guarded).toMatchObject({
      code: 'CLOUD_INVALID_REQUEST',
      message: expect.stringMatching(/protected branch "alt"; unprotect it/),
    });
    await succeeded(h['cloud.updateBranch']({ workspaceId: ws, branch: ALT, isProtected: false }));
    // Soft delete hides it; restoring brings it back; purging removes it for good.
    await succeeded(h['cloud.deleteProject']({ workspaceId: ws, project: TREE }));
    expect((await h['cloud.projects']({ workspaceId: ws })).projects.map((p) => p.id)).not.toContain('tree');
    expect((await h['cloud.projects']({ workspaceId: ws, showDeleted: true })).projects.find((p) => p.id === 'tree')?.deleted).toBe(true);
    await succeeded(h['cloud.undeleteProject']({ workspaceId: ws, project: TREE }));
    expect((await h['cloud.projects']({ workspaceId: ws })).projects.find((p) => p.id === 'tree')).toMatchObject({
      deleted: false,
      displayName: 'Tree house',
    });
    await succeeded(h['cloud.deleteProject']({ workspaceId: ws, project: TREE, purge: true }));
    expect((await h['cloud.projects']({ workspaceId: ws, showDeleted: true })).projects.map((p) => p.id)).not.toContain('tree');
  });

  it('adds a managed identity through the roles resource (granted to authenticator in Postgres), and deletes it', async () => {
    const who = 'analyst@example.com';
    const inPostgres = async () =>
      value(
        await services.pools.withConnection(
          { workspaceId: ws, endpoint: `${PROD}/endpoints/primary` },
          async (c) =>
            (
              await c.query<{ createdb: boolean; granted: boolean }>(
                `SELECT r.rolcreatedb AS createdb, pg_has_role('authenticator', r.oid, 'MEMBER') AS granted FROM pg_roles r WHERE r.rolname = $1`,
                [who],
              )
            ).rows,
        ),
      );
    const added = await succeeded(
      h['cloud.createRole'](
        createRoleInput.parse({ workspaceId: ws, branch: PROD, postgresRole: who, identityType: 'USER', attributes: { createdb: true } }),
      ),
    );
    expect(added.title).toBe(`Add identity ${who}`);
    const listed = (await h['cloud.roles']({ workspaceId: ws, branch: PROD })).roles.find((r) => r.postgresRole === who);
    expect(listed).toMatchObject({
      identityType: 'USER',
      authMethod: 'LAKEBASE_OAUTH_V1',
      attributes: { createdb: true, createrole: false, bypassrls: false },
    });
    expect(await inPostgres()).toEqual([{ createdb: true, granted: true }]);
    // The same identity twice is refused by the server, and the first one stays.
    const again = await refusal(
      h['cloud.createRole'](createRoleInput.parse({ workspaceId: ws, branch: PROD, postgresRole: who, identityType: 'USER' })),
    );
    expect(again).toMatchObject({ code: 'CLOUD_ALREADY_EXISTS', message: expect.stringMatching(/already exists/) });

    await succeeded(h['cloud.deleteRole']({ workspaceId: ws, role: listed!.name }));
    expect((await h['cloud.roles']({ workspaceId: ws, branch: PROD })).roles.map((r) => r.postgresRole)).not.toContain(who);
    expect(await inPostgres()).toEqual([]);
  });
});
