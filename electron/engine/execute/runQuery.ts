/**
 * Runs one request in one transaction on a connection of the authenticator's pool: the role
 * switch and request settings in one statement, then the query (and, for planned counts, its
 * EXPLAIN). The only folder that talks to pg.
 */
import type pg from 'pg';
import { freshConnection, isConnectionLost } from './freshConnection';
import type { SqlQuery } from '../sql/SqlQuery';
import type { BatchLanes } from './BatchLanes';
import {
  forgetFingerprint,
  isPrivilegesChanged,
  privilegedBatch,
  privilegedPrelude,
  rowSecurityActiveIn,
  type PrivilegeCheck,
} from './privilegedBatch';
import { sendTransaction, TransactionError, type BatchBuilder, type BatchStatement } from './sendTransaction';

export interface RequestContext {
  /** The Postgres role the request runs as. */
  readonly role: string;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly statementTimeoutMs?: number;
  /** Prefer: timezone=…, already checked against pg_timezone_names. */
  readonly timezone?: string;
  /** Writes and volatile calls run READ WRITE; everything else READ ONLY. */
  readonly readWrite?: boolean;
  /** The request's search_path, as PostgREST sets it: its schema, then the extra ones (quoted). */
  readonly searchPath?: string;
  /** db-pre-request: the function (quoted, maybe qualified) called after the settings, before the statement. */
  readonly preRequest?: string;
  /**
   * Decides, once the statement has run, whether to COMMIT or ROLLBACK (dry runs, max-affected,
   * singular checks). Without it COMMIT goes in the same round trip as the statement.
   */
  readonly settle?: (result: DbResult) => 'commit' | 'rollback';
  /**
   * Prepare the statements under a name per connection, reused while this object (the schema
   * cache the SQL was built from) is current; a new one closes the old statements.
   */
  readonly preparedEpoch?: object;
  /** What the batch checks so no plan made under old privileges answers (default: guarded). */
  readonly privileges?: PrivilegeCheck;
}

export interface DbResult {
  readonly totalResultSet: number | null;
  readonly pageTotal: number;
  readonly body: string | null;
  /** A single inserted row's primary key as a JSON object, for the Location header. */
  readonly location: string | null;
  /** How many rows an upsert inserted (the others updated an existing row); null for other statements. */
  readonly inserted?: number | null;
  /** From EXPLAIN, for planned/estimated counts. */
  readonly plannedTotal: number | null;
  readonly queryMs: number;
}

/** A Postgres error, with the step it came from (the role switch fails differently). */
export interface DbFailure {
  /**
   * `commit`: the statement ran but COMMIT failed, so whether it took effect is unknown.
   * `rowSecurity`: nothing ran — row-level security applies to `tables` (positions in the
   * request's `rowSecurityOff` check) after all; the engine runs it again, guarded.
   */
  readonly step: 'connect' | 'role' | 'query' | 'commit' | 'rowSecurity';
  readonly tables?: readonly number[];
  /** Postgres' error code; none when the connection failed rather than a statement (see errors/sqlStateStatus). */
  readonly sqlState: string | undefined;
  readonly message: string;
  readonly details: string | null;
  readonly hint: string | null;
}

export type DbOutcome = { readonly ok: true; readonly value: DbResult } | { readonly ok: false; readonly error: DbFailure };

/** Exported for the benchmark, which has pgbench run the identical transaction. */
export const SETTINGS_SQL =
  `SELECT set_config('role', $1, true), set_config('request.jwt.claims', $2, true), ` +
  `set_config('request.method', $3, true), set_config('request.path', $4, true), ` +
  `set_config('request.headers', $5, true), set_config('request.cookies', $6, true), ` +
  `set_config('statement_timeout', $7, true), set_config('timezone', coalesce($8, current_setting('timezone')), true), ` +
  // Reads run read-only even without an explicit BEGIN … READ ONLY (see sendTransaction).
  `set_config('transaction_read_only', $9, true), set_config('search_path', coalesce($10, current_setting('search_path')), true)`;

