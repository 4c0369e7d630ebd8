import type pg from 'pg';
import type { SqlCatalog } from '../../../shared/contract/sql';

/** Columns past this many are left out of completion (a catalog that large is read by name, not browsed). */
const COLUMN_LIMIT = 50_000;

/** Relations the connected role may see, with their columns, and function names: what completion offers. */
export async function listSqlCatalog(db: pg.Pool | pg.ClientBase): Promise<SqlCatalog> {
  const cols = await db.query<{ schema: string; name: string; relkind: string; column: string | null; type: string | null }>(
    `SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind, a.attname AS column,
            format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.relkind IN ('r','v','m','f','p') AND NOT c.relispartition
        AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
        AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%'
        AND has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, REFERENCES')
      ORDER BY n.nspname = 'public' DESC, n.nspname, c.relname, a.attnum
      LIMIT ${COLUMN_LIMIT}`,
  );
  const relations = new Map<string, SqlCatalog['relations'][number]>();
  for (const r of cols.rows) {
    const key = JSON.stringify([r.schema, r.name]);
    let rel = relations.get(key);
    if (!rel) relations.set(key, (rel = { schema: r.schema, name: r.name, kind: r.relkind, columns: [] }));
    if (r.column !== null) rel.columns.push({ name: r.column, type: r.type ?? '' });
  }
  const fns = await db.query<{ schema: string; name: string }>(
    `SELECT DISTINCT n.nspname AS schema, p.proname AS name
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname NOT IN ('information_schema') AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast%'
        AND p.prokind IN ('f', 'a', 'w') AND p.proname !~ '^_'
        AND (n.nspname <> 'pg_catalog' OR p.proname !~ '(_in|_out|_recv|_send|_support|handler)$')
      ORDER BY 1, 2`,
  );
  return { relations: [...relations.values()], functions: fns.rows };
}
