import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SESSION_FRAGMENT_KEY } from '../../shared/contract';
import { startEmbeddedDefault, type EmbeddedDefault } from '../local/embeddedDefault';
import { createHandlers, type Handlers } from '../rpc/handlers';
import { dispatch } from '../rpc/dispatch';
import { lockDataDir } from './dataDirLock';
import { createHttpServer } from './httpServer';
import type { ReadyInfo } from './readyFile';

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
    let ready: (h: Handlers) => void = () => undefined;
    const handlersReady = new Promise<Handlers>((resolve) => (ready = resolve));

    const http = await createHttpServer({
      uiDir: options.uiDir,
      sessionSecret,
      rpc: async (channel, input) => dispatch(await handlersReady, channel, input),
    });
    disposers.push(() => http.close());
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
    if (options.databaseUrl) {
      postgresUrl = options.databaseUrl;
      const u = new URL(options.databaseUrl);
      postgresLabel = `${u.hostname}:${u.port || '5432'}${u.pathname}`;
    } else {
      const lock = await lockDataDir(options.dataDir);
      disposers.push(() => lock.release());
      const embedded: EmbeddedDefault = await startEmbeddedDefault({ dataDir: options.dataDir, log });
      disposers.push(() => embedded.dispose());
      postgresUrl = embedded.connectionString;
      postgresLabel = `embedded · 127.0.0.1:${embedded.cluster.port}`;
    }

    const adminPool = new pg.Pool({ connectionString: postgresUrl, max: 5, idleTimeoutMillis: 30_000 });
    // A dropped connection must never take the process down; the pool replaces it.
    adminPool.on('error', (err) => log(`postgres connection lost: ${err.message}`));
    disposers.push(() => adminPool.end());

    const handlers = createHandlers({ mode: options.mode, adminPool, postgresLabel });
    ready(handlers);

    const uiUrl = `${origin}/#${SESSION_FRAGMENT_KEY}=${sessionSecret}`;
    return {
      origin,
      uiUrl,
      handlers,
      readyInfo: () => ({ ui: uiUrl, postgres: postgresUrl }),
      close: dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}