/** `a=1; b=2` → {a: "1", b: "2"}, for request.cookies. */
function cookiesOf(header: string | undefined): Record<string, string> {
  if (header === undefined) return {};
  const pairs: [string, string][] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) pairs.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
  }
  // fromEntries defines own properties: a cookie named `__proto__` is kept as a name.
  return Object.fromEntries(pairs);
}

/** request.jwt.claims' JSON per claims object: the anonymous principal's is the same object every request. */
const claimsJson = new WeakMap<object, string>();

function claimsText(claims: Readonly<Record<string, unknown>>): string {
  let json = claimsJson.get(claims);
  if (json === undefined) claimsJson.set(claims, (json = JSON.stringify(claims)));
  return json;
}

/** The parameters of SETTINGS_SQL for a request. */
export function settingsValues(ctx: RequestContext): (string | null)[] {
  const cookie = ctx.headers['cookie'];
  return [
    ctx.role,
    claimsText(ctx.claims),
    ctx.method,
    ctx.path,
    JSON.stringify(ctx.headers),
    cookie === undefined ? '{}' : JSON.stringify(cookiesOf(cookie)),
    ctx.statementTimeoutMs === undefined ? '0' : String(ctx.statementTimeoutMs),
    ctx.timezone ?? null,
    ctx.readWrite ? 'off' : 'on',
    ctx.searchPath ?? null,
  ];
}

/** The pre-request call per function name (the same few names on every request). */
const preRequestStatements = new Map<string, BatchStatement>();

/** The pre-request call, as a statement of the request's batch (its row is never read). */
function preRequestStatement(ctx: RequestContext): BatchStatement | undefined {
  if (ctx.preRequest === undefined) return undefined;
  let statement = preRequestStatements.get(ctx.preRequest);
  if (!statement) {
    statement = { text: `SELECT ${ctx.preRequest}()`, values: [], discardRows: true };
    if (preRequestStatements.size > 100) preRequestStatements.clear();
    preRequestStatements.set(ctx.preRequest, statement);
  }
  return statement;
}

/** The BEGIN a request's transaction starts with. */
export function beginSql(readWrite: boolean): string {
  return `BEGIN ISOLATION LEVEL READ COMMITTED ${readWrite ? 'READ WRITE' : 'READ ONLY'}`;
}

function failure(step: DbFailure['step'], err: unknown): DbFailure {
  const e = err as Partial<pg.DatabaseError> & { message?: string };
  const tables = rowSecurityActiveIn(err);
  if (tables) return { step: 'rowSecurity', tables, sqlState: undefined, message: e.message ?? String(err), details: null, hint: null };
  // Socket errors (ECONNREFUSED, EPIPE…) are not SQLSTATEs, though EPIPE looks like one: only a
  // server error message (it has a severity) carries a SQLSTATE. The others mean the database is away.
  const fromServer = typeof e.severity === 'string';
  const sqlstate = fromServer && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  return {
    step,
    sqlState: sqlstate,
    message: e.message ?? String(err),
    details: e.detail ?? null,
    hint: e.hint ?? null,
  };
}

/** Without a check named, a request is guarded (see privilegedBatch). */
const GUARDED: PrivilegeCheck = { kind: 'guarded' };

/** pg's Connection behind a client: the key per-connection state is kept under. */
function connectionOf(client: pg.ClientBase): object {
  return (client as unknown as { connection: object }).connection;
}

/**
 * Runs a request's transaction. Usually as one batch with one Sync (see sendTransaction): the
 * settings with their privilege check, (EXPLAIN,) the statement, committed by Postgres at the
 * Sync — one write, one round trip. When the outcome decides between COMMIT and ROLLBACK
 * (`settle`), it sends BEGIN, the settings, the statement (pipelined when the pool is), then
 * COMMIT or ROLLBACK. If a statement fails, Postgres skips the rest and rolls back; the first
 * failure is the one reported. A batch stopped by the privilege check ran nothing and is sent
 * again once, after DISCARD PLANS (see privilegedBatch).
 */
