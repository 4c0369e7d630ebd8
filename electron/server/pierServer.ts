import { MANAGEMENT_API_PREFIX, PERMISSIONS_API_PREFIX, startPierServices, type PierServices } from '../app/startPierServices';
import { DEFAULT_MAX_BODY_BYTES } from '../engine';
import { PierError } from '../errors/PierError';
import type { IAppShell } from '../platform/appShell';
import { dispatch } from '../rpc/dispatch';
import type { Handlers } from '../rpc/handlers';
import type { ISecretCipher } from '../vault/secretCipher';
import { BRANCH_DATA_API_PREFIX, DATA_API_PREFIX, dataApiRoute } from './dataApiRoute';
import { createHttpServer } from './httpServer';
import { mountHandler, type ServiceRequest, type ServiceResponse } from './mountHandler';
import type { ReadyInfo } from './readyFile';
import { HOST_METADATA_PATH, hostMetadata } from './hostMetadataRoute';
import { scimMe, SCIM_ME_PATH } from './scimMeRoute';
import { mountSqlExportRoute } from './sqlExportRoute';
import { UiSessions } from './uiSessions';

export interface PierServerOptions {
  readonly mode: 'desktop' | 'browser';
  /** 0 = any free port. */
  readonly port: number;
  readonly dataDir: string;
  /** Use this PostgreSQL instead of the embedded default (nothing is seeded). */
  readonly databaseUrl?: string | undefined;
  /** Port of the Postgres proxy local endpoints are reached through; default 5432 (see ControlPlaneOptions.postgresPort). */
  readonly postgresPort?: number;
  /** Folder of the built renderer. */
  readonly uiDir: string;
  readonly log?: (line: string) => void;
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

/** A running Pier: its loopback server, its Postgres, and the handlers both transports call. */
export interface PierServer {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** A fresh one-time link to the UI (each opens one browser session). */
  uiLink(): string;
  readonly handlers: Handlers;
  readyInfo(): ReadyInfo;
  close(): Promise<void>;
}

/** Bound to 127.0.0.1 only; another Pier, or anything else, may hold the port. */
export class PortInUseError extends PierError {
  override name = 'PortInUseError';
  constructor(port: number) {
    super(
      'PIER_PORT_IN_USE',
      `Port ${port} on 127.0.0.1 is already in use (is another Pier running?). Choose another with --port N, or --port 0 for any free port.`,
    );
  }
}

function managementApiUnavailable(): ServiceResponse {
  return {
    // A client's question with no answer here, not a server fault: 404, as Databricks answers for a disabled feature.
    status: 404,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      error_code: 'FEATURE_DISABLED',
      message:
        'This Pier runs on an external database (--database-url); the local management API needs the embedded default. Start without --database-url to manage local projects and branches.',
    }),
  };
}

function restrictNewFilesToOwner(): void {
  try {
    process.umask(0o077);
  } catch {
    // Not allowed in worker threads; every file Pier makes also passes an explicit owner-only mode.
  }
}

/**
 * Pier's HTTP surface on loopback: the UI and its RPC (behind the UI session), the Data API of
 * local branches, the local management and Permissions APIs, OIDC and SCIM. It binds the port
 * first (so a busy port fails fast, before Postgres starts), then starts the services
 * (electron/app) and answers with them; requests that arrive meanwhile wait.
 */
export async function startPierServer(options: PierServerOptions): Promise<PierServer> {
  const log = options.log ?? (() => undefined);
  // Whatever this process writes (data folder, secrets, logs, state) is the user's alone, whichever
  // part of Pier writes it and whatever umask it was started with.
  restrictNewFilesToOwner();
  let services: PierServices | undefined;
  let ready: (s: PierServices) => void = () => undefined;
  let failed: (err: unknown) => void = () => undefined;
  const servicesReady = new Promise<PierServices>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  // Requests that arrived while the services were starting get the start-up failure, not a wait
  // forever (which would also hold up closing the server); nobody else awaits it.
  servicesReady.catch(() => undefined);
  // Made once the port is known (it names the session cookie); no request arrives before.
  const sessions: { current?: UiSessions } = {};
  const http = await createHttpServer({
    uiDir: options.uiDir,
    sessions: () => {
      if (!sessions.current) throw new Error('UI sessions are made once the server listens.');
      return sessions.current;
    },
    onDidOpenSession: () => log('A browser opened a UI session.'),
    rpc: async (channel, input) => dispatch((await servicesReady).handlers, channel, input),
  });
  const close = async () => {
    await http.close().catch((err: Error) => log(`shutdown: ${err.message}`));
    await services?.dispose();
  };
  try {
    await mountRoutes(http, servicesReady, log);
    try {
      await http.listen({ host: '127.0.0.1', port: options.port });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(options.port);
      throw err;
    }
    const address = http.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const origin = `http://127.0.0.1:${port}`;
    const uiSessions = new UiSessions(origin);
    sessions.current = uiSessions;
    services = await startPierServices({
      mode: options.mode,
      origin,
      dataDir: options.dataDir,
      databaseUrl: options.databaseUrl,
      log,
      ...(options.postgresPort !== undefined && { postgresPort: options.postgresPort }),
      ...(options.secretCipher && { secretCipher: options.secretCipher }),
      ...(options.openBrowser && { openBrowser: options.openBrowser }),
      ...(options.appShell && { appShell: options.appShell }),
    });
    ready(services);
    const s = services;
    return {
      origin,
      uiLink: () => uiSessions.link(),
      handlers: s.handlers,
      readyInfo: () => ({
        ui: `${origin}/`,
        launchSecret: uiSessions.launchSecret,
        postgres: s.postgresUrl,
        dataApi: s.homeDataApi,
        managementApi: `${origin}${MANAGEMENT_API_PREFIX}`,
        oidc: `${origin}/oidc`,
        ...(s.controlPlane && {
          postgresProxy: `localhost:${s.controlPlane.postgres().port}`,
          postgresCa: s.controlPlane.postgres().caFile,
        }),
        tokens: { ...s.devTokens },
      }),
      close,
    };
  } catch (err) {
    failed(err);
    await close();
    throw err;
  }
}

/** Every route family on the server, each answered by the services once they are up. */
async function mountRoutes(
  http: Awaited<ReturnType<typeof createHttpServer>>,
  servicesReady: Promise<PierServices>,
  log: (line: string) => void,
): Promise<void> {
  // The transport lets bodies a little over the engine's limit through, so the engine answers
  // 413 with PostgREST's body naming the limit.
  const dataApiBody = { bodyLimit: DEFAULT_MAX_BODY_BYTES + 1024 * 1024 };
  const dataApi = async (req: ServiceRequest, params: Record<string, string>) => {
    const { branchData, homeBranch } = await servicesReady;
    return dataApiRoute(branchData, homeBranch, log)(req, params);
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
  await mountHandler(http, HOST_METADATA_PATH, hostMetadata);
  mountSqlExportRoute(http, async () => (await servicesReady).sqlExports);
}
