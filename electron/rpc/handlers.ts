import type { Channel, OutputOf, ParsedInputOf } from '../../shared/contract';
import { workspaceOf, type Location } from '../../shared/contract/location';
import { cloudContract } from '../../shared/contract/cloud';
import { listSchemas } from '../admin/catalog';
import { readSchemaGraph } from '../admin/schemaGraph';
import { createAdminHandlers } from '../admin/createAdminHandlers';
import type { SqlRunner } from '../admin/SqlRunner';
import type { SqlExports } from '../admin/sql/SqlExports';
import { createTableHandlers } from '../admin/createTableHandlers';
import { previewCascades } from '../admin/cascadePreview';
import { CsvExports } from '../admin/csvExport';
import { importCsv } from '../admin/csvImport';
import { DataDiffs } from '../admin/dataDiff/DataDiffs';
import type { BranchData } from '../branchData/BranchData';
import type { DataApiConsole } from '../branchData/DataApiConsole';
import type { CloudHandlers } from '../cloud/rpc/createCloudHandlers';
import { unavailable } from '../errors/PierError';
import type { PendingSignInDto } from '../../shared/contract/signIn';
import type { ResetSampleResult } from '../../shared/contract/sample';
import type { IAppShell } from '../platform/appShell';

/** Main-process implementation of every contract channel. A missing channel is a compile error. */
export type Handlers = { [C in Channel]: (input: ParsedInputOf<C>) => Promise<OutputOf<C>> };

/** The user's side of local sign-in (electron/local/identity/signInRequests implements it). */
export interface ISignInDecisions {
  pending(): PendingSignInDto[];
  /** False when no such request waits (decided elsewhere, timed out, or never there). */
  decide(id: string, approve: boolean): boolean;
}

/** The documentation's sample data on a local branch (electron/local's control plane implements it). */
export interface ISampleData {
  /** Puts the sample back in one transaction; PierError PIER409 on a protected branch, PIER404 when missing. */
  reset(branch: string): Promise<ResetSampleResult>;
}

export interface HandlerDeps {
  readonly mode: 'desktop' | 'browser';
  /** The embedded default (or --database-url) database: where the app opens. */
  readonly home: Location;
  /** For display in the status bar, e.g. "embedded · 127.0.0.1:41234". */
  readonly postgresLabel: string;
  /** Every branch's database, local or cloud, by location. */
  readonly branchData: BranchData;
  /** The Data API as the console uses it, over `branchData`. */
  readonly dataApi: DataApiConsole;
  /** Workspaces and management-API calls; a reason string when they could not start. */
  readonly cloud: CloudHandlers | { readonly unavailable: string };
  /** About, the logs folder and updates: Electron's in the desktop app, a web page's in browser mode. */
  readonly appShell: IAppShell;
  /** Sign-ins of the local OIDC issuer waiting for the user's decision. */
  readonly signIns: ISignInDecisions;
  /** Local branches' sample data; a reason string when there are no local clusters (--database-url). */
  readonly sampleData: ISampleData | { readonly unavailable: string };
  /** The SQL editor's runner (its open results) and exports, owned by the composition root. */
  readonly sql?: { readonly runner: SqlRunner; readonly exports: SqlExports };
}

/**
 * The handlers route by location through one service: where a branch lives (local or a cloud
 * workspace) is BranchData's business, not theirs.
 */
