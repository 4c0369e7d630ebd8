import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SESSION_FRAGMENT_KEY } from '../../shared/contract';
import { loadOrCreateSecret, startEmbeddedDefault, type EmbeddedDefault } from '../local/embeddedDefault';
import { createLocalIssuer, DEMO_USER_IDENTITY, type LocalIssuer } from '../local/identity/localIssuer';
import { scimMe, SCIM_ME_PATH } from './scimMeRoute';
import { createOidcHandler } from '../local/identity/createOidcHandler';
import { SignInRequests } from '../local/identity/signInRequests';
import { createControlPlane, type ControlPlane } from '../local/controlPlane/createControlPlane';
import { AUTHENTICATOR_ROLE } from '../local/seed/sampleDatabase';
import { BRANCH_DATA_API_PREFIX, DATA_API_PREFIX, dataApiRoute } from './dataApiRoute';
import { DEFAULT_DATABASE, EMBEDDED_BRANCH, type CloudLocation, type LocalLocation } from '../../shared/contract/location';
import { BranchData } from '../branchData/BranchData';
import { CloudBranchSource, unavailableCloudSource } from '../branchData/CloudBranchSource';
import { DataApiConsole } from '../branchData/DataApiConsole';
import type { IBranchSource } from '../branchData/IBranchSource';
import { LocalBranchSource, localDataApiUrl } from '../branchData/LocalBranchSource';
import type { WorkspaceRegistry } from '../cloud/workspaces/workspaceRegistry';
import { mountHandler, type ServiceRequest } from './mountHandler';
import { DEFAULT_MAX_BODY_BYTES } from '../engine';
import { createCloudServices } from '../cloud/createCloudServices';
import { createCloudHandlers } from '../cloud/rpc/createCloudHandlers';
import { mintedTokenProvider } from '../cloud/auth/mintedTokenProvider';
import { openSystemBrowser } from '../cloud/auth/openSystemBrowser';
import type { ISecretCipher } from '../vault/secretCipher';
import path from 'node:path';
import { createHandlers, type HandlerDeps, type Handlers } from '../rpc/handlers';
import { dispatch } from '../rpc/dispatch';
import { lockDataDir } from './dataDirLock';
import { createHttpServer } from './httpServer';
import type { ReadyInfo } from './readyFile';
import { browserAppShell, type IAppShell } from '../platform/appShell';
import { pierPaths } from '../platform/pierPaths';
import { SqlRunner } from '../admin/SqlRunner';
import { SqlExports } from '../admin/sql/SqlExports';
import { mountSqlExportRoute } from './sqlExportRoute';

export interface PierServerOptions {
  readonly mode: 'desktop' | 'browser';
  /** 0 = any free port. */
  readonly port: number;
  readonly dataDir: string;
  /** Use this PostgreSQL instead of the embedded default (nothing is seeded). */
  readonly databaseUrl?: string | undefined;
  /** Folder of the built renderer. */
  readonly uiDir: string;
  readonly log?: (line: string) => void;
  /**
   * Desktop: the Electron safeStorage cipher for the vault, or why it cannot be used. Browser mode
   * leaves it out and the vault uses an AES-256-GCM key file only the user can read.
   */
  readonly secretCipher?: { ok: true; value: ISecretCipher } | { ok: false; reason: string };
  /** Opens the system browser for OAuth sign-in (desktop: shell.openExternal). */
  readonly openBrowser?: (url: string) => Promise<void>;
  /** About, logs folder, updates (desktop: Electron's); browser mode's by default. */
  readonly appShell?: IAppShell;
}

/** A running Pier: its loopback server, its Postgres, and the handlers both transports call. */
export interface PierServer {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** The UI URL with the session key in its fragment. */
  readonly uiUrl: string;
  readonly handlers: Handlers;
  readyInfo(): ReadyInfo;
  close(): Promise<void>;
}

const MANAGEMENT_API_PREFIX = '/api/2.0/postgres';
/** Databricks' Permissions API; locally it serves `database-projects` (project grants). */
const PERMISSIONS_API_PREFIX = '/api/2.0/permissions';

function managementApiUnavailable() {
  return {
    status: 501,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      error_code: 'NOT_IMPLEMENTED',
      message:
        'This Pier runs on an external database (--database-url); the local management API needs the embedded default. Start without --database-url to manage local projects and branches.',
    }),
  };
}

/** Dev tokens in the ready file last a month, so a long-running `serve` keeps usable ones. */
const DEV_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

/** pg settings from a postgresql:// URL, so the database can be set per pool. */
function connectionConfig(url: string): pg.ClientConfig {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
}