export async function runQuery(pool: pg.Pool, query: SqlQuery, ctx: RequestContext, lanes?: BatchLanes): Promise<DbOutcome> {
  const outcome = await runQueryOn(pool, query, ctx, lanes);
  // A pooled connection can be dead before the pool hears of it (an endpoint suspended and woken).
  // A read's transaction is READ ONLY, so it wrote nothing: once more, on a connection made now.
  // A write is never sent twice (its COMMIT may have happened).
  if (outcome.ok || ctx.readWrite || !isConnectionLost(outcome.error)) return outcome;
  return runQueryOn(freshConnection(pool), query, ctx, undefined);
}

async function runQueryOn(pool: pg.Pool, query: SqlQuery, ctx: RequestContext, lanes: BatchLanes | undefined): Promise<DbOutcome> {
  // Writes keep a connection each: on a shared one their commits queue behind each other instead
  // of sharing WAL flushes (group commit), and the bench showed no gain for them.
  if (lanes && !ctx.settle && !ctx.readWrite) return runOnLanes(lanes, query, ctx);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    return { ok: false, error: failure('connect', err) };
  }
  // The pool stops listening for a client's errors while it is lent out; a socket that dies
  // then (server restart, dropped connection) would be an uncaught 'error' event and end the
  // process. The failure still reaches every pending query, which is how it is reported.
  const onError = () => undefined;
  client.on('error', onError);
  const release = (destroy?: boolean) => {
    if (!destroy) client.off('error', onError);
    client.release(destroy);
  };
  const started = performance.now();
  if (!ctx.settle) return runBatch(client, release, query, ctx, started);
  let outcome = await runSettled(client, query, ctx, ctx.settle, started, false);
  if (outcome.kind === 'privilegesChanged') outcome = await runSettled(client, query, ctx, ctx.settle, started, true);
  if (outcome.kind === 'privilegesChanged') {
    release();
    return { ok: false, error: failure('role', outcome.error) };
  }
  release(outcome.destroy || undefined);
  return outcome.outcome;
}

type Settled =
  | { readonly kind: 'done'; readonly outcome: DbOutcome; readonly destroy: boolean }
  /** The privilege check stopped it; rolled back, the connection sound. */
  | { readonly kind: 'privilegesChanged'; readonly error: unknown };

/** BEGIN, the checked settings, the statement, then COMMIT or ROLLBACK as `settle` decides. */
async function runSettled(
  client: pg.PoolClient,
  query: SqlQuery,
  ctx: RequestContext,
  settle: (result: DbResult) => 'commit' | 'rollback',
  started: number,
  fresh: boolean,
): Promise<Settled> {
  type Step = { step: DbFailure['step']; result: Promise<pg.QueryResult> };
  const send = (step: DbFailure['step'], text: string, values?: readonly unknown[]): Step => {
    const result = client.query(text, values ? [...values] : undefined);
    // Every result is awaited below; this only keeps an early rejection from being "unhandled".
    result.catch(() => undefined);
    return { step, result };
  };
  const connection = connectionOf(client);
  const checked = privilegedPrelude(connection, { text: SETTINGS_SQL, values: settingsValues(ctx) }, ctx.privileges ?? GUARDED, fresh);
  // A pipelined client writes each statement as it is queued; corking its socket meanwhile makes
  // the whole transaction one write (one syscall instead of four), which under load is most of
  // the engine's own cost. Without pipelining pg writes one statement per round trip anyway.
  const socket = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection?.stream;
  socket?.cork?.();
  const steps: Step[] = [];
  let main: Step;
  let explain: Step | undefined;
  try {
    for (const s of checked.before) steps.push(send('role', s.text, s.values));
    steps.push(send('query', beginSql(ctx.readWrite ?? false)), send('role', checked.settings.text, checked.settings.values));
    const pre = preRequestStatement(ctx);
    if (pre) steps.push(send('query', pre.text));
    explain = query.explain ? send('query', query.explain.text, query.explain.values) : undefined;
    if (explain) steps.push(explain);
    main = send('query', query.main.text, query.main.values);
    steps.push(main);
  } finally {
    socket?.uncork?.();
  }
  const settled = await Promise.allSettled(steps.map((s) => s.result));
  const firstFailure = settled.findIndex((r) => r.status === 'rejected');
  if (firstFailure >= 0) {
    // A failed transaction is still open; a ROLLBACK that works proves the connection sound.
    // Otherwise it may be broken: never reuse it.
    const clean = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    const reason = (settled[firstFailure] as PromiseRejectedResult).reason as unknown;
    if (isPrivilegesChanged(reason)) {
      forgetFingerprint(connection);
      if (clean) return { kind: 'privilegesChanged', error: reason };
    }
    return { kind: 'done', outcome: { ok: false, error: failure(steps[firstFailure]!.step, reason) }, destroy: !clean };
  }
  if (checked.before.length > 0) checked.learn(((await steps[1]!.result) as pg.QueryResult | undefined) ?? undefined);
  const value = await resultOf(main.result, explain?.result, started);
  const verdict = settle(value);
  try {
    await client.query(verdict === 'commit' ? 'COMMIT' : 'ROLLBACK');
  } catch (err) {
    // The connection died around COMMIT: the write may or may not have happened. Never report success.
    return { kind: 'done', outcome: { ok: false, error: failure(verdict === 'commit' ? 'commit' : 'query', err) }, destroy: true };
  }
  return { kind: 'done', outcome: { ok: true, value }, destroy: false };
}

