import type pg from 'pg';
import type {
  ColumnInfo,
  ConstraintInfo,
  TableDesign,
  FkAction,
  IdentityKind,
  IndexInfo,
  TypeInfo,
  TypeKind,
  TypeRef,
} from '../../shared/contract/tables';
import { invalidInput, notFound } from '../errors/PierError';
import { quoteIdent } from './quoteIdent';

type Db = pg.Pool | pg.ClientBase;

/** A table as the designer edits it, with its oid for the dependency reads. */
export interface TableStructure extends TableDesign {
  readonly oid: string;
  /** Column name → attnum (pg_depend names columns by number). */
  readonly attnums: ReadonlyMap<string, number>;
  /** Constraint and index name → oid. */
  readonly constraintOids: ReadonlyMap<string, string>;
  readonly indexOids: ReadonlyMap<string, string>;
}

const FK_ACTION: Record<string, FkAction> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };
const IDENTITY: Record<string, IdentityKind> = { a: 'always', d: 'byDefault' };

/** The table's oid, or null when there is no table of that name (views and other relations are not tables). */
export async function findTableOid(db: Db, schema: string, table: string): Promise<string | null> {
  const r = await db.query<{ oid: string }>(
    `SELECT c.oid::text AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [schema, table],
  );
  return r.rows[0]?.oid ?? null;
}

/** Whether any relation (table, view, sequence, index …) of that name exists in the schema: they share one namespace. */
export async function relationExists(db: Db, schema: string, name: string): Promise<boolean> {
  const r = await db.query(
    `SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, name],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function schemaExists(db: Db, schema: string): Promise<boolean> {
  return ((await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount ?? 0) > 0;
}

/** Columns, constraints, indexes, comment and RLS of one table, names exactly as the catalog spells them. */
export async function readTable(db: Db, schema: string, table: string): Promise<TableStructure> {
  const rel = await db.query<{ oid: string; schema: string; name: string; owner: string; comment: string | null; rls: boolean }>(
    `SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, pg_get_userbyid(c.relowner)::text AS owner,
            obj_description(c.oid, 'pg_class') AS comment, c.relrowsecurity AS rls
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [schema, table],
  );
  const found = rel.rows[0];
  if (!found) throw notFound(`Table ${schema}.${table} does not exist.`);
  const cols = await db.query<{
    name: string;
    attnum: number;
    type: string;
    elem_schema: string;
    elem_name: string;
    elem_type: string;
    is_array: boolean;
    not_null: boolean;
    default: string | null;
    identity: string;
    generated: string;
    comment: string | null;
  }>(
    `SELECT a.attname AS name, a.attnum AS attnum, format_type(a.atttypid, a.atttypmod) AS type,
            en.nspname AS elem_schema, e.typname AS elem_name, format_type(e.oid, a.atttypmod) AS elem_type,
            e.oid <> t.oid AS is_array, a.attnotnull AS not_null,
            pg_get_expr(d.adbin, d.adrelid) AS default, a.attidentity::text AS identity, a.attgenerated::text AS generated,
            col_description(a.attrelid, a.attnum) AS comment
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_type e ON e.oid = CASE WHEN t.typtype = 'b' AND t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END
       JOIN pg_namespace en ON en.oid = e.typnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [found.oid],
  );
  const cons = await db.query<{
    oid: string;
    name: string;
    type: string;
    columns: string[];
    check: string | null;
    definition: string;
    ref_schema: string | null;
    ref_table: string | null;
    ref_columns: string[] | null;
    on_delete: string;
    on_update: string;
  }>(
    `SELECT k.oid::text AS oid, k.conname AS name, k.contype::text AS type,
            ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, i)
                   JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.i)::text[] AS columns,
            CASE WHEN k.contype = 'c' THEN pg_get_expr(k.conbin, k.conrelid) END AS check,
            pg_get_constraintdef(k.oid) AS definition,
            rn.nspname AS ref_schema, r.relname AS ref_table,
            ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(n, i)
                   JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.i)::text[] AS ref_columns,
            k.confdeltype::text AS on_delete, k.confupdtype::text AS on_update
       FROM pg_constraint k
       LEFT JOIN pg_class r ON r.oid = k.confrelid
       LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
      WHERE k.conrelid = $1::oid AND k.contype IN ('p', 'u', 'c', 'f', 'x')
      ORDER BY CASE k.contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'f' THEN 2 ELSE 3 END, k.conname`,
    [found.oid],
  );
  const idx = await db.query<{
    oid: string;
    name: string;
    definition: string;
    unique: boolean;
    method: string;
    columns: string[];
    expression: boolean;
    constraint: string | null;
  }>(
    `SELECT i.indexrelid::text AS oid, c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition, i.indisunique AS unique,
            am.amname AS method,
            ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(n, k)
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.n
                  WHERE k <= i.indnkeyatts ORDER BY k)::text[] AS columns,
            0 = ANY (i.indkey::int2[]) AS expression,
            (SELECT k.conname FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid
                AND k.contype IN ('p', 'u', 'x') LIMIT 1) AS constraint
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
      WHERE i.indrelid = $1::oid
      ORDER BY c.relname`,
    [found.oid],
  );
  const columns: ColumnInfo[] = cols.rows.map((c) => ({
    name: c.name,
    type: c.type,
    typeRef: { schema: c.elem_schema, name: c.elem_name, modifiers: modifiersOf(c.elem_type), array: c.is_array },
    notNull: c.not_null,
    default: c.generated ? null : c.default,
    identity: IDENTITY[c.identity] ?? 'none',
    generated: c.generated ? c.default : null,
    comment: c.comment,
  }));
  const constraints: ConstraintInfo[] = cons.rows.map((k) => {
    switch (k.type) {
      case 'p':
        return { kind: 'primaryKey', name: k.name, columns: k.columns };
      case 'u':
        return { kind: 'unique', name: k.name, columns: k.columns };
      case 'c':
        return { kind: 'check', name: k.name, expression: k.check ?? k.definition };
      case 'f':
        return {
          kind: 'foreignKey',
          name: k.name,
          columns: k.columns,
          refSchema: k.ref_schema ?? '',
          refTable: k.ref_table ?? '',
          refColumns: k.ref_columns ?? [],
          onDelete: FK_ACTION[k.on_delete] ?? 'NO ACTION',
          onUpdate: FK_ACTION[k.on_update] ?? 'NO ACTION',
        };
      default:
        return { kind: 'other', name: k.name, definition: k.definition };
    }
  });
  const indexes: IndexInfo[] = idx.rows.map((i) => ({
    name: i.name,
    definition: i.definition,
    unique: i.unique,
    method: i.method,
    columns: i.expression ? [] : i.columns,
    constraint: i.constraint,
  }));
  return {
    oid: found.oid,
    schema: found.schema,
    table: found.name,
    owner: found.owner,
    comment: found.comment,
    rlsEnabled: found.rls,
    columns,
    constraints,
    indexes,
    attnums: new Map(cols.rows.map((c) => [c.name, c.attnum])),
    constraintOids: new Map(cons.rows.map((k) => [k.name, k.oid])),
    indexOids: new Map(idx.rows.map((i) => [i.name, i.oid])),
  };
}

/** The (n) or (p, s) in Postgres' rendering of a type: `character varying(40)`, `timestamp(3) with time zone`. */
function modifiersOf(rendered: string): number[] {
  const m = /\((\d+)(?:,\s*(\d+))?\)/.exec(rendered);
  if (!m) return [];
  return m[2] === undefined ? [Number(m[1])] : [Number(m[1]), Number(m[2])];
}

/** Column names of each table named, for checking foreign keys; a missing table is left out. */
export async function readColumnNames(db: Db, tables: readonly { schema: string; table: string }[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (tables.length === 0) return out;
  const r = await db.query<{ schema: string; table: string; columns: string[] }>(
    `SELECT n.nspname AS schema, c.relname AS table,
            ARRAY(SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)::text[] AS columns
       FROM unnest($1::text[], $2::text[]) AS w(schema, name)
       JOIN pg_namespace n ON n.nspname = w.schema
       JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = w.name AND c.relkind IN ('r', 'p')`,
    [tables.map((t) => t.schema), tables.map((t) => t.table)],
  );
  for (const row of r.rows) out.set(tableKey(row.schema, row.table), row.columns);
  return out;
}

export const tableKey = (schema: string, table: string) => JSON.stringify([schema, table]);
export const typeKey = (t: TypeRef) => JSON.stringify([t.schema, t.name, t.modifiers, t.array]);

const TYPE_KIND: Record<string, TypeKind> = { b: 'base', e: 'enum', d: 'domain', c: 'composite', r: 'range' };
/** Built-in types that are the catalog's own bookkeeping, not something to store in a column. */
const INTERNAL_BUILTINS = [
  'aclitem',
  'char',
  'cid',
  'gtsvector',
  'int2vector',
  'name',
  'oid',
  'oidvector',
  'refcursor',
  'tid',
  'txid_snapshot',
  'xid',
  'xid8',
];

/**
 * The types a column may have: the built-in ones people store data in, and every enum, domain,
 * composite, range and extension type of the database's own schemas.
 */
export async function listTypes(db: Db): Promise<TypeInfo[]> {
  const r = await db.query<{
    schema: string;
    name: string;
    display: string;
    typtype: string;
    category: string;
    modifiers: boolean;
    labels: string[];
    base: string | null;
  }>(
    `SELECT n.nspname AS schema, t.typname AS name, format_type(t.oid, NULL) AS display, t.typtype::text AS typtype,
            t.typcategory::text AS category, t.typmodin <> 0 AS modifiers,
            ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels,
            CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.typtype IN ('b', 'e', 'd', 'c', 'r')
        AND NOT (t.typcategory = 'A' AND t.typelem <> 0)
        AND t.typcategory NOT IN ('P', 'X', 'Z')
        AND n.nspname NOT IN ('information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%'
        AND (t.typtype <> 'c' OR EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))
        AND (n.nspname <> 'pg_catalog' OR (t.typtype IN ('b', 'r') AND t.typname NOT LIKE 'reg%' AND t.typname NOT LIKE 'pg\\_%'
             AND t.typname <> ALL ($1::text[])))
      ORDER BY n.nspname <> 'pg_catalog', n.nspname, t.typname`,
    [INTERNAL_BUILTINS],
  );
  return r.rows.map((t) => ({
    schema: t.schema,
    name: t.name,
    display: t.display,
    kind: TYPE_KIND[t.typtype] ?? 'base',
    category: t.category,
    takesModifiers: t.modifiers,
    labels: t.labels,
    baseType: t.base,
  }));
}

/**
 * The SQL text of each type the change names, checked against the catalog. Built-in types are
 * written as Postgres writes them (format_type: `character varying(40)`, `timestamp(3) with time
 * zone`), the modifiers turned into a typmod by the type's own input function; other types are
 * schema-qualified and quoted. Key: `typeKey`.
 */
export async function renderTypes(db: Db, refs: readonly TypeRef[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const ref of refs) {
    const key = typeKey(ref);
    if (out.has(key)) continue;
    const r = await db.query<{ oid: string; typtype: string; category: string; modin_schema: string | null; modin_name: string | null }>(
      `SELECT t.oid::text AS oid, t.typtype::text AS typtype, t.typcategory::text AS category,
              pn.nspname AS modin_schema, p.proname AS modin_name
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         LEFT JOIN pg_proc p ON p.oid = t.typmodin LEFT JOIN pg_namespace pn ON pn.oid = p.pronamespace
        WHERE n.nspname = $1 AND t.typname = $2`,
      [ref.schema, ref.name],
    );
    const t = r.rows[0];
    if (!t) throw notFound(`Type ${ref.schema}.${ref.name} does not exist.`, 'Pick a type from the list; it may have been dropped.');
    if (t.typtype === 'p' || ['P', 'X', 'Z'].includes(t.category))
      throw invalidInput(`${ref.schema}.${ref.name} is not a type a column can have.`);
    let typmod = -1;
    if (ref.modifiers.length > 0) {
      if (!t.modin_schema || !t.modin_name) throw invalidInput(`Type ${ref.schema}.${ref.name} takes no length or precision.`);
      // The type's own typmod input function, named from the catalog; the modifiers are parameters.
      try {
        const m = await db.query<{ typmod: number }>(
          `SELECT ${quoteIdent(t.modin_schema)}.${quoteIdent(t.modin_name)}($1::cstring[]) AS typmod`,
          [ref.modifiers.map(String)],
        );
        typmod = m.rows[0]!.typmod;
      } catch (err) {
        throw invalidInput(`${ref.name}(${ref.modifiers.join(', ')}): ${(err as Error).message}`);
      }
    }
    let text: string;
    if (ref.schema === 'pg_catalog') {
      const f = await db.query<{ text: string }>('SELECT format_type($1::oid, $2::int) AS text', [t.oid, typmod]);
      text = f.rows[0]!.text;
    } else {
      text = `${quoteIdent(ref.schema)}.${quoteIdent(ref.name)}${ref.modifiers.length ? `(${ref.modifiers.join(', ')})` : ''}`;
    }
    out.set(key, ref.array ? `${text}[]` : text);
  }
  return out;
}
