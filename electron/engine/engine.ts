/**
 * The Data API engine: the one place that knows every stage. A request goes
 * parseRequest → authenticate → plan (against the schema cache) → buildQuery → runQuery →
 * toResponse; each stage returns an error value or the next stage's input.
 * Framework-agnostic: the HTTP server and the in-process grid both call `handle`.
 */
import type pg from 'pg';
import type { Outcome } from './errors/ApiError';
import { bodyTooLarge, descriptionNotInTransaction, internalError } from './errors/pgrstErrors';
import { createAuthenticator, type JwtConfig, type Principal } from './auth/createAuthenticator';
import { BatchLanes } from './execute/BatchLanes';
import { listenForNotifications, type Listener } from './execute/listenForNotifications';
import { runInOneTransaction, runQuery, type DbResult, type RequestContext } from './execute/runQuery';
import { withConnection } from './execute/withConnection';
import { allowedMethods } from './plan/allowedMethods';
import { planRequest } from './plan/planRequest';
import { corsHeaders, isPreflight, preflightHeaders, type CorsOptions } from './respond/corsHeaders';
import { parseRequest } from './request/parseRequest';
import type { ApiRequest } from './request/ApiRequest';
import { dbErrorResponse, errorResponse, serverTiming, toResponse, transactionEnd, type EngineResponse } from './respond/toResponse';
import { describeUnexposedRelation, loadSchemaCache, type ConfigReader } from './schema-cache/loadSchemaCache';
import {
  findRelation,
  relationshipsFrom,
  type DataApiConfig,
  type Relation,
  type Relationship,
  type SchemaCache,
} from './schema-cache/SchemaCache';
import { quoteIdent } from './sql/quoteIdent';
import { assertNever } from '../../shared/contract/result';
import { SchemaCacheHolder } from './schema-cache/SchemaCacheHolder';
import { buildQuery } from './sql/buildQuery';
import type { SqlQuery } from './sql/SqlQuery';
import type { ActionPlan } from './plan/ActionPlan';
import { ReadTemplates, requestShape } from './ReadTemplates';
import { PrivilegeChecks, GUARDED } from './PrivilegeChecks';
import { emptyReadQuery } from '../../shared/dataapi/ast';

export type { EngineResponse } from './respond/toResponse';
export type { JwtConfig } from './auth/createAuthenticator';
export type { CorsOptions } from './respond/corsHeaders';

export interface EngineRequest {
  readonly method: string;
  /** The part after `/rest/{database}`, e.g. `/public/clients`. */
  readonly path: string;
  /** The query string after `?`, still percent-encoded. */
  readonly rawQuery: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body?: Buffer;
}

