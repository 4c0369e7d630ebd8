import type pg from 'pg';
import Cursor from 'pg-cursor';
import type { ViewAs } from '../../shared/contract/dataApi';
import type { SqlFetchOutput, SqlResultSet, SqlRunMode, SqlRunOutput } from '../../shared/contract/sql';
import type { SqlStatementInfo } from '../../shared/contract/sqlStatements';
import { assertNever } from '../../shared/contract/result';
import { SCHEMA_CHANGED_SETTING } from '../../shared/dataapi/schemaWatch';
import { RELOAD_SCHEMA_SQL } from './applyStatements';
import { OpenResults, RESULT_CURSOR, type OpenResultsOptions } from './sql/OpenResults';
import { isPostgresError, TEXT_TYPES, toSqlError } from './sql/sqlErrors';

export interface SqlRunRequest {
  readonly runId: string;
  readonly sql: string;
  readonly viewAs: ViewAs;
  readonly mode: SqlRunMode;
  /** Rows sent with each result; the rest stay in Postgres. */
  readonly pageSize: number;
}

type Row = (string | null)[];

/**
 * Runs the SQL editor's statements on a dedicated connection, in one transaction: as the admin, or
 * as an identity via set_config('role', …, true) so grants and RLS apply as for a Data API request.
 *
 * Statements run one at a time as the parser split them, and each result sends only its first
 * page: the rest of its rows never leave Postgres. When every statement only reads, the last
 * one runs behind a cursor (`DECLARE … CURSOR` in the run's transaction) that stays open for
 * `fetch` until it is closed (`OpenResults`: capped, closed when idle). A run that writes commits
 * at once instead, so no write waits on someone scrolling.
 *
 * EXPLAIN ANALYZE executes the statement, so that transaction is always rolled back. Running
 * runs are remembered by id with their backend pid, which is what `cancel` signals.
 */
export class SqlRunner {
  /** Each branch is its own cluster: a cancel must be sent through the pool the run uses. */
  private readonly running = new Map<string, { pid: number; pool: pg.Pool }>();
  private readonly cancelled = new Set<string>();
  readonly results: OpenResults;

  constructor(options: OpenResultsOptions = {}) {
    this.results = new OpenResults(options);
  }

