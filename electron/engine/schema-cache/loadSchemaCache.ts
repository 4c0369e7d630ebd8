/**
 * Catalog queries → SchemaCache. Runs in one read-only transaction on one connection so the
 * picture is consistent, and reads the Data API configuration in the same transaction (the
 * Lakebase way: `pgrst.pre_config()` sets transaction-local settings).
 *
 * The login role is PostgREST's authenticator, which may have no privilege at all beyond LOGIN.
 * So every catalog query works on OIDs and catalog columns only: nothing resolves a name (that
 * needs USAGE on its schema) or opens a relation that is not a view. Relations and routines are
 * described only in the exposed schemas; keys are read everywhere, because relationships pass
 * through views into schemas that are not exposed. A statement that fails is retried object by
 * object, and an object that cannot be described is left out and logged: one odd view never takes
 * the whole API down.
 */
import { buildRelationships, type ViewSource } from './buildRelationships';
import type {
  Column,
  ComputedRelationship,
  DataApiConfig,
  ForeignKey,
  MediaHandlerEntry,
  Relation,
  RelationKind,
  Routine,
  SchemaCache,
} from './SchemaCache';
import { relationKey } from './SchemaCache';
import { viewColumnSources } from './viewColumnSources';

/** The slice of a pg client the loader needs; execute/ owns the real connection. */
export interface CatalogSession {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** Reads the configuration inside the load's transaction (see readLakebaseConfig). */
export type ConfigReader = (session: CatalogSession) => Promise<DataApiConfig>;

export interface LoadOptions {
  readonly readConfig?: ConfigReader;
  /** Where objects that could not be described are reported. */
  readonly log?: (message: string) => void;
}

/** A view's or foreign table's lock can be held by a long migration: give up on that object, not the API. */
const LOCK_TIMEOUT = '2s';

// $1: the exposed schemas; $2: the OIDs to describe, or NULL for all (the one-by-one retry).
const RELATIONS_SQL = `
SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind,
       obj_description(c.oid, 'pg_class') AS comment,
       -- Only views and foreign tables are opened (and locked) to learn this; tables take every write.
       CASE WHEN c.relkind IN ('v', 'f') THEN pg_relation_is_updatable(c.oid, true) WHEN c.relkind IN ('r', 'p') THEN 28 ELSE 0 END AS updatable,
       coalesce((SELECT json_agg(json_build_object(
         'num', a.attnum, 'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
         'typeName', t.typname, 'nullable', NOT (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)),
         'default', CASE
           WHEN d.adbin IS NOT NULL THEN pg_get_expr(d.adbin, d.adrelid)
           -- An identity column has no pg_attrdef entry: its default is the next value of its sequence,
           -- found through pg_depend (pg_get_serial_sequence would need USAGE on the schema).
           WHEN a.attidentity = 'd' THEN (SELECT format('nextval(%L::regclass)', dep.objid::regclass) FROM pg_depend dep
             WHERE dep.refclassid = 'pg_class'::regclass AND dep.refobjid = c.oid AND dep.refobjsubid = a.attnum
               AND dep.classid = 'pg_class'::regclass AND dep.deptype = 'i' LIMIT 1)
           WHEN t.typtype = 'd' AND a.attgenerated = '' THEN pg_get_expr(t.typdefaultbin, 0)
         END,
         'comment', col_description(c.oid, a.attnum),
         'enum', (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e
                  WHERE e.enumtypid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END)
       ) ORDER BY a.attnum)
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]') AS columns
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p') AND NOT c.relispartition AND n.nspname = ANY($1::text[])
  AND ($2::oid[] IS NULL OR c.oid = ANY($2::oid[]))`;

const RELATION_OIDS_SQL = `
SELECT c.oid::int8 AS oid, n.nspname || '.' || c.relname AS label FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p') AND NOT c.relispartition AND n.nspname = ANY($1::text[])`;

/**
 * Keys of every schema but the system's: a foreign key between two tables nobody exposes still
 * relates the views over them. A partition's copy of its parent's key (conparentid) is left out.
 */
const CONSTRAINTS_SQL = `
SELECT con.conname AS name, con.contype AS type,
  con.conrelid::int8 AS rel, n.nspname AS rel_schema, c.relname AS rel_name,
  con.confrelid::int8 AS ref, fn.nspname AS ref_schema, fc.relname AS ref_name,
  ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS columns,
  ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS ref_columns
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'u', 'f') AND (con.contype <> 'f' OR con.conparentid = 0)
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')`;

/** The stored query trees of views, by OID: those of the exposed schemas, then the views they read from. */
const VIEWS_SQL = `
SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, r.ev_action::text AS action
FROM pg_rewrite r
JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND r.rulename = '_RETURN'
  AND (n.nspname = ANY($1::text[]) OR c.oid = ANY($2::oid[]))`;

/** Column names by number, for the relations views read from (wherever they are). */
const ATTRIBUTES_SQL = `
SELECT a.attrelid::int8 AS rel, n.nspname AS schema, c.relname AS relname, a.attnum AS num, a.attname AS name, c.relkind AS kind
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped`;

const ROUTINES_SQL = `
SELECT p.oid::int8 AS oid, n.nspname AS schema, p.proname AS name, pg_get_function_arguments(p.oid) AS arguments,
       pg_get_function_result(p.oid) AS returns, p.proretset AS returns_set, p.provolatile AS volatility,
       obj_description(p.oid, 'pg_proc') AS comment, p.pronargs AS nargs, p.pronargdefaults AS ndefaults, p.prorows AS rows,
       p.proargnames IS NOT NULL AS named,
       coalesce((SELECT json_agg(json_build_object('name', coalesce(p.proargnames[k.ord], ''), 'type', format_type(k.t, NULL),
                 'mode', coalesce(p.proargmodes[k.ord]::text, 'i'), 'relation', (SELECT pt.typrelid::int8 FROM pg_type pt WHERE pt.oid = k.t AND pt.typrelid <> 0))
                 ORDER BY k.ord)
                 FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY k(t, ord)), '[]') AS params,
       CASE WHEN rt.typtype = 'c' THEN (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)
                 FROM pg_attribute a WHERE a.attrelid = rt.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END AS return_columns,
       rt.typrelid::int8 AS return_relation, rc.relkind AS return_relkind, rt.typtype AS return_typtype
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_type rt ON rt.oid = p.prorettype
LEFT JOIN pg_class rc ON rc.oid = rt.typrelid
WHERE p.prokind = 'f' AND rt.oid <> 'trigger'::regtype AND n.nspname = ANY($1::text[])
  AND ($2::oid[] IS NULL OR p.oid = ANY($2::oid[]))`;

/**
 * Implicit casts by function to or from a domain, from or to json or text (PostgREST's data
 * representations), with the function named by schema and name.
 */
const REPRESENTATIONS_SQL = `
SELECT format_type(c.castsource, NULL) AS source, format_type(c.casttarget, NULL) AS target, fn.nspname AS schema, f.proname AS name
FROM pg_cast c
JOIN pg_type s ON s.oid = c.castsource
JOIN pg_type t ON t.oid = c.casttarget
JOIN pg_proc f ON f.oid = c.castfunc
JOIN pg_namespace fn ON fn.oid = f.pronamespace
WHERE c.castcontext = 'i' AND c.castmethod = 'f' AND has_function_privilege(c.castfunc, 'EXECUTE')
  AND ((s.typtype = 'd' AND c.casttarget IN ('json'::regtype, 'text'::regtype))
    OR (t.typtype = 'd' AND c.castsource IN ('json'::regtype, 'text'::regtype)))`;

/**
 * PostgREST's media type handlers: domains named like a media type (or the any type), with aggregates
 * of one argument (a relation's row or anyelement) returning them, and functions returning them.
 */
const MEDIA_HANDLERS_SQL = `
WITH media_types AS (
  SELECT t.oid, lower(t.typname) AS media, b.typname = 'bytea' AS binary,
         CASE t.typname WHEN '*/*' THEN 'application/octet-stream' ELSE lower(t.typname) END AS content_type
  FROM pg_type t JOIN pg_type b ON b.oid = t.typbasetype
  WHERE t.typbasetype <> 0 AND (t.typname ~* '^[A-Za-z0-9.-]+/[A-Za-z0-9.+-]+$' OR t.typname = '*/*')
)
SELECT 'aggregate' AS kind, pn.nspname AS fn_schema, p.proname AS fn_name,
       CASE WHEN at.typname = 'anyelement' THEN NULL ELSE rn.nspname END AS target_schema,
       CASE WHEN at.typname = 'anyelement' THEN NULL ELSE rc.relname END AS target_name,
       m.media, m.content_type, m.binary
FROM media_types m
JOIN pg_proc p ON p.prorettype = m.oid
JOIN pg_aggregate a ON a.aggfnoid = p.oid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
JOIN pg_type at ON at.oid = p.proargtypes[0]
LEFT JOIN pg_class rc ON rc.oid = at.typrelid AND rc.relkind IN ('r', 'v', 'm', 'f', 'p')
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE p.pronargs = 1 AND pn.nspname = ANY($1::text[]) AND (at.typname = 'anyelement' OR rc.oid IS NOT NULL)
UNION ALL
SELECT 'value', NULL, NULL, pn.nspname, p.proname, m.media, m.content_type, m.binary
FROM media_types m
JOIN pg_proc p ON p.prorettype = m.oid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
WHERE p.prokind = 'f' AND NOT p.proretset AND pn.nspname = ANY($1::text[])`;

const ROUTINE_OIDS_SQL = `
SELECT p.oid::int8 AS oid, n.nspname || '.' || p.proname AS label FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind = 'f' AND n.nspname = ANY($1::text[])`;

interface MediaHandlerRow {
  kind: 'aggregate' | 'value';
  fn_schema: string | null;
  fn_name: string | null;
  target_schema: string | null;
  target_name: string | null;
  media: string;
  content_type: string;
  binary: boolean;
}

interface RoutineRow {
  oid: string;
  schema: string;
  name: string;
  arguments: string;
  returns: string;
  returns_set: boolean;
  volatility: 'i' | 's' | 'v';
  comment: string | null;
  nargs: number;
  ndefaults: number;
  rows: number;
  /** Whether any parameter has a name (pg_proc.proargnames is set). */
  named: boolean;
  params: { name: string; type: string; mode: 'i' | 'o' | 'b' | 'v' | 't'; relation: number | null }[];
  return_columns: { name: string; type: string }[] | null;
  return_relation: string;
  return_relkind: string | null;
  return_typtype: string;
}

const CONFIG_SQL = `
SELECT current_setting('pgrst.db_schemas', true) AS db_schemas,
       current_setting('pgrst.db_aggregates_enabled', true) AS db_aggregates_enabled,
       current_setting('pgrst.db_max_rows', true) AS db_max_rows,
       current_setting('pgrst.db_plan_enabled', true) AS db_plan_enabled,
       current_setting('pgrst.db_anon_role', true) AS db_anon_role`;

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
  columns: (Omit<Column, 'enumValues'> & { num: number; enum: string[] | null })[];
}
interface ConstraintRow {
  name: string;
  type: 'p' | 'u' | 'f';
  rel: string;
  rel_schema: string;
  rel_name: string;
  ref: string | null;
  ref_schema: string | null;
  ref_name: string | null;
  columns: string[];
  ref_columns: string[];
}
interface ViewRow {
  oid: string;
  schema: string;
  name: string;
  action: string;
}
interface AttributeRow {
  rel: string;
  schema: string;
  relname: string;
  num: number;
  name: string;
  kind: string;
}

