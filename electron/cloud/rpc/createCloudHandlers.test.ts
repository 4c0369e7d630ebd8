import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addWorkspaceInput,
  createBranchInput,
  createEndpointInput,
  createProjectInput,
  createRoleInput,
  enableDataApiInput,
  updateDataApiInput,
  updateEndpointInput,
} from '../../../shared/management/workspaceSchemas';
import { staticTokenProvider } from '../auth/authProvider';
import { createCloudServices, type CloudServices } from '../createCloudServices';
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from '../testing/scriptedServer';
import { branchSummary, createCloudHandlers } from './createCloudHandlers';
import { PierError } from '../../errors/PierError';

let dir: string;
let local: ScriptedServer;
let services: CloudServices;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pier-cloudrpc-'));
  local = await startScriptedServer((req) => {
    if (req.headers.authorization !== 'Bearer owner')
      return { status: 401, body: { error_code: 'UNAUTHENTICATED', message: 'Invalid access token.' } };
    const { pathname } = new URL(req.url, 'http://x');
    if (pathname === '/api/2.0/postgres/projects') {
      return {
        status: 200,
        body: {
          projects: [
            {
              name: 'projects/local',
              status: {
                display_name: 'Local',
                owner: 'owner@pier.local',
                pg_version: '18',
                default_branch: 'projects/local/branches/production',
              },
            },
          ],
          next_page_token: 'n1',
        },
      };
    }
    if (pathname === '/api/2.0/postgres/projects/local/branches/production/endpoints') {
      return {
        status: 200,
        body: {
          endpoints: [
            {
              name: 'projects/local/branches/production/endpoints/primary',
              spec: { endpoint_type: 'READ_WRITE' },
              status: { current_state: 'ACTIVE', host: '127.0.0.1:5999', autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 2 },
            },
          ],
        },
      };
    }
    if (pathname === '/api/2.0/postgres/projects/local/branches') {
      return {
        status: 200,
        body: {
          branches: [
            { name: 'projects/local/branches/production', status: { current_state: 'READY', default: true, is_protected: false } },
          ],
        },
      };
    }
    return { status: 404, body: { error_code: 'NOT_FOUND', message: 'no such path' } };
  });
  const svc = await createCloudServices({
    dataDir: dir,
    local: { baseUrl: `${local.url}/api/2.0/postgres`, auth: staticTokenProvider('owner'), identity: 'owner@pier.local' },
  });
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
      projects: [
        {
          name: 'projects/local',
          id: 'local',
          displayName: 'Local',
          owner: 'owner@pier.local',
          pgVersion: 18,
          defaultBranch: 'projects/local/branches/production',
          deleted: false,
        },
      ],
      nextPageToken: 'n1',
    });
    expect(await h['cloud.branches']({ workspaceId: 'local', project: 'projects/local' })).toEqual({
      branches: [{ name: 'projects/local/branches/production', id: 'production', state: 'READY', isDefault: true, isProtected: false }],
    });
    expect(await h['cloud.endpoints']({ workspaceId: 'local', branch: 'projects/local/branches/production' })).toEqual({
      endpoints: [
        {
          name: 'projects/local/branches/production/endpoints/primary',
          id: 'primary',
          type: 'ENDPOINT_TYPE_READ_WRITE',
          state: 'ACTIVE',
          host: '127.0.0.1:5999',
          minCu: 1,
          maxCu: 2,
        },
      ],
    });
  });

  it('failures arrive as RpcErrors with CLOUD codes and structured details', async () => {
    const h = createCloudHandlers({ services, openBrowser: () => undefined });
    const bad = await h['cloud.branches']({ workspaceId: 'local', project: 'projects/../x' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(PierError);
    expect((bad as PierError).code).toBe('CLOUD_INVALID_INPUT');
    const denied = await h['workspaces.add']({ method: 'pat', host: local.url, token: 'dapi-wrong' }).catch((e: unknown) => e);
    expect((denied as PierError).toRpcError()).toMatchObject({ code: 'CLOUD_UNAUTHENTICATED' });
    expect(JSON.parse((denied as PierError).toRpcError().details!)).toMatchObject({ http_status: 401, error_code: 'UNAUTHENTICATED' });
    expect(services.workspaces.list()).toHaveLength(1);
    expect(await h['workspaces.remove']({ id: 'local' }).catch((e: PierError) => e.toRpcError())).toMatchObject({
      code: 'CLOUD_INVALID_INPUT',
    });
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
      return {
        status: 200,
        body: { name: 'projects/local/branches/dev/operations/1', done: true, response: { name: 'projects/local/branches/dev' } },
      };
    });
    const svc = await createCloudServices({
      dataDir: dir,
      local: { baseUrl: peer.url, auth: staticTokenProvider('owner'), identity: 'o' },
    });
    if (!svc.ok) throw new Error(svc.error.message);
    try {
      const h = createCloudHandlers({ services: svc.value, openBrowser: () => undefined });
      const created = await h['cloud.createBranch'](
        createBranchInput.parse({ workspaceId: 'local', project: 'projects/local', branchId: 'dev', sourceTime: '2026-01-01T00:00:00Z' }),
      );
      expect(created.operation).toMatchObject({ title: 'Create branch dev', resource: 'projects/local/branches/dev', state: 'running' });
      expect(requests[0]).toMatchObject({ method: 'POST', url: '/api/2.0/postgres/projects/local/branches?branch_id=dev' });
      expect(JSON.parse(requests[0]!.body)).toEqual({ spec: { source_branch_time: '2026-01-01T00:00:00.000Z', no_expiry: true } });
      await h['cloud.updateBranch']({
        workspaceId: 'local',
        branch: 'projects/local/branches/dev',
        expiration: { kind: 'ttl', seconds: 3600 },
      });
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
    expect(
      createBranchInput.safeParse({
        workspaceId: 'local',
        project: 'projects/p',
        branchId: 'dev',
        expiration: { kind: 'ttl', seconds: 60, time: 'x' },
      }).success,
    ).toBe(false);
    expect(createBranchInput.parse({ workspaceId: 'local', project: 'projects/p', branchId: 'dev' }).expiration).toEqual({ kind: 'never' });
  });
});

