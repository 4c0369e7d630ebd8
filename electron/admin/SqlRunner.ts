import type pg from 'pg';
import type { ViewAs } from '../../shared/contract/dataApi';
import type { SqlResultSet, SqlRunMode, SqlRunOutput } from '../../shared/contract/sql';
import { assertNever } from '../../shared/contract/result';
import { escapesIdentity, splitStatements } from '../../shared/contract/sqlStatements';
import { SCHEMA_CHANGED_SETTING } from '../../shared/dataapi/schemaWatch';
import { RELOAD_SCHEMA_SQL } from './applyStatements';

/** Command tags after which the engines' schema caches may be stale. */
const SCHEMA_COMMANDS = new Set(['CREATE', 'ALTER', 'DROP', 'GRANT', 'REVOKE', 'COMMENT']);

export interface SqlRunRequest {
  readonly runId: string;
  readonly sql: string;
  readonly viewAs: ViewAs;
  readonly mode: SqlRunMode;
  readonly rowLimit: number;
}

/**
 * Runs the SQL editor's statements on a dedicated connection, in one transaction: as the admin, or
 * as an identity via set_config('role', …, true) so grants and RLS apply as for a Data API request.
 * EXPLAIN ANALYZE executes the statement, so that transaction is always rolled back. Running runs
 * are remembered by id with their backend pid, which is what `cancel` signals.
 */
export class SqlRunner {
  /** Each branch is its own cluster: a cancel must be sent through the pool the run uses. */
  private readonly running = new Map<string, { pid: number; pool: pg.Pool }>();
  private readonly cancelled = new Set<string>();

  /** `afterSchemaChange` runs after a committed script that changed the schema, before the answer. */
  async run(pool: pg.Pool, request: SqlRunRequest, afterSchemaChange?: () => Promise<void>): Promise<SqlRunOutput> {
    const started = performance.now();
    const client = await pool.connect();
    let broken = false;
    let login = '';
    try {
      const session = await client.query<{ pid: number; login: string }>('SELECT pg_backend_pid() AS pid, session_user AS login');
      login = session.rows[0]!.login;
      this.running.set(request.runId, { pid: session.rows[0]!.pid, pool });
      await client.query('BEGIN');
      if (request.viewAs.kind === 'identity') await client.query(`SELECT set_config('role', $1, true)`, [request.viewAs.role]);
      let plan: unknown = null;
      let results: SqlResultSet[];
      let schemaChanged = false;
      switch (request.mode) {
        case 'run': {
          const sets = request.viewAs.kind === 'identity' ? await runAsIdentity(client, request.sql) : await runScript(client, request.sql);
          // DDL run here must reach the Data API engines too; the notification is delivered at commit.
          // The tag misses some (CREATE TABLE … AS answers SELECT); the schema watch's flag does not.
          schemaChanged = sets.some((r) => SCHEMA_COMMANDS.has((r.command ?? '').toUpperCase())) || (await watchSawSchemaChange(client));
          if (schemaChanged) await client.query(RELOAD_SCHEMA_SQL);
          await client.query('COMMIT');
          // The NOTIFY reaches listening engines a moment later; the grid may open the new table at once.
          if (schemaChanged) await afterSchemaChange?.().catch(() => undefined);
          const typeNames = await readTypeNames(
            client,
            sets.flatMap((r) => (r.fields ?? []).map((f) => f.dataTypeID)),
          );
          results = sets.map((r) => toResultSet(r, request.rowLimit, typeNames));
          break;
        }
        case 'explain':
        case 'explainAnalyze': {
          const options = request.mode === 'explainAnalyze' ? 'ANALYZE, BUFFERS, FORMAT JSON' : 'FORMAT JSON';
          // One statement only (extended protocol); what EXPLAIN ANALYZE changed is undone below.
          const r = await client.query<{ 'QUERY PLAN': unknown }>({
            text: `EXPLAIN (${options}) ${request.sql}`,
            values: [],
            queryMode: 'extended',
          } as pg.QueryConfig);
          plan = r.rows[0]?.['QUERY PLAN'] ?? null;
          results = [];
          await client.query('ROLLBACK');
          break;
        }
        default:
          return assertNever(request.mode, 'sql run mode');
      }
      return { kind: 'ok', results, durationMs: performance.now() - started, plan, ...(schemaChanged && { schemaChanged }) };
    } catch (err) {
      if (err instanceof IdentityEscapeError) {
        await client.query('ROLLBACK');
        return {
          kind: 'error',
          code: null,
          message: err.message,
          detail: null,
          hint: err.hint,
          position: err.position,
          cancelled: false,
          durationMs: performance.now() - started,
        };
      }
      const e = err as { code?: string; message?: string; detail?: string; hint?: string; position?: string; statementStart?: number };
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      if (!e.code) {
        broken = true;
        throw err;
      }
      return {
        kind: 'error',
        code: e.code,
        message: e.message ?? 'PostgreSQL reported an error.',
        detail: e.detail ?? null,
        hint: e.hint ?? roleSwitchHint(e, request.viewAs, login),
        position: e.position ? Number(e.position) + (e.statementStart ?? 0) : null,
        cancelled: e.code === '57014' && this.cancelled.has(request.runId),
        durationMs: performance.now() - started,
      };
    } finally {
      this.running.delete(request.runId);
      this.cancelled.delete(request.runId);
      client.release(broken);
    }
  }

