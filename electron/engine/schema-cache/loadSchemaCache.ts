/**
 * Catalog queries → SchemaCache. Runs in one read-only transaction on one connection so the
 * picture is consistent, and reads the Data API configuration the Lakebase way in the same
 * transaction (`pgrst.pre_config()` sets transaction-local settings).
 */
import { buildRelationships } from './buildRelationships';
import type { Column, DataApiConfig, ForeignKey, Relation, RelationKind, Routine, SchemaCache } from './SchemaCache';
import { relationKey } from './SchemaCache';
import { viewColumnSources, type ViewColumnSource } from './viewColumnSources';

/** The slice of a pg client the loader needs; execute/ owns the real connection. */
export interface CatalogSession {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

const SYSTEM_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'pgrst') AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'`;

const RELATIONS_SQL = `
SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind,
       obj_description(c.oid, 'pg_class') AS comment, pg_relation_is_updatable(c.oid, true) AS updatable,
       coalesce(json_agg(json_build_object(
         'num', a.attnum, 'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
         'typeName', t.typname, 'nullable', NOT a.attnotnull,
         -- An identity column has no pg_attrdef entry: its default is the next value of its sequence.
         'default', coalesce(pg_get_expr(d.adbin, d.adrelid), CASE WHEN a.attidentity = 'd' THEN
           format('nextval(%L::regclass)', pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname)) END),
         'comment', col_description(c.oid, a.attnum)
       ) ORDER BY a.attnum) FILTER (WHERE a.attnum IS NOT NULL), '[]') AS columns
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p') AND ${SYSTEM_SCHEMAS}
GROUP BY c.oid, n.nspname, c.relname, c.relkind`;

const CONSTRAINTS_SQL = `
SELECT con.conname AS name, con.contype AS type, con.conrelid::int8 AS rel, con.confrelid::int8 AS ref,
  ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS columns,
  ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS ref_columns
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype IN ('p', 'u', 'f') AND ${SYSTEM_SCHEMAS}`;

const VIEWS_SQL = `
SELECT c.oid::int8 AS oid, r.ev_action::text AS action
FROM pg_rewrite r
JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND r.rulename = '_RETURN' AND ${SYSTEM_SCHEMAS}`;

const ROUTINES_SQL = `
SELECT n.nspname AS schema, p.proname AS name, pg_get_function_arguments(p.oid) AS arguments,
       pg_get_function_result(p.oid) AS returns, p.proretset AS returns_set, p.provolatile AS volatility,
       obj_description(p.oid, 'pg_proc') AS comment, p.pronargs AS nargs, p.pronargdefaults AS ndefaults,
       coalesce((SELECT json_agg(json_build_object('name', coalesce(p.proargnames[k.ord], ''), 'type', format_type(k.t, NULL),
                 'mode', coalesce(p.proargmodes[k.ord]::text, 'i')) ORDER BY k.ord)
                 FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY k(t, ord)), '[]') AS params,
       CASE WHEN rt.typtype = 'c' THEN (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)
                 FROM pg_attribute a WHERE a.attrelid = rt.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END AS return_columns,
       rn.nspname AS return_schema, rc.relname AS return_relation, rc.relkind AS return_relkind
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_type rt ON rt.oid = p.prorettype
LEFT JOIN pg_class rc ON rc.oid = rt.typrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE p.prokind = 'f' AND ${SYSTEM_SCHEMAS}`;

interface RoutineRow {
  schema: string;
  name: string;
  arguments: string;
  returns: string;
  returns_set: boolean;
  volatility: 'i' | 's' | 'v';
  comment: string | null;
  nargs: number;
  ndefaults: number;
  params: { name: string; type: string; mode: 'i' | 'o' | 'b' | 'v' | 't' }[];
  return_columns: { name: string; type: string }[] | null;
  return_schema: string | null;
  return_relation: string | null;
  return_relkind: string | null;
}