/** A peer that records every request and answers by route; mutations finish at once. */
async function withPeer(
  route: (method: string, pathname: string) => { status: number; body: unknown } | undefined,
  run: (h: ReturnType<typeof createCloudHandlers>, requests: RecordedRequest[]) => Promise<void>,
): Promise<void> {
  const peer = await startScriptedServer((req) => {
    const { pathname } = new URL(req.url, 'http://x');
    return (
      route(req.method, pathname.replace('/api/2.0/postgres', '')) ?? {
        status: 200,
        body: { name: `${pathname}/operations/1`, done: true, response: {} },
      }
    );
  });
  const svc = await createCloudServices({
    dataDir: dir,
    local: { baseUrl: `${peer.url}/api/2.0/postgres`, auth: staticTokenProvider('owner'), identity: 'o' },
  });
  if (!svc.ok) throw new Error(svc.error.message);
  try {
    await run(createCloudHandlers({ services: svc.value, openBrowser: () => undefined }), peer.requests);
  } finally {
    await svc.value.dispose();
    await peer.close();
  }
}

const sent = (r: RecordedRequest | undefined) => ({
  method: r?.method,
  url: r?.url.replace('/api/2.0/postgres', ''),
  body: r?.body ? (JSON.parse(r.body) as unknown) : undefined,
});
const BR = 'projects/local/branches/dev';
const managedByParent = (message: string) => ({
  status: 400,
  body: {
    error_code: 'BAD_REQUEST',
    message,
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        domain: 'databricks.com',
        reason: 'RESOURCE_CONFLICT',
        metadata: { declarative_context: 'MANAGED_BY_PARENT' },
      },
    ],
  },
});

