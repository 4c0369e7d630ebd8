import pg from 'pg';
import { createEngine, type Engine, type EngineRequest, type EngineResponse, type JwtConfig } from '../engine';
import { CatalogNotFoundError } from '../admin/catalog';
import type { IDataApiService } from '../rpc/handlers';
import type { OutputOf, ParsedInputOf } from '../../shared/contract';
import type { ServiceRequest, ServiceResponse } from './mountHandler';
import { BranchNotServedError, type BranchDatabases } from './branchDatabases';

/** The local workspace's id in Data API URLs: `/api/2.0/workspace/local/rest/{database}/…`. */
export const LOCAL_WORKSPACE_ID = 'local';
/** A database every local cluster has, for catalog look-ups before the target database is known to exist. */
const DEFAULT_CATALOG_DATABASE = 'postgres';
export const DATA_API_PREFIX = '/api/2.0/workspace/:workspaceId/rest/:database';
export const BRANCH_DATA_API_PREFIX = '/projects/:project/branches/:branch/api/2.0/workspace/:workspaceId/rest/:database';

/** The Data API base URL of a database on a local branch, as written into `data-api` `status.url`. */
export function localDataApiUrl(
  origin: string,
  ref: { projectId: string; branchId: string; database: string },
  isDefault: boolean,
): string {
  const tail = `/api/2.0/workspace/${LOCAL_WORKSPACE_ID}/rest/${encodeURIComponent(ref.database)}`;
  return isDefault ? `${origin}${tail}` : `${origin}/projects/${ref.projectId}/branches/${ref.branchId}${tail}`;
}

export interface DataApiRouterOptions {
  /** Branch endpoints and superuser pools (to check a database exists, and for identities). */
  readonly branches: BranchDatabases;
  /** Credentials of the engine's pools (the `authenticator` role); host and port come from the branch. */
  readonly authenticator: { readonly user: string; readonly password: string };
  /** Superuser credentials, for the console's "view as admin". */
  readonly admin: { readonly user: string; readonly password: string };
  readonly jwt: JwtConfig;
  /** Base of Data API URLs as clients reach them, e.g. http://127.0.0.1:7420. */
  readonly origin: string;
  readonly log?: (line: string) => void;
}

/**
 * Serves the Data API of every database on the local server, one engine (pool + schema cache)
 * per database, made on its first request.
 */
export class DataApiRouter implements IDataApiService {
  private readonly engines = new Map<string, Promise<Engine | undefined>>();

  constructor(private readonly options: DataApiRouterOptions) {}

  /** The engine for a database of a branch (default: local production), or undefined if there is no such database. */
  engine(branch: string | undefined, database: string, as: 'authenticator' | 'admin' = 'authenticator'): Promise<Engine | undefined> {
    const key = JSON.stringify([as, this.options.branches.isDefault(branch) ? '' : branch, database]);
    let e = this.engines.get(key);
    if (!e) {
      e = this.makeEngine(branch, database, as === 'admin' ? this.options.admin : this.options.authenticator);
      this.engines.set(key, e);
      void e.then((made) => made ?? this.engines.delete(key));
    }
    return e;
  }

  async request(input: ParsedInputOf<'dataApi.request'>): Promise<OutputOf<'dataApi.request'>> {
    const admin = input.viewAs.kind === 'admin';
    const engine = await this.requireEngine(input.branch, input.database, admin ? 'admin' : 'authenticator');
    return runConsoleRequest(engine, input, this.options.admin.user);
  }

  async transaction(input: ParsedInputOf<'dataApi.transaction'>): Promise<OutputOf<'dataApi.transaction'>> {
    const engine = await this.requireEngine(input.branch, input.database, input.viewAs.kind === 'admin' ? 'admin' : 'authenticator');
    return runConsoleTransaction(engine, input, this.options.admin.user);
  }

  async describe(input: ParsedInputOf<'dataApi.describe'>): Promise<OutputOf<'dataApi.describe'>> {
    const engine = await this.requireEngine(input.branch, input.database, 'admin');
    return describeRelation(engine, input, this.baseUrl(input.branch, input.database));
  }

  async identities(input: ParsedInputOf<'dataApi.identities'>): Promise<OutputOf<'dataApi.identities'>> {
    return listIdentities(await this.options.branches.adminPool(input.branch, input.database));
  }

  /** The HTTP Data API base of a database on a branch, as clients outside Pier reach it. */
  private baseUrl(branch: string | undefined, database: string): string {
    const [, projectId = 'local', , branchId = 'production'] = (branch ?? '').split('/');
    return localDataApiUrl(this.options.origin, { projectId, branchId, database }, this.options.branches.isDefault(branch));
  }

  private async requireEngine(branch: string | undefined, database: string, as: 'authenticator' | 'admin'): Promise<Engine> {
    const engine = await this.engine(branch, database, as);
    if (!engine) throw new CatalogNotFoundError(`Database "${database}" does not exist.`);
    return engine;
  }

  /**
   * Serves `DATA_API_PREFIX` (the default branch) and `BRANCH_DATA_API_PREFIX` (any local branch:
   * on Lakebase each endpoint has its own host; here the branch comes first in the path).
   */
  async handle(req: ServiceRequest, params: Record<string, string>): Promise<ServiceResponse> {
    const { workspaceId = '', database = '', project, branch } = params;
    if (workspaceId !== LOCAL_WORKSPACE_ID) {
      return notFound('PGRST125', `Workspace "${workspaceId}" is not served here.`, `This Pier serves workspace "${LOCAL_WORKSPACE_ID}".`);
    }
    const branchName = project && branch ? `projects/${project}/branches/${branch}` : undefined;
    let engine: Engine | undefined;
    try {
      engine = await this.engine(branchName, database);
    } catch (err) {
      if (err instanceof BranchNotServedError) return notFound('PGRST125', err.message, 'Check the project and branch in the URL.');
      throw err;
    }
    if (!engine) return notFound('PGRST125', `Database "${database}" does not exist.`, 'Check the database name in the URL.');
    return engine.handle({ method: req.method, path: req.path, rawQuery: req.rawQuery, headers: req.headers, body: req.body });
  }

