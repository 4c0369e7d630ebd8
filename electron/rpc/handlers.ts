import type pg from 'pg';
import type { Channel, OutputOf, ParsedInputOf } from '../../shared/contract';
import { cloudContract } from '../../shared/contract/cloud';
import { listSchemas, readRows } from '../admin/catalog';
import { createAdminHandlers, localBranchDatabases, type IBranchDatabases } from '../admin/createAdminHandlers';
import type { CloudHandlers } from '../cloud/rpc/createCloudHandlers';
import { LOCAL_WORKSPACE_ID } from '../cloud/workspaces/workspaceRegistry';
import type { ISignInRequests } from '../local/identity/signInRequests';

/** Main-process implementation of every contract channel. A missing channel is a compile error. */
export type Handlers = { [C in Channel]: (input: ParsedInputOf<C>) => Promise<OutputOf<C>> };

/** The Data API as the console uses it: in process, through the same engine as HTTP. */
export interface IDataApiService {
  request(input: ParsedInputOf<'dataApi.request'>): Promise<OutputOf<'dataApi.request'>>;
  describe(input: ParsedInputOf<'dataApi.describe'>): Promise<OutputOf<'dataApi.describe'>>;
  identities(input: ParsedInputOf<'dataApi.identities'>): Promise<OutputOf<'dataApi.identities'>>;
  transaction(input: ParsedInputOf<'dataApi.transaction'>): Promise<OutputOf<'dataApi.transaction'>>;
}

/** Catalog, Data API, admin and SQL calls on branches of a cloud workspace (any workspace but `local`). */
export interface ICloudBranchData extends IDataApiService, IBranchDatabases {
  listSchemas(input: ParsedInputOf<'catalog.listSchemas'>): Promise<OutputOf<'catalog.listSchemas'>>;
}

export interface HandlerDeps {
  readonly mode: 'desktop' | 'browser';
  /** Superuser pool on the default database: the admin's view of it. */
  readonly adminPool: pg.Pool;
  /** Superuser pool on a database (default: the default one) of a branch (undefined = local production). */
  readonly branchPool: (branch: string | undefined, database?: string) => Promise<pg.Pool>;
  /** For display in the status bar, e.g. "embedded · 127.0.0.1:41234". */
  readonly postgresLabel: string;
  readonly dataApi: IDataApiService;
  /** Workspaces and management-API calls; a reason string when they could not start. */
  readonly cloud: CloudHandlers | { readonly unavailable: string };
  /** Absent when the cloud services could not start (then `cloud` says why). */
  readonly cloudData?: ICloudBranchData;
  /** Sign-ins of the local OIDC issuer waiting for the user's decision. */
  readonly signIns: ISignInRequests;
}

/** Thrown by every workspace call when the cloud services could not start (e.g. no usable vault). */
export class CloudUnavailableError extends Error {
  override name = 'CloudUnavailableError';
}

export function createHandlers(deps: HandlerDeps): Handlers {
  /** The cloud service for a call on a cloud workspace; undefined for the local one. */
  const cloudData = (input: { readonly workspaceId?: string | undefined }): ICloudBranchData | undefined => {
    if (input.workspaceId === undefined || input.workspaceId === LOCAL_WORKSPACE_ID) return undefined;
    if (!deps.cloudData)
      throw new CloudUnavailableError('unavailable' in deps.cloud ? deps.cloud.unavailable : 'cloud branches cannot be opened.');
    return deps.cloudData;
  };
  // One code path per admin feature: only where its pool comes from differs.
  const local = localBranchDatabases(deps.branchPool);
  const branchDatabases: IBranchDatabases = {
    withPool: (at, fn) => (cloudData(at) ?? local).withPool(at, fn),
    schemaChanged: (at) => (cloudData(at) ?? local).schemaChanged(at),
  };
  return {
    'app.status': async () => {
      try {
        const r = await deps.adminPool.query<{ version: string; db: string }>(
          `SELECT current_setting('server_version') AS version, current_database() AS db`,
        );
        const row = r.rows[0];
        return {
          mode: deps.mode,
          postgresVersion: row?.version ?? 'unknown',
          database: row?.db ?? '',
          postgresLabel: deps.postgresLabel,
          connected: true,
        };
      } catch {
        return { mode: deps.mode, postgresVersion: 'unknown', database: '', postgresLabel: deps.postgresLabel, connected: false };
      }
    },
    'catalog.listSchemas': async (input) =>
      cloudData(input)?.listSchemas(input) ?? listSchemas(await deps.branchPool(input.branch, input.database)),
    'catalog.readRows': async (input) => readRows(await deps.branchPool(input.branch), input),
    'dataApi.request': (input) => (cloudData(input) ?? deps.dataApi).request(input),
    'dataApi.describe': (input) => (cloudData(input) ?? deps.dataApi).describe(input),
    'dataApi.identities': (input) => (cloudData(input) ?? deps.dataApi).identities(input),
    'dataApi.transaction': (input) => (cloudData(input) ?? deps.dataApi).transaction(input),
    'signIn.pending': async () => ({ requests: deps.signIns.pending() }),
    'signIn.decide': async (input) => ({ decided: deps.signIns.decide(input.id, input.approve) }),
    ...createAdminHandlers(branchDatabases),
    ...cloudHandlers(deps.cloud),
  };
}

function cloudHandlers(cloud: HandlerDeps['cloud']): CloudHandlers {
  if (!('unavailable' in cloud)) return cloud;
  const refuse = async (): Promise<never> => {
    throw new CloudUnavailableError(cloud.unavailable);
  };
  return Object.fromEntries(Object.keys(cloudContract).map((channel) => [channel, refuse])) as unknown as CloudHandlers;
}
