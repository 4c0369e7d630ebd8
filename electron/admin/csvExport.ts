import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { z } from 'zod';
import type { Location } from '../../shared/contract/location';
import type { CsvFilter, exportCsvStartInput } from '../../shared/contract/tableData';
import { assertNever } from '../../shared/contract/result';
import { PierError } from '../errors/PierError';
import { pierErrorOf } from './pierErrorOf';
import { quoteIdent } from './quoteIdent';
import { tableOf } from './tableColumns';

type StartInput = z.infer<typeof exportCsvStartInput>;
type WithAdminPool = <T>(at: Location, fn: (pool: pg.Pool) => Promise<T>) => Promise<T>;

/** Text handed over per pull: large enough to be quick, small enough to keep memory flat. */
const CHUNK_BYTES = 512 * 1024;
/** An export nobody pulls from for this long is dropped, and its connection returned. */
const IDLE_MS = 60_000;

interface Job {
  readonly next: () => Promise<{ chunk: string; done: boolean; rows: number | null }>;
  readonly end: () => void;
  timer: NodeJS.Timeout;
}

/**
 * CSV exports in progress. Each holds one connection in a read-only transaction (as the identity
 * viewed as) whose `COPY … TO STDOUT (FORMAT csv, HEADER)` is read only as fast as the renderer
 * pulls: Postgres writes the CSV, so values (backslashes, quotes, newlines) and column names
 * (`a,b`) come out exactly as `COPY … FROM` reads them back. pg-copy-streams is the maintained
 * COPY protocol stream for node-postgres; writing the protocol ourselves would gain nothing.
 */
export class CsvExports {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly withAdminPool: WithAdminPool) {}

  start(input: StartInput): Promise<{ exportId: string }> {
    return new Promise((resolve, reject) => {
      this.withAdminPool(input.at, async (pool) => {
        const client = await pool.connect();
        // Only a COPY read to its end leaves the connection fit for reuse.
        let completed = false;
        const ignore = () => undefined;
        client.on('error', ignore);
        try {
          await client.query('BEGIN READ ONLY');
          if (input.viewAs.kind === 'identity') await client.query(`SELECT set_config('role', $1, true)`, [input.viewAs.role]);
          const sql = await copySql(client, input);
          const stream = client.query(copyTo(sql));
          stream.on('error', ignore); // surfaced by the pull that meets it
          const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
          const decoder = new StringDecoder('utf8');
          let finish: () => void = () => undefined;
          const finished = new Promise<void>((r) => (finish = r));
          const id = randomUUID();
          const end = () => {
            const job = this.jobs.get(id);
            if (job) clearTimeout(job.timer);
            this.jobs.delete(id);
            finish();
          };
          const job: Job = {
            end,
            timer: setTimeout(end, IDLE_MS).unref(),
            next: async () => {
              const parts: string[] = [];
              let size = 0;
              try {
                while (size < CHUNK_BYTES) {
                  const r = await iterator.next();
                  if (r.done) {
                    completed = true;
                    parts.push(decoder.end());
                    end();
                    return { chunk: parts.join(''), done: true, rows: stream.rowCount };
                  }
                  size += r.value.length;
                  parts.push(decoder.write(r.value));
                }
              } catch (err) {
                end();
                throw pierErrorOf(err);
              }
              return { chunk: parts.join(''), done: false, rows: null };
            },
          };
          this.jobs.set(id, job);
          resolve({ exportId: id });
          await finished;
        } catch (err) {
          reject(pierErrorOf(err));
        } finally {
          // A COPY left unread (cancelled, idle, failed) cannot be rolled back politely: the
          // connection is closed instead, which ends the COPY on the server.
          const clean =
            completed &&
            (await client.query('ROLLBACK').then(
              () => true,
              () => false,
            ));
          if (clean) client.off('error', ignore); // a closed one may still report its socket's end
          client.release(clean ? undefined : true);
        }
      }).catch(reject);
    });
  }

  next(exportId: string): Promise<{ chunk: string; done: boolean; rows: number | null }> {
    const job = this.jobs.get(exportId);
    if (!job) throw new PierError('PIER404', 'This export is over (finished, cancelled, or idle for a minute). Start it again.');
    job.timer.refresh();
    return job.next();
  }

  cancel(exportId: string): Record<string, never> {
    this.jobs.get(exportId)?.end();
    return {};
  }

  /** Ends every export (the server is closing). */
  dispose(): void {
    for (const job of [...this.jobs.values()]) job.end();
  }
}