  /** `afterSchemaChange` runs after a committed script that changed the schema, before the answer. */
  async run(
    pool: pg.Pool,
    request: SqlRunRequest,
    statements: readonly SqlStatementInfo[],
    afterSchemaChange?: () => Promise<void>,
  ): Promise<SqlRunOutput> {
    const started = performance.now();
    const failed = (fields: Omit<Extract<SqlRunOutput, { kind: 'error' }>, 'kind' | 'durationMs'>): SqlRunOutput => ({
      kind: 'error',
      ...fields,
      durationMs: performance.now() - started,
    });
    if (request.viewAs.kind === 'identity') {
      // The role switch lasts only as long as the transaction: after a COMMIT or RESET ROLE, the rest would run as the admin.
      const escaping = statements.find((s) => s.escapesIdentity !== null);
      if (escaping) {
        const words = request.sql.slice(escaping.start, escaping.end).trim().split(/\s+/).slice(0, 3).join(' ');
        return failed({
          code: null,
          message: `"${words}" is not run as an identity: ${escaping.escapesIdentity}, and what follows would run as the admin.`,
          detail: null,
          hint: 'Run it as the admin, or leave transaction control to Pier (each run is one transaction).',
          position: escaping.start + 1,
          cancelled: false,
        });
      }
    }
    if (request.mode !== 'run' && statements.length !== 1) {
      return failed({
        code: null,
        message: `EXPLAIN takes one statement; this text has ${statements.length}.`,
        detail: null,
        hint: 'Put the cursor in the statement to explain, or select it.',
        position: null,
        cancelled: false,
      });
    }
    if (statements.length === 0) {
      return { kind: 'ok', results: [], durationMs: performance.now() - started, plan: null, transaction: 'committed' };
    }

    const client = await pool.connect();
    let broken: Error | undefined;
    let kept = false;
    let login = '';
    let offset = 0;
    try {
      const session = await client.query<{ pid: number; login: string }>('SELECT pg_backend_pid() AS pid, session_user AS login');
      const pid = session.rows[0]!.pid;
      login = session.rows[0]!.login;
      this.running.set(request.runId, { pid, pool });
      await client.query('BEGIN');
      if (request.viewAs.kind === 'identity') await client.query(`SELECT set_config('role', $1, true)`, [request.viewAs.role]);
      switch (request.mode) {
        case 'run': {
          const streams = statements.every((s) => s.kind === 'read');
          const sets: RawResult[] = [];
          for (const [i, s] of statements.entries()) {
            offset = s.start;
            const text = request.sql.slice(s.start, s.end);
            const last = i === statements.length - 1;
            // A cursor that outlives this call is declared in SQL, so the connection stays free for
            // FETCH, CLOSE and the type names; the others are read through a protocol-level portal.
            if (last && streams && s.command === 'SELECT') sets.push(await declareAndFetch(client, text, request.pageSize));
            else sets.push(await firstPage(client, text, request.pageSize, s.command));
          }
          const lastSet = sets[sets.length - 1]!;
          kept = lastSet.more && lastSet.declared;
          const typeNames = await readTypeNames(
            client,
            sets.flatMap((r) => r.fields.map((f) => f.dataTypeID)),
          );
          let resultId: string | null = null;
          let schemaChanged = false;
          if (kept) {
            resultId = this.results.add({
              client,
              runId: request.runId,
              sent: lastSet.rows.length,
              cancel: async () => {
                await pool.query('SELECT pg_cancel_backend($1)', [pid]);
              },
            });
          } else {
            // DDL run here must reach the Data API engines too; the notification is delivered at commit.
            // The parser's kinds miss DDL inside functions or DO; the schema watch's flag does not.
            schemaChanged = statements.some((s) => s.kind === 'schema') || (await watchSawSchemaChange(client));
            if (schemaChanged) await client.query(RELOAD_SCHEMA_SQL);
            await client.query('COMMIT');
            // The NOTIFY reaches listening engines a moment later; the grid may open the new table at once.
            if (schemaChanged) await afterSchemaChange?.().catch(() => undefined);
          }
          const results = sets.map((r, i) => ({
            ...toResultSet(r, typeNames, i === sets.length - 1 ? resultId : null),
            statement: { start: statements[i]!.start, end: statements[i]!.end },
          }));
          return {
            kind: 'ok',
            results,
            durationMs: performance.now() - started,
            plan: null,
            transaction: kept ? 'open' : 'committed',
            ...(schemaChanged && { schemaChanged }),
          };
        }
        case 'explain':
        case 'explainAnalyze': {
          const s = statements[0]!;
          const options = request.mode === 'explainAnalyze' ? 'ANALYZE, BUFFERS, FORMAT JSON' : 'FORMAT JSON';
          const prefix = `EXPLAIN (${options}) `;
          offset = s.start - prefix.length;
          // One statement only (extended protocol); what EXPLAIN ANALYZE changed is undone below.
          const r = await client.query<{ 'QUERY PLAN': unknown }>({
            text: prefix + request.sql.slice(s.start, s.end),
            values: [],
            queryMode: 'extended',
          } as pg.QueryConfig);
          await client.query('ROLLBACK');
          return {
            kind: 'ok',
            results: [],
            durationMs: performance.now() - started,
            plan: r.rows[0]?.['QUERY PLAN'] ?? null,
            transaction: 'committed',
          };
        }
        default:
          return assertNever(request.mode, 'sql run mode');
      }
    } catch (err) {
      await client.query('ROLLBACK').catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
      if (!isPostgresError(err)) {
        broken ??= err instanceof Error ? err : new Error(String(err));
        throw err;
      }
      const fields = toSqlError(err, offset, this.cancelled.has(request.runId));
      return failed({ ...fields, hint: fields.hint ?? roleSwitchHint(err, request.viewAs, login) });
    } finally {
      this.running.delete(request.runId);
      this.cancelled.delete(request.runId);
      if (!kept) client.release(broken);
    }
  }

  fetch(resultId: string, count: number): Promise<SqlFetchOutput> {
    return this.results.fetch(resultId, count);
  }

  close(resultId: string): Promise<boolean> {
    return this.results.close(resultId);
  }

  /** Asks Postgres to cancel the run's current statement, or closes the result it left open; false when there is neither. */
  async cancel(runId: string): Promise<boolean> {
    const run = this.running.get(runId);
    if (run === undefined) return this.results.closeRun(runId);
    this.cancelled.add(runId);
    const r = await run.pool.query<{ ok: boolean }>('SELECT pg_cancel_backend($1) AS ok', [run.pid]);
    return r.rows[0]?.ok === true;
  }

  dispose(): Promise<void> {
    return this.results.closeAll();
  }
}

