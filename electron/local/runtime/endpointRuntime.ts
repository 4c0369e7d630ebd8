import net from 'node:net';
import pg from 'pg';
import type { PostgresCluster } from '../postgres/cluster';

export type RuntimeState = 'ACTIVE' | 'IDLE';

export interface EndpointRuntimeOptions {
  readonly cluster: PostgresCluster;
  /** Loopback port clients connect to; kept across restarts when free (0 = any). */
  readonly proxyPort: number;
  /** Stop the postmaster after this long without connections; `null` = never. */
  readonly suspendAfterMs: number | null;
  /** Settings for the postmaster's next start only (a new branch's recovery target). */
  readonly firstStartSettings?: Readonly<Record<string, string>>;
  /** Settings read at every start (the endpoint's `pg_settings`, which may change meanwhile). */
  readonly startSettings?: () => Readonly<Record<string, string>>;
  /** When true, connections do not wake a suspended endpoint (`spec.disabled`). */
  readonly disabled?: boolean;
  /**
   * Start the postmaster again as soon as it dies on its own (killed, crashed), retrying until it
   * runs, rather than on the next connection: for a compute used directly, not through the proxy.
   */
  readonly restartOnCrash?: boolean;
  readonly onDidChangeState?: (state: RuntimeState) => void;
  readonly log?: (line: string) => void;
}

/** A hold on a running postmaster (see `EndpointRuntime.lease`). */
export interface EndpointLease {
  /** The postmaster's loopback port while the lease lasts. */
  readonly port: number;
  /** Ends the hold (idempotent): the endpoint may suspend once nothing holds it. */
  release(): void;
}

/** Thrown by `lease` for an endpoint that is disabled (`spec.disabled`) and not running. */
export class EndpointDisabledError extends Error {
  override name = 'EndpointDisabledError';
}

/**
 * An endpoint: a postmaster for one cluster, reached at a stable loopback port (a plain TCP relay
 * for main's own connections, which log in with Pier's passwords) and through leases (Pier's
 * Postgres proxy). The postmaster stops when nothing has used it for `suspendAfterMs` (ACTIVE →
 * IDLE); a new connection, a lease, or an API call through `ensureRunning` starts it again.
 */
export class EndpointRuntime {
  private server: net.Server | undefined;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private active = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private firstStartSettings: Readonly<Record<string, string>> | undefined;
  private readonly sockets = new Set<net.Socket>();
  /** What to cut when the postmaster stops: the connections held through leases. */
  private readonly leaseCuts = new Set<() => void>();
  private closed = false;
  lastActive = new Date();
  private suspendAfterMs: number | null;
  private disabled: boolean;
  private readonly stopWatchingCrashes: () => void;
  private restarting: Promise<void> | undefined;

  constructor(private readonly options: EndpointRuntimeOptions) {
    this.firstStartSettings = options.firstStartSettings;
    this.suspendAfterMs = options.suspendAfterMs;
    this.disabled = options.disabled ?? false;
    this.stopWatchingCrashes = options.restartOnCrash ? options.cluster.onDidCrash(() => void this.restartAfterCrash()) : () => undefined;
  }

  /** ACTIVE once the postmaster accepts connections (a spawned one still starting up is not yet). */
  get state(): RuntimeState {
    return this.options.cluster.isRunning && !this.starting ? 'ACTIVE' : 'IDLE';
  }

  get cluster(): PostgresCluster {
    return this.options.cluster;
  }

  get port(): number {
    const addr = this.server?.address();
    if (!addr || typeof addr !== 'object') throw new Error('The endpoint proxy is not listening.');
    return addr.port;
  }

