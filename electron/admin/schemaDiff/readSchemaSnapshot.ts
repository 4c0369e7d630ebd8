import type pg from 'pg';
import type {
  ColumnInfo,
  ConstraintInfo,
  ConstraintType,
  FunctionInfo,
  GrantInfo,
  GrantTarget,
  IndexInfo,
  PolicyInfo,
  RoleInfo,
  SchemaSnapshot,
  SequenceInfo,
  TableInfo,
  TriggerInfo,
  ViewInfo,
} from './SchemaSnapshot';

/** Objects an extension created come and go with the extension, not with the schema diff. */
const notFromExtension = (classid: string, oid: string): string =>
  `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${classid}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;

const SCHEMAS = `
SELECT n.nspname::text AS name
  FROM pg_namespace n
 WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
   AND (cardinality($1::text[]) = 0 OR n.nspname = ANY ($1::text[]))
   AND ${notFromExtension('pg_namespace', 'n.oid')}
 ORDER BY 1`;

// Built-in roles (pg_*, the bootstrap superuser) are the same everywhere and cannot be changed.
const ROLES = `
SELECT r.rolname::text AS name, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolcanlogin,
       r.rolreplication, r.rolbypassrls, r.rolconnlimit, to_char(r.rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS valid_until,
       COALESCE((SELECT json_agg(json_build_object('role', g.rolname::text, 'admin', m.admin_option) ORDER BY g.rolname)
                   FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                  WHERE m.member = r.oid AND g.rolname !~ '^pg_'), '[]') AS member_of
  FROM pg_roles r
 WHERE r.oid >= 16384 AND r.rolname !~ '^pg_'
 ORDER BY 1`;

const TABLES = `
SELECT n.nspname::text AS schema, c.relname::text AS name,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_by,
       c.relrowsecurity, c.relforcerowsecurity
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = ANY ($1::text[]) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND ${notFromExtension('pg_class', 'c.oid')}
 ORDER BY 1, 2`;

const COLUMNS = `
SELECT n.nspname::text AS schema, c.relname::text AS table, a.attname::text AS name, a.attnum AS position,
       format_type(a.atttypid, a.atttypmod) AS type,
       CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0
            THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END AS collation,
       a.attnotnull, a.attidentity::text AS identity,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS default,
       CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END AS generated
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_collation co ON co.oid = a.attcollation
  LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
 WHERE n.nspname = ANY ($1::text[]) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND ${notFromExtension('pg_class', 'c.oid')}
 ORDER BY 1, 2, a.attnum`;

// Not-null constraints (contype 'n', Postgres 18) are the columns' NOT NULL; constraint triggers are triggers.
const CONSTRAINTS = `
SELECT n.nspname::text AS schema, c.relname::text AS table, k.conname::text AS name, k.contype::text AS type,
       pg_get_constraintdef(k.oid) AS definition, rn.nspname::text AS ref_schema, r.relname::text AS ref_table
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_class r ON r.oid = k.confrelid
  LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
 WHERE n.nspname = ANY ($1::text[]) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND k.contype IN ('p', 'u', 'c', 'f', 'x') AND k.conparentid = 0
   AND ${notFromExtension('pg_class', 'c.oid')}
 ORDER BY 1, 2, 3`;

// Indexes that back a constraint come and go with it.
const INDEXES = `
SELECT n.nspname::text AS schema, c.relname::text AS table, i.relname::text AS name, pg_get_indexdef(i.oid) AS definition
  FROM pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_class c ON c.oid = x.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = ANY ($1::text[]) AND c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid AND k.contype IN ('p', 'u', 'x'))
   AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.oid)
   AND ${notFromExtension('pg_class', 'c.oid')}
 ORDER BY 1, 3`;

const VIEWS = `
SELECT n.nspname::text AS schema, c.relname::text AS name, c.relkind = 'm' AS materialized,
       pg_get_viewdef(c.oid, true) AS definition, COALESCE(c.reloptions::text[], '{}') AS options,
       ARRAY(SELECT DISTINCT json_build_array(rn.nspname, r.relname)::text
               FROM pg_rewrite w
               JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid AND d.refclassid = 'pg_class'::regclass
               JOIN pg_class r ON r.oid = d.refobjid
               JOIN pg_namespace rn ON rn.oid = r.relnamespace
              WHERE w.ev_class = c.oid AND r.oid <> c.oid AND r.relkind IN ('r', 'p', 'v', 'm')) AS depends_on
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = ANY ($1::text[]) AND c.relkind IN ('v', 'm')
   AND ${notFromExtension('pg_class', 'c.oid')}
 ORDER BY 1, 2`;

// Aggregates and window functions have no pg_get_functiondef; they are left out (see the README).
const FUNCTIONS = `
SELECT n.nspname::text AS schema, p.proname::text AS name, pg_get_function_identity_arguments(p.oid) AS identity_arguments,
       p.prokind::text AS kind, pg_get_function_result(p.oid) AS result, pg_get_function_arguments(p.oid) AS arguments, pg_get_functiondef(p.oid) AS definition
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = ANY ($1::text[]) AND p.prokind IN ('f', 'p')
   AND ${notFromExtension('pg_proc', 'p.oid')}
 ORDER BY 1, 2, 3`;

const TRIGGERS = `
SELECT n.nspname::text AS schema, c.relname::text AS table, t.tgname::text AS name,
       pg_get_triggerdef(t.oid) AS definition, t.tgenabled::text AS enabled
  FROM pg_trigger t
  JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = ANY ($1::text[]) AND NOT t.tgisinternal AND t.tgparentid = 0 AND NOT c.relispartition
   AND ${notFromExtension('pg_class', 'c.oid')}
 ORDER BY 1, 2, 3`;

const POLICIES = `
SELECT n.nspname::text AS schema, c.relname::text AS table, p.polname::text AS name, p.polpermissive AS permissive,
       CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END AS command,
       ARRAY(SELECT CASE WHEN r.oid = 0 THEN 'public' ELSE (SELECT rolname::text FROM pg_roles WHERE oid = r.oid) END
               FROM unnest(p.polroles) r(oid) ORDER BY 1) AS roles,
       pg_get_expr(p.polqual, p.polrelid) AS using, pg_get_expr(p.polwithcheck, p.polrelid) AS with_check
  FROM pg_policy p
  JOIN pg_class c ON c.oid = p.polrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = ANY ($1::text[])
 ORDER BY 1, 2, 3`;

const SEQUENCES = `
SELECT n.nspname::text AS schema, c.relname::text AS name, format_type(s.seqtypid, NULL) AS type,
       s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max,
       s.seqcache::text AS cache, s.seqcycle AS cycle,
       tn.nspname::text AS owner_schema, t.relname::text AS owner_table, a.attname::text AS owner_column
  FROM pg_sequence s
  JOIN pg_class c ON c.oid = s.seqrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
                       AND d.refobjsubid > 0 AND d.deptype = 'a'
  LEFT JOIN pg_class t ON t.oid = d.refobjid
  LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
  LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
 WHERE n.nspname = ANY ($1::text[])
   AND NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = 'pg_class'::regclass AND i.objid = c.oid AND i.deptype = 'i')
   AND ${notFromExtension('pg_class', 'c.oid')}
 ORDER BY 1, 2`;

// A NULL acl means the owner's defaults (acldefault); the owner's own privileges are left out, as
// owners are not compared (the migration's objects belong to whoever runs it).
const GRANTS = `
WITH acls AS (
  SELECT CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END AS kind, n.nspname::text AS schema, c.relname::text AS name,
         NULL::text AS column, NULL::text AS args, c.relowner AS owner,
         COALESCE(c.relacl, acldefault(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char", c.relowner)) AS acl
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = ANY ($1::text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND NOT c.relispartition
     AND ${notFromExtension('pg_class', 'c.oid')}
  UNION ALL
  SELECT 'column', n.nspname::text, c.relname::text, a.attname::text, NULL, c.relowner, a.attacl
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = ANY ($1::text[]) AND a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped AND NOT c.relispartition
  UNION ALL
  SELECT 'schema', NULL, n.nspname::text, NULL, NULL, n.nspowner, COALESCE(n.nspacl, acldefault('n', n.nspowner))
    FROM pg_namespace n WHERE n.nspname = ANY ($1::text[])
  UNION ALL
  SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, n.nspname::text, p.proname::text, NULL,
         pg_get_function_identity_arguments(p.oid), p.proowner, COALESCE(p.proacl, acldefault('f', p.proowner))
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = ANY ($1::text[]) AND p.prokind IN ('f', 'p') AND ${notFromExtension('pg_proc', 'p.oid')}
)
SELECT a.kind, a.schema, a.name, a.column, a.args,
       CASE WHEN x.grantee = 0 THEN NULL ELSE (SELECT rolname::text FROM pg_roles WHERE oid = x.grantee) END AS grantee,
       x.privilege_type AS privilege, x.is_grantable AS grantable
  FROM acls a, aclexplode(a.acl) x
 WHERE x.grantee <> a.owner
 ORDER BY 1, 2, 3, 4, 5, 6, 7`;

const CONSTRAINT_TYPES: Record<string, ConstraintType> = {
  p: 'primary key',
  u: 'unique',
  c: 'check',
  f: 'foreign key',
  x: 'exclusion',
};

/**
 * Reads the structure of `schemas` (empty: every non-system schema) and the cluster's roles, in one
 * read-only snapshot, with an empty search_path so every printed definition is schema-qualified.
 * Catalog queries only; the schema list is the one parameter.
 */
export async function readSchemaSnapshot(pool: pg.Pool, schemas: readonly string[]): Promise<SchemaSnapshot> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SELECT set_config('search_path', '', true)`);
    const names = (await client.query<{ name: string }>(SCHEMAS, [schemas])).rows.map((r) => r.name);
    const q = async <R extends pg.QueryResultRow>(text: string): Promise<R[]> => (await client.query<R>(text, [names])).rows;
    const roles = (await client.query<RoleRow>(ROLES)).rows;
    const snapshot: SchemaSnapshot = {
      schemas: names,
      roles: roles.map(toRole),
      tables: (await q<TableRow>(TABLES)).map(toTable),
      columns: (await q<ColumnRow>(COLUMNS)).map(toColumn),
      constraints: (await q<ConstraintRow>(CONSTRAINTS)).map(toConstraint),
      indexes: await q<IndexInfo & pg.QueryResultRow>(INDEXES),
      views: (await q<ViewRow>(VIEWS)).map(toView),
      functions: (await q<FunctionRow>(FUNCTIONS)).map(toFunction),
      triggers: await q<TriggerInfo & pg.QueryResultRow>(TRIGGERS),
      policies: (await q<PolicyRow>(POLICIES)).map(toPolicy),
      sequences: (await q<SequenceRow>(SEQUENCES)).map(toSequence),
      grants: (await q<GrantRow>(GRANTS)).map(toGrant),
    };
    await client.query('COMMIT');
    return snapshot;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

interface RoleRow {
  name: string;
  rolsuper: boolean;
  rolinherit: boolean;
  rolcreaterole: boolean;
  rolcreatedb: boolean;
  rolcanlogin: boolean;
  rolreplication: boolean;
  rolbypassrls: boolean;
  rolconnlimit: number;
  valid_until: string | null;
  member_of: { role: string; admin: boolean }[];
}
const toRole = (r: RoleRow): RoleInfo => ({
  name: r.name,
  superuser: r.rolsuper,
  inherit: r.rolinherit,
  createRole: r.rolcreaterole,
  createDb: r.rolcreatedb,
  login: r.rolcanlogin,
  replication: r.rolreplication,
  bypassRls: r.rolbypassrls,
  connectionLimit: r.rolconnlimit,
  validUntil: r.valid_until === 'infinity' ? null : r.valid_until,
  memberOf: r.member_of,
});

interface TableRow {
  schema: string;
  name: string;
  partition_by: string | null;
  relrowsecurity: boolean;
  relforcerowsecurity: boolean;
}
const toTable = (r: TableRow): TableInfo => ({
  schema: r.schema,
  name: r.name,
  partitionBy: r.partition_by,
  rowSecurity: r.relrowsecurity,
  forceRowSecurity: r.relforcerowsecurity,
});

interface ColumnRow {
  schema: string;
  table: string;
  name: string;
  position: number;
  type: string;
  collation: string | null;
  attnotnull: boolean;
  identity: string;
  default: string | null;
  generated: string | null;
}
const toColumn = (r: ColumnRow): ColumnInfo => ({
  schema: r.schema,
  table: r.table,
  name: r.name,
  position: r.position,
  type: r.type,
  collation: r.collation,
  notNull: r.attnotnull,
  default: r.default,
  identity: r.identity === 'a' ? 'always' : r.identity === 'd' ? 'by default' : null,
  generated: r.generated,
});

interface ConstraintRow {
  schema: string;
  table: string;
  name: string;
  type: string;
  definition: string;
  ref_schema: string | null;
  ref_table: string | null;
}
const toConstraint = (r: ConstraintRow): ConstraintInfo => ({
  schema: r.schema,
  table: r.table,
  name: r.name,
  type: CONSTRAINT_TYPES[r.type] ?? 'check',
  definition: r.definition,
  references: r.ref_schema !== null && r.ref_table !== null ? { schema: r.ref_schema, table: r.ref_table } : null,
});

interface ViewRow {
  schema: string;
  name: string;
  materialized: boolean;
  definition: string;
  options: string[];
  depends_on: string[];
}
const toView = (r: ViewRow): ViewInfo => ({
  schema: r.schema,
  name: r.name,
  materialized: r.materialized,
  definition: r.definition,
  options: [...r.options].sort(),
  dependsOn: r.depends_on.map((d) => JSON.stringify(JSON.parse(d) as [string, string])),
});

interface FunctionRow {
  schema: string;
  name: string;
  identity_arguments: string;
  kind: string;
  result: string | null;
  arguments: string;
  definition: string;
}
const toFunction = (r: FunctionRow): FunctionInfo => ({
  schema: r.schema,
  name: r.name,
  identityArguments: r.identity_arguments,
  kind: r.kind === 'p' ? 'procedure' : 'function',
  result: r.result,
  arguments: r.arguments,
  definition: r.definition,
});

interface PolicyRow {
  schema: string;
  table: string;
  name: string;
  permissive: boolean;
  command: string;
  roles: string[];
  using: string | null;
  with_check: string | null;
}
const toPolicy = (r: PolicyRow): PolicyInfo => ({
  schema: r.schema,
  table: r.table,
  name: r.name,
  permissive: r.permissive,
  command: r.command,
  roles: r.roles,
  using: r.using,
  withCheck: r.with_check,
});

interface SequenceRow {
  schema: string;
  name: string;
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  owner_schema: string | null;
  owner_table: string | null;
  owner_column: string | null;
}
const toSequence = (r: SequenceRow): SequenceInfo => ({
  schema: r.schema,
  name: r.name,
  type: r.type,
  start: r.start,
  increment: r.increment,
  min: r.min,
  max: r.max,
  cache: r.cache,
  cycle: r.cycle,
  ownedBy:
    r.owner_schema !== null && r.owner_table !== null && r.owner_column !== null
      ? { schema: r.owner_schema, table: r.owner_table, column: r.owner_column }
      : null,
});

interface GrantRow {
  kind: string;
  schema: string | null;
  name: string;
  column: string | null;
  args: string | null;
  grantee: string | null;
  privilege: string;
  grantable: boolean;
}
function toGrant(r: GrantRow): GrantInfo {
  const schema = r.schema ?? '';
  let target: GrantTarget;
  switch (r.kind) {
    case 'schema':
      target = { kind: 'schema', name: r.name };
      break;
    case 'column':
      target = { kind: 'column', schema, name: r.name, column: r.column ?? '' };
      break;
    case 'function':
    case 'procedure':
      target = { kind: r.kind, schema, name: r.name, identityArguments: r.args ?? '' };
      break;
    case 'sequence':
      target = { kind: 'sequence', schema, name: r.name };
      break;
    default:
      target = { kind: 'table', schema, name: r.name };
  }
  return { target, grantee: r.grantee, privilege: r.privilege, grantable: r.grantable };
}