describe('project and endpoint mutations through the handlers', () => {
  it('create project and set the default branch send the right calls and are tracked', async () => {
    await withPeer(
      () => undefined,
      async (h, requests) => {
        const created = await h['cloud.createProject'](
          createProjectInput.parse({ workspaceId: 'local', projectId: 'shop', displayName: 'Shop', pgVersion: 18 }),
        );
        expect(created.operation).toMatchObject({ title: 'Create project Shop', resource: 'projects/shop' });
        expect(sent(requests[0])).toEqual({
          method: 'POST',
          url: '/projects?project_id=shop',
          body: { spec: { display_name: 'Shop', pg_version: 18 } },
        });

        const made = await h['cloud.setDefaultBranch']({ workspaceId: 'local', branch: BR });
        expect(made.operation).toMatchObject({ title: 'Make dev the default branch', resource: 'projects/local' });
        expect(sent(requests[1])).toEqual({
          method: 'PATCH',
          url: '/projects/local?update_mask=spec.default_branch',
          body: { spec: { default_branch: BR } },
        });

        const bad = await h['cloud.setDefaultBranch']({ workspaceId: 'local', branch: 'projects/local' }).catch((e: PierError) =>
          e.toRpcError(),
        );
        expect(bad).toMatchObject({ code: 'CLOUD_INVALID_INPUT', message: expect.stringMatching(/not a branch name/) });
        expect(requests).toHaveLength(2);

        const purged = await h['cloud.deleteProject']({ workspaceId: 'local', project: 'projects/shop', purge: true });
        expect(purged.operation).toMatchObject({ title: 'Purge project shop', resource: 'projects/shop' });
        expect(sent(requests[2])).toMatchObject({ method: 'DELETE', url: '/projects/shop?purge=true' });
        const restored = await h['cloud.undeleteProject']({ workspaceId: 'local', project: 'projects/shop' });
        expect(restored.operation).toMatchObject({ title: 'Restore project shop', resource: 'projects/shop' });
        expect(sent(requests[3])).toEqual({ method: 'POST', url: '/projects/shop/undelete', body: {} });
        await h['cloud.undeleteBranch']({ workspaceId: 'local', branch: BR });
        expect(sent(requests[4])).toEqual({ method: 'POST', url: `/${BR}/undelete`, body: {} });
      },
    );
  });

  it('create, suspend, resize and delete endpoints with the suspension oneof and masks', async () => {
    await withPeer(
      () => undefined,
      async (h, requests) => {
        const created = await h['cloud.createEndpoint'](
          createEndpointInput.parse({
            workspaceId: 'local',
            branch: BR,
            endpointId: 'ro',
            type: 'READ_ONLY',
            minCu: 0.5,
            maxCu: 2,
            suspendTimeoutSeconds: 300,
          }),
        );
        expect(created.operation).toMatchObject({ title: 'Create read-only endpoint ro', resource: `${BR}/endpoints/ro` });
        expect(sent(requests[0])).toEqual({
          method: 'POST',
          url: `/${BR}/endpoints?endpoint_id=ro`,
          body: {
            spec: {
              endpoint_type: 'ENDPOINT_TYPE_READ_ONLY',
              autoscaling_limit_min_cu: 0.5,
              autoscaling_limit_max_cu: 2,
              suspend_timeout_duration: '300s',
            },
          },
        });

        const suspended = await h['cloud.updateEndpoint'](
          updateEndpointInput.parse({ workspaceId: 'local', endpoint: `${BR}/endpoints/ro`, disabled: true }),
        );
        expect(suspended.operation.title).toBe('Suspend endpoint ro');
        expect(sent(requests[1])).toEqual({
          method: 'PATCH',
          url: `/${BR}/endpoints/ro?update_mask=spec.disabled`,
          body: { spec: { disabled: true } },
        });

        const resized = await h['cloud.updateEndpoint'](
          updateEndpointInput.parse({ workspaceId: 'local', endpoint: `${BR}/endpoints/ro`, maxCu: 4, noSuspension: true }),
        );
        expect(resized.operation.title).toBe('Change endpoint ro');
        expect(sent(requests[2])).toEqual({
          method: 'PATCH',
          url: `/${BR}/endpoints/ro?update_mask=spec.autoscaling_limit_max_cu%2Cspec.suspension`,
          body: { spec: { autoscaling_limit_max_cu: 4, no_suspension: true } },
        });

        await h['cloud.deleteEndpoint']({ workspaceId: 'local', endpoint: `${BR}/endpoints/ro` });
        expect(sent(requests[3])).toMatchObject({ method: 'DELETE', url: `/${BR}/endpoints/ro` });
      },
    );
  });

  it("the server's MANAGED_BY_PARENT refusal says to delete the parent instead", async () => {
    const refuse = (method: string, pathname: string) =>
      method !== 'DELETE'
        ? undefined
        : pathname.endsWith('/endpoints/primary')
          ? managedByParent('read-write endpoints cannot be deleted independently')
          : pathname === '/projects/local/branches/production'
            ? managedByParent('root branches cannot be deleted independently')
            : undefined;
    await withPeer(refuse, async (h) => {
      const ep = await h['cloud.deleteEndpoint']({ workspaceId: 'local', endpoint: `${BR}/endpoints/primary` }).catch((e: PierError) =>
        e.toRpcError(),
      );
      expect(ep).toMatchObject({
        code: 'CLOUD_INVALID_REQUEST',
        message: expect.stringMatching(/read-write endpoints are deleted with their branch/),
      });
      expect(JSON.parse((ep as { details: string }).details)).toMatchObject({
        declarative_context: 'MANAGED_BY_PARENT',
        server_message: 'read-write endpoints cannot be deleted independently',
        http_status: 400,
      });
      const root = await h['cloud.deleteBranch']({ workspaceId: 'local', branch: 'projects/local/branches/production' }).catch(
        (e: PierError) => e.toRpcError(),
      );
      expect(root).toMatchObject({
        code: 'CLOUD_INVALID_REQUEST',
        message: expect.stringMatching(/root branch: it is deleted with its project/),
      });
      expect((await h['cloud.operations']({})).operations).toEqual([]);
    });
  });

  it('endpoint inputs refuse mixed suspension, min above max, and updates that change nothing', () => {
    const base = { workspaceId: 'local', branch: BR, endpointId: 'ro', type: 'READ_ONLY' };
    expect(createEndpointInput.safeParse({ ...base, suspendTimeoutSeconds: 300, noSuspension: true }).success).toBe(false);
    expect(createEndpointInput.safeParse({ ...base, minCu: 4, maxCu: 2 }).success).toBe(false);
    expect(createEndpointInput.safeParse({ ...base, minCu: 1.5 }).success).toBe(false);
    expect(createEndpointInput.safeParse({ ...base, suspendTimeoutSeconds: 30 }).success).toBe(false);
    expect(createEndpointInput.safeParse({ ...base, type: 'ENDPOINT_TYPE_READ_ONLY' }).success).toBe(false);
    expect(createEndpointInput.safeParse(base).success).toBe(true);
    expect(updateEndpointInput.safeParse({ workspaceId: 'local', endpoint: `${BR}/endpoints/ro` }).success).toBe(false);
    expect(updateEndpointInput.safeParse({ workspaceId: 'local', endpoint: `${BR}/endpoints/ro`, disabled: undefined }).success).toBe(
      false,
    );
    expect(updateEndpointInput.safeParse({ workspaceId: 'local', endpoint: `${BR}/endpoints/ro`, disabled: false }).success).toBe(true);
    expect(createProjectInput.safeParse({ workspaceId: 'local', projectId: 'My shop' }).success).toBe(false);
  });
});

