import path from 'node:path';
import pg from 'pg';
import { DEFAULT_DATABASE, EMBEDDED_BRANCH, type CloudLocation, type LocalLocation } from '../../shared/contract/location';
import { BranchData } from '../branchData/BranchData';
import { CloudBranchSource, unavailableCloudSource } from '../branchData/CloudBranchSource';
import { DataApiConsole } from '../branchData/DataApiConsole';
import type { IBranchSource } from '../branchData/IBranchSource';
import { LocalBranchSource, localDataApiUrl } from '../branchData/LocalBranchSource';
import { mintedTokenProvider } from '../cloud/auth/mintedTokenProvider';
import { openSystemBrowser } from '../cloud/auth/openSystemBrowser';
import { createCloudServices } from '../cloud/createCloudServices';
import { createCloudHandlers } from '../cloud/rpc/createCloudHandlers';
import type { WorkspaceRegistry } from '../cloud/workspaces/workspaceRegistry';
import { createControlPlane, type ControlPlane } from '../local/controlPlane/createControlPlane';
import { loadOrCreateSecret, startEmbeddedDefault, type EmbeddedDefault } from '../local/embeddedDefault';
import { createOidcHandler } from '../local/identity/createOidcHandler';
import { createLocalIssuer, DEMO_USER_IDENTITY, type LocalIssuer } from '../local/identity/localIssuer';
import { SignInRequests } from '../local/identity/signInRequests';
import { AUTHENTICATOR_ROLE } from '../local/seed/sampleDatabase';
import { SqlRunner } from '../admin/SqlRunner';
import { SqlExports } from '../admin/sql/SqlExports';
import { browserAppShell, type IAppShell } from '../platform/appShell';
import { pierPaths } from '../platform/pierPaths';
import { createHandlers, type HandlerDeps, type Handlers } from '../rpc/handlers';
import type { ISecretCipher } from '../vault/secretCipher';
import { lockDataDir } from './dataDirLock';

/** The local management API's mount point, and Databricks' Permissions API's (project grants). */
export const MANAGEMENT_API_PREFIX = '/api/2.0/postgres';
export const PERMISSIONS_API_PREFIX = '/api/2.0/permissions';

export interface PierServicesOptions {
  readonly mode: 'desktop' | 'browser';
  /** Where Pier's loopback server answers, e.g. http://127.0.0.1:7420 (issuer, Data API and management URLs). */
  readonly origin: string;
  readonly dataDir: string;
  /** Use this PostgreSQL instead of the embedded default (nothing is seeded). */
  readonly databaseUrl?: string | undefined;
  /** Port of the Postgres proxy local endpoints are reached through; default 5432 (see ControlPlaneOptions.postgresPort). */
  readonly postgresPort?: number;
  readonly log: (line: string) => void;
  /**
   * Desktop: the Electron safeStorage cipher for the vault, or why it cannot be used. Browser mode
   * leaves it out and the vault uses an AES-256-GCM key only the user can read.
   */
  readonly secretCipher?: { ok: true; value: ISecretCipher } | { ok: false; reason: string };
  /** Opens the system browser for OAuth sign-in (desktop: shell.openExternal). */
  readonly openBrowser?: (url: string) => Promise<void>;
  /** About, logs folder, updates (desktop: Electron's); browser mode's by default. */
  readonly appShell?: IAppShell;
}

/** Pier's services, whichever transport serves them: what the HTTP routes and the RPC handlers call. */
export interface PierServices {
  readonly handlers: Handlers;
  readonly branchData: BranchData;
  /** The embedded default's (or --database-url's) branch: the Data API at the root URL serves it. */
  readonly homeBranch: string;
  /** Absent with --database-url: there are no local clusters to manage then. */
  readonly controlPlane: ControlPlane | undefined;
  readonly oidc: ReturnType<typeof createOidcHandler>;
  readonly issuer: LocalIssuer;
  /** The SQL editor's exports: the HTTP surface serves their one-time downloads. */
  readonly sqlExports: SqlExports;
  /** Superuser URL of the home database, and the dev tokens of the ready file. */
  readonly postgresUrl: string;
  readonly devTokens: Readonly<Record<string, string>>;
  /** The Data API base of the home database, schema `public`. */
  readonly homeDataApi: string;
  /** Stops everything in the reverse order it started; Postgres last. */
  dispose(): Promise<void>;
}

/** Dev tokens in the ready file last a month, so a long-running `serve` keeps usable ones. */
const DEV_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

