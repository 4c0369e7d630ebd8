import { parse } from 'csv-parse/sync';
import type pg from 'pg';
import type { z } from 'zod';
import type { ImportCsvOutput, importCsvInput } from '../../shared/contract/tableData';
import { PierError } from '../errors/PierError';
import { pierErrorOf } from './pierErrorOf';
import { quoteIdent } from './quoteIdent';
import { tableOf } from './tableColumns';

type Input = z.infer<typeof importCsvInput>;

/** Rows shown before importing. */
const SAMPLE_ROWS = 20;
/** Failed rows listed (all are counted). */
const LISTED_ERRORS = 100;

/**
 * Reads a CSV (csv-parse: the maintained, RFC 4180 parser; quoting rules are not Pier's own) and
 * inserts its rows in ONE transaction as `viewAs`, each under a savepoint so that every failing
 * row is reported with its line while the others are still checked. Values go as text
 * parameters, so Postgres applies each column's own input rules (the type checks). Commits only
 * when asked and nothing failed; otherwise rolls back.
 */
export async function importCsv(pool: pg.Pool, input: Input): Promise<ImportCsvOutput> {
  let records: { record: (string | null)[]; info: { lines: number } }[];
  try {
    records = parse(input.csv, {
      bom: true,
      info: true,
      // A row with too few or too many values is reported on its line, not the whole file refused.
      relax_column_count: true,
      // COPY's CSV: an unquoted empty field is NULL, a quoted one ("") the empty string.
      cast: (value, context) => (value === '' && !context.quoting ? null : value),
    }) as unknown as typeof records;
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    return {
      columns: [],
      rows: 0,
      sample: [],
      errors: [{ line: e.lines ?? 1, message: e.message ?? String(err) }],
      failed: 1,
      committed: false,
    };
  }
  const [header, ...rows] = records;
  if (!header) throw new PierError('PIER002', 'The file is empty: the first line must name the columns.');
  const names = header.record.map((n) => n ?? '');
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const table = await tableOf(client, input.schema, input.table);
    const seen = new Set<string>();
    const columns = names.map((name) => {
      const known = table.columns.get(name);
      if (known === undefined)
        throw new PierError('PIER002', `${input.schema}.${input.table} has no column "${name}" (named in the file's first line).`);
      if (seen.has(name)) throw new PierError('PIER002', `The file names the column "${name}" twice.`);
      seen.add(name);
      return quoteIdent(known);
    });
    if (input.viewAs.kind === 'identity') await client.query(`SELECT set_config('role', $1, true)`, [input.viewAs.role]);
    const insert = `INSERT INTO ${quoteIdent(table.schema)}.${quoteIdent(table.name)} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
    const errors: ImportCsvOutput['errors'] = [];
    let failed = 0;
    for (const { record, info } of rows) {
      if (record.length !== columns.length) {
        failed++;
        if (errors.length < LISTED_ERRORS)
          errors.push({ line: info.lines, message: `${record.length} values for ${columns.length} columns.` });
        continue;
      }
      await client.query('SAVEPOINT pier_row');
      try {
        await client.query(insert, record);
        await client.query('RELEASE SAVEPOINT pier_row');
      } catch (err) {
        await client.query('ROLLBACK TO SAVEPOINT pier_row');
        failed++;
        const e = err as { message?: string; detail?: string };
        if (errors.length < LISTED_ERRORS) errors.push({ line: info.lines, message: [e.message, e.detail].filter(Boolean).join(' ') });
      }
    }
    const committed = input.commit && failed === 0;
    await client.query(committed ? 'COMMIT' : 'ROLLBACK');
    return { columns: names, rows: rows.length, sample: rows.slice(0, SAMPLE_ROWS).map((r) => r.record), errors, failed, committed };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw pierErrorOf(err);
  } finally {
    client.release();
  }
}