export async function loadSchemaCache(session: CatalogSession, options: LoadOptions = {}): Promise<SchemaCache> {
  const log = options.log ?? (() => undefined);
  await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const config = await (options.readConfig ?? readLakebaseConfig)(session);
    // An empty search path makes format_type, regclass and pg_get_expr write every name outside
    // pg_catalog with its schema, so the SQL built from them means the same under any search path.
    await session.query(`SELECT set_config('search_path', '', true), set_config('lock_timeout', '${LOCK_TIMEOUT}', true)`);
    const schemas = [...config.dbSchemas];
    const relations = await describeEach<RelationRow>(session, log, 'relation', RELATIONS_SQL, RELATION_OIDS_SQL, schemas);
    const constraints = (await session.query<ConstraintRow>(CONSTRAINTS_SQL)).rows;
    const views = await loadViews(session, schemas);
    const attributes = await loadAttributes(session, views);
    const timezones = (await session.query<{ name: string }>('SELECT name FROM pg_timezone_names')).rows.map((r) => r.name);
    const routines = await describeEach<RoutineRow>(session, log, 'function', ROUTINES_SQL, ROUTINE_OIDS_SQL, schemas);
    const representations = new Map(
      (await session.query<{ source: string; target: string; schema: string; name: string }>(REPRESENTATIONS_SQL)).rows.map(
        (r) => [r.source + '\u0000' + r.target, { schema: r.schema, name: r.name }] as const,
      ),
    );
    const mediaHandlers = new Map<string, MediaHandlerEntry>();
    for (const h of (await session.query<MediaHandlerRow>(MEDIA_HANDLERS_SQL, [schemas])).rows) {
      const target =
        h.target_schema === null || h.target_name === null ? '*' : relationKey({ schema: h.target_schema, name: h.target_name });
      const handler: MediaHandlerEntry['handler'] =
        h.kind === 'value'
          ? { kind: 'value' }
          : {
              kind: 'aggregate',
              fn: { schema: h.fn_schema!, name: h.fn_name! },
              ...(h.target_schema !== null && h.target_name !== null && { rowType: { schema: h.target_schema, name: h.target_name } }),
            };
      mediaHandlers.set(target + '\u0001' + h.media, { handler, contentType: h.content_type, binary: h.binary });
    }
    await session.query('COMMIT');
    return {
      ...assemble(config, relations, constraints, views, attributes, new Set(timezones), routines, log),
      representations,
      mediaHandlers,
    };
  } catch (err) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * One relation of a schema the Data API does not expose, described on demand for the console
 * (its grid says the schema is not exposed, yet shows the columns). Same privilege-free queries.
 */