/** Parameters with their defaults marked (the last `ndefaults` input parameters have one). */
function routineOf(r: RoutineRow): Routine {
  const inputs = r.params.filter((p) => p.mode === 'i' || p.mode === 'b' || p.mode === 'v');
  const firstDefault = inputs.length - r.ndefaults;
  let n = 0;
  const params = r.params.map((p) => {
    const isInput = p.mode === 'i' || p.mode === 'b' || p.mode === 'v';
    const hasDefault = isInput && n++ >= firstDefault;
    return { name: p.name, type: p.type, mode: p.mode, hasDefault };
  });
  const outs = r.params.filter((p) => p.mode === 'o' || p.mode === 'b' || p.mode === 't');
  // A single OUT parameter makes a scalar result, as in Postgres.
  const returnColumns =
    outs.length > 1 || r.params.some((p) => p.mode === 't') ? outs.map((p) => ({ name: p.name, type: p.type })) : (r.return_columns ?? []);
  const tableLike = r.return_relkind !== null && r.return_relkind !== 'c';
  return {
    schema: r.schema,
    name: r.name,
    arguments: r.arguments,
    params,
    returnColumns,
    ...(tableLike &&
      r.return_schema !== null &&
      r.return_relation !== null && { returnRelation: { schema: r.return_schema, name: r.return_relation } }),
    returns: r.returns,
    returnsSet: r.returns_set,
    volatility: VOLATILITY[r.volatility],
    comment: r.comment,
  };
}

const CONFIG_SQL = `
SELECT current_setting('pgrst.db_schemas', true) AS db_schemas,
       current_setting('pgrst.db_aggregates_enabled', true) AS db_aggregates_enabled,
       current_setting('pgrst.db_max_rows', true) AS db_max_rows,
       current_setting('pgrst.db_plan_enabled', true) AS db_plan_enabled`;

const KINDS: Record<string, RelationKind> = { r: 'table', v: 'view', m: 'materialized_view', f: 'foreign_table', p: 'partitioned_table' };
const VOLATILITY = { i: 'immutable', s: 'stable', v: 'volatile' } as const;

interface RelationRow {
  oid: string;
  schema: string;
  name: string;
  kind: string;
  comment: string | null;
  /** Bits of pg_relation_is_updatable: 4 UPDATE, 8 INSERT, 16 DELETE. */
  updatable: number;
  columns: (Column & { num: number })[];
}
interface ConstraintRow {
  name: string;
  type: 'p' | 'u' | 'f';
  rel: string;
  ref: string;
  columns: string[];
  ref_columns: string[];
}