/** The database a postgresql:// URL names (Postgres' default: the user's name). */
function databaseOf(url: string): string {
  const u = new URL(url);
  return decodeURIComponent(u.pathname.slice(1)) || decodeURIComponent(u.username) || DEFAULT_DATABASE;
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/**
 * The composition root of Pier's services. It binds the port first (so a busy port fails fast,
 * before Postgres starts), then brings up Postgres and the services over it.
 */
export async function startPierServer(options: PierServerOptions): Promise<PierServer> {
  const log = options.log ?? (() => undefined);
  const disposers: Array<() => Promise<void>> = [];
  const dispose = async () => {
    for (const d of disposers.splice(0).reverse()) await d().catch((err) => log(`shutdown: ${(err as Error).message}`));
  };

  try {
    const sessionSecret = randomBytes(24).toString('base64url');
    interface Services {
      readonly handlers: Handlers;
      readonly branchData: BranchData;
      readonly homeBranch: string;
      /** Absent with --database-url: there are no local clusters to manage then. */
      readonly controlPlane: ControlPlane | undefined;
      readonly oidc: ReturnType<typeof createOidcHandler>;
      readonly issuer: LocalIssuer;
      readonly sqlExports: SqlExports;
    }
    let ready: (s: Services) => void = () => undefined;
    const servicesReady = new Promise<Services>((resolve) => (ready = resolve));

    const http = await createHttpServer({
      uiDir: options.uiDir,
      sessionSecret,
      rpc: async (channel, input) => dispatch((await servicesReady).handlers, channel, input),
    });
    disposers.push(() => http.close());
    // The transport lets bodies a little over the engine's limit through, so the engine answers
    // 413 with PostgREST's body naming the limit.
    const dataApiBody = { bodyLimit: DEFAULT_MAX_BODY_BYTES + 1024 * 1024 };
    const dataApi = async (req: ServiceRequest, params: Record<string, string>) => {
      const { branchData, homeBranch } = await servicesReady;
      return dataApiRoute(branchData, homeBranch)(req, params);
    };
    await mountHandler(http, DATA_API_PREFIX, dataApi, dataApiBody);
    await mountHandler(http, BRANCH_DATA_API_PREFIX, dataApi, dataApiBody);
    await mountHandler(http, MANAGEMENT_API_PREFIX, async (req) => {
      const { controlPlane } = await servicesReady;
      if (!controlPlane) return managementApiUnavailable();
      return controlPlane.handle({ ...req, body: req.body });
    });
    await mountHandler(http, PERMISSIONS_API_PREFIX, async (req) => {
      const { controlPlane } = await servicesReady;
      if (!controlPlane) return managementApiUnavailable();
      return controlPlane.handlePermissions({ ...req, body: req.body });
    });
    await mountHandler(http, '/oidc', async (req) => (await servicesReady).oidc.handle({ ...req, body: req.body }));
    await mountHandler(http, SCIM_ME_PATH, async (req) => scimMe((await servicesReady).issuer, req));
    mountSqlExportRoute(http, async () => (await servicesReady).sqlExports);
    try {
      await http.listen({ host: '127.0.0.1', port: options.port });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new PortInUseError(
          `Port ${options.port} on 127.0.0.1 is already in use (is another Pier running?). Choose another with --port N, or --port 0 for any free port.`,
        );
      }
      throw err;
    }
    const address = http.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const origin = `http://127.0.0.1:${port}`;

    let postgresUrl: string;
    let postgresLabel: string;
    let engineConnection: pg.ClientConfig;
    let embedded: EmbeddedDefault | undefined;
    if (options.databaseUrl) {
      postgresUrl = options.databaseUrl;
      const u = new URL(options.databaseUrl);
      postgresLabel = `${u.hostname}:${u.port || '5432'}${u.pathname}`;
      engineConnection = connectionConfig(postgresUrl);
    } else {
      const lock = await lockDataDir(options.dataDir);
      disposers.push(() => lock.release());
      const started = await startEmbeddedDefault({ dataDir: options.dataDir, log });
      embedded = started;
      disposers.push(() => started.dispose());
      postgresUrl = embedded.connectionString;
      postgresLabel = `embedded · 127.0.0.1:${embedded.cluster.port}`;
      engineConnection = {
        host: '127.0.0.1',
        port: embedded.cluster.port,
        user: AUTHENTICATOR_ROLE,
        password: await loadOrCreateSecret(path.join(options.dataDir, 'secrets', 'authenticator')),
      };
    }

    if (!options.databaseUrl) {
      // The Data API connects as `authenticator`, as on Lakebase; its password is Pier's own secret
      // (random base64url, never user input), so a literal is safe where ALTER ROLE takes no parameters.
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        await client.query(`ALTER ROLE ${AUTHENTICATOR_ROLE} WITH LOGIN PASSWORD ${pg.escapeLiteral(String(engineConnection.password))}`);
      } finally {
        await client.end();
      }
    }

    const issuer = await createLocalIssuer({ dataDir: options.dataDir, issuerUrl: `${origin}/oidc` });
    // A local sign-in (OAuth code) is issued only once the user approves it in Pier's UI.
    const signIns = new SignInRequests({ log });
    disposers.push(async () => signIns.dispose());
    let controlPlane: ControlPlane | undefined;
    if (embedded) {
      // Disposed before the embedded cluster (disposers run in reverse): it stops the postmasters it started.
      const cp = await createControlPlane({
        dataDir: options.dataDir,
        issuer,
        embedded,
        log,
        dataApiUrl: (ref) => {
          const branch = `projects/${ref.projectId}/branches/${ref.branchId}`;
          return localDataApiUrl(origin, { branch, database: ref.database }, branch === EMBEDDED_BRANCH);
        },
      });
      controlPlane = cp;
      disposers.push(() => cp.dispose());
    }
    const admin = connectionConfig(postgresUrl);
    const home: LocalLocation = { kind: 'local', branch: EMBEDDED_BRANCH, database: databaseOf(postgresUrl) };
    const localSource = new LocalBranchSource({
      home: { branch: home.branch, target: { host: String(admin.host), port: Number(admin.port) } },
      ...(controlPlane && { endpoints: controlPlane }),
      superuser: { user: String(admin.user), password: String(admin.password) },
      authenticator: { user: String(engineConnection.user), password: String(engineConnection.password) },
      jwt: { publicKeys: issuer.publicJwks().keys },
      origin,
      log,
    });
    const devTokens: Record<string, string> = {};
    for (const identity of [DEMO_USER_IDENTITY, issuer.owner]) {
      devTokens[identity] = await issuer.mintToken(identity, { ttlSeconds: DEV_TOKEN_TTL_SECONDS });
    }

    const { cloud, cloudSource, workspaces } = await startCloud();
    const branchData = new BranchData({ local: localSource, cloud: cloudSource });
    disposers.push(() => branchData.close());
    if (workspaces) {
      // A removed workspace, or one signed in anew (perhaps as someone else), drops its engines.
      const stopOnRemove = workspaces.onDidRemoveWorkspace((id) => void branchData.forgetWorkspace(id));
      const stopOnSignIn = workspaces.onDidChangeSignIn((id) => void branchData.forgetWorkspace(id));
      disposers.push(async () => {
        stopOnRemove();
        stopOnSignIn();
      });
    }
    // Disposed before BranchData (disposers run in reverse): open results give their connections back first.
    const sqlRunner = new SqlRunner();
    disposers.push(() => sqlRunner.dispose());
    const sqlExports = new SqlExports(origin, (at, fn) => branchData.withAdminPool(at, fn));
    const handlers = createHandlers({
      mode: options.mode,
      home,
      postgresLabel,
      branchData,
      dataApi: new DataApiConsole(branchData),
      cloud,
      appShell: options.appShell ?? browserAppShell(pierPaths({ dataDir: options.dataDir })),
      signIns,
      sql: { runner: sqlRunner, exports: sqlExports },
    });
    ready({
      handlers,
      branchData,
      homeBranch: home.branch,
      controlPlane,
      oidc: createOidcHandler(issuer, { approve: (ask) => signIns.ask(ask) }),
      issuer,
      sqlExports,
    });

    async function startCloud(): Promise<{
      cloud: HandlerDeps['cloud'];
      cloudSource: IBranchSource<CloudLocation>;
      workspaces?: WorkspaceRegistry;
    }> {
      if (options.secretCipher && !options.secretCipher.ok) {
        log(`workspaces unavailable: ${options.secretCipher.reason}`);
        return { cloud: { unavailable: options.secretCipher.reason }, cloudSource: unavailableCloudSource(options.secretCipher.reason) };
      }
      const services = await createCloudServices({
        dataDir: options.dataDir,
        ...(options.secretCipher?.ok && { cipher: options.secretCipher.value }),
        local: {
          baseUrl: `${origin}${MANAGEMENT_API_PREFIX}`,
          auth: mintedTokenProvider(() => issuer.mintToken(issuer.owner, { ttlSeconds: 3600 }), 3600_000),
          identity: issuer.owner,
        },
      });
      if (!services.ok) {
        log(`workspaces unavailable: ${services.error.message}`);
        return { cloud: { unavailable: services.error.message }, cloudSource: unavailableCloudSource(services.error.message) };
      }
      const { workspaces, pools } = services.value;
      // Disposed after BranchData (disposers run in reverse), which releases the pools it leased.
      disposers.push(() => services.value.dispose());
      return {
        workspaces,
        cloud: createCloudHandlers({ services: services.value, openBrowser: options.openBrowser ?? openSystemBrowser }),
        cloudSource: new CloudBranchSource({ clientFor: (id) => workspaces.client(id), pools, log }),
      };
    }

    const uiUrl = `${origin}/#${SESSION_FRAGMENT_KEY}=${sessionSecret}`;
    return {
      origin,
      uiUrl,
      handlers,
      readyInfo: () => ({
        ui: uiUrl,
        postgres: postgresUrl,
        dataApi: `${localDataApiUrl(origin, home, true)}/public`,
        managementApi: `${origin}${MANAGEMENT_API_PREFIX}`,
        oidc: `${origin}/oidc`,
        tokens: { ...devTokens, owner: devTokens[issuer.owner] ?? '' },
      }),
      close: dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}
