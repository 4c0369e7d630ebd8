import pg from 'pg';
import { createEngine, type Engine, type JwtConfig } from '../engine';
import type { ServiceRequest, ServiceResponse } from './mountHandler';

/** The local workspace's id in Data API URLs: `/api/2.0/workspace/local/rest/{database}/…`. */
export const LOCAL_WORKSPACE_ID = 'local';
export const DATA_API_PREFIX = '/api/2.0/workspace/:workspaceId/rest/:database';

export interface DataApiRouterOptions {
  /** Superuser pool, used only to check that a database exists before an engine is made for it. */
  readonly adminPool: pg.Pool;
  /** Connection settings of the engine's pools (the `authenticator` role); `database` is set per engine. */
  readonly connection: pg.ClientConfig;
  readonly jwt: JwtConfig;
  readonly log?: (line: string) => void;
}

/**
 * Serves the Data API of every database on the local server, one engine (pool + schema cache)
 * per database, made on its first request.
 */
export class DataApiRouter {
  private readonly engines = new Map<string, Promise<Engine | undefined>>();

  constructor(private readonly options: DataApiRouterOptions) {}

  /** The engine for a database, or undefined if there is no such database. */
  engine(database: string): Promise<Engine | undefined> {
    let e = this.engines.get(database);
    if (!e) {
      e = this.makeEngine(database);
      this.engines.set(database, e);
      void e.then((made) => made ?? this.engines.delete(database));
    }
    return e;
  }

  async handle(req: ServiceRequest, params: Record<string, string>): Promise<ServiceResponse> {
    const { workspaceId = '', database = '' } = params;
    if (workspaceId !== LOCAL_WORKSPACE_ID) {
      return notFound('PGRST125', `Workspace "${workspaceId}" is not served here.`, `This Pier serves workspace "${LOCAL_WORKSPACE_ID}".`);
    }
    const engine = await this.engine(database);
    if (!engine) return notFound('PGRST125', `Database "${database}" does not exist.`, 'Check the database name in the URL.');
    return engine.handle({ method: req.method, path: req.path, rawQuery: req.rawQuery, headers: req.headers, body: req.body });
  }

  async close(): Promise<void> {
    const engines = await Promise.all(this.engines.values());
    this.engines.clear();
    await Promise.all(engines.map((e) => e?.close()));
  }

  private async makeEngine(database: string): Promise<Engine | undefined> {
    const exists = await this.options.adminPool.query('SELECT 1 FROM pg_database WHERE datname = $1 AND datallowconn', [database]);
    if (!exists.rowCount) return undefined;
    const pool = new pg.Pool({ ...this.options.connection, database, max: 10, idleTimeoutMillis: 30_000 });
    pool.on('error', (err) => this.options.log?.(`Data API connection to ${database} lost: ${err.message}`));
    return createEngine({ pool, ownsPool: true, database, jwt: this.options.jwt, ...(this.options.log && { log: this.options.log }) });
  }
}

function notFound(code: string, message: string, hint: string): ServiceResponse {
  return {
    status: 404,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ code, details: null, hint, message }),
  };
}