  /** Asks Postgres to cancel the run's current statement; false when it is not running (any more). */
  async cancel(runId: string): Promise<boolean> {
    const run = this.running.get(runId);
    if (run === undefined) return false;
    this.cancelled.add(runId);
    const r = await run.pool.query<{ ok: boolean }>('SELECT pg_cancel_backend($1) AS ok', [run.pid]);
    return r.rows[0]?.ok === true;
  }
}

/** As the admin: the whole script in one round trip (simple protocol: several statements allowed). */
async function runScript(client: pg.ClientBase, sql: string): Promise<pg.QueryArrayResult[]> {
  const raw = (await client.query({ text: sql, rowMode: 'array', types: TEXT_TYPES } as pg.QueryConfig)) as unknown as
    pg.QueryArrayResult | pg.QueryArrayResult[];
  return Array.isArray(raw) ? raw : [raw];
}

/**
 * As an identity: one statement at a time (extended protocol), refusing any that would end the
 * transaction or change the role, since the role switch lasts only as long as the transaction and
 * everything after a COMMIT would run as the admin.
 */
async function runAsIdentity(client: pg.ClientBase, sql: string): Promise<pg.QueryArrayResult[]> {
  const ranges = splitStatements(sql);
  for (const r of ranges) {
    const text = sql.slice(r.start, r.end);
    if (escapesIdentity(text)) {
      throw new IdentityEscapeError(
        `"${text.trim().split(/\s+/).slice(0, 3).join(' ')}" is not run as an identity: it would end the transaction or change the role, and what follows would run as the admin.`,
        r.start + (text.length - text.trimStart().length) + 1,
      );
    }
  }
  const sets: pg.QueryArrayResult[] = [];
  for (const r of ranges) {
    try {
      sets.push(
        await client.query({
          text: sql.slice(r.start, r.end),
          values: [],
          rowMode: 'array',
          types: TEXT_TYPES,
          queryMode: 'extended',
        } as pg.QueryConfig),
      );
    } catch (err) {
      // Positions are reported within the statement; the editor needs them within the script.
      if (err && typeof err === 'object') (err as { statementStart?: number }).statementStart = r.start;
      throw err;
    }
  }
  return sets;
}

/**
 * Running as an identity the login is not a member of (a cloud branch's signed-in identity is no
 * superuser): say which GRANT makes it possible.
 */
function roleSwitchHint(e: { code?: string; message?: string }, viewAs: ViewAs, login: string): string | null {
  if (viewAs.kind !== 'identity' || e.code !== '42501' || !e.message?.startsWith('permission denied to set role')) return null;
  return `Pier runs this as "${login}", which is not a member of "${viewAs.role}". Run it as the admin, or have an owner of the role run GRANT "${viewAs.role}" TO "${login}" on this branch.`;
}

class IdentityEscapeError extends Error {
  readonly hint = 'Run it as the admin, or leave transaction control to Pier (each run is one transaction).';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

/** Whether the schema watch's event trigger marked this transaction (see shared/dataapi/schemaWatch.ts). */
async function watchSawSchemaChange(client: pg.ClientBase): Promise<boolean> {
  const r = await client.query<{ changed: string | null }>(`SELECT current_setting($1, true) AS changed`, [SCHEMA_CHANGED_SETTING]);
  return r.rows[0]?.changed === 'on';
}

/** Every value stays Postgres' own text rendering (as psql shows it), with no JS date or number conversion. */
const TEXT_TYPES = { getTypeParser: () => (value: string) => value };

async function readTypeNames(client: pg.ClientBase, oids: number[]): Promise<Map<number, string>> {
  if (!oids.length) return new Map();
  const r = await client.query<{ oid: number; name: string }>(
    'SELECT t.oid::int AS oid, format_type(t.oid, NULL) AS name FROM pg_type t WHERE t.oid = ANY($1::oid[])',
    [[...new Set(oids)]],
  );
  return new Map(r.rows.map((x) => [x.oid, x.name]));
}

function toResultSet(r: pg.QueryArrayResult, rowLimit: number, typeNames: Map<number, string>): SqlResultSet {
  const rows = (r.rows ?? []) as (string | null)[][];
  return {
    command: r.command ?? '',
    rowCount: r.rowCount ?? null,
    columns: (r.fields ?? []).map((f) => ({ name: f.name, type: typeNames.get(f.dataTypeID) ?? String(f.dataTypeID) })),
    rows: rows.slice(0, rowLimit),
    truncated: rows.length > rowLimit,
  };
}
