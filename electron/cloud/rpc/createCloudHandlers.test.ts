import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addWorkspaceInput, createBranchInput } from '../../../shared/management/workspaceSchemas';
import { staticTokenProvider } from '../auth/authProvider';
import { createCloudServices, type CloudServices } from '../createCloudServices';
import { startScriptedServer, type ScriptedServer } from '../testing/scriptedServer';
import { CloudRpcError, createCloudHandlers } from './createCloudHandlers';

let dir: string;
let local: ScriptedServer;
let services: CloudServices;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pier-cloudrpc-'));
  local = await startScriptedServer((req) => {
    if (req.headers.authorization !== 'Bearer owner') return { status: 401, body: { error_code: 'UNAUTHENTICATED', message: 'Invalid access token.' } };
    const { pathname } = new URL(req.url, 'http://x');
    if (pathname === '/api/2.0/postgres/projects') {
      return { status: 200, body: { projects: [{ name: 'projects/local', status: { display_name: 'Local', owner: 'owner@pier.local', pg_version: '18', default_branch: 'projects/local/branches/production' } }], next_page_token: 'n1' } };
    }
    if (pathname === '/api/2.0/postgres/projects/local/branches/production/endpoints') {
      return { status: 200, body: { endpoints: [{ name: 'projects/local/branches/production/endpoints/primary', spec: { endpoint_type: 'READ_WRITE' }, status: { current_state: 'ACTIVE', host: '127.0.0.1:5999', autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 2 } }] } };
    }
    if (pathname === '/api/2.0/postgres/projects/local/branches') {
      return { status: 200, body: { branches: [{ name: 'projects/local/branches/production', status: { current_state: 'READY', default: true, is_protected: false } }] } };
    }
    return { status: 404, body: { error_code: 'NOT_FOUND', message: 'no such path' } };
  });
  const svc = await createCloudServices({ dataDir: dir, local: { baseUrl: `${local.url}/api/2.0/postgres`, auth: staticTokenProvider('owner'), identity: 'owner@pier.local' } });
  if (!svc.ok) throw new Error(svc.error.message);
  services = svc.value;
});
afterEach(async () => {
  await services.dispose();
  await local.close();
  await rm(dir, { recursive: true, force: true });
});

