import type pg from 'pg';
import type { RelationKind, SchemaGraph } from '../../shared/contract/catalog';

const KIND_BY_RELKIND: Record<string, RelationKind> = {
  r: 'table',
  v: 'view',
  m: 'materialized_view',
  f: 'foreign_table',
  p: 'partitioned_table',
};

type FkAction = SchemaGraph['foreignKeys'][number]['onDelete'];
/** pg_constraint.confdeltype / confupdtype letters. */
const ACTION_BY_CODE: Record<string, FkAction> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/**
 * One schema's relations with their columns and keys, and the foreign keys from or to them:
 * the ER diagram's data. Read-only catalog queries; the schema name is a parameter. Partitions are
 * left out (their parent stands for them, and their cloned foreign keys with it).
 */
export async function readSchemaGraph(db: pg.Pool | pg.ClientBase, schema: string): Promise<SchemaGraph> {
  const exists = await db.query<{ ok: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS ok', [schema]);
  const columns = await db.query<{
    table: string;
    relkind: string;
    reltuples: number;
    column: string | null;
    type: string | null;
    not_null: boolean | null;
    pk: boolean | null;
    fk: boolean | null;
    uq: boolean | null;
  }>(
    `SELECT c.relname::text AS table, c.relkind::text AS relkind, c.reltuples::float8 AS reltuples,
            a.attname::text AS column, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
            EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p' AND a.attnum = ANY (k.conkey)) AS pk,
            EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f' AND a.attnum = ANY (k.conkey)) AS fk,
            EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'u' AND a.attnum = ANY (k.conkey)) AS uq
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'v', 'm', 'f', 'p') AND NOT c.relispartition
      ORDER BY c.relname, a.attnum`,
    [schema],
  );
  const tables = new Map<string, SchemaGraph['tables'][number]>();
  for (const row of columns.rows) {
    let t = tables.get(row.table);
    if (!t) {
      t = { name: row.table, kind: KIND_BY_RELKIND[row.relkind] ?? 'table', estimatedRows: row.reltuples, columns: [] };
      tables.set(row.table, t);
    }
    if (row.column !== null) {
      t.columns.push({
        name: row.column,
        type: row.type ?? '',
        notNull: row.not_null === true,
        primaryKey: row.pk === true,
        foreignKey: row.fk === true,
        unique: row.uq === true,
      });
    }
  }
  const keys = await db.query<{
    name: string;
    schema: string;
    table: string;
    columns: string[];
    ref_schema: string;
    ref_table: string;
    ref_columns: string[];
    on_delete: string;
    on_update: string;
  }>(
    `SELECT k.conname::text AS name, n.nspname::text AS schema, c.relname::text AS table,
            ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(num, i)
                    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num ORDER BY u.i) AS columns,
            rn.nspname::text AS ref_schema, r.relname::text AS ref_table,
            ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(num, i)
                    JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.num ORDER BY u.i) AS ref_columns,
            k.confdeltype::text AS on_delete, k.confupdtype::text AS on_update
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class r ON r.oid = k.confrelid
       JOIN pg_namespace rn ON rn.oid = r.relnamespace
      WHERE k.contype = 'f' AND (n.nspname = $1 OR rn.nspname = $1)
        AND NOT c.relispartition AND NOT r.relispartition
      ORDER BY n.nspname, c.relname, k.conname`,
    [schema],
  );
  return {
    schema,
    exists: exists.rows[0]?.ok === true,
    tables: [...tables.values()],
    foreignKeys: keys.rows.map((k) => ({
      name: k.name,
      from: { schema: k.schema, table: k.table, columns: k.columns },
      to: { schema: k.ref_schema, table: k.ref_table, columns: k.ref_columns },
      onDelete: ACTION_BY_CODE[k.on_delete] ?? 'NO ACTION',
      onUpdate: ACTION_BY_CODE[k.on_update] ?? 'NO ACTION',
    })),
  };
}