describe('branch summaries', () => {
  it('carry size, creation time and the point in time they were branched at, when the server says', () => {
    expect(
      branchSummary({
        name: BR,
        branch_id: 'dev',
        create_time: '2026-01-02T00:00:00Z',
        status: {
          current_state: 'READY',
          logical_size_bytes: 30_000_000,
          source_branch: 'projects/local/branches/production',
          source_branch_lsn: '0/1A2B',
          source_branch_time: '2026-01-01T00:00:00Z',
        },
      }),
    ).toEqual({
      name: BR,
      id: 'dev',
      state: 'READY',
      isDefault: false,
      isProtected: false,
      sourceBranch: 'projects/local/branches/production',
      sourceBranchLsn: '0/1A2B',
      sourceBranchTime: '2026-01-01T00:00:00Z',
      logicalSizeBytes: 30_000_000,
      createTime: '2026-01-02T00:00:00Z',
    });
  });
});

describe('databases, roles and the Data API through the handlers', () => {
  const role = (id: string, postgresRole: string, extra: object = {}) => ({
    name: `${BR}/roles/${id}`,
    role_id: id,
    status: { postgres_role: postgresRole, ...extra },
  });
  const route = (method: string, pathname: string) => {
    if (method !== 'GET') return undefined;
    switch (pathname) {
      case `/${BR}/databases`:
        return {
          status: 200,
          body: {
            databases: [{ name: `${BR}/databases/app`, status: { postgres_database: 'app_db', role: `${BR}/roles/owner` } }],
            next_page_token: 'd2',
          },
        };
      case `/${BR}/roles`:
        return {
          status: 200,
          body: {
            roles: [
              role('owner', 'owner@example.com', {
                identity_type: 'USER',
                auth_method: 'LAKEBASE_OAUTH_V1',
                attributes: { createdb: true },
                membership_roles: ['DATABRICKS_SUPERUSER'],
              }),
              role('app', 'app'),
            ],
          },
        };
      case `/${BR}/databases/app/data-api`:
        return {
          status: 200,
          body: {
            name: `${BR}/databases/app/data-api`,
            status: {
              db_schemas: ['public', 'api'],
              db_max_rows: 500,
              db_aggregates_enabled: false,
              server_cors_allowed_origins: [],
              url: 'https://h/api/2.0/workspace/1/rest/app_db',
              available_schemas: ['api', 'public'],
            },
          },
        };
      case `/${BR}/databases/plain/data-api`:
      case `/${BR}/databases/gone/data-api`:
      case `/${BR}/databases/gone`:
        return { status: 404, body: { error_code: 'NOT_FOUND', message: 'not found' } };
      case `/${BR}/databases/plain`:
        return { status: 200, body: { name: `${BR}/databases/plain`, status: { postgres_database: 'plain' } } };
      default:
        return undefined;
    }
  };

  it('lists databases with their owner by Postgres role name, and roles as summaries', async () => {
    await withPeer(route, async (h) => {
      expect(await h['cloud.databases']({ workspaceId: 'local', branch: BR })).toEqual({
        databases: [
          {
            name: `${BR}/databases/app`,
            id: 'app',
            postgresDatabase: 'app_db',
            owner: 'owner@example.com',
            ownerRole: `${BR}/roles/owner`,
          },
        ],
        nextPageToken: 'd2',
      });
      expect(await h['cloud.roles']({ workspaceId: 'local', branch: BR })).toEqual({
        roles: [
          {
            name: `${BR}/roles/owner`,
            id: 'owner',
            postgresRole: 'owner@example.com',
            identityType: 'USER',
            authMethod: 'LAKEBASE_OAUTH_V1',
            attributes: { createdb: true, createrole: false, bypassrls: false },
            membershipRoles: ['DATABRICKS_SUPERUSER'],
          },
          {
            name: `${BR}/roles/app`,
            id: 'app',
            postgresRole: 'app',
            attributes: { createdb: false, createrole: false, bypassrls: false },
            membershipRoles: [],
          },
        ],
      });
    });
  });

  it('adds a managed identity through the roles resource with a derived role id, and deletes it; both tracked', async () => {
    await withPeer(
      () => undefined,
      async (h, requests) => {
        const input = createRoleInput.parse({
          workspaceId: 'local',
          branch: BR,
          postgresRole: 'analyst@example.com',
          identityType: 'USER',
          attributes: { createdb: true },
        });
        const created = await h['cloud.createRole'](input);
        expect(created.operation).toMatchObject({ title: 'Add identity analyst@example.com', resource: `${BR}/roles/analyst-example-com` });
        expect(sent(requests[0])).toEqual({
          method: 'POST',
          url: `/${BR}/roles?role_id=analyst-example-com`,
          body: {
            spec: {
              postgres_role: 'analyst@example.com',
              identity_type: 'USER',
              attributes: { createdb: true, createrole: false, bypassrls: false },
            },
          },
        });
        const deleted = await h['cloud.deleteRole']({ workspaceId: 'local', role: `${BR}/roles/analyst-example-com` });
        expect(deleted.operation).toMatchObject({ title: 'Delete role analyst-example-com', resource: `${BR}/roles/analyst-example-com` });
        expect(sent(requests[1])).toMatchObject({ method: 'DELETE', url: `/${BR}/roles/analyst-example-com` });
      },
    );
  });

  it('identity inputs refuse unknown identity types, empty names and unknown attributes', () => {
    const base = { workspaceId: 'local', branch: BR, postgresRole: 'app-id-1', identityType: 'SERVICE_PRINCIPAL' };
    expect(createRoleInput.safeParse(base).success).toBe(true);
    expect(createRoleInput.safeParse({ ...base, identityType: 'PASSWORD' }).success).toBe(false);
    expect(createRoleInput.safeParse({ ...base, postgresRole: '  ' }).success).toBe(false);
    expect(createRoleInput.safeParse({ ...base, attributes: { superuser: true } }).success).toBe(false);
    expect(createRoleInput.safeParse({ ...base, postgresRole: 'x'.repeat(64) }).success).toBe(false);
  });

  it('reads the Data API: enabled with settings, not enabled, or a database that does not exist', async () => {
    await withPeer(route, async (h) => {
      expect(await h['cloud.dataApi']({ workspaceId: 'local', database: `${BR}/databases/app` })).toEqual({
        enabled: true,
        settings: { dbSchemas: ['public', 'api'], maxRows: 500, aggregatesEnabled: false, corsOrigins: [] },
        url: 'https://h/api/2.0/workspace/1/rest/app_db',
        availableSchemas: ['api', 'public'],
      });
      expect(await h['cloud.dataApi']({ workspaceId: 'local', database: `${BR}/databases/plain` })).toEqual({
        enabled: false,
        settings: {},
      });
      const gone = await h['cloud.dataApi']({ workspaceId: 'local', database: `${BR}/databases/gone` }).catch((e: PierError) =>
        e.toRpcError(),
      );
      expect(gone).toMatchObject({ code: 'CLOUD_NOT_FOUND' });
    });
  });

  it('enables, updates (only the given settings, by mask) and disables the Data API', async () => {
    await withPeer(route, async (h, requests) => {
      const db = `${BR}/databases/app`;
      const enabled = await h['cloud.enableDataApi'](
        enableDataApiInput.parse({ workspaceId: 'local', database: db, settings: { dbSchemas: ['api'] } }),
      );
      expect(enabled.operation).toMatchObject({ title: 'Enable the Data API on app', resource: `${db}/data-api` });
      expect(sent(requests[0])).toEqual({ method: 'POST', url: `/${db}/data-api`, body: { spec: { db_schemas: ['api'] } } });
      await h['cloud.updateDataApi'](
        updateDataApiInput.parse({
          workspaceId: 'local',
          database: db,
          settings: { aggregatesEnabled: true, corsOrigins: ['https://app.example.com'], maxRows: 100 },
        }),
      );
      expect(sent(requests[1])).toEqual({
        method: 'PATCH',
        url: `/${db}/data-api?update_mask=spec.db_aggregates_enabled%2Cspec.db_max_rows%2Cspec.server_cors_allowed_origins`,
        body: { spec: { db_aggregates_enabled: true, db_max_rows: 100, server_cors_allowed_origins: ['https://app.example.com'] } },
      });
      await h['cloud.disableDataApi']({ workspaceId: 'local', database: db });
      expect(sent(requests[2])).toMatchObject({ method: 'DELETE', url: `/${db}/data-api` });
    });
  });

  it('Data API inputs refuse empty updates, commas in names and bad claim paths', () => {
    const db = `${BR}/databases/app`;
    expect(updateDataApiInput.safeParse({ workspaceId: 'local', database: db, settings: {} }).success).toBe(false);
    expect(updateDataApiInput.safeParse({ workspaceId: 'local', database: db, settings: { dbSchemas: ['a,b'] } }).success).toBe(false);
    expect(updateDataApiInput.safeParse({ workspaceId: 'local', database: db, settings: { jwtRoleClaimKey: 'sub' } }).success).toBe(false);
    expect(updateDataApiInput.safeParse({ workspaceId: 'local', database: db, settings: { maxRows: -1 } }).success).toBe(false);
    expect(enableDataApiInput.parse({ workspaceId: 'local', database: db }).settings).toEqual({});
  });
});