  /** Opens the proxy, on the remembered port if it is free, else on any free one. */
  async listen(): Promise<number> {
    const server = net.createServer((socket) => void this.accept(socket));
    const tryListen = (port: number) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    try {
      await tryListen(this.options.proxyPort);
    } catch (err) {
      if (this.options.proxyPort === 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      await tryListen(0);
    }
    this.server = server;
    return this.port;
  }

  configure(change: { suspendAfterMs?: number | null; disabled?: boolean }): void {
    if (change.suspendAfterMs !== undefined) this.suspendAfterMs = change.suspendAfterMs;
    if (change.disabled !== undefined) this.disabled = change.disabled;
    this.scheduleIdleCheck();
  }

  /** Starts the postmaster if it is suspended; single-flight. */
  async ensureRunning(): Promise<void> {
    if (this.closed) throw new Error('The endpoint is shut down.');
    if (this.stopping) await this.stopping;
    // A start in flight has a running child that does not listen yet: wait for it, or the caller
    // would connect too early (refused, "Connection terminated unexpectedly" through the relay).
    if (this.starting) return this.starting;
    if (this.options.cluster.isRunning) return;
    this.starting ??= (async () => {
      try {
        const tuning = this.options.startSettings?.() ?? {};
        try {
          await this.options.cluster.start({ ...tuning, ...this.firstStartSettings });
        } catch (err) {
          if (Object.keys(tuning).length === 0) throw err;
          // A bad value must not lock the user out of their data: start without the tuning.
          this.options.log?.(
            `The endpoint did not start with its pg_settings (${(err as Error).message.split('\n')[0]}); starting without them.`,
          );
          await this.options.cluster.start({ ...this.firstStartSettings });
        }
        this.firstStartSettings = undefined;
        this.lastActive = new Date();
        this.options.onDidChangeState?.('ACTIVE');
        this.scheduleIdleCheck();
      } finally {
        this.starting = undefined;
      }
    })();
    await this.starting;
  }

  /**
   * Wakes the postmaster if it is suspended and keeps it awake until the lease is released.
   * `onCut` runs if the endpoint is suspended meanwhile (its connections must end then).
   */
  async lease(onCut: () => void): Promise<EndpointLease> {
    if (this.disabled && !this.options.cluster.isRunning) throw new EndpointDisabledError('The endpoint is disabled.');
    this.active++;
    this.leaseCuts.add(onCut);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.leaseCuts.delete(onCut);
      this.release();
    };
    try {
      await this.ensureRunning();
      return { port: this.options.cluster.port, release };
    } catch (err) {
      release();
      throw err;
    }
  }

  /** Runs `fn` with a superuser client on `database`, keeping the endpoint awake meanwhile. */
  async withClient<T>(database: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
    this.active++;
    try {
      await this.ensureRunning();
      const client = new pg.Client({ connectionString: this.options.cluster.connectionString(database) });
      await client.connect();
      try {
        return await fn(client);
      } finally {
        await client.end().catch(() => undefined);
      }
    } finally {
      this.release();
    }
  }

  /** Stops the postmaster now (ACTIVE → IDLE); open proxy connections are cut. */
  async suspend(): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    if (!this.options.cluster.isRunning) return;
    this.stopping ??= (async () => {
      try {
        this.cutConnections();
        await this.options.cluster.stop();
        this.options.onDidChangeState?.('IDLE');
      } finally {
        this.stopping = undefined;
      }
    })();
    await this.stopping;
  }

  /**
   * The postmaster died on its own: start it again, retrying with growing pauses (its orphaned
   * backends may hold shared memory for a moment), until it runs or the endpoint is closed.
   */
  private restartAfterCrash(): Promise<void> {
    this.restarting ??= (async () => {
      this.options.log?.('PostgreSQL stopped unexpectedly; restarting it.');
      for (let pause = 100; !this.closed && !this.disabled; pause = Math.min(pause * 2, 5_000)) {
        try {
          await this.ensureRunning();
          this.options.log?.('PostgreSQL is running again.');
          return;
        } catch (err) {
          this.options.log?.(`PostgreSQL did not restart yet (${(err as Error).message.split('\n')[0]}); retrying.`);
          await new Promise((r) => setTimeout(r, pause));
        }
      }
    })().finally(() => (this.restarting = undefined));
    return this.restarting;
  }

  /** Closes the proxy and stops the postmaster. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopWatchingCrashes();
    clearTimeout(this.idleTimer);
    const server = this.server;
    this.server = undefined;
    this.cutConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (this.starting) await this.starting.catch(() => undefined);
    if (this.restarting) await this.restarting;
    await this.options.cluster.stop();
  }

  private async accept(client: net.Socket): Promise<void> {
    client.pause();
    this.sockets.add(client);
    this.active++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.sockets.delete(client);
      this.release();
    };
    client.once('close', release);
    client.on('error', () => client.destroy());
    if (this.disabled && !this.options.cluster.isRunning) {
      client.destroy();
      return;
    }
    try {
      await this.ensureRunning();
    } catch (err) {
      this.options.log?.(`Endpoint could not start for an incoming connection: ${(err as Error).message}`);
      client.destroy();
      return;
    }
    const upstream = net.connect(this.options.cluster.port, '127.0.0.1');
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  }

  private cutConnections(): void {
    for (const s of this.sockets) s.destroy();
    for (const cut of [...this.leaseCuts]) cut();
  }

  private release(): void {
    this.active--;
    this.lastActive = new Date();
    this.scheduleIdleCheck();
  }

  private scheduleIdleCheck(): void {
    clearTimeout(this.idleTimer);
    if (this.closed || this.suspendAfterMs === null || this.active > 0 || !this.options.cluster.isRunning) return;
    this.idleTimer = setTimeout(() => {
      if (this.active === 0 && !this.closed)
        void this.suspend().catch((err: Error) => this.options.log?.(`Suspending failed: ${err.message}`));
    }, this.suspendAfterMs);
    this.idleTimer.unref();
  }
}