export async function loadSchemaCache(session: CatalogSession): Promise<SchemaCache> {
  await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const config = await loadConfig(session);
    const relations = (await session.query<RelationRow>(RELATIONS_SQL)).rows;
    const constraints = (await session.query<ConstraintRow>(CONSTRAINTS_SQL)).rows;
    const views = (await session.query<{ oid: string; action: string }>(VIEWS_SQL)).rows;
    const timezones = (await session.query<{ name: string }>('SELECT name FROM pg_timezone_names')).rows.map((r) => r.name);
    const routines = (await session.query<RoutineRow>(ROUTINES_SQL)).rows;
    await session.query('COMMIT');
    return assemble(config, relations, constraints, views, new Set(timezones), routines.map(routineOf));
  } catch (err) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function loadConfig(session: CatalogSession): Promise<DataApiConfig> {
  // Read from the catalog: to_regprocedure raises (and aborts the read) when the login role may
  // not use schema pgrst, as a workspace identity may not; without the function, defaults apply.
  const has = await session.query<{ present: boolean }>(
    `SELECT EXISTS (SELECT FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'pgrst' AND p.proname = 'pre_config' AND p.pronargs = 0
        AND has_schema_privilege(n.oid, 'USAGE') AND has_function_privilege(p.oid, 'EXECUTE')) AS present`,
  );
  if (has.rows[0]?.present) {
    // A savepoint keeps a failing pre_config from aborting the catalog read: defaults apply.
    await session.query('SAVEPOINT pre_config');
    try {
      await session.query('SELECT pgrst.pre_config()');
      await session.query('RELEASE SAVEPOINT pre_config');
    } catch {
      await session.query('ROLLBACK TO SAVEPOINT pre_config');
    }
  }
  const row = (
    await session.query<{
      db_schemas: string | null;
      db_aggregates_enabled: string | null;
      db_max_rows: string | null;
      db_plan_enabled: string | null;
    }>(CONFIG_SQL)
  ).rows[0];
  const maxRows = /^\s*\d+\s*$/.test(row?.db_max_rows ?? '') ? Number(row!.db_max_rows) : undefined;
  const schemas = (row?.db_schemas ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return {
    dbSchemas: schemas.length > 0 ? schemas : ['public'],
    aggregatesEnabled: isOn(row?.db_aggregates_enabled),
    planEnabled: isOn(row?.db_plan_enabled),
    ...(maxRows !== undefined && maxRows > 0 && { maxRows }),
  };
}

function isOn(setting: string | null | undefined): boolean {
  return ['true', 'on', '1', 'yes'].includes((setting ?? '').trim().toLowerCase());
}

function assemble(
  config: DataApiConfig,
  relationRows: RelationRow[],
  constraintRows: ConstraintRow[],
  viewRows: { oid: string; action: string }[],
  timezones: ReadonlySet<string>,
  routines: Routine[],
): SchemaCache {
  const byOid = new Map<string, RelationRow>(relationRows.map((r) => [r.oid, r]));
  const primaryKeys = new Map<string, string[]>();
  const uniqueKeys = new Map<string, string[][]>();
  const foreignKeys: ForeignKey[] = [];
  for (const c of constraintRows) {
    const rel = byOid.get(c.rel);
    if (!rel) continue;
    if (c.type === 'p') primaryKeys.set(c.rel, c.columns);
    if (c.type === 'p' || c.type === 'u') uniqueKeys.set(c.rel, [...(uniqueKeys.get(c.rel) ?? []), c.columns]);
    if (c.type === 'f') {
      const ref = byOid.get(c.ref);
      if (!ref) continue;
      foreignKeys.push({
        constraint: c.name,
        table: { schema: rel.schema, name: rel.name },
        columns: c.columns,
        references: { schema: ref.schema, name: ref.name },
        referencedColumns: c.ref_columns,
      });
    }
  }
  const relations = new Map<string, Relation>();
  for (const r of relationRows) {
    const columns: Column[] = r.columns.map((c) => ({
      name: c.name,
      type: c.type,
      typeName: c.typeName,
      nullable: c.nullable,
      default: c.default,
      comment: c.comment,
    }));
    relations.set(relationKey(r), {
      schema: r.schema,
      name: r.name,
      kind: KINDS[r.kind] ?? 'table',
      columns,
      columnsByName: new Map(columns.map((c) => [c.name, c])),
      primaryKey: primaryKeys.get(r.oid) ?? [],
      comment: r.comment,
      writable: { insert: (r.updatable & 8) !== 0, update: (r.updatable & 4) !== 0, delete: (r.updatable & 16) !== 0 },
    });
  }
  // View column → base column, by names, for relationships through views.
  const viewSources: {
    view: { schema: string; name: string };
    map: { viewColumn: string; table: { schema: string; name: string }; column: string }[];
  }[] = [];
  for (const v of viewRows) {
    const view = byOid.get(v.oid);
    if (!view) continue;
    const map = viewColumnSources(v.action).flatMap((s: ViewColumnSource) => {
      const base = byOid.get(String(s.tableOid));
      const viewColumn = view.columns.find((c) => c.num === s.position);
      const baseColumn = base?.columns.find((c) => c.num === s.columnNumber);
      return base && viewColumn && baseColumn
        ? [{ viewColumn: viewColumn.name, table: { schema: base.schema, name: base.name }, column: baseColumn.name }]
        : [];
    });
    viewSources.push({ view: { schema: view.schema, name: view.name }, map });
  }
  const uniqueByKey = new Map<string, string[][]>();
  for (const [oid, keys] of uniqueKeys) {
    const r = byOid.get(oid);
    if (r) uniqueByKey.set(relationKey(r), keys);
  }
  const relationships = buildRelationships(foreignKeys, uniqueByKey, relations, viewSources);
  return { config, relations, relationships, foreignKeys, routines, timezones, loadedAt: new Date() };
}