/** The COPY statement, every identifier taken from the catalog and quoted. */
async function copySql(client: pg.ClientBase, input: StartInput): Promise<string> {
  const table = await tableOf(client, input.schema, input.table);
  const column = (name: string) => {
    const known = table.columns.get(name);
    if (known === undefined) throw new PierError('PIER002', `${input.schema}.${input.table} has no column "${name}".`);
    return quoteIdent(known);
  };
  const columns = (input.columns.length ? input.columns : table.ordered).map(column);
  const order = input.order.length
    ? input.order.map((o) => `${column(o.column)} ${o.descending ? 'DESC' : 'ASC'}${o.nulls ? ` NULLS ${o.nulls.toUpperCase()}` : ''}`)
    : table.primaryKey.map(column);
  const from = `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
  const where = input.filters?.length ? ` WHERE ${await whereSql(client, input.filters, column)}` : '';
  return `COPY (SELECT ${columns.join(', ')} FROM ${from}${where}${order.length ? ` ORDER BY ${order.join(', ')}` : ''}) TO STDOUT (FORMAT csv, HEADER)`;
}

const COMPARISONS: Readonly<Record<'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte', string>> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};
const IS_VALUES: ReadonlyMap<string, string> = new Map([
  ['null', 'NULL'],
  ['not_null', 'NOT NULL'],
  ['true', 'TRUE'],
  ['false', 'FALSE'],
  ['unknown', 'UNKNOWN'],
]);

/**
 * The view's filters as a WHERE clause for COPY, which takes no parameters: every value becomes
 * a literal quoted by Postgres itself (quote_literal, one round trip for all of them), every
 * column is quoted from the catalog, operators come from a closed table. Untyped literals take
 * the column's type, as a parameter would.
 */
async function whereSql(client: pg.ClientBase, filters: readonly CsvFilter[], column: (name: string) => string): Promise<string> {
  const values: string[] = [];
  const slot = (v: string) => values.push(v) - 1;
  type Part = string | { readonly literal: number };
  const parts: Part[] = [];
  const write = (f: CsvFilter): void => {
    if (f.negated) parts.push('NOT ');
    parts.push('(');
    if (f.kind === 'condition') {
      writeCondition(f);
    } else {
      if (f.children.length === 0) parts.push(f.kind === 'and' ? 'TRUE' : 'FALSE');
      f.children.forEach((c, i) => {
        if (i > 0) parts.push(f.kind === 'and' ? ' AND ' : ' OR ');
        write(c);
      });
    }
    parts.push(')');
  };
  const scalar = (f: Extract<CsvFilter, { kind: 'condition' }>): string => {
    if (typeof f.value !== 'string') throw new PierError('PIER002', `Filter on "${f.column}": ${f.operator} takes one value, not a list.`);
    return f.value;
  };
  const writeCondition = (f: Extract<CsvFilter, { kind: 'condition' }>): void => {
    const col = column(f.column);
    switch (f.operator) {
      case 'eq':
      case 'neq':
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        parts.push(`${col} ${COMPARISONS[f.operator]} `, { literal: slot(scalar(f)) });
        return;
      case 'like':
      case 'ilike':
        // PostgREST's wildcard is `*`.
        parts.push(`${col}::text ${f.operator === 'like' ? 'LIKE' : 'ILIKE'} `, { literal: slot(scalar(f).replaceAll('*', '%')) });
        return;
      case 'in': {
        const list = typeof f.value === 'string' ? [f.value] : f.value;
        if (list.length === 0) {
          parts.push('FALSE');
          return;
        }
        parts.push(`${col} IN (`);
        list.forEach((v, i) => parts.push(...(i > 0 ? [', '] : []), { literal: slot(v) }));
        parts.push(')');
        return;
      }
      case 'is': {
        const keyword = IS_VALUES.get(scalar(f));
        if (!keyword)
          throw new PierError('PIER002', `Filter on "${f.column}": is takes null, not_null, true, false or unknown, not "${scalar(f)}".`);
        parts.push(`${col} IS ${keyword}`);
        return;
      }
      default:
        assertNever(f.operator, 'CSV filter operator');
    }
  };
  filters.forEach((f, i) => {
    if (i > 0) parts.push(' AND ');
    write(f);
  });
  const quoted = values.length
    ? (
        await client.query<{ q: string[] }>(
          `SELECT coalesce(array_agg(quote_literal(v) ORDER BY i), '{}') AS q FROM unnest($1::text[]) WITH ORDINALITY AS t(v, i)`,
          [values],
        )
      ).rows[0]!.q
    : [];
  return parts.map((p) => (typeof p === 'string' ? p : quoted[p.literal]!)).join('');
}