interface RawResult {
  readonly command: string;
  readonly rowCount: number | null;
  readonly fields: readonly { name: string; dataTypeID: number }[];
  readonly rows: Row[];
  readonly more: boolean;
  /** Read from a cursor that is still open in the transaction. */
  readonly declared: boolean;
}

/**
 * The statement's first page through a protocol-level portal (any statement: DML with RETURNING,
 * SHOW, EXPLAIN), then the portal is closed: rows past the page are never sent.
 */
async function firstPage(client: pg.PoolClient, text: string, pageSize: number, command: string): Promise<RawResult> {
  const cursor = client.query(new Cursor<Row>(text, [], { rowMode: 'array', types: TEXT_TYPES }));
  const rows = await cursor.read(pageSize);
  // pg-cursor keeps the command tag and the columns on its result; it has no public accessor.
  const result = (cursor as unknown as { _result: pg.QueryArrayResult })._result;
  const more = rows.length === pageSize && (cursor as unknown as { state: string }).state !== 'done';
  if ((cursor as unknown as { state: string }).state !== 'done') await cursor.close();
  // A statement stopped after its first page has no command tag yet: name it as the parser did.
  const tag = result.command || command.split(' ')[0]!;
  return {
    command: tag,
    rowCount: more ? null : tag === 'SELECT' || tag === 'SHOW' || tag === 'EXPLAIN' ? rows.length : result.rowCount,
    fields: result.fields ?? [],
    rows,
    more,
    declared: false,
  };
}

/** A SELECT behind `DECLARE … CURSOR` and its first page; the cursor stays open while more rows may come. */
async function declareAndFetch(client: pg.PoolClient, text: string, pageSize: number): Promise<RawResult> {
  const prefix = `DECLARE ${RESULT_CURSOR} NO SCROLL CURSOR FOR `;
  try {
    await client.query(prefix + text);
  } catch (err) {
    // Positions count from the DECLARE Pier put in front.
    if (isPostgresError(err) && err.position) err.position = String(Number(err.position) - prefix.length);
    throw err;
  }
  const r = (await client.query({
    text: `FETCH FORWARD ${Math.trunc(pageSize)} FROM ${RESULT_CURSOR}`,
    rowMode: 'array',
    types: TEXT_TYPES,
  })) as unknown as pg.QueryArrayResult<Row>;
  const more = r.rows.length === pageSize;
  if (!more) await client.query(`CLOSE ${RESULT_CURSOR}`);
  return { command: 'SELECT', rowCount: more ? null : r.rows.length, fields: r.fields, rows: r.rows, more, declared: true };
}

/**
 * Running as an identity the login is not a member of (a cloud branch's signed-in identity is no
 * superuser): say which GRANT makes it possible.
 */
function roleSwitchHint(e: { code?: string; message?: string }, viewAs: ViewAs, login: string): string | null {
  if (viewAs.kind !== 'identity' || e.code !== '42501' || !e.message?.startsWith('permission denied to set role')) return null;
  return `Pier runs this as "${login}", which is not a member of "${viewAs.role}". Run it as the admin, or have an owner of the role run GRANT "${viewAs.role}" TO "${login}" on this branch.`;
}

/** Whether the schema watch's event trigger marked this transaction (see shared/dataapi/schemaWatch.ts). */
async function watchSawSchemaChange(client: pg.ClientBase): Promise<boolean> {
  const r = await client.query<{ changed: string | null }>(`SELECT current_setting($1, true) AS changed`, [SCHEMA_CHANGED_SETTING]);
  return r.rows[0]?.changed === 'on';
}

async function readTypeNames(client: pg.ClientBase, oids: number[]): Promise<Map<number, string>> {
  if (!oids.length) return new Map();
  const r = await client.query<{ oid: number; name: string }>(
    'SELECT t.oid::int AS oid, format_type(t.oid, NULL) AS name FROM pg_type t WHERE t.oid = ANY($1::oid[])',
    [[...new Set(oids)]],
  );
  return new Map(r.rows.map((x) => [x.oid, x.name]));
}

function toResultSet(r: RawResult, typeNames: Map<number, string>, resultId: string | null): Omit<SqlResultSet, 'statement'> {
  return {
    command: r.command,
    rowCount: r.rowCount,
    columns: r.fields.map((f) => ({ name: f.name, type: typeNames.get(f.dataTypeID) ?? String(f.dataTypeID) })),
    rows: r.rows,
    more: r.more,
    resultId,
  };
}
