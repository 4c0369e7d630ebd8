import type pg from 'pg';
import type { ListSchemasOutput, RelationKind } from '../../shared/contract';

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