export function createHandlers(deps: HandlerDeps): Handlers {
  const { branchData } = deps;
  const csvExports = new CsvExports((at, fn) => branchData.withAdminPool(at, fn));
  const dataDiffs = new DataDiffs((at, fn) => branchData.withAdminPool(at, fn));
  return {
    'app.status': async () => {
      try {
        const row = await branchData.withAdminPool(deps.home, async (pool) => {
          const r = await pool.query<{ version: string; db: string }>(
            `SELECT current_setting('server_version') AS version, current_database() AS db`,
          );
          return r.rows[0];
        });
        return {
          mode: deps.mode,
          postgresVersion: row?.version ?? 'unknown',
          database: row?.db ?? '',
          home: deps.home,
          postgresLabel: deps.postgresLabel,
          connected: true,
        };
      } catch {
        return {
          mode: deps.mode,
          postgresVersion: 'unknown',
          database: '',
          home: deps.home,
          postgresLabel: deps.postgresLabel,
          connected: false,
        };
      }
    },
    'app.about': async () => {
      const version = await branchData
        .withAdminPool(deps.home, (pool) => pool.query<{ version: string }>(`SELECT current_setting('server_version') AS version`))
        .then((r) => r.rows[0]?.version ?? 'unknown')
        .catch(() => 'unknown (not connected)');
      return { ...deps.appShell.about(), postgresVersion: version };
    },
    'app.openLogsFolder': () => deps.appShell.openLogsFolder(),
    'app.checkForUpdates': () => deps.appShell.checkForUpdates(),
    'catalog.listSchemas': async (input) => {
      const schemas = await branchData.withAdminPool(input.at, listSchemas);
      // Listing is the tree's refresh: let an engine already open see tables created since.
      void branchData.reloadSchema(input.at);
      return schemas;
    },
    'catalog.endpointState': async (input) => ({ state: await branchData.endpointState(input.at) }),
    'catalog.wakeEndpoint': async (input) => ({ woke: await branchData.wake(input.at) }),
    'catalog.schemaGraph': (input) => branchData.withAdminPool(input.at, (pool) => readSchemaGraph(pool, input.schema)),
    'dataApi.request': (input) => deps.dataApi.request(input),
    'dataApi.describe': (input) => deps.dataApi.describe(input),
    'dataApi.identities': (input) => deps.dataApi.identities(input),
    'dataApi.transaction': (input) => deps.dataApi.transaction(input),
    'dataApi.baseUrl': async (input) => ({ baseUrl: await branchData.dataApiBaseUrl(input.at) }),
    'tableData.cascadePreview': (input) => branchData.withAdminPool(input.at, (pool) => previewCascades(pool, input)),
    'tableData.exportCsvStart': (input) => csvExports.start(input),
    'tableData.exportCsvNext': async (input) => csvExports.next(input.exportId),
    'tableData.exportCsvCancel': async (input) => csvExports.cancel(input.exportId),
    'tableData.importCsv': (input) => branchData.withAdminPool(input.at, (pool) => importCsv(pool, input)),
    'signIn.pending': async () => ({ requests: deps.signIns.pending() }),
    'signIn.decide': async (input) => ({ decided: deps.signIns.decide(input.id, input.approve) }),
    'sample.reset': async (input) => {
      if ('unavailable' in deps.sampleData) throw unavailable(deps.sampleData.unavailable);
      return deps.sampleData.reset(input.branch);
    },
    ...createAdminHandlers(branchData, {
      branchProtection: (at) => branchProtection(deps.cloud, at),
      runner: deps.sql?.runner,
      exports: deps.sql?.exports,
    }),
    ...createTableHandlers(branchData),
    'dataDiff.start': (input) => dataDiffs.start(input),
    'dataDiff.page': (input) => dataDiffs.page(input),
    'dataDiff.close': async (input) => dataDiffs.close(input.diffId),
    ...cloudHandlers(deps.cloud),
  };
}

/** Whether a branch is protected, from its workspace's management API; null when that cannot be told. */
async function branchProtection(cloud: HandlerDeps['cloud'], at: Location): Promise<boolean | null> {
  if ('unavailable' in cloud) return null;
  const project = at.branch.split('/branches/')[0] ?? at.branch;
  try {
    let pageToken: string | undefined;
    do {
      const page = await cloud['cloud.branches']({ workspaceId: workspaceOf(at), project, ...(pageToken && { pageToken }) });
      const found = page.branches.find((b) => b.name === at.branch);
      if (found) return found.isProtected;
      pageToken = page.nextPageToken;
    } while (pageToken);
  } catch {
    // The management API did not answer: unknown, so destructive SQL asks first.
  }
  return null;
}

function cloudHandlers(cloud: HandlerDeps['cloud']): CloudHandlers {
  if (!('unavailable' in cloud)) return cloud;
  const refuse = async (): Promise<never> => {
    throw unavailable(`Workspaces are unavailable: ${cloud.unavailable}`, 'The local workspace still works; see the server log.');
  };
  return Object.fromEntries(Object.keys(cloudContract).map((channel) => [channel, refuse])) as unknown as CloudHandlers;
}
