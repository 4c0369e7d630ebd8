import type pg from 'pg';
import type { OutputOf, ParsedInputOf } from '../../shared/contract';
import type { EngineRequest, EngineResponse, TrustedCaller } from '../engine';
import { notFound, unavailable } from '../errors/PierError';
import type { BranchData, Reach } from './BranchData';
import type { EngineLogin, OpenedEngine } from './IBranchSource';

type ViewAs = ParsedInputOf<'dataApi.request'>['viewAs'];

/**
 * The Data API as the console uses it (grid, URL bar, staged edits): in process, through the same
 * engine that serves HTTP, as the role the user chose to view as, wherever the branch lives.
 */
export class DataApiConsole {
  constructor(private readonly data: BranchData) {}

  request(input: ParsedInputOf<'dataApi.request'>): Promise<OutputOf<'dataApi.request'>> {
    return this.data.withEngine(
      input.at,
      loginFor(input.viewAs),
      async (e) =>
        explainRoleSwitch(consoleResponse(await e.engine.handle(consoleRequest(input), consoleCaller(input.viewAs, e))), e, input.viewAs),
      reachOfResponse,
    );
  }

  /** The grid's staged writes in one transaction, as `viewAs` (see Engine.handleInOneTransaction). */
  transaction(input: ParsedInputOf<'dataApi.transaction'>): Promise<OutputOf<'dataApi.transaction'>> {
    return this.data.withEngine(
      input.at,
      loginFor(input.viewAs),
      async (e) => {
        const r = await e.engine.handleInOneTransaction(input.requests.map(consoleRequest), consoleCaller(input.viewAs, e), {
          rollback: input.rollback,
        });
        return {
          committed: r.committed,
          responses: r.responses.map((res) => res && explainRoleSwitch(consoleResponse(res), e, input.viewAs)),
        };
      },
      // A transaction that could not connect ran nothing: its first answer says why.
      (r) => (r.committed ? 'ran' : reachOfResponse(r.responses.find((res) => res !== null) ?? undefined)),
    );
  }

  /** A relation as the engine's schema cache sees it (columns, key, relationships), for the grid. */
  async describe(input: ParsedInputOf<'dataApi.describe'>): Promise<OutputOf<'dataApi.describe'>> {
    const described = await this.data.withEngine(
      input.at,
      'admin',
      async (e) => {
        const cache = await e.engine.schemaCache();
        if (!cache) return { kind: 'noCache', loginRole: e.loginRole } as const;
        // The cache describes the exposed schemas; a relation of another is described on demand.
        return { kind: 'ok', relation: await e.engine.describeRelation(input.schema, input.table) } as const;
      },
      (d) => (d.kind === 'noCache' ? 'unreachable' : 'ran'),
    );
    if (described.kind === 'noCache') {
      throw unavailable(
        `Pier could not read the schema of ${input.at.database} on ${input.at.branch} as "${described.loginRole}", so its tables cannot be opened yet.`,
        'The server log says why (often a missing privilege, e.g. USAGE on a schema, or the database is restarting). Fix it, then press Retry.',
      );
    }
    if (!described.relation) throw notFound(`Relation ${input.schema}.${input.table} is not in the Data API schema cache.`);
    const { relation, relationships, exposed } = described.relation;
    return {
      baseUrl: await this.data.dataApiBaseUrl(input.at),
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

  identities(input: ParsedInputOf<'dataApi.identities'>): Promise<OutputOf<'dataApi.identities'>> {
    return this.data.withAdminPool(input.at, listIdentities);
  }
}

function loginFor(viewAs: ViewAs): EngineLogin {
  return viewAs.kind === 'admin' ? 'admin' : 'authenticator';
}

function consoleCaller(viewAs: ViewAs, e: OpenedEngine): TrustedCaller {
  const role = viewAs.kind === 'admin' ? e.adminRole : viewAs.role;
  // The admin view may see query plans whatever the database allows Data API callers; an identity may not.
  return { role, claims: { sub: role, role }, ...(viewAs.kind === 'admin' && { explain: true }) };
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

/** The engine answers a refused login or a failure to connect as a response: nothing ran then. */
function reachOfResponse(res: OutputOf<'dataApi.request'> | undefined): Reach {
  if (!res || res.status < 400) return 'ran';
  const code = errorCodeOf(res);
  if (code === '28P01') return 'loginRefused';
  // Could not connect, or no schema cache (which needs a connection): nothing ran.
  return res.status === 503 && (code === 'PGRST000' || code === 'PGRST002') ? 'unreachable' : 'ran';
}

function errorCodeOf(res: OutputOf<'dataApi.request'>): string | undefined {
  try {
    return (JSON.parse(res.body) as { code?: string }).code;
  } catch {
    return undefined;
  }
}

/**
 * When Postgres refuses the switch to the role viewed as, say that membership of the login role
 * is what is missing, and the GRANT that gives it (locally the login is `authenticator`; on a cloud
 * workspace, the signed-in identity).
 */
function explainRoleSwitch(res: OutputOf<'dataApi.request'>, e: OpenedEngine, viewAs: ViewAs): OutputOf<'dataApi.request'> {
  if (viewAs.kind !== 'identity' || res.status !== 403) return res;
  let body: { code?: string; message?: string };
  try {
    body = JSON.parse(res.body) as typeof body;
  } catch {
    return res;
  }
  if (body.code !== '42501' || !body.message?.startsWith('permission denied to set role')) return res;
  const hint = `Pier logs in as "${e.loginRole}", which is not a member of "${viewAs.role}". View as admin, or have an owner run GRANT "${viewAs.role}" TO "${e.loginRole}" on this branch.`;
  return { ...res, body: JSON.stringify({ ...body, hint }) };
}

/** Roles granted to `authenticator`: the identities a Data API request may run as. */
export async function listIdentities(db: pg.Pool | pg.ClientBase): Promise<OutputOf<'dataApi.identities'>> {
  const r = await db.query<{ rolname: string }>(
    `SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
      WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = 'authenticator') ORDER BY r.rolname`,
  );
  return { roles: r.rows.map((row) => row.rolname) };
}
