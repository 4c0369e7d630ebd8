import type pg from 'pg';
import type { z } from 'zod';
import type { CascadePreviewOutput, cascadePreviewInput } from '../../shared/contract/tableData';
import { PierError } from '../errors/PierError';
import { quoteIdent } from './quoteIdent';
import { tableOf } from './tableColumns';

type Input = z.infer<typeof cascadePreviewInput>;
type Counts = { deleted: number; updated: number; inserted: number };

/**
 * Runs the staged updates and deletes of one table as `viewAs`, in a transaction that is always
 * rolled back, and reads back from Postgres's own per-transaction counters
 * (pg_stat_xact_user_tables) how many rows of each table changed: whatever cascading foreign keys
 * (ON DELETE CASCADE / SET NULL, ON UPDATE CASCADE) and triggers did, beyond the edited rows. The
 * counters are exact and cost nothing, where walking the foreign keys ourselves would miss
 * triggers and repeat what Postgres already knows. They count row writes: a row that two foreign
 * keys set to NULL counts twice.
 */
export async function previewCascades(pool: pg.Pool, input: Input): Promise<CascadePreviewOutput> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      return await runRolledBack(client, input);
    } finally {
      await client.query('ROLLBACK');
    }
  } finally {
    client.release();
  }
}

async function runRolledBack(client: pg.PoolClient, input: Input): Promise<CascadePreviewOutput> {
  const table = await tableOf(client, input.schema, input.table);
  const target = `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
  const column = (name: string) => {
    const known = table.columns.get(name);
    if (known === undefined) throw new PierError('PIER002', `${input.schema}.${input.table} has no column "${name}".`);
    return quoteIdent(known);
  };
  const statements = input.edits.map((edit) => {
    const values: string[] = [];
    const param = (v: unknown) => {
      values.push(typeof v === 'string' ? v : JSON.stringify(v));
      return `$${values.length}`;
    };
    if (edit.kind === 'update') {
      const names = Object.keys(edit.changes).map(column);
      if (names.length === 0) return null;
      // json_populate_record types each value by its column, as the Data API does.
      const set = `(${names.join(', ')}) = (SELECT ${names.join(', ')} FROM json_populate_record(NULL::${target}, ${param(JSON.stringify(edit.changes))}::json))`;
      return { text: `UPDATE ${target} SET ${set} WHERE ${keyCondition(edit.key, column, param)}`, values, kind: 'updated' as const };
    }
    return { text: `DELETE FROM ${target} WHERE ${keyCondition(edit.key, column, param)}`, values, kind: 'deleted' as const };
  });

  // The counters may still hold this connection's earlier transactions (Postgres flushes them to
  // the cumulative statistics later, never inside a transaction): what counts is the difference.
  const before = await tableCounters(client);
  if (input.viewAs.kind === 'identity') await client.query(`SELECT set_config('role', $1, true)`, [input.viewAs.role]);
  const direct: Counts = { deleted: 0, updated: 0, inserted: 0 };
  try {
    for (const s of statements) {
      if (!s) continue;
      const r = await client.query(s.text, s.values);
      direct[s.kind] += r.rowCount ?? 0;
    }
  } catch (err) {
    const e = err as { message?: string; detail?: string };
    return { tables: [], refused: [e.message, e.detail].filter(Boolean).join(' ') || String(err) };
  }
  await client.query('RESET ROLE');
  const after = await tableCounters(client);
  const tables = after.flatMap((row) => {
    const was = before.find((b) => b.oid === row.oid);
    // The edited table's own direct changes are the edits themselves; only what goes beyond counts.
    const own = row.oid === table.oid ? direct : { deleted: 0, updated: 0, inserted: 0 };
    const counts = {
      deleted: row.deleted - (was?.deleted ?? 0) - own.deleted,
      updated: row.updated - (was?.updated ?? 0) - own.updated,
      inserted: row.inserted - (was?.inserted ?? 0) - own.inserted,
    };
    return counts.deleted + counts.updated + counts.inserted > 0 ? [{ schema: row.schema, name: row.name, ...counts }] : [];
  });
  return { tables, refused: null };
}

async function tableCounters(client: pg.PoolClient): Promise<({ oid: number; schema: string; name: string } & Counts)[]> {
  const r = await client.query<{ oid: number; schema: string; name: string; deleted: string; updated: string; inserted: string }>(
    `SELECT relid::int AS oid, schemaname AS schema, relname AS name,
            n_tup_del AS deleted, n_tup_upd AS updated, n_tup_ins AS inserted
       FROM pg_stat_xact_user_tables
      WHERE n_tup_del + n_tup_upd + n_tup_ins > 0
      ORDER BY schemaname, relname`,
  );
  return r.rows.map((row) => ({ ...row, deleted: Number(row.deleted), updated: Number(row.updated), inserted: Number(row.inserted) }));
}

function keyCondition(key: Readonly<Record<string, unknown>>, column: (name: string) => string, param: (v: unknown) => string): string {
  const parts = Object.entries(key).map(([name, value]) => `${column(name)} = ${param(value)}`);
  if (parts.length === 0) throw new PierError('PIER002', 'A staged edit has no key: it would reach every row.');
  return parts.join(' AND ');
}