/**
 * The request's batch, built for the connection it goes out on: the settings with their
 * privilege check (see privilegedBatch), the db-pre-request call, the EXPLAIN for a planned count, the statement.
 */
function batchOf(query: SqlQuery, ctx: RequestContext, fresh: boolean): BatchBuilder {
  const settings = { text: SETTINGS_SQL, values: settingsValues(ctx) };
  const statements: BatchStatement[] = [];
  const pre = preRequestStatement(ctx);
  if (pre) statements.push(pre);
  if (query.explain) statements.push(query.explain);
  statements.push(query.main);
  return (connection) => privilegedBatch(connection, settings, ctx.privileges ?? GUARDED, statements, fresh);
}

/**
 * Sends the batch, again once for a prepared statement whose result columns changed under it
 * (DDL the schema cache has not caught up with) and once, after DISCARD PLANS, when the
 * privilege check stopped it. Either way the first attempt rolled back and ran nothing.
 */
function sendChecked(
  send: (build: BatchBuilder) => Promise<pg.QueryResult[]>,
  query: SqlQuery,
  ctx: RequestContext,
  fresh = false,
  attempt = 0,
): Promise<pg.QueryResult[]> {
  // The usual case is one send; the retries hang off its rejection.
  return send(batchOf(query, ctx, fresh)).catch((err: unknown) => {
    if (attempt >= 2 || !(err instanceof TransactionError)) throw err;
    if (err.prepared && isStalePlan(err.failure)) {
      err.prepared.reset();
      return sendChecked(send, query, ctx, fresh, attempt + 1);
    }
    if (isPrivilegesChanged(err.failure) && !fresh) return sendChecked(send, query, ctx, true, attempt + 1);
    throw err;
  });
}

/** The usual path: one implicit transaction, one Sync. */
async function runBatch(
  client: pg.PoolClient,
  release: (destroy?: boolean) => void,
  query: SqlQuery,
  ctx: RequestContext,
  started: number,
): Promise<DbOutcome> {
  let results: pg.QueryResult[];
  try {
    results = await sendChecked((build) => sendTransaction(client, build, ctx.preparedEpoch), query, ctx);
  } catch (err) {
    const e = err instanceof TransactionError ? err : new TransactionError(err, 0);
    const fromServer = typeof (e.failure as { severity?: unknown } | null)?.severity === 'string';
    // A server error ends the batch cleanly (rolled back, ready for more); anything else may have
    // left the connection broken, and for a write the commit may or may not have happened.
    release(fromServer ? undefined : true);
    const step: DbFailure['step'] = !fromServer && ctx.readWrite ? 'commit' : e.completed === 0 ? 'role' : 'query';
    return { ok: false, error: failure(step, e.failure) };
  }
  release();
  const main = results[results.length - 1]!;
  const explain = query.explain ? results[results.length - 2] : undefined;
  return { ok: true, value: await resultOf(Promise.resolve(main), explain && Promise.resolve(explain), started) };
}

