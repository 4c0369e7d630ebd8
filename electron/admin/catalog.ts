import type pg from 'pg';
import type { ListSchemasOutput, ReadRowsOutput, RelationKind, ColumnInfo } from '../../shared/contract';
import { quoteIdent } from './quoteIdent';

/** Thrown when a schema or relation named by the caller is not in the catalog. */
export class CatalogNotFoundError extends Error {
  override name = 'CatalogNotFoundError';
}

const KIND_BY_RELKIND: Record<string, RelationKind> = {
  r: 'table',
  v: 'view',
  m: 'materialized_view',
  f: 'foreign_table',
  p: 'partitioned_table',
};

/** Schemas (system ones left out) with their tables and views, as the connected role may see them. */
export async function listSchemas(db: pg.Pool | pg.ClientBase): Promise<ListSchemasOutput> {
  const r = await db.query<{ database: string; schema: string; name: string | null; relkind: string | null; reltuples: number | null }>(
    `SELECT current_database() AS database, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind,
            c.reltuples::float8 AS reltuples
       FROM pg_namespace n
       LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r','v','m','f','p') AND NOT c.relispartition
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
        AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%'
      ORDER BY n.nspname = 'public' DESC, n.nspname, c.relname`,
  );
  const schemas = new Map<string, ListSchemasOutput['schemas'][number]>();
  let database = '';
  for (const row of r.rows) {
    database = row.database;
    let s = schemas.get(row.schema);
    if (!s) schemas.set(row.schema, (s = { name: row.schema, relations: [], routines: [] }));
    if (row.name && row.relkind) {
      s.relations.push({ name: row.name, kind: KIND_BY_RELKIND[row.relkind] ?? 'table', estimatedRows: row.reltuples ?? -1 });
    }
  }
  const routines = await db.query<{ schema: string; name: string; args: string; returns: string | null; prokind: string }>(
    `SELECT n.nspname AS schema, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS args,
            pg_get_function_result(p.oid) AS returns, p.prokind::text AS prokind
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE p.prokind IN ('f', 'p')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast%'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
      ORDER BY n.nspname, p.proname, 3`,
  );
  for (const row of routines.rows) {
    schemas.get(row.schema)?.routines.push({
      name: row.name,
      arguments: row.args,
      returns: row.returns ?? '',
      kind: row.prokind === 'p' ? 'procedure' : 'function',
    });
  }
  return { database, schemas: [...schemas.values()] };
}

/**
 * The first `limit` rows of a table or view, in primary-key order where there is one.
 * The relation is looked up in the catalog first; only catalog names reach the SQL text.
 */
export async function readRows(
  db: pg.Pool | pg.ClientBase,
  input: { schema: string; table: string; limit: number },
): Promise<ReadRowsOutput> {
  const rel = await db.query<{ schema: string; name: string; oid: number }>(
    `SELECT n.nspname AS schema, c.relname AS name, c.oid::int AS oid
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r','v','m','f','p')`,
    [input.schema, input.table],
  );
  const found = rel.rows[0];
  if (!found) throw new CatalogNotFoundError(`Relation ${input.schema}.${input.table} does not exist.`);
  const cols = await db.query<{ name: string; type: string; nullable: boolean; pk_position: number | null }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
            array_position(i.indkey::int2[], a.attnum) AS pk_position
       FROM pg_attribute a
       LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [found.oid],
  );
  const columns: ColumnInfo[] = cols.rows.map((c) => ({
    name: c.name,
    type: c.type,
    nullable: c.nullable,
    isPrimaryKey: c.pk_position !== null,
  }));
  const keyOrder = cols.rows
    .filter((c) => c.pk_position !== null)
    .sort((a, b) => (a.pk_position ?? 0) - (b.pk_position ?? 0))
    .map((c) => quoteIdent(c.name));
  const orderBy = keyOrder.length ? ` ORDER BY ${keyOrder.join(', ')}` : '';
  // Postgres renders each row as JSON, so values reach the UI exactly as the Data API would show them.
  const data = await db.query<{ row: Record<string, unknown> }>(
    `SELECT row_to_json(t) AS row FROM (SELECT * FROM ${quoteIdent(found.schema)}.${quoteIdent(found.name)}${orderBy} LIMIT $1) t`,
    [input.limit + 1],
  );
  const rows = data.rows.map((r) => columns.map((c) => r.row[c.name] ?? null));
  const hasMore = rows.length > input.limit;
  return { columns, rows: hasMore ? rows.slice(0, input.limit) : rows, hasMore };
}
