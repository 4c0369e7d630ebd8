import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { ViewAs } from '../../../shared/contract/dataApi';
import type { Location } from '../../../shared/contract/location';
import type { SqlExportFormat, SqlExportOutput } from '../../../shared/contract/sql';
import { invalidInput } from '../../errors/PierError';
import { analyzeSql } from './analyzeSql';
import { TEXT_TYPES } from './sqlErrors';

/** The HTTP path the download is served under (pierServer mounts it). */
export const SQL_EXPORT_PATH = '/sql-export';

/** How long an export address may wait for its download to start. */
const TICKET_MS = 60_000;
const JSON_BATCH = 1000;

interface Ticket {
  readonly at: Location;
  readonly sql: string;
  readonly viewAs: ViewAs;
  readonly format: SqlExportFormat;
  readonly fileName: string;
  readonly expires: number;
}

export interface ExportDownload {
  readonly contentType: string;
  readonly fileName: string;
  /** The file's bytes as Postgres sends them; ends when the result has been read, errors if the query fails. */
  readonly body: Readable;
}

type WithPool = <T>(at: Location, fn: (pool: pg.Pool) => Promise<T>) => Promise<T>;

/**
 * Exports a result to a file, streamed: the renderer asks (`sql.export`), main checks the text is
 * one reading statement and hands back a one-time address on its loopback server, and the browser
 * downloads it (the browser's own download, to disk, with no copy in the page or in main).
 *
 * CSV comes from Postgres' own `COPY (…) TO STDOUT (FORMAT csv, HEADER)`: any value and column
 * name round-trips (quotes, commas, newlines, backslashes), NULL is an empty field and the empty
 * string `""`. JSON is an array of row objects built by `to_json` (numbers stay numbers, json stays
 * json), read through a cursor a thousand rows at a time.
 */
export class SqlExports {
  private readonly tickets = new Map<string, Ticket>();

  constructor(
    private readonly origin: string,
    private readonly withPool: WithPool,
  ) {}

  /** Checks the text and names a download for it; throws PIER400 for anything but one reading statement. */
  async prepare(input: { at: Location; sql: string; viewAs: ViewAs; format: SqlExportFormat }): Promise<SqlExportOutput> {
    const analysis = await analyzeSql(input.sql);
    if (analysis.kind === 'syntaxError') throw invalidInput(`The query does not parse: ${analysis.message}.`, 'Fix it and export again.');
    const [only, ...rest] = analysis.statements;
    if (!only || rest.length > 0) {
      throw invalidInput(
        `Export takes one statement; this text has ${analysis.statements.length}.`,
        'Put the cursor in the SELECT to export, or select it.',
      );
    }
    if (only.kind !== 'read' || only.command !== 'SELECT') {
      throw invalidInput(
        `Only a reading SELECT can be exported (this is ${only.command}): export runs the query again.`,
        'Export the result of a SELECT.',
      );
    }
    this.sweep();
    const ticket = randomBytes(24).toString('base64url');
    const fileName = `${input.at.database}-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.${input.format}`;
    this.tickets.set(ticket, { ...input, sql: input.sql.slice(only.start, only.end), fileName, expires: Date.now() + TICKET_MS });
    return { url: `${this.origin}${SQL_EXPORT_PATH}/${ticket}`, fileName };
  }

  /** The download for a ticket (once), or null when there is none or it expired. */
  open(ticket: string): ExportDownload | null {
    this.sweep();
    const t = this.tickets.get(ticket);
    if (!t) return null;
    this.tickets.delete(ticket);
    const body = new PassThrough();
    void this.withPool(t.at, async (pool) => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN READ ONLY');
        if (t.viewAs.kind === 'identity') await client.query(`SELECT set_config('role', $1, true)`, [t.viewAs.role]);
        // A newline before the parenthesis: the statement may end in a -- comment.
        if (t.format === 'csv') await pipeline(client.query(copyTo(`COPY (${t.sql}\n) TO STDOUT (FORMAT csv, HEADER)`)), body);
        else await pipeline(Readable.from(jsonRows(client, t.sql)), body);
        await client.query('COMMIT');
      } catch (err) {
        broken = err instanceof Error ? err : new Error(String(err));
        body.destroy(broken);
        await client.query('ROLLBACK').catch(() => undefined);
      } finally {
        client.release(broken);
      }
    }).catch((err: unknown) => body.destroy(err instanceof Error ? err : new Error(String(err))));
    return { contentType: t.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8', fileName: t.fileName, body };
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, t] of this.tickets) if (t.expires < now) this.tickets.delete(k);
  }
}

/** `[` + one JSON object per row + `]`, fetched in batches through a cursor (whole-row to_json keeps Postgres' types). */
async function* jsonRows(client: pg.PoolClient, sql: string): AsyncGenerator<string> {
  await client.query(`DECLARE pier_export NO SCROLL CURSOR FOR SELECT to_json(q)::text FROM (${sql}\n) q`);
  yield '[';
  let first = true;
  for (;;) {
    const r = await client.query<string[]>({ text: `FETCH FORWARD ${JSON_BATCH} FROM pier_export`, rowMode: 'array', types: TEXT_TYPES });
    if (r.rows.length === 0) break;
    let chunk = '';
    for (const row of r.rows) {
      chunk += (first ? '\n' : ',\n') + row[0];
      first = false;
    }
    yield chunk;
  }
  yield '\n]\n';
}
