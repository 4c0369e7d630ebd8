import type pg from 'pg';
import type { SetupCheck } from '../../shared/contract/admin';
import { SCHEMA_WATCH_STATE_SQL, schemaWatchStatements } from '../../shared/dataapi/schemaWatch';
import { quoteIdent } from './quoteIdent';
import { AUTHENTICATOR } from './roles';

type Db = pg.Pool | pg.ClientBase;

// `schemas` is read back from the existing function's source (no quotes possible); doubled anyway.
const PRE_CONFIG_SQL = (schemas: string) => [
  `CREATE OR REPLACE FUNCTION pgrst.pre_config() RETURNS void LANGUAGE sql AS $fn$
  SELECT set_config('pgrst.db_schemas', '${schemas.replace(/'/g, "''")}', true),
         set_config('pgrst.db_aggregates_enabled', 'true', true);
$fn$`,
  'GRANT EXECUTE ON FUNCTION pgrst.pre_config() TO authenticator',
];

/**
 * The Lakebase Data API prerequisites, checked one by one against the catalog, each with the SQL
 * that fixes it. Fix SQL is generated here from catalog names only (quoted by quoteIdent).
 */
export async function runSetupChecks(db: Db): Promise<SetupCheck[]> {
  const checks: SetupCheck[] = [];
  const add = (id: string, title: string, ok: boolean, detail: string, fix: string[]) =>
    checks.push({ id, title, ok, detail, fix: ok ? [] : fix });

  const auth = await db.query<{ login: boolean; inherit: boolean; superuser: boolean; bypassrls: boolean }>(
    `SELECT rolcanlogin AS login, rolinherit AS inherit, rolsuper AS superuser, rolbypassrls AS bypassrls FROM pg_roles WHERE rolname = $1`,
    [AUTHENTICATOR],
  );
  const a = auth.rows[0];
  add(
    'authenticator',
    'The authenticator role exists (LOGIN NOINHERIT, not elevated)',
    !!a && a.login && !a.inherit && !a.superuser && !a.bypassrls,
    a
      ? `authenticator: ${a.login ? 'LOGIN' : 'NOLOGIN'} ${a.inherit ? 'INHERIT' : 'NOINHERIT'}${a.superuser ? ' SUPERUSER' : ''}${a.bypassrls ? ' BYPASSRLS' : ''}`
      : 'There is no authenticator role: the Data API cannot connect.',
    [
      a
        ? 'ALTER ROLE authenticator LOGIN NOINHERIT NOBYPASSRLS'
        : 'CREATE ROLE authenticator LOGIN NOINHERIT NOCREATEDB NOCREATEROLE NOSUPERUSER',
    ],
  );

  const schema = await db.query<{ exists: boolean; usage: boolean }>(
    `SELECT true AS exists, has_schema_privilege($1, n.oid, 'USAGE') AS usage FROM pg_namespace n WHERE n.nspname = 'pgrst'`,
    [a ? AUTHENTICATOR : 'public'],
  );
  const s = schema.rows[0];
  add(
    'pgrst-schema',
    'The pgrst schema exists and authenticator may use it',
    !!s && !!a && s.usage,
    s ? (s.usage ? 'pgrst exists; authenticator has USAGE.' : 'authenticator has no USAGE on pgrst.') : 'There is no pgrst schema.',
    [...(s ? [] : ['CREATE SCHEMA pgrst']), 'GRANT USAGE ON SCHEMA pgrst TO authenticator'],
  );

  const fn = await db.query<{ src: string; exec: boolean }>(
    `SELECT p.prosrc AS src, ${a ? `has_function_privilege('authenticator', p.oid, 'EXECUTE')` : 'false'} AS exec
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'pgrst' AND p.proname = 'pre_config' AND p.pronargs = 0`,
  );
  const f = fn.rows[0];
  const exposed = f ? (/pgrst\.db_schemas'\s*,\s*'([^']*)'/.exec(f.src)?.[1] ?? null) : null;
  const aggregates = f ? /pgrst\.db_aggregates_enabled'\s*,\s*'true'/.test(f.src) : false;
  add(
    'pre-config',
    'pgrst.pre_config() sets the exposed schemas and enables aggregates',
    !!f && f.exec && exposed !== null && exposed.trim() !== '' && aggregates,
    f
      ? `Exposed schemas: ${exposed ?? '(not set)'}; aggregates ${aggregates ? 'enabled' : 'not enabled'}; authenticator ${f.exec ? 'may' : 'may not'} execute it.`
      : 'There is no pgrst.pre_config(): the Data API exposes no schema.',
    PRE_CONFIG_SQL(exposed?.trim() || 'public'),
  );
  const watch = (await db.query<{ schema: boolean; ddl: boolean; drop: boolean }>(SCHEMA_WATCH_STATE_SQL)).rows[0]!;
  add(
    'schema-watch',
    'Schema changes reach the Data API at once (event triggers NOTIFY pgrst)',
    watch.ddl && watch.drop,
    watch.ddl && watch.drop
      ? 'DDL from anywhere (SQL editor, psql, migrations) reloads the schema cache.'
      : "A table made outside Pier stays unknown to the Data API until its schema cache is reloaded (the tree's refresh). Creating event triggers needs a superuser.",
    schemaWatchStatements(watch),
  );

  const schemas = (exposed ?? 'public')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

  const members = await db.query<{ name: string; elevated: boolean }>(
    `SELECT r.rolname AS name, (r.rolsuper OR r.rolbypassrls OR r.rolcreaterole) AS elevated
       FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles g ON g.oid = m.member
      WHERE g.rolname = $1 ORDER BY 1`,
    [AUTHENTICATOR],
  );
  const identities = members.rows.filter((m) => !m.elevated).map((m) => m.name);
  const elevated = members.rows.filter((m) => m.elevated).map((m) => m.name);
  add(
    'identities',
    'Identity roles are granted to authenticator (and no elevated ones)',
    identities.length > 0 && elevated.length === 0,
    `${identities.length ? `Identities: ${identities.join(', ')}.` : 'No identity role is granted to authenticator: every token is refused.'}${
      elevated.length ? ` Elevated roles granted to authenticator: ${elevated.join(', ')} — every token could act as them.` : ''
    }`,
    elevated.length
      ? elevated.map((r) => `REVOKE ${quoteIdent(r)} FROM authenticator`)
      : ['CREATE ROLE "user@example.com" NOLOGIN', 'GRANT "user@example.com" TO authenticator'],
  );

  for (const schemaName of schemas) {
    const ns = await db.query<{ oid: number }>(`SELECT oid::int FROM pg_namespace WHERE nspname = $1`, [schemaName]);
    const nsOid = ns.rows[0]?.oid;
    if (nsOid === undefined) {
      add(`schema:${schemaName}`, `Exposed schema ${schemaName} exists`, false, `pre_config exposes ${schemaName}, which does not exist.`, [
        `CREATE SCHEMA ${quoteIdent(schemaName)}`,
      ]);
      continue;
    }
    const q = quoteIdent(schemaName);
    for (const identity of identities) {
      const priv = await db.query<{ usage: boolean; tables: number; readable: number; sequences: number; usable: number }>(
        `SELECT has_schema_privilege($1, $2::oid, 'USAGE') AS usage,
                count(*) FILTER (WHERE c.relkind IN ('r','v','m','p'))::int AS tables,
                count(*) FILTER (WHERE c.relkind IN ('r','v','m','p') AND has_table_privilege($1, c.oid, 'SELECT'))::int AS readable,
                count(*) FILTER (WHERE c.relkind = 'S')::int AS sequences,
                count(*) FILTER (WHERE c.relkind = 'S' AND has_sequence_privilege($1, c.oid, 'USAGE'))::int AS usable
           FROM pg_class c WHERE c.relnamespace = $2::oid`,
        [identity, nsOid],
      );
      const p = priv.rows[0]!;
      const who = quoteIdent(identity);
      add(
        `usage:${schemaName}:${identity}`,
        `${identity} may use schema ${schemaName}`,
        p.usage,
        p.usage ? 'USAGE granted.' : `No USAGE on ${schemaName}: every request as ${identity} fails with 42501.`,
        [`GRANT USAGE ON SCHEMA ${q} TO ${who}`],
      );
      add(
        `tables:${schemaName}:${identity}`,
        `${identity} has table privileges in ${schemaName}`,
        p.tables === 0 || p.readable > 0,
        `${p.readable} of ${p.tables} tables readable.`,
        [`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${q} TO ${who}`],
      );
      add(
        `sequences:${schemaName}:${identity}`,
        `${identity} may use the sequences in ${schemaName}`,
        p.sequences === p.usable,
        `${p.usable} of ${p.sequences} sequences usable (inserts need them for serial keys).`,
        [`GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${q} TO ${who}`],
      );
    }
  }
  return checks;
}