/** The one-Sync path on shared connections (see BatchLanes); errors as in runBatch. */
async function runOnLanes(lanes: BatchLanes, query: SqlQuery, ctx: RequestContext): Promise<DbOutcome> {
  const started = performance.now();
  let results: pg.QueryResult[];
  try {
    results = await sendChecked((build) => lanes.run(build, ctx.preparedEpoch), query, ctx);
  } catch (err) {
    if (!(err instanceof TransactionError)) return { ok: false, error: failure('connect', err) };
    const fromServer = typeof (err.failure as { severity?: unknown } | null)?.severity === 'string';
    const step: DbFailure['step'] = !fromServer && ctx.readWrite ? 'commit' : err.completed === 0 ? 'role' : 'query';
    return { ok: false, error: failure(step, err.failure) };
  }
  const main = results[results.length - 1]!;
  const explain = query.explain ? results[results.length - 2] : undefined;
  return { ok: true, value: await resultOf(Promise.resolve(main), explain && Promise.resolve(explain), started) };
}

/** "cached plan must not change result type" (feature_not_supported, raised by the plan cache). */
function isStalePlan(err: unknown): boolean {
  const e = err as { code?: unknown; severity?: unknown; routine?: unknown } | null;
  return (
    e?.code === '0A000' &&
    (e.routine === 'RevalidateCachedQuery' ||
      /cached plan must not change result type/.test(String((err as { message?: unknown }).message)))
  );
}

async function resultOf(main: Promise<pg.QueryResult>, explain: Promise<pg.QueryResult> | undefined, started: number): Promise<DbResult> {
  const mainResult = (await main) as pg.QueryResult<{
    total_result_set: string | null;
    page_total: string;
    body: string | null;
    location?: string | null;
    inserted?: number | null;
  }>;
  let plannedTotal: number | null = null;
  if (explain) {
    const plan = (await explain) as pg.QueryResult<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>;
    plannedTotal = plan.rows[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? null;
  }
  const row = mainResult.rows[0];
  const plan = (row as Record<string, unknown> | undefined)?.['QUERY PLAN'];
  if (plan !== undefined) {
    // An EXPLAIN (Accept: application/vnd.pgrst.plan…): JSON format is one row, text one row per line.
    const body =
      typeof plan === 'string'
        ? mainResult.rows.map((r) => String((r as Record<string, unknown>)['QUERY PLAN'])).join('\n')
        : JSON.stringify(plan);
    return { totalResultSet: null, pageTotal: 0, body, location: null, plannedTotal, queryMs: performance.now() - started };
  }
  return {
    totalResultSet: row?.total_result_set == null ? null : Number(row.total_result_set),
    pageTotal: Number(row?.page_total ?? 0),
    body: row?.body ?? null,
    location: row?.location ?? null,
    inserted: row?.inserted ?? null,
    plannedTotal,
    queryMs: performance.now() - started,
  };
}

/** What running several requests' statements in one transaction came to (see runInOneTransaction). */
export interface TransactionOutcome {
  /** One per statement that ran, in order; the run stops at the first failure. */
  readonly outcomes: readonly DbOutcome[];
  readonly committed: boolean;
  /** COMMIT itself failed (connection lost): whether anything took effect is unknown. */
  readonly commitFailure?: DbFailure;
}

/**
 * Runs several requests' statements in ONE transaction on one connection, each after its own
 * settings (role, request.*), in order. `accept` judges each result (a write past its
 * max-affected, say); the first statement that fails or is not accepted ends the run with
 * ROLLBACK, as does `rollback` (a preview of the whole set). Otherwise COMMIT: all or nothing.
 */
export async function runInOneTransaction(
  pool: pg.Pool,
  items: readonly { readonly query: SqlQuery; readonly ctx: RequestContext }[],
  accept: (index: number, result: DbResult) => boolean,
  rollback: boolean,
): Promise<TransactionOutcome> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    return { outcomes: [{ ok: false, error: failure('connect', err) }], committed: false };
  }
  const onError = () => undefined;
  client.on('error', onError);
  let broken = false;
  try {
    let run = await runItems(client, items, accept, rollback, false);
    // Stopped by the privilege check before anything ran: once more, after DISCARD PLANS.
    if (run === 'privilegesChanged') run = await runItems(client, items, accept, rollback, true);
    if (run === 'privilegesChanged') throw new Error('The privilege check failed twice in a row');
    broken = run.broken;
    return run.outcome;
  } finally {
    if (!broken) client.off('error', onError);
    client.release(broken || undefined);
  }
}