export async function describeUnexposedRelation(session: CatalogSession, schema: string, name: string): Promise<Relation | undefined> {
  await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await session.query(`SELECT set_config('search_path', '', true), set_config('lock_timeout', '${LOCK_TIMEOUT}', true)`);
    const oid = (
      await session.query<{ oid: string }>(
        `SELECT c.oid::int8 AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
        [schema, name],
      )
    ).rows[0]?.oid;
    const row = oid === undefined ? undefined : (await session.query<RelationRow>(RELATIONS_SQL, [[schema], [oid]])).rows[0];
    const pk =
      oid === undefined
        ? []
        : ((
            await session.query<{ columns: string[] }>(
              `SELECT ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS columns
               FROM pg_constraint con WHERE con.conrelid = $1::oid AND con.contype = 'p'`,
              [oid],
            )
          ).rows[0]?.columns ?? []);
    await session.query('COMMIT');
    return row && relationOf(row, pk);
  } catch (err) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * Runs a describing statement for all objects at once; if it fails, describes them one by one
 * (each under a savepoint) and leaves out those that fail, naming them in the log.
 */
async function describeEach<R>(
  session: CatalogSession,
  log: (message: string) => void,
  what: string,
  sql: string,
  oidsSql: string,
  schemas: readonly string[],
): Promise<R[]> {
  await session.query('SAVEPOINT describe_all');
  try {
    const rows = (await session.query<R>(sql, [schemas, null])).rows;
    await session.query('RELEASE SAVEPOINT describe_all');
    return rows;
  } catch {
    await session.query('ROLLBACK TO SAVEPOINT describe_all');
  }
  const out: R[] = [];
  const objects = (await session.query<{ oid: string; label: string }>(oidsSql, [schemas])).rows;
  for (const o of objects) {
    await session.query('SAVEPOINT describe_one');
    try {
      out.push(...(await session.query<R>(sql, [schemas, [o.oid]])).rows);
      await session.query('RELEASE SAVEPOINT describe_one');
    } catch (err) {
      await session.query('ROLLBACK TO SAVEPOINT describe_one');
      log(`Data API schema cache: the ${what} ${o.label} is left out: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}

/** Views of the exposed schemas, then (a few levels deep) the views they read from, wherever those are. */
async function loadViews(session: CatalogSession, schemas: readonly string[]): Promise<Map<string, ViewRow>> {
  const views = new Map<string, ViewRow>();
  let wanted: string[] = [];
  for (let depth = 0; depth < 8; depth++) {
    const rows = (await session.query<ViewRow>(VIEWS_SQL, [depth === 0 ? schemas : [], wanted])).rows;
    for (const r of rows) views.set(r.oid, r);
    wanted = [...new Set(rows.flatMap((r) => safeSources(r.action).map((s) => String(s.tableOid))))].filter((oid) => !views.has(oid));
    if (wanted.length === 0) break;
  }
  return views;
}

function safeSources(action: string): ReturnType<typeof viewColumnSources> {
  try {
    return viewColumnSources(action);
  } catch {
    return [];
  }
}

async function loadAttributes(session: CatalogSession, views: ReadonlyMap<string, ViewRow>): Promise<Map<string, AttributeRow[]>> {
  const oids = [
    ...new Set([...views.values()].flatMap((v) => safeSources(v.action).map((s) => String(s.tableOid))).concat([...views.keys()])),
  ];
  const out = new Map<string, AttributeRow[]>();
  if (oids.length === 0) return out;
  for (const a of (await session.query<AttributeRow>(ATTRIBUTES_SQL, [oids])).rows) out.set(a.rel, [...(out.get(a.rel) ?? []), a]);
  return out;
}

/** Lakebase's configuration: `pgrst.pre_config()` sets transaction-local `pgrst.*` settings. */
export async function readLakebaseConfig(session: CatalogSession): Promise<DataApiConfig> {
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
      db_anon_role: string | null;
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
    ...(row?.db_anon_role && { anonRole: row.db_anon_role }),
  };
}

const UNNAMED_TYPES = new Set(['bytea', 'json', 'jsonb', 'text', 'xml']);

/**
 * What PostgREST can call: functions whose parameters have names, or whose one parameter
 * without a name takes the whole body (json, jsonb, text, xml or bytea). Others are not served.
 */
function callable(r: RoutineRow): boolean {
  if (r.named) return true;
  const inputs = r.params.filter((p) => p.mode === 'i' || p.mode === 'b' || p.mode === 'v');
  return inputs.length === 0 || (inputs.length === 1 && UNNAMED_TYPES.has(inputs[0]!.type));
}

/** Parameters with their defaults marked (the last `ndefaults` input parameters have one). */
function routineOf(r: RoutineRow, relationByOid: ReadonlyMap<string, Relation>): Routine {
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
  const returnRelation = r.return_relkind !== null && r.return_relkind !== 'c' ? relationByOid.get(r.return_relation) : undefined;
  return {
    schema: r.schema,
    name: r.name,
    arguments: r.arguments,
    params,
    returnColumns,
    ...(returnRelation && { returnRelation: { schema: returnRelation.schema, name: returnRelation.name } }),
    returns: r.returns,
    returnsSet: r.returns_set,
    volatility: VOLATILITY[r.volatility],
    comment: r.comment,
  };
}

/**
 * Functions of one argument, a row of an exposed relation: computed fields (usable as columns)
 * when they return one value, computed relationships (embeddable) when they return rows of a
 * relation — PostgREST's two uses of such functions.
 */
function computedOf(
  rows: readonly RoutineRow[],
  relationByOid: ReadonlyMap<string, Relation>,
): {
  computedFields: Map<string, Map<string, Column>>;
  computedRelationships: Map<string, ComputedRelationship[]>;
} {
  const computedFields = new Map<string, Map<string, Column>>();
  const computedRelationships = new Map<string, ComputedRelationship[]>();
  for (const r of rows) {
    const inputs = r.params.filter((p) => p.mode === 'i' || p.mode === 'b' || p.mode === 'v');
    if (inputs.length !== 1 || r.nargs !== 1 || inputs[0]!.relation === null) continue;
    // A number inside the JSON column, a string as a column of its own (int8): compare as text.
    const source = relationByOid.get(String(inputs[0]!.relation));
    if (!source) continue;
    const fn = { schema: r.schema, name: r.name };
    const target = r.return_relkind !== null && r.return_relkind !== 'c' ? relationByOid.get(r.return_relation) : undefined;
    if (target) {
      const rel: ComputedRelationship = {
        kind: 'computed',
        source: { schema: source.schema, name: source.name },
        target: { schema: target.schema, name: target.name },
        function: fn,
        toOne: !r.returns_set || r.rows === 1,
      };
      computedRelationships.set(relationKey(source), [...(computedRelationships.get(relationKey(source)) ?? []), rel]);
    }
    if (r.returns_set || source.columnsByName.has(r.name)) continue;
    const fields = computedFields.get(relationKey(source)) ?? new Map<string, Column>();
    fields.set(r.name, {
      name: r.name,
      type: r.returns,
      typeName: r.returns,
      nullable: true,
      default: null,
      comment: r.comment,
      computed: fn,
    });
    computedFields.set(relationKey(source), fields);
  }
  return { computedFields, computedRelationships };
}

function relationOf(r: RelationRow, primaryKey: readonly string[]): Relation {
  const columns: Column[] = r.columns.map((c) => ({
    name: c.name,
    type: c.type,
    typeName: c.typeName,
    nullable: c.nullable,
    default: c.default,
    comment: c.comment,
    ...(c.enum && c.enum.length > 0 && { enumValues: c.enum }),
  }));
  return {
    schema: r.schema,
    name: r.name,
    kind: KINDS[r.kind] ?? 'table',
    columns,
    columnsByName: new Map(columns.map((c) => [c.name, c])),
    primaryKey,
    comment: r.comment,
    writable: { insert: (r.updatable & 8) !== 0, update: (r.updatable & 4) !== 0, delete: (r.updatable & 16) !== 0 },
  };
}

function isOn(setting: string | null | undefined): boolean {
  return ['true', 'on', '1', 'yes'].includes((setting ?? '').trim().toLowerCase());
}

function assemble(
  config: DataApiConfig,
  relationRows: RelationRow[],
  constraintRows: ConstraintRow[],
  views: ReadonlyMap<string, ViewRow>,
  attributes: ReadonlyMap<string, AttributeRow[]>,
  timezones: ReadonlySet<string>,
  routineRows: RoutineRow[],
  log: (message: string) => void,
): SchemaCache {
  const primaryKeys = new Map<string, string[]>();
  const uniqueByKey = new Map<string, string[][]>();
  const foreignKeys: ForeignKey[] = [];
  for (const c of constraintRows) {
    const table = { schema: c.rel_schema, name: c.rel_name };
    const key = relationKey(table);
    if (c.type === 'p') primaryKeys.set(key, c.columns);
    if (c.type === 'p' || c.type === 'u') uniqueByKey.set(key, [...(uniqueByKey.get(key) ?? []), c.columns]);
    if (c.type === 'f' && c.ref_schema !== null && c.ref_name !== null) {
      foreignKeys.push({
        constraint: c.name,
        table,
        columns: c.columns,
        references: { schema: c.ref_schema, name: c.ref_name },
        referencedColumns: c.ref_columns,
      });
    }
  }
  const relations = new Map<string, Relation>();
  const relationByOid = new Map<string, Relation>();
  for (const r of relationRows) {
    const relation = relationOf(r, primaryKeys.get(relationKey(r)) ?? []);
    relations.set(relationKey(r), relation);
    relationByOid.set(r.oid, relation);
  }
  const viewSources = resolveViewSources(views, attributes, log);
  addViewPrimaryKeys(relations, viewSources, primaryKeys);
  const relationships = buildRelationships(foreignKeys, uniqueByKey, relations, viewSources);
  const routines: Routine[] = [];
  for (const r of routineRows) {
    if (!callable(r)) continue;
    try {
      routines.push(routineOf(r, relationByOid));
    } catch (err) {
      log(`Data API schema cache: the function ${r.schema}.${r.name} is left out: ${String(err)}`);
    }
  }
  const { computedFields, computedRelationships } = computedOf(routineRows, relationByOid);
  return {
    config,
    relations,
    relationships,
    foreignKeys,
    computedFields,
    computedRelationships,
    routines,
    timezones,
    loadedAt: new Date(),
  };
}

/**
 * View column → the table column it shows, followed through views over views, by names. Views
 * whose query tree cannot be read are left out of relationships (and logged), not fatal.
 */
function resolveViewSources(
  views: ReadonlyMap<string, ViewRow>,
  attributes: ReadonlyMap<string, AttributeRow[]>,
  log: (message: string) => void,
): ViewSource[] {
  const direct = new Map<string, Map<number, { tableOid: string; column: number }>>();
  for (const v of views.values()) {
    try {
      direct.set(
        v.oid,
        new Map(viewColumnSources(v.action).map((s) => [s.position, { tableOid: String(s.tableOid), column: s.columnNumber }])),
      );
    } catch (err) {
      log(`Data API schema cache: relationships through the view ${v.schema}.${v.name} are left out: ${String(err)}`);
    }
  }
  const attribute = (rel: string, num: number) => attributes.get(rel)?.find((a) => a.num === num);
  /** The table column a view column finally shows, through at most 8 views. */
  const base = (oid: string, num: number, depth: number): AttributeRow | undefined => {
    const source = direct.get(oid)?.get(num);
    if (!source) return undefined;
    const a = attribute(source.tableOid, source.column);
    if (!a) return undefined;
    if ((a.kind === 'v' || a.kind === 'm') && depth < 8) return base(source.tableOid, source.column, depth + 1) ?? a;
    return a;
  };
  const out: ViewSource[] = [];
  for (const v of views.values()) {
    const columns = attributes.get(v.oid) ?? [];
    const map = columns.flatMap((c) => {
      const b = base(v.oid, c.num, 0);
      return b ? [{ viewColumn: c.name, table: { schema: b.schema, name: b.relname }, column: b.name }] : [];
    });
    out.push({ view: { schema: v.schema, name: v.name }, map });
  }
  return out;
}

/** A view that shows every column of its base table's primary key has that key too (PostgREST's rule). */
function addViewPrimaryKeys(
  relations: Map<string, Relation>,
  views: readonly ViewSource[],
  primaryKeys: ReadonlyMap<string, string[]>,
): void {
  for (const v of views) {
    const key = relationKey(v.view);
    const view = relations.get(key);
    if (!view || view.primaryKey.length > 0) continue;
    for (const table of new Set(v.map.map((m) => relationKey(m.table)))) {
      const pk = primaryKeys.get(table) ?? [];
      const mapped = pk.map((col) => v.map.find((m) => relationKey(m.table) === table && m.column === col)?.viewColumn);
      if (pk.length > 0 && mapped.every((m): m is string => m !== undefined)) {
        relations.set(key, { ...view, primaryKey: mapped });
        break;
      }
    }
  }
}