/**
 * The composition root of Pier's services, shared by the desktop app and browser mode: Postgres
 * (embedded or --database-url), the local identity issuer and control plane, the workspaces and
 * their vault, one BranchData over local and cloud branches, and the RPC handlers over all of it.
 * Nothing here knows HTTP; electron/server mounts it, electron/main wires it to IPC.
 */
export async function startPierServices(options: PierServicesOptions): Promise<PierServices> {
  const { log, origin } = options;
  const disposers: Array<() => Promise<void>> = [];
  const dispose = async () => {
    for (const d of disposers.splice(0).reverse()) await d().catch((err) => log(`shutdown: ${(err as Error).message}`));
  };
  try {
    const postgres = await startPostgres(options, disposers);
    const issuer = await createLocalIssuer({ dataDir: options.dataDir, issuerUrl: `${origin}/oidc` });
    // A local sign-in (OAuth code) is issued only once the user approves it in Pier's UI.
    const signIns = new SignInRequests({ log });
    disposers.push(async () => signIns.dispose());
    let controlPlane: ControlPlane | undefined;
    if (postgres.embedded) {
      // Disposed before the embedded cluster (disposers run in reverse): it stops the postmasters it started.
      const cp = await createControlPlane({
        dataDir: options.dataDir,
        issuer,
        embedded: postgres.embedded,
        log,
        ...(options.postgresPort !== undefined && { postgresPort: options.postgresPort }),
        dataApiUrl: (ref) => {
          const branch = `projects/${ref.projectId}/branches/${ref.branchId}`;
          return localDataApiUrl(origin, { branch, database: ref.database }, branch === EMBEDDED_BRANCH);
        },
      });
      controlPlane = cp;
      disposers.push(() => cp.dispose());
    }
    const superuser = connectionConfig(postgres.url);
    const home: LocalLocation = { kind: 'local', branch: EMBEDDED_BRANCH, database: databaseOf(postgres.url) };
    const localSource = new LocalBranchSource({
      home: { branch: home.branch, target: { host: String(superuser.host), port: Number(superuser.port) } },
      ...(controlPlane && { endpoints: controlPlane }),
      superuser: { user: String(superuser.user), password: String(superuser.password) },
      authenticator: postgres.authenticator,
      jwt: { publicKeys: issuer.publicJwks().keys },
      origin,
      log,
    });
    const devTokens: Record<string, string> = {};
    for (const identity of [DEMO_USER_IDENTITY, issuer.owner]) {
      devTokens[identity] = await issuer.mintToken(identity, { ttlSeconds: DEV_TOKEN_TTL_SECONDS });
    }
    devTokens.owner = devTokens[issuer.owner] ?? '';

    const cloud = await startCloud(options, issuer, controlPlane?.postgres().caCertPem, disposers);
    const branchData = new BranchData({ local: localSource, cloud: cloud.source });
    disposers.push(() => branchData.close());
    // A reset or restore replaced a local branch's cluster behind the same endpoint: no stale connections or schema.
    const stopOnReplace = controlPlane?.onDidReplaceBranch(
      (branch) => void branchData.branchReplaced({ kind: 'local', branch, database: home.database }),
    );
    if (stopOnReplace) disposers.push(async () => void stopOnReplace());
    if (cloud.workspaces) {
      // A removed workspace, or one signed in anew (perhaps as someone else), drops its engines.
      const stopOnRemove = cloud.workspaces.onDidRemoveWorkspace((id) => void branchData.forgetWorkspace(id));
      const stopOnSignIn = cloud.workspaces.onDidChangeSignIn((id) => void branchData.forgetWorkspace(id));
      disposers.push(async () => {
        stopOnRemove();
        stopOnSignIn();
      });
    }
    // The control plane of the local clusters, if any (none with --database-url).
    const localClusters = controlPlane;
    // Disposed before BranchData (disposers run in reverse): open results give their connections back first.
    const sqlRunner = new SqlRunner();
    disposers.push(() => sqlRunner.dispose());
    const sqlExports = new SqlExports(origin, (at, fn) => branchData.withAdminPool(at, fn));
    const handlers = createHandlers({
      mode: options.mode,
      home,
      postgresLabel: postgres.label,
      branchData,
      dataApi: new DataApiConsole(branchData),
      cloud: cloud.handlers,
      appShell: options.appShell ?? browserAppShell(pierPaths({ dataDir: options.dataDir })),
      signIns,
      sampleData: localClusters
        ? { reset: (branch) => localClusters.resetSampleData(branch) }
        : { unavailable: 'This Pier runs on an external database (--database-url); it has no local branches with sample data.' },
      sql: { runner: sqlRunner, exports: sqlExports },
    });
    return {
      handlers,
      branchData,
      homeBranch: home.branch,
      controlPlane,
      oidc: createOidcHandler(issuer, { approve: (ask) => signIns.ask(ask) }),
      issuer,
      sqlExports,
      postgresUrl: postgres.url,
      devTokens,
      homeDataApi: `${localDataApiUrl(origin, home, true)}/public`,
      dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}

interface StartedPostgres {
  /** Superuser URL of the home database. */
  readonly url: string;
  /** For display, e.g. "embedded · 127.0.0.1:41234". */
  readonly label: string;
  /** The Data API's login role (`authenticator`, as on Lakebase) and its password. */
  readonly authenticator: { readonly user: string; readonly password: string };
  readonly embedded: EmbeddedDefault | undefined;
}

/** The embedded default (locked to this process, seeded once), or the PostgreSQL given with --database-url. */
async function startPostgres(options: PierServicesOptions, disposers: Array<() => Promise<void>>): Promise<StartedPostgres> {
  if (options.databaseUrl) {
    const u = new URL(options.databaseUrl);
    const c = connectionConfig(options.databaseUrl);
    return {
      url: options.databaseUrl,
      label: `${u.hostname}:${u.port || '5432'}${u.pathname}`,
      authenticator: { user: String(c.user), password: String(c.password) },
      embedded: undefined,
    };
  }
  const lock = await lockDataDir(options.dataDir);
  disposers.push(() => lock.release());
  const embedded = await startEmbeddedDefault({ dataDir: options.dataDir, log: options.log, lockDown: true });
  disposers.push(() => embedded.dispose());
  const password = await loadOrCreateSecret(path.join(options.dataDir, 'secrets', 'authenticator'));
  // The Data API connects as `authenticator`, as on Lakebase; its password is Pier's own secret
  // (random base64url, never user input), so a literal is safe where ALTER ROLE takes no parameters.
  const client = new pg.Client({ connectionString: embedded.connectionString });
  await client.connect();
  try {
    await client.query(`ALTER ROLE ${AUTHENTICATOR_ROLE} WITH LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
  return {
    url: embedded.connectionString,
    label: `embedded · 127.0.0.1:${embedded.cluster.port}`,
    authenticator: { user: AUTHENTICATOR_ROLE, password },
    embedded,
  };
}

/** The workspaces (and their endpoint connections), or a stand-in that says why they are unavailable. */
async function startCloud(
  options: PierServicesOptions,
  issuer: LocalIssuer,
  /** The local CA, which local endpoints' certificates chain to (absent with --database-url). */
  localCaPem: string | undefined,
  disposers: Array<() => Promise<void>>,
): Promise<{ handlers: HandlerDeps['cloud']; source: IBranchSource<CloudLocation>; workspaces?: WorkspaceRegistry }> {
  const unavailable = (reason: string) => {
    options.log(`workspaces unavailable: ${reason}`);
    return { handlers: { unavailable: reason }, source: unavailableCloudSource(reason) };
  };
  if (options.secretCipher && !options.secretCipher.ok) return unavailable(options.secretCipher.reason);
  const services = await createCloudServices({
    dataDir: options.dataDir,
    ...(options.secretCipher?.ok && { cipher: options.secretCipher.value }),
    local: {
      baseUrl: `${options.origin}${MANAGEMENT_API_PREFIX}`,
      auth: mintedTokenProvider(() => issuer.mintToken(issuer.owner, { ttlSeconds: 3600 }), 3600_000),
      identity: issuer.owner,
      ...(localCaPem && { caCertPem: localCaPem }),
    },
  });
  if (!services.ok) return unavailable(services.error.message);
  const { workspaces, pools } = services.value;
  // Disposed after BranchData (disposers run in reverse), which releases the pools it leased.
  disposers.push(() => services.value.dispose());
  return {
    workspaces,
    handlers: createCloudHandlers({ services: services.value, openBrowser: options.openBrowser ?? openSystemBrowser }),
    source: new CloudBranchSource({ clientFor: (id) => workspaces.client(id), pools, log: options.log }),
  };
}

/** pg settings from a postgresql:// URL, so the database can be set per pool. */
function connectionConfig(url: string): pg.ClientConfig {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

/** The database a postgresql:// URL names (Postgres' default: the user's name). */
function databaseOf(url: string): string {
  const u = new URL(url);
  return decodeURIComponent(u.pathname.slice(1)) || decodeURIComponent(u.username) || DEFAULT_DATABASE;
}
