import type { CloudLocation } from '../../shared/contract/location';
import type { Endpoint } from '../../shared/management/resources';
import { toRpcError, type CloudResult } from '../cloud/cloudError';
import { connectionAddress, type EndpointPools } from '../cloud/connections/endpointPools';
import { collect, type ManagementClient } from '../cloud/managementClient';
import { createEngine } from '../engine';
import { PierError, unavailable } from '../errors/PierError';
import type { EndpointState, IBranchSource, LeasedPool, OpenedEngine } from './IBranchSource';

export interface CloudBranchSourceOptions {
  readonly clientFor: (workspaceId: string) => Promise<CloudResult<ManagementClient>>;
  readonly pools: EndpointPools;
  readonly log?: (line: string) => void;
  /** Close an engine (and release its pool) after this long without a call. Default 10 min. */
  readonly idleCloseMs?: number;
}

function unwrap<T>(r: CloudResult<T>): T {
  if (!r.ok) throw PierError.from(toRpcError(r.error));
  return r.value;
}

const WAKE_TIMEOUT_MS = 120_000;

/** Errors a waking compute answers with before it accepts connections. */
function isWaking(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return /terminated|ECONNRESET/i.test(String((err as Error)?.message ?? ''));
  return code.startsWith('08') || code === '57P03' || code === 'ECONNREFUSED' || code === 'ECONNRESET';
}

const isReadWrite = (e: Endpoint): boolean => (e.status?.endpoint_type ?? e.spec?.endpoint_type) === 'ENDPOINT_TYPE_READ_WRITE';

/**
 * Branches of a cloud workspace: the branch's read-write endpoint, logged in as the signed-in
 * identity with a fresh database credential (TLS off loopback). The identity is both the login and
 * "admin"; viewing as a role switches to it inside each request, which Postgres refuses if the
 * identity is not a member of that role.
 */
export class CloudBranchSource implements IBranchSource<CloudLocation> {
  /** No LISTEN connection: it would keep the endpoint from suspending. The tree's refresh reloads instead. */
  readonly listens = false;
  readonly idleCloseMs: number;

  constructor(private readonly options: CloudBranchSourceOptions) {
    this.idleCloseMs = options.idleCloseMs ?? 10 * 60_000;
  }

  /** Both logins are the signed-in identity: one engine serves both. */
  loginKey(): string {
    return 'identity';
  }

  async openEngine(at: CloudLocation): Promise<OpenedEngine> {
    const lease = await this.lease(at);
    const log = this.options.log;
    const engine = createEngine({
      pool: lease.pool,
      ownsPool: false,
      database: at.database,
      // Cloud endpoints may sit behind a transaction pooler, which keeps no prepared statements.
      prepareStatements: false,
      listen: false,
      ...(log && { log }),
    });
    return {
      engine,
      loginRole: lease.user,
      adminRole: lease.user,
      address: lease.address,
      close: async () => {
        await engine.close().catch(() => undefined);
        lease.release();
      },
    };
  }

  async leaseAdminPool(at: CloudLocation): Promise<LeasedPool> {
    const lease = await this.lease(at);
    return { pool: lease.pool, address: lease.address, release: () => lease.release() };
  }

  /** The cached credential was replaced (another client of this identity asked for one): get a fresh one. */
  async renewLogin(at: CloudLocation): Promise<boolean> {
    const endpoint = await this.readWriteEndpoint(at);
    unwrap(await this.options.pools.renewCredential({ workspaceId: at.workspaceId, endpoint: endpoint.name ?? '', database: at.database }));
    return true;
  }

  /** An endpoint deleted and recreated keeps its name but not its host. */
  async endpointMoved(at: CloudLocation, address: string): Promise<boolean> {
    const endpoint = await this.readWriteEndpoint(at);
    return (endpoint.status?.hosts?.host ?? '') !== address;
  }

  async endpointState(at: CloudLocation): Promise<EndpointState> {
    const endpoint = await this.readWriteEndpoint(at);
    return endpoint.spec?.disabled || endpoint.status?.current_state === 'IDLE' ? 'suspended' : 'active';
  }