describe('cloud RPC handlers', () => {
  it('list workspaces and the project → branch → endpoint tree as summaries', async () => {
    const h = createCloudHandlers({ services, openBrowser: () => undefined });
    expect((await h['workspaces.list']({})).workspaces.map((w) => w.id)).toEqual(['local']);
    expect(await h['cloud.projects']({ workspaceId: 'local' })).toEqual({
      projects: [{ name: 'projects/local', id: 'local', displayName: 'Local', owner: 'owner@pier.local', pgVersion: 18, defaultBranch: 'projects/local/branches/production', deleted: false }],
      nextPageToken: 'n1',
    });
    expect(await h['cloud.branches']({ workspaceId: 'local', project: 'projects/local' })).toEqual({
      branches: [{ name: 'projects/local/branches/production', id: 'production', state: 'READY', isDefault: true, isProtected: false }],
    });
    expect(await h['cloud.endpoints']({ workspaceId: 'local', branch: 'projects/local/branches/production' })).toEqual({
      endpoints: [{ name: 'projects/local/branches/production/endpoints/primary', id: 'primary', type: 'ENDPOINT_TYPE_READ_WRITE', state: 'ACTIVE', host: '127.0.0.1:5999', minCu: 1, maxCu: 2 }],
    });
  });

  it('failures arrive as RpcErrors with CLOUD codes and structured details', async () => {
    const h = createCloudHandlers({ services, openBrowser: () => undefined });
    const bad = await h['cloud.branches']({ workspaceId: 'local', project: 'projects/../x' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(CloudRpcError);
    expect((bad as CloudRpcError).rpcError.code).toBe('CLOUD_INVALID_INPUT');
    const denied = await h['workspaces.add']({ method: 'pat', host: local.url, token: 'dapi-wrong' }).catch((e: unknown) => e);
    expect((denied as CloudRpcError).rpcError).toMatchObject({ code: 'CLOUD_UNAUTHENTICATED' });
    expect(JSON.parse((denied as CloudRpcError).rpcError.details!)).toMatchObject({ http_status: 401, error_code: 'UNAUTHENTICATED' });
    expect(services.workspaces.list()).toHaveLength(1);
    expect((await h['workspaces.remove']({ id: 'local' }).catch((e: CloudRpcError) => e.rpcError))).toMatchObject({ code: 'CLOUD_INVALID_INPUT' });
  });

  it('the add input is a closed union of the three methods', () => {
    expect(addWorkspaceInput.safeParse({ method: 'pat', host: 'x.cloud.databricks.com', token: 't' }).success).toBe(true);
    expect(addWorkspaceInput.safeParse({ method: 'cli', profile: 'DEFAULT' }).success).toBe(true);
    expect(addWorkspaceInput.safeParse({ method: 'password', host: 'x' }).success).toBe(false);
    expect(addWorkspaceInput.safeParse({ method: 'oauth', host: 'x', token: 'smuggled' }).success).toBe(false);
  });
});

describe('branch mutations through the handlers', () => {
  it('sends the expiration oneof and the mask, and tracks the operation to its end', async () => {
    const requests: { method: string; url: string; body: string }[] = [];
    const peer = await startScriptedServer((req) => {
      requests.push(req);
      return { status: 200, body: { name: 'projects/local/branches/dev/operations/1', done: true, response: { name: 'projects/local/branches/dev' } } };
    });
    const svc = await createCloudServices({ dataDir: dir, local: { baseUrl: peer.url, auth: staticTokenProvider('owner'), identity: 'o' } });
    if (!svc.ok) throw new Error(svc.error.message);
    try {
      const h = createCloudHandlers({ services: svc.value, openBrowser: () => undefined });
      const created = await h['cloud.createBranch'](createBranchInput.parse({ workspaceId: 'local', project: 'projects/local', branchId: 'dev', sourceTime: '2026-01-01T00:00:00Z' }));
      expect(created.operation).toMatchObject({ title: 'Create branch dev', resource: 'projects/local/branches/dev', state: 'running' });
      expect(requests[0]).toMatchObject({ method: 'POST', url: '/api/2.0/postgres/projects/local/branches?branch_id=dev' });
      expect(JSON.parse(requests[0]!.body)).toEqual({ spec: { source_branch_time: '2026-01-01T00:00:00.000Z', no_expiry: true } });
      await h['cloud.updateBranch']({ workspaceId: 'local', branch: 'projects/local/branches/dev', expiration: { kind: 'ttl', seconds: 3600 } });
      expect(requests[1]!.url).toBe('/api/2.0/postgres/projects/local/branches/dev?update_mask=spec.expiration');
      expect(JSON.parse(requests[1]!.body)).toEqual({ spec: { ttl: '3600s' } });
      await new Promise((r) => setTimeout(r, 20));
      const ops = (await h['cloud.operations']({})).operations;
      expect(ops.map((o) => [o.title, o.state])).toEqual([
        ['Change expiry of branch dev', 'succeeded'],
        ['Create branch dev', 'succeeded'],
      ]);
    } finally {
      await svc.value.dispose();
      await peer.close();
    }
  });

  it('input schemas refuse bad ids and mixed expirations', () => {
    expect(createBranchInput.safeParse({ workspaceId: 'local', project: 'projects/p', branchId: 'Dev_1' }).success).toBe(false);
    expect(createBranchInput.safeParse({ workspaceId: 'local', project: 'projects/p', branchId: 'dev', expiration: { kind: 'ttl', seconds: 60, time: 'x' } }).success).toBe(false);
    expect(createBranchInput.parse({ workspaceId: 'local', project: 'projects/p', branchId: 'dev' }).expiration).toEqual({ kind: 'never' });
  });
});