async function runItems(
  client: pg.PoolClient,
  items: readonly { readonly query: SqlQuery; readonly ctx: RequestContext }[],
  accept: (index: number, result: DbResult) => boolean,
  rollback: boolean,
  fresh: boolean,
): Promise<{ outcome: TransactionOutcome; broken: boolean } | 'privilegesChanged'> {
  const outcomes: DbOutcome[] = [];
  let failed = false;
  const connection = connectionOf(client);
  // Every statement may write: the transaction stays READ WRITE whatever the request is.
  const settingsOf = (ctx: RequestContext) => ({ text: SETTINGS_SQL, values: settingsValues({ ...ctx, readWrite: true }) });
  // Writes run user code (triggers, defaults): the first settings statement carries the guard.
  const checked = items[0] && privilegedPrelude(connection, settingsOf(items[0].ctx), GUARDED, fresh);
  try {
    const before = (checked?.before ?? []).map((s) => client.query(s.text, [...s.values]));
    for (const b of before) b.catch(() => undefined);
    await Promise.all(before);
    if (checked && before.length > 1) checked.learn(await before[1]);
    await client.query(beginSql(true));
  } catch (err) {
    return { outcome: { outcomes: [{ ok: false, error: failure('connect', err) }], committed: false }, broken: true };
  }
  for (const [i, { query, ctx }] of items.entries()) {
    const started = performance.now();
    try {
      const settings = i === 0 && checked ? checked.settings : settingsOf(ctx);
      await client.query(settings.text, [...settings.values]);
    } catch (err) {
      if (i === 0 && isPrivilegesChanged(err)) {
        forgetFingerprint(connection);
        const clean = await client.query('ROLLBACK').then(
          () => true,
          () => false,
        );
        if (clean) return 'privilegesChanged';
      }
      outcomes.push({ ok: false, error: failure('role', err) });
      failed = true;
      break;
    }
    try {
      const pre = preRequestStatement(ctx);
      if (pre) await client.query(pre.text);
      const explain = query.explain ? client.query(query.explain.text, [...query.explain.values]) : undefined;
      explain?.catch(() => undefined); // awaited in resultOf; this only keeps an early failure from being "unhandled"
      const value = await resultOf(client.query(query.main.text, [...query.main.values]), explain, started);
      outcomes.push({ ok: true, value });
      if (!accept(i, value)) {
        failed = true;
        break;
      }
    } catch (err) {
      outcomes.push({ ok: false, error: failure('query', err) });
      failed = true;
      break;
    }
  }
  if (failed || rollback) {
    const clean = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    return { outcome: { outcomes, committed: false }, broken: !clean };
  }
  try {
    await client.query('COMMIT');
  } catch (err) {
    return { outcome: { outcomes, committed: false, commitFailure: failure('commit', err) }, broken: true };
  }
  return { outcome: { outcomes, committed: true }, broken: false };
}