  /**
   * A suspended (disabled) endpoint is enabled again; an idle one wakes on the connection, which
   * may take a while: retried as the Databricks CLI does (08xxx, 57P03, refused) for up to 2 min.
   */
  async wake(at: CloudLocation): Promise<boolean> {
    const endpoint = await this.readWriteEndpoint(at);
    const slept = endpoint.spec?.disabled === true || endpoint.status?.current_state === 'IDLE';
    if (!slept) return false;
    if (endpoint.spec?.disabled) {
      const client = unwrap(await this.options.clientFor(at.workspaceId));
      const pending = unwrap(await client.updateEndpoint(endpoint.name ?? '', { disabled: false }, { mask: ['spec.disabled'] }));
      unwrap(await pending.wait());
    }
    const deadline = Date.now() + WAKE_TIMEOUT_MS;
    for (;;) {
      try {
        const lease = await this.lease(at);
        try {
          await lease.pool.query('SELECT 1');
          return true;
        } finally {
          lease.release();
        }
      } catch (err) {
        if (!isWaking(err) || Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  async forgetBranch(at: CloudLocation): Promise<void> {
    await this.options.pools.forgetBranch(at.workspaceId, at.branch);
  }

  /**
   * The hosted Data API's base URL for the database (the data-api resource's `status.url`). Without
   * the Data API enabled there is none yet: show Lakebase's URL shape on the endpoint's host.
   */
  async dataApiBaseUrl(at: CloudLocation): Promise<string> {
    const client = unwrap(await this.options.clientFor(at.workspaceId));
    const databases = await collect(client.databases(at.branch));
    const resource = databases.ok
      ? databases.value.find((d) => (d.status?.postgres_database ?? d.spec?.postgres_database ?? d.database_id) === at.database)
      : undefined;
    if (resource?.name) {
      const api = await client.getDataApi(resource.name);
      if (api.ok && api.value.status?.url) return api.value.status.url.replace(/\/$/, '');
    }
    const endpoint = await this.readWriteEndpoint(at);
    const host = endpoint.status?.hosts?.host ?? 'endpoint-host';
    const scheme = connectionAddress(host).loopback ? 'http' : 'https';
    return `${scheme}://${host}/api/2.0/workspace/{workspace-id}/rest/${at.database}`;
  }

  async close(): Promise<void> {
    // The pools belong to the cloud services, which close them.
  }

  private async lease(at: CloudLocation) {
    const endpoint = await this.readWriteEndpoint(at);
    return unwrap(
      await this.options.pools.leasePool({ workspaceId: at.workspaceId, endpoint: endpoint.name ?? '', database: at.database }),
    );
  }

  /** The branch's read-write endpoint, asked of the workspace each time (endpoints move when recreated). */
  private async readWriteEndpoint(at: CloudLocation): Promise<Endpoint> {
    const client = unwrap(await this.options.clientFor(at.workspaceId));
    const endpoints = unwrap(await collect(client.endpoints(at.branch)));
    const rw = endpoints.find(isReadWrite);
    if (!rw?.name) {
      throw new PierError('CLOUD_NOT_FOUND', `Branch ${at.branch} has no read-write endpoint: create one to open its tables.`);
    }
    return rw;
  }
}

/** Stands in for the cloud source when the workspaces could not start (e.g. no usable credential store). */
export function unavailableCloudSource(reason: string): IBranchSource<CloudLocation> {
  const refuse = async (): Promise<never> => {
    throw unavailable(`Workspaces are unavailable: ${reason}`, 'The local workspace still works; see the server log.');
  };
  return {
    listens: false,
    idleCloseMs: undefined,
    loginKey: () => 'identity',
    openEngine: refuse,
    leaseAdminPool: refuse,
    renewLogin: refuse,
    endpointMoved: refuse,
    forgetBranch: async () => undefined,
    endpointState: refuse,
    wake: refuse,
    dataApiBaseUrl: refuse,
    close: async () => undefined,
  };
}