export interface EngineOptions {
  /** Connected as the authenticator role; not closed by the engine unless `ownsPool`. */
  readonly pool: pg.Pool;
  readonly ownsPool?: boolean;
  /** The database this engine serves (for logs and messages). */
  readonly database: string;
  /** Token verification keys; without any, only the anonymous role can be used. */
  readonly jwt?: JwtConfig;
  /** Where the role is in the token's claims (default `.sub`, as on Lakebase). */
  readonly roleClaimKey?: string;
  /** Role for requests without a token; none means such requests get 401. */
  readonly anonRole?: string;
  /** Caps the rows of a response (PostgREST's db-max-rows); default: pgrst.db_max_rows if set. */
  readonly maxRows?: number;
  readonly statementTimeoutMs?: number;
  /**
   * Listen for `NOTIFY pgrst` to reload the schema cache (default: on, with the pool's own
   * connection settings). Pass client settings to listen through another connection.
   */
  readonly listen?: boolean | pg.ClientConfig;
  /** The NOTIFY channel (PostgREST's db-channel; default `pgrst`). */
  readonly channel?: string;
  /**
   * Reads the configuration at each schema load (default: Lakebase's `pgrst.pre_config()`); the
   * PostgREST mode reads its file, environment and the in-database settings instead.
   */
  readonly readConfig?: ConfigReader;
  /** Send `Server-Timing` with each response (default on; PostgREST's server-timing-enabled). */
  readonly serverTiming?: boolean;
  /** How long a request waits for a loading schema cache before 503 (default 10 s). */
  readonly schemaWaitMs?: number;
  readonly log?: (message: string) => void;
  /** Cross-origin access for browsers; none by default. */
  readonly cors?: CorsOptions;
  /** Larger request bodies get 413 (default 10 MiB). */
  readonly maxBodyBytes?: number;
  /**
   * Prepare each statement shape once per connection and reuse it (default on). Turn off for a
   * connection pooler that does not keep prepared statements (transaction pooling).
   */
  readonly prepareStatements?: boolean;
  /** Remember reads' plans and SQL per request shape (default on; see ReadTemplates). */
  readonly rememberReadShapes?: boolean;
  /**
   * Pipeline several requests' one-Sync batches on shared connections, at most this many
   * (see BatchLanes); below the pool's size, so schema loads and BEGIN … COMMIT requests find one.
   * Default: a third of the pool (3 of 10, the best measured in bench:engine); 0: one connection per request.
   */
  readonly sharedConnections?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** client-error-verbosity = minimal: an error body keeps its code and message only. */
function minimalError(response: EngineResponse): EngineResponse {
  if (response.status < 400 || typeof response.body !== 'string' || response.body === '') return response;
  try {
    const e = JSON.parse(response.body) as { code?: unknown; message?: unknown };
    return { ...response, body: JSON.stringify({ code: e.code, message: e.message }) };
  } catch {
    return response;
  }
}

/** The schema a plan reads or writes. */
function planSchema(plan: ActionPlan): string {
  switch (plan.kind) {
    case 'read':
      return plan.root.relation.schema;
    case 'mutate':
      return plan.relation.schema;
    case 'call':
      return plan.routine.schema;
    case 'openapi':
      return plan.schema;
    default:
      return assertNever(plan, 'plan');
  }
}

/**
 * A request's search_path as PostgREST sets it: its own schema, then db-extra-search-path
 * (default `public`), each quoted; so unqualified names in functions, views and triggers resolve
 * as they would under PostgREST.
 */
export function searchPathOf(schema: string, config: DataApiConfig): string {
  // Asked on every request: remembered per configuration (a new cache brings a new one).
  let bySchema = searchPaths.get(config);
  if (!bySchema) searchPaths.set(config, (bySchema = new Map()));
  let path = bySchema.get(schema);
  if (path === undefined) bySchema.set(schema, (path = [schema, ...(config.extraSearchPath ?? ['public'])].map(quoteIdent).join(', ')));
  return path;
}
const searchPaths = new WeakMap<DataApiConfig, Map<string, string>>();

/** `schema.name` or `name` (PostgREST's way of naming db-pre-request), quoted part by part. */
function quoteQualifiedName(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? quoteIdent(name) : quoteIdent(name.slice(0, dot)) + '.' + quoteIdent(name.slice(dot + 1));
}

/**
 * For callers inside the main process only (the grid, "view as role"): run as this role without
 * a token. Never derived from anything a remote client sends; the HTTP adapter never sets it.
 */
export interface TrustedCaller {
  readonly role: string;
  readonly claims?: Readonly<Record<string, unknown>>;
  /**
   * May have query plans (Accept: application/vnd.pgrst.plan…) even where the database keeps
   * them off for Data API callers (the console's admin view).
   */
  readonly explain?: boolean;
}

/** What a set of requests run in one transaction came to (see Engine.handleInOneTransaction). */
export interface TransactionResponses {
  /** One per request; null for a request that did not run because an earlier one failed. */
  readonly responses: readonly (EngineResponse | null)[];
  /** True when every request succeeded and the transaction committed. */
  readonly committed: boolean;
}

export interface Engine {
  handle(req: EngineRequest, trusted?: TrustedCaller): Promise<EngineResponse>;
  /**
   * Runs the requests in order in ONE transaction as the trusted caller (the console's staged
   * edits): all take effect or none. The first that fails (an error, or a failed check such as
   * max-affected) rolls everything back; `rollback` previews the whole set and keeps nothing.
   */
  handleInOneTransaction(
    reqs: readonly EngineRequest[],
    trusted: TrustedCaller,
    options: { readonly rollback: boolean },
  ): Promise<TransactionResponses>;
  /** Reload the schema cache now (e.g. after DDL Pier ran); resolves when loaded or failed. */
  reloadSchema(): Promise<void>;
  /** The current schema cache, loading it if needed (for the grid and tree). */
  schemaCache(): Promise<SchemaCache | undefined>;
  /**
   * One relation for the console's grid: from the schema cache when its schema is exposed, else
   * described on demand (the cache describes only exposed schemas; such a relation has no
   * relationships the Data API would embed). Undefined when it does not exist.
   */
  describeRelation(
    schema: string,
    name: string,
  ): Promise<{ relation: Relation; relationships: readonly Relationship[]; exposed: boolean } | undefined>;
  close(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const log = options.log ?? (() => undefined);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const auth = createAuthenticator(options.jwt, options.roleClaimKey ?? '.sub', options.anonRole);
  const poolMax = (options.pool as unknown as { options?: { max?: number } }).options?.max ?? 10;
  const laneCount = Math.min(options.sharedConnections ?? Math.max(1, Math.floor(poolMax / 3)), poolMax - 1);
  const lanes = laneCount > 0 ? new BatchLanes(options.pool, laneCount) : undefined;
  const templates = new ReadTemplates();
  const holder = new SchemaCacheHolder(
    () => withConnection(options.pool, (c) => loadSchemaCache(c, { log, ...(options.readConfig && { readConfig: options.readConfig }) })),
    options.schemaWaitMs ?? 10_000,
  );
  // Clients only see 503 PGRST002; why the load failed goes to the log.
  const reload = () =>
    holder.reload().then(() => {
      if (holder.error) log(`Data API schema cache for ${options.database} failed to load: ${String(holder.error)}`);
    });
  void reload();

  // An idle pooled connection that the server drops (restart, pg_terminate_backend) is reported
  // on the pool; without a listener Node would treat it as fatal. The pool replaces it on demand.
  const onPoolError = (err: Error) => log(`Data API connection to ${options.database} lost: ${err.message}`);
  options.pool.on('error', onPoolError);

  let listener: Listener | undefined;
  if (options.listen !== false) {
    const config = typeof options.listen === 'object' ? options.listen : (options.pool as unknown as { options: pg.ClientConfig }).options;
    listener = listenForNotifications(
      config,
      options.channel ?? 'pgrst',
      (payload) => {
        const p = payload.trim().toLowerCase();
        if (p === '' || p === 'reload schema' || p === 'reload config') void reload();
      },
      (err) => log(`Data API listener for ${options.database}: ${String(err)}`),
      () => void reload(),
    );
  }

  const planOptions = { ...(options.maxRows !== undefined && { maxRows: options.maxRows }) };
  const privileges = new PrivilegeChecks();
  const optionsFor = (trusted: TrustedCaller | undefined) => (trusted?.explain ? { ...planOptions, explain: true } : planOptions);

  /** The database's own anonymous role (`pgrst.db_anon_role`), when no option sets one. */
  const databaseAnonRole = async (): Promise<string | undefined> => {
    const cache = await holder.get();
    return cache.ok ? cache.value.config.anonRole : undefined;
  };

  /** 413 for a body over the limit, before anything reads it. */
  const tooLarge = (req: EngineRequest): EngineResponse | undefined =>
    req.body !== undefined && req.body.length > maxBodyBytes
      ? errorResponse(bodyTooLarge(`The body has ${req.body.length} bytes; the limit is ${maxBodyBytes} bytes.`))
      : undefined;

  /** db-pre-request, quoted, per configuration (asked on every request; a reload brings a new one). */
  const preRequests = new WeakMap<DataApiConfig, string | null>();
  const preRequestOf = (config: DataApiConfig): string | undefined => {
    let quoted = preRequests.get(config);
    if (quoted === undefined)
      preRequests.set(config, (quoted = config.preRequest === undefined ? null : quoteQualifiedName(config.preRequest)));
    return quoted ?? undefined;
  };

  /**
   * What the statement runs under: the role and request settings (see runQuery). Built as one
   * literal with every field (undefined where absent): it is made on every request, and spreads
   * of conditional parts cost allocations and copies there.
   */
  const contextOf = (
    principal: { role: string; claims: Readonly<Record<string, unknown>> },
    api: ApiRequest,
    plan: ActionPlan,
    cache: SchemaCache,
    privilegeCheck: RequestContext['privileges'],
  ): RequestContext => ({
    role: principal.role,
    claims: principal.claims,
    method: api.method,
    path: api.path,
    headers: api.headers,
    statementTimeoutMs: options.statementTimeoutMs,
    timezone: plan.timezone,
    searchPath: searchPathOf(planSchema(plan), cache.config),
    preRequest: preRequestOf(cache.config),
    readWrite: plan.kind === 'mutate' || (plan.kind === 'call' && !plan.readOnly),
    settle: transactionEnd(plan),
    preparedEpoch: options.prepareStatements !== false ? cache : undefined,
    privileges: privilegeCheck,
  });

  async function handle(req: EngineRequest, trusted: TrustedCaller | undefined): Promise<EngineResponse> {
    const t0 = performance.now();
    const large = tooLarge(req);
    if (large) return large;
    const method = req.method.toUpperCase();
    // A read of a shape planned before skips reading its query string (see ReadTemplates).
    const shape = (method === 'GET' || method === 'HEAD') && options.rememberReadShapes !== false ? requestShape(req) : undefined;
    const current = holder.peek();
    const remembered = shape && current ? templates.find(current, shape) : undefined;
    const parsed = parseRequest(req, remembered ? emptyReadQuery : shape?.pairs);
    if (!parsed.ok) return errorResponse(parsed.error, { headOnly: method === 'HEAD' });
    const api = parsed.value;
    if (api.action.kind === 'options') {
      const cache = await holder.get();
      return { status: 200, headers: { allow: cache.ok ? allowedMethods(api, cache.value) : 'OPTIONS,GET,HEAD' }, body: '' };
    }
    const headOnly = api.action.kind !== 'mutate' && api.action.headOnly;
    const principal: Outcome<Principal> = trusted
      ? { ok: true, value: { role: trusted.role, claims: trusted.claims ?? { role: trusted.role }, anonymous: false } }
      : await auth.authenticate(
          api.bearer,
          options.anonRole === undefined && api.bearer === undefined ? await databaseAnonRole() : undefined,
        );
    if (!principal.ok) return errorResponse(principal.error, { headOnly });
    const authenticated = !principal.value.anonymous;
    const t1 = performance.now();
    const cache = await holder.get();
    if (!cache.ok) return errorResponse(cache.error, { headOnly });
    let plan: Outcome<ActionPlan>;
    let sql: SqlQuery;
    if (remembered && cache.value === current) {
      plan = { ok: true, value: remembered.plan };
      sql = remembered.sql;
    } else {
      // The cache was reloaded since the look-up: read the query string after all.
      const full = remembered ? parseRequest(req, shape?.pairs) : parsed;
      if (!full.ok) return errorResponse(full.error, { headOnly });
      plan = planRequest(full.value, cache.value, optionsFor(trusted));
      if (!plan.ok) return errorResponse(plan.error, { headOnly });
      sql = buildQuery(plan.value);
      // Plans are diagnostics (and allowed per caller): only rows are remembered.
      if (shape && plan.value.kind === 'read' && plan.value.media.kind !== 'plan' && !templates.known(cache.value, shape)) {
        const schema = cache.value;
        templates.learn(schema, shape, plan.value, sql, (rawQuery) => {
          const marked = parseRequest({ ...req, rawQuery });
          const markedPlan = marked.ok ? planRequest(marked.value, schema, planOptions) : undefined;
          return markedPlan?.ok && markedPlan.value.kind === 'read' ? buildQuery(markedPlan.value) : undefined;
        });
      }
    }
    const t2 = performance.now();
    const ctx = contextOf(principal.value, api, plan.value, cache.value, privileges.check(plan.value, cache.value));
    let result = await runQuery(options.pool, sql, ctx, lanes);
    if (!result.ok && result.error.step === 'rowSecurity') {
      // Row-level security applies to a table of this read after all: guard it from now on and run the read again.
      privileges.learn(cache.value, plan.value, result.error.tables ?? []);
      result = await runQuery(options.pool, sql, { ...ctx, privileges: GUARDED }, lanes);
    }
    const t3 = performance.now();
    const response = result.ok
      ? toResponse(plan.value, result.value, { rawQuery: req.rawQuery })
      : dbErrorResponse(result.error, principal.value.role, authenticated, headOnly);
    const t4 = performance.now();
    if (options.serverTiming !== false)
      response.headers['server-timing'] = serverTiming({ parse: t1 - t0, plan: t2 - t1, query: t3 - t2, render: t4 - t3 });
    return response;
  }

  async function handleInOneTransaction(
    reqs: readonly EngineRequest[],
    trusted: TrustedCaller,
    rollback: boolean,
  ): Promise<TransactionResponses> {
    const refuse = (index: number, response: EngineResponse): TransactionResponses => ({
      responses: reqs.map((_, i) => (i === index ? response : null)),
      committed: false,
    });
    const cache = await holder.get();
    if (!cache.ok) return refuse(0, errorResponse(cache.error));
    // Everything is parsed and planned before anything runs: a bad request changes nothing.
    const planned: { plan: ActionPlan; query: SqlQuery; ctx: RequestContext }[] = [];
    for (const [i, req] of reqs.entries()) {
      const large = tooLarge(req);
      if (large) return refuse(i, large);
      const parsed = parseRequest(req);
      if (!parsed.ok) return refuse(i, errorResponse(parsed.error));
      const plan = planRequest(parsed.value, cache.value, optionsFor(trusted));
      if (!plan.ok) return refuse(i, errorResponse(plan.error));
      if (plan.value.kind === 'openapi') return refuse(i, errorResponse(descriptionNotInTransaction()));
      const principal = { role: trusted.role, claims: trusted.claims ?? { role: trusted.role } };
      // runInOneTransaction keeps its own BEGIN … COMMIT, READ WRITE and guard; it reads the settings only.
      const ctx = contextOf(principal, parsed.value, plan.value, cache.value, undefined);
      planned.push({ plan: plan.value, query: buildQuery(plan.value), ctx });
    }
    const respond = (i: number, r: DbResult) => toResponse(planned[i]!.plan, r, { rawQuery: reqs[i]!.rawQuery });
    const run = await runInOneTransaction(options.pool, planned, (i, r) => respond(i, r).status < 400, rollback);
    const responses = reqs.map((_, i) => {
      const outcome = run.outcomes[i];
      if (!outcome) return null;
      return outcome.ok ? respond(i, outcome.value) : dbErrorResponse(outcome.error, trusted.role, true, false);
    });
    if (run.commitFailure) responses[responses.length - 1] = dbErrorResponse(run.commitFailure, trusted.role, true, false);
    return { responses, committed: run.committed };
  }

  return {
    handleInOneTransaction: (reqs, trusted, opts) => handleInOneTransaction(reqs, trusted, opts.rollback),
    async handle(req, trusted) {
      if (isPreflight(req.method, req.headers)) {
        const headers = preflightHeaders(options.cors, req.headers);
        if (headers) return { status: 200, headers, body: '' };
      }
      let response: EngineResponse;
      try {
        response = await handle(req, trusted);
      } catch (err) {
        log(`Data API request failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        response = errorResponse(internalError(err instanceof Error ? err.message : String(err)));
      }
      if (options.cors) Object.assign(response.headers, corsHeaders(options.cors, req.headers));
      // The answer depends on these request headers (PostgREST sends this on every success).
      if (response.status < 400) {
        const vary = response.headers['vary'];
        response.headers['vary'] = vary === undefined ? 'Accept, Prefer, Range' : `${vary}, Accept, Prefer, Range`;
      }
      return holder.peek()?.config.errorVerbosity === 'minimal' ? minimalError(response) : response;
    },
    reloadSchema: reload,
    async schemaCache() {
      const c = await holder.get();
      return c.ok ? c.value : undefined;
    },
    async describeRelation(schema, name) {
      const c = await holder.get();
      if (!c.ok) return undefined;
      if (c.value.config.dbSchemas.includes(schema)) {
        const relation = findRelation(c.value, schema, name);
        return relation && { relation, relationships: relationshipsFrom(c.value, relation), exposed: true };
      }
      const relation = await withConnection(options.pool, (s) => describeUnexposedRelation(s, schema, name));
      return relation && { relation, relationships: [], exposed: false };
    },
    async close() {
      await listener?.close();
      if (options.ownsPool) {
        // Connections may still report errors while they close (e.g. the server shuts down at the
        // same time): the listener stays so such a late error is logged, not thrown.
        await options.pool.end();
      } else {
        options.pool.off('error', onPoolError);
      }
    },
  };
}
