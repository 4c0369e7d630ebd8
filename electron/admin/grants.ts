import type pg from 'pg';
import { PUBLIC_GRANTEE, type GrantChange, type ListGrantsOutput } from '../../shared/contract/admin';
import { assertNever } from '../../shared/contract/result';
import { notFound } from '../errors/PierError';
import { quoteIdent } from './quoteIdent';

type Db = pg.Pool | pg.ClientBase;
type Cell = { grantee: string; privileges: string[] };

/** Grantee 0 in an ACL is PUBLIC. */
const GRANTEE = `CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee)::text END`;

/**
 * The grants matrix of one schema: table and column privileges, schema USAGE, sequence USAGE,
 * function EXECUTE and default privileges. A NULL ACL means the built-in default (acldefault),
 * which is what Postgres enforces, so that is what is shown.
 */
export async function listGrants(db: Db, schema: string): Promise<ListGrantsOutput> {
  const ns = await db.query<{ oid: number; name: string; usage: string[] }>(
    `SELECT n.oid::int AS oid, n.nspname AS name,
            ARRAY(SELECT DISTINCT ${GRANTEE} FROM aclexplode(COALESCE(n.nspacl, acldefault('n', n.nspowner))) a
                   WHERE a.privilege_type = 'USAGE' ORDER BY 1) AS usage
       FROM pg_namespace n WHERE n.nspname = $1`,
    [schema],
  );
  const found = ns.rows[0];
  if (!found) throw notFound(`Schema ${schema} does not exist.`);

  const tables = await db.query<{ name: string; kind: string; owner: string; grants: Cell[]; columns: { name: string; grants: Cell[] }[] }>(
    `SELECT c.relname AS name, c.relkind::text AS kind, pg_get_userbyid(c.relowner)::text AS owner,
            (SELECT COALESCE(json_agg(json_build_object('grantee', g.grantee, 'privileges', g.privs) ORDER BY g.grantee), '[]')
               FROM (SELECT ${GRANTEE} AS grantee, array_agg(DISTINCT a.privilege_type ORDER BY a.privilege_type) AS privs
                       FROM aclexplode(COALESCE(c.relacl, acldefault('r', c.relowner))) a GROUP BY 1) g) AS grants,
            (SELECT COALESCE(json_agg(json_build_object('name', col.attname, 'grants', col.grants) ORDER BY col.attnum), '[]')
               FROM (SELECT at.attname, at.attnum,
                            (SELECT COALESCE(json_agg(json_build_object('grantee', g.grantee, 'privileges', g.privs)), '[]')
                               FROM (SELECT ${GRANTEE} AS grantee, array_agg(DISTINCT a.privilege_type ORDER BY a.privilege_type) AS privs
                                       FROM aclexplode(at.attacl) a GROUP BY 1) g) AS grants
                       FROM pg_attribute at WHERE at.attrelid = c.oid AND at.attnum > 0 AND NOT at.attisdropped) col) AS columns
       FROM pg_class c
      WHERE c.relnamespace = $1 AND c.relkind IN ('r', 'v', 'm', 'f', 'p') AND NOT c.relispartition
      ORDER BY c.relname`,
    [found.oid],
  );
  const sequences = await db.query<{ name: string; usage: string[] }>(
    `SELECT c.relname AS name,
            ARRAY(SELECT DISTINCT ${GRANTEE} FROM aclexplode(COALESCE(c.relacl, acldefault('s', c.relowner))) a
                   WHERE a.privilege_type = 'USAGE' ORDER BY 1) AS usage
       FROM pg_class c WHERE c.relnamespace = $1 AND c.relkind = 'S' ORDER BY c.relname`,
    [found.oid],
  );
  const functions = await db.query<{ signature: string; execute: string[] }>(
    `SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS signature,
            ARRAY(SELECT DISTINCT ${GRANTEE} FROM aclexplode(COALESCE(p.proacl, acldefault('f', p.proowner))) a
                   WHERE a.privilege_type = 'EXECUTE' ORDER BY 1) AS execute
       FROM pg_proc p WHERE p.pronamespace = $1 AND p.prokind IN ('f', 'p') ORDER BY 1`,
    [found.oid],
  );
  const defaults = await db.query<{ owner: string; schema: string | null; object_type: string; grantee: string; privileges: string[] }>(
    `SELECT pg_get_userbyid(d.defaclrole)::text AS owner, n.nspname AS schema,
            CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                                 WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE d.defaclobjtype::text END AS object_type,
            ${GRANTEE} AS grantee, array_agg(a.privilege_type ORDER BY a.privilege_type) AS privileges
       FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a
      WHERE d.defaclnamespace IN (0, $1)
      GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    [found.oid],
  );
  const roles = await db.query<{ rolname: string }>(
    `SELECT rolname FROM pg_roles WHERE rolname NOT LIKE 'pg\\_%' ORDER BY rolsuper, rolname`,
  );
  return {
    schema: found.name,
    roles: [PUBLIC_GRANTEE, ...roles.rows.map((r) => r.rolname)],
    schemaUsage: found.usage,
    tables: tables.rows,
    sequences: sequences.rows,
    functions: functions.rows,
    defaultPrivileges: defaults.rows.map((d) => ({
      owner: d.owner,
      schema: d.schema,
      objectType: d.object_type,
      grantee: d.grantee,
      privileges: d.privileges,
    })),
  };
}

/** A role as it appears after TO/FROM: PUBLIC is a keyword, anything else must be a catalog role. */
function grantee(role: string, matrix: ListGrantsOutput): string {
  if (role === PUBLIC_GRANTEE) return 'PUBLIC';
  if (!matrix.roles.includes(role)) throw notFound(`Role ${role} does not exist.`);
  return quoteIdent(role);
}

/**
 * GRANT / REVOKE statements for staged matrix toggles. Pure: every table, column, sequence,
 * function and role must be in the matrix just read; privileges come from closed enums.
 */
export function buildGrantChanges(changes: readonly GrantChange[], matrix: ListGrantsOutput): string[] {
  const schema = quoteIdent(matrix.schema);
  const table = (name: string) => {
    const t = matrix.tables.find((x) => x.name === name);
    if (!t) throw notFound(`Table ${matrix.schema}.${name} does not exist.`);
    return t;
  };
  const verb = (grant: boolean, privilege: string, object: string, role: string) =>
    grant ? `GRANT ${privilege} ON ${object} TO ${role}` : `REVOKE ${privilege} ON ${object} FROM ${role}`;
  return changes.map((change) => {
    switch (change.kind) {
      case 'table': {
        const t = table(change.table);
        return verb(change.grant, change.privilege, `TABLE ${schema}.${quoteIdent(t.name)}`, grantee(change.role, matrix));
      }
      case 'column': {
        const t = table(change.table);
        const col = t.columns.find((c) => c.name === change.column);
        if (!col) throw notFound(`Column ${change.column} does not exist on ${t.name}.`);
        return verb(
          change.grant,
          `${change.privilege} (${quoteIdent(col.name)})`,
          `TABLE ${schema}.${quoteIdent(t.name)}`,
          grantee(change.role, matrix),
        );
      }
      case 'schemaUsage':
        return verb(change.grant, 'USAGE', `SCHEMA ${schema}`, grantee(change.role, matrix));
      case 'sequenceUsage': {
        const s = matrix.sequences.find((x) => x.name === change.sequence);
        if (!s) throw notFound(`Sequence ${matrix.schema}.${change.sequence} does not exist.`);
        return verb(change.grant, 'USAGE', `SEQUENCE ${schema}.${quoteIdent(s.name)}`, grantee(change.role, matrix));
      }
      case 'functionExecute': {
        const f = matrix.functions.find((x) => x.signature === change.signature);
        if (!f) throw notFound(`Function ${matrix.schema}.${change.signature} does not exist.`);
        // The name is quoted here; the argument list is Postgres' own rendering of the catalog's types.
        const open = f.signature.indexOf('(');
        return verb(
          change.grant,
          'EXECUTE',
          `FUNCTION ${schema}.${quoteIdent(f.signature.slice(0, open))}${f.signature.slice(open)}`,
          grantee(change.role, matrix),
        );
      }
      default:
        return assertNever(change, 'grant change');
    }
  });
}