  async close(): Promise<void> {
    const engines = await Promise.all(this.engines.values());
    this.engines.clear();
    await Promise.all(engines.map((e) => e?.close()));
  }

  private async makeEngine(
    branch: string | undefined,
    database: string,
    credentials: { readonly user: string; readonly password: string },
  ): Promise<Engine | undefined> {
    const { branches } = this.options;
    const adminPool = await branches.adminPool(branch, branches.isDefault(branch) ? DEFAULT_CATALOG_DATABASE : database);
    const exists = await adminPool.query('SELECT 1 FROM pg_database WHERE datname = $1 AND datallowconn', [database]);
    if (!exists.rowCount) return undefined;
    const target = await branches.endpointOf(branch);
    // pipeline: each request's transaction (BEGIN, settings, statement, COMMIT) goes in one round trip.
    const pool = new pg.Pool({ ...target, ...credentials, database, max: 10, idleTimeoutMillis: 30_000, pipeline: true } as pg.PoolConfig);
    pool.on('error', (err) => this.options.log?.(`Data API connection to ${database} lost: ${err.message}`));
    return createEngine({ pool, ownsPool: true, database, jwt: this.options.jwt, ...(this.options.log && { log: this.options.log }) });
  }
}

/**
 * A console request (grid, URL bar) run in process as `viewAs`; `adminRole` is whom "admin" means
 * on this connection (the superuser locally, the signed-in identity on a cloud workspace).
 */
export async function runConsoleRequest(
  engine: Engine,
  input: ParsedInputOf<'dataApi.request'>,
  adminRole: string,
): Promise<OutputOf<'dataApi.request'>> {
  return consoleResponse(await engine.handle(consoleRequest(input), consoleCaller(input.viewAs, adminRole)));
}

/** The grid's staged writes in one transaction, as `viewAs` (see Engine.handleInOneTransaction). */
export async function runConsoleTransaction(
  engine: Engine,
  input: ParsedInputOf<'dataApi.transaction'>,
  adminRole: string,
): Promise<OutputOf<'dataApi.transaction'>> {
  const r = await engine.handleInOneTransaction(input.requests.map(consoleRequest), consoleCaller(input.viewAs, adminRole), {
    rollback: input.rollback,
  });
  return { committed: r.committed, responses: r.responses.map((res) => res && consoleResponse(res)) };
}

function consoleCaller(
  viewAs: ParsedInputOf<'dataApi.request'>['viewAs'],
  adminRole: string,
): { role: string; claims: Record<string, string> } {
  const role = viewAs.kind === 'admin' ? adminRole : viewAs.role;
  return { role, claims: { sub: role, role } };
}

function consoleRequest(input: {
  method: string;
  path: string;
  rawQuery: string;
  headers: Record<string, string>;
  body?: string | undefined;
}): EngineRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers)) headers[k.toLowerCase()] = v;
  delete headers.authorization; // the console runs as `viewAs`, never as a pasted token
  return {
    method: input.method,
    path: input.path,
    rawQuery: input.rawQuery,
    headers,
    ...(input.body !== undefined && { body: Buffer.from(input.body) }),
  };
}

function consoleResponse(res: EngineResponse): OutputOf<'dataApi.request'> {
  return {
    status: res.status,
    headers: res.headers,
    body: typeof res.body === 'string' ? res.body : Buffer.from(res.body ?? '').toString('utf8'),
  };
}

/** A relation as the engine's schema cache sees it (columns, key, relationships), for the grid. */
export async function describeRelation(
  engine: Engine,
  input: { schema: string; table: string },
  baseUrl: string,
): Promise<OutputOf<'dataApi.describe'>> {
  const described = await engine.describeRelation(input.schema, input.table);
  if (!described) throw new CatalogNotFoundError(`Relation ${input.schema}.${input.table} is not in the Data API schema cache.`);
  const { relation, relationships, exposed } = described;
  return {
    baseUrl,
    exposed,
    kind: relation.kind,
    columns: relation.columns.map((c) => ({
      name: c.name,
      type: c.type,
      typeName: c.typeName,
      nullable: c.nullable,
      default: c.default,
      comment: c.comment,
    })),
    primaryKey: [...relation.primaryKey],
    relationships: relationships.map((r) =>
      r.kind === 'many-to-many'
        ? {
            kind: r.kind,
            target: { ...r.target },
            constraint: r.targetConstraint,
            toOne: false,
            columns: r.sourceColumns.map(([a, b]) => [a, b] as [string, string]),
            junction: { ...r.junction },
          }
        : {
            kind: r.kind,
            target: { ...r.target },
            constraint: r.constraint,
            toOne: r.toOne,
            columns: r.columns.map(([a, b]) => [a, b] as [string, string]),
          },
    ),
  };
}

/** Roles granted to `authenticator`: the identities a Data API request may run as. */
export async function listIdentities(db: pg.Pool | pg.ClientBase): Promise<OutputOf<'dataApi.identities'>> {
  const r = await db.query<{ rolname: string }>(
    `SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
      WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = 'authenticator') ORDER BY r.rolname`,
  );
  return { roles: r.rows.map((row) => row.rolname) };
}

function notFound(code: string, message: string, hint: string): ServiceResponse {
  return {
    status: 404,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ code, details: null, hint, message }),
  };
}
