import type pg from 'pg';
import { PierError } from '../errors/PierError';

export interface CatalogTable {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  /** Column names in the table's order. */
  readonly ordered: readonly string[];
  /** The same names, for looking up a name the user sent (a Map: `constructor` is just unknown). */
  readonly columns: ReadonlyMap<string, string>;
  readonly primaryKey: readonly string[];
}

/** The table and its columns by name, from the catalog (names the user sent are only looked up). */
export async function tableOf(client: pg.ClientBase, schema: string, name: string): Promise<CatalogTable> {
  const r = await client.query<{ oid: number; schema: string; name: string; columns: string[]; primary_key: string[] }>(
    `SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name,
            array(SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   ORDER BY a.attnum)::text[] AS columns,
            array(SELECT a.attname FROM pg_index i
                    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                   WHERE i.indrelid = c.oid AND i.indisprimary ORDER BY k.ord)::text[] AS primary_key
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [schema, name],
  );
  const row = r.rows[0];
  if (!row) throw new PierError('PIER404', `Table ${schema}.${name} was not found.`);
  return {
    oid: row.oid,
    schema: row.schema,
    name: row.name,
    ordered: row.columns,
    columns: new Map(row.columns.map((c) => [c, c])),
    primaryKey: row.primary_key,
  };
}
