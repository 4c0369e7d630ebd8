import type pg from 'pg';
import { resilientPool } from './resilientPool';
import type { ServiceRequest, ServiceResponse } from './mountHandler';

/** Where a branch's read-write compute listens. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** The default branch served by the embedded cluster itself. */
export const DEFAULT_BRANCH = 'projects/local/branches/production';

export class BranchNotServedError extends Error {
  override name = 'BranchNotServedError';
}

export interface BranchDatabasesOptions {
  /** The embedded default (or --database-url) server: project `local`, branch `production`. */
  readonly defaultTarget: HostPort;
  /** Superuser credentials; branch clusters are copies of production, so they share them. */
  readonly superuser: { readonly user: string; readonly password: string };
  /** The local management API, to find a branch's endpoint; absent with --database-url. */
  readonly managementApi?: {
    handle(req: ServiceRequest): Promise<ServiceResponse>;
    token(): Promise<string>;
  };
  readonly log?: (line: string) => void;
}

/**
 * Connections to the databases of local branches. A branch other than the default is reached
 * through its read-write endpoint (a loopback proxy that resumes a suspended compute).
 */
export class BranchDatabases {
  private readonly pools = new Map<string, pg.Pool>();

  constructor(private readonly options: BranchDatabasesOptions) {}

  isDefault(branch: string | undefined): boolean {
    return branch === undefined || branch === DEFAULT_BRANCH;
  }

  /** The read-write endpoint of a branch, asked of the control plane each time (endpoints move when recreated). */
  async endpointOf(branch: string | undefined): Promise<HostPort> {
    if (this.isDefault(branch)) return this.options.defaultTarget;
    const api = this.options.managementApi;
    if (!api) {
      throw new BranchNotServedError(
        `Branch ${branch} is not available: this Pier runs on an external database (--database-url) and manages no branches.`,
      );
    }
    const res = await api.handle({
      method: 'GET',
      path: `/${branch}/endpoints`,
      rawQuery: '',
      headers: { authorization: `Bearer ${await api.token()}` },
      origin: '',
    });
    const text = typeof res.body === 'string' ? res.body : Buffer.from(res.body ?? '').toString('utf8');
    if (res.status === 404) throw new BranchNotServedError(`Branch ${branch} does not exist (it may have been deleted).`);
    if (res.status !== 200) throw new BranchNotServedError(`Could not find the endpoints of ${branch}: ${text}`);
    const body = JSON.parse(text) as {
      endpoints?: { spec?: { endpoint_type?: string }; status?: { endpoint_type?: string; hosts?: { host?: string } } }[];
    };
    const rw = (body.endpoints ?? []).find((e) => (e.status?.endpoint_type ?? e.spec?.endpoint_type) === 'ENDPOINT_TYPE_READ_WRITE');
    const host = rw?.status?.hosts?.host;
    if (!host) throw new BranchNotServedError(`Branch ${branch} has no read-write endpoint: create one to open its tables.`);
    const i = host.lastIndexOf(':');
    return i === -1 ? { host, port: 5432 } : { host: host.slice(0, i), port: Number(host.slice(i + 1)) };
  }

  /** A superuser pool on a database of a branch (the admin's view), made on first use. */
  async adminPool(branch: string | undefined, database: string): Promise<pg.Pool> {
    const target = await this.endpointOf(branch);
    const key = `${target.host}:${target.port}/${database}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = resilientPool({ ...target, ...this.options.superuser, database, max: 4, idleTimeoutMillis: 30_000 }, key, this.options.log);
      this.pools.set(key, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  }
}
