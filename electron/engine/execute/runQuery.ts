/**
 * Runs one request in one transaction on a connection of the authenticator's pool: the role
 * switch and request settings in one statement, then the query (and, for planned counts, its
 * EXPLAIN). The only folder that talks to pg.
 */
import type pg from 'pg';
import type { SqlQuery } from '../sql/SqlQuery';

export interface RequestContext {
  /** The Postgres role the request runs as. */
  readonly role: string;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly statementTimeoutMs?: number;
}

export interface DbResult {
  readonly totalResultSet: number | null;
  readonly pageTotal: number;
  readonly body: string | null;
  /** From EXPLAIN, for planned/estimated counts. */
  readonly plannedTotal: number | null;
  readonly queryMs: number;
}

/** A Postgres error, with the step it came from (the role switch fails differently). */
export interface DbFailure {
  readonly step: 'connect' | 'role' | 'query';
  readonly code: string;
  readonly message: string;
  readonly details: string | null;
  readonly hint: string | null;
}

export type DbOutcome = { readonly ok: true; readonly value: DbResult } | { readonly ok: false; readonly error: DbFailure };

const SETTINGS_SQL =
  `SELECT set_config('role', $1, true), set_config('request.jwt.claims', $2, true), ` +
  `set_config('request.method', $3, true), set_config('request.path', $4, true), ` +
  `set_config('request.headers', $5, true), set_config('statement_timeout', $6, true)`;

function failure(step: DbFailure['step'], err: unknown): DbFailure {
  const e = err as Partial<pg.DatabaseError> & { message?: string };
  // Socket errors (ECONNREFUSED, ECONNRESET…) are not SQLSTATEs: they mean the database is away.
  const sqlstate = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  return {
    step,
    code: sqlstate ?? (step === 'connect' ? 'PGRST000' : 'PGRST001'),
    message: e.message ?? String(err),
    details: e.detail ?? null,
    hint: e.hint ?? null,
  };
}

export async function runQuery(pool: pg.Pool, query: SqlQuery, ctx: RequestContext): Promise<DbOutcome> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    return { ok: false, error: failure('connect', err) };
  }
  let broken = false;
  const started = performance.now();
  try {
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY');
    try {
      await client.query(SETTINGS_SQL, [
        ctx.role,
        JSON.stringify(ctx.claims),
        ctx.method,
        ctx.path,
        JSON.stringify(ctx.headers),
        String(ctx.statementTimeoutMs ?? 0),
      ]);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      return { ok: false, error: failure('role', err) };
    }
    let plannedTotal: number | null = null;
    try {
      if (query.explain) {
        const r = await client.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(query.explain.text, [...query.explain.values]);
        plannedTotal = r.rows[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? null;
      }
      const r = await client.query<{ total_result_set: string | null; page_total: string; body: string | null }>(query.main.text, [...query.main.values]);
      await client.query('COMMIT');
      const row = r.rows[0];
      return {
        ok: true,
        value: {
          totalResultSet: row?.total_result_set == null ? null : Number(row.total_result_set),
          pageTotal: Number(row?.page_total ?? 0),
          body: row?.body ?? null,
          plannedTotal,
          queryMs: performance.now() - started,
        },
      };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      return { ok: false, error: failure('query', err) };
    }
  } catch (err) {
    broken = true;
    return { ok: false, error: failure('connect', err) };
  } finally {
    // A connection that failed mid-transaction is not handed to the next request.
    client.release(broken ? true : undefined);
  }
}
