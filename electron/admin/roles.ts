import type pg from 'pg';
import type { ChangePlanOutput, ListRolesOutput, RoleAttributes, RoleChange, RoleInfo } from '../../shared/contract/admin';
import { assertNever } from '../../shared/contract/result';
import { invalidInput, notFound } from '../errors/PierError';
import { quoteIdent } from './quoteIdent';

export const AUTHENTICATOR = 'authenticator';

type Db = pg.Pool | pg.ClientBase;

/** Roles of the cluster (Postgres' own `pg_*` roles left out) with attributes and memberships. */
export async function listRoles(db: Db): Promise<ListRolesOutput> {
  const r = await db.query<{
    name: string;
    login: boolean;
    inherit: boolean;
    bypassrls: boolean;
    createdb: boolean;
    createrole: boolean;
    superuser: boolean;
    member_of: { role: string; admin: boolean }[];
    owns: boolean;
  }>(
    `SELECT r.rolname AS name, r.rolcanlogin AS login, r.rolinherit AS inherit, r.rolbypassrls AS bypassrls,
            r.rolcreatedb AS createdb, r.rolcreaterole AS createrole, r.rolsuper AS superuser,
            COALESCE((SELECT json_agg(json_build_object('role', g.rolname, 'admin', m.admin_option) ORDER BY g.rolname)
                        FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                       WHERE m.member = r.oid), '[]') AS member_of,
            EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relowner = r.oid AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                       AND n.nspname NOT LIKE 'pg_toast%') AS owns
       FROM pg_roles r
      WHERE r.rolname NOT LIKE 'pg\\_%'
      ORDER BY r.rolname`,
  );
  const roles: RoleInfo[] = r.rows.map((row) => ({
    name: row.name,
    attributes: { login: row.login, inherit: row.inherit, bypassrls: row.bypassrls, createdb: row.createdb, createrole: row.createrole },
    superuser: row.superuser,
    memberOf: row.member_of,
    ownsObjects: row.owns,
  }));
  // "GRANT identity TO authenticator" makes authenticator a member of the identity.
  const authenticatorMembers = roles.find((role) => role.name === AUTHENTICATOR)?.memberOf.map((m) => m.role) ?? [];
  return { roles, authenticatorMembers };
}

/** Roles that must never be granted to `authenticator`: Lakebase refuses it, and it would let every token act as them. */
export function elevationReasons(role: RoleInfo): string[] {
  const reasons: string[] = [];
  if (role.superuser) reasons.push('is a superuser');
  if (role.attributes.bypassrls) reasons.push('bypasses row-level security');
  if (role.attributes.createrole) reasons.push('can create roles');
  if (role.attributes.createdb) reasons.push('can create databases');
  if (role.ownsObjects) reasons.push('owns tables (owners bypass RLS unless it is forced)');
  if (role.memberOf.some((m) => m.role === 'databricks_superuser')) reasons.push('is a member of databricks_superuser');
  return reasons;
}

function attributeClause(a: RoleAttributes): string {
  return [
    a.login ? 'LOGIN' : 'NOLOGIN',
    a.inherit ? 'INHERIT' : 'NOINHERIT',
    a.bypassrls ? 'BYPASSRLS' : 'NOBYPASSRLS',
    a.createdb ? 'CREATEDB' : 'NOCREATEDB',
    a.createrole ? 'CREATEROLE' : 'NOCREATEROLE',
  ].join(' ');
}

/**
 * The SQL for a role change. Pure: `roles` is the catalog as just read; names of existing roles
 * must be in it (a new role's name must not be), and every name is quoted by quoteIdent.
 */
export function buildRoleChange(change: RoleChange, roles: readonly RoleInfo[]): ChangePlanOutput {
  const byName = new Map(roles.map((r) => [r.name, r]));
  const existing = (name: string): RoleInfo => {
    const role = byName.get(name);
    if (!role) throw notFound(`Role ${name} does not exist.`);
    return role;
  };
  switch (change.kind) {
    case 'create':
      if (byName.has(change.name)) throw invalidInput(`Role ${change.name} already exists.`);
      return { statements: [`CREATE ROLE ${quoteIdent(change.name)} ${attributeClause(change.attributes)}`], warnings: [] };
    case 'alter': {
      const role = existing(change.name);
      if (role.superuser) throw invalidInput(`${change.name} is a superuser; Pier does not alter superusers.`);
      return { statements: [`ALTER ROLE ${quoteIdent(role.name)} ${attributeClause(change.attributes)}`], warnings: [] };
    }
    case 'drop': {
      const role = existing(change.name);
      if (role.superuser) throw invalidInput(`${change.name} is a superuser; Pier does not drop superusers.`);
      const warnings = role.ownsObjects
        ? [`${role.name} owns objects: DROP ROLE fails until they are reassigned (REASSIGN OWNED BY … TO …).`]
        : [];
      return { statements: [`DROP ROLE ${quoteIdent(role.name)}`], warnings };
    }
    case 'grantMembership': {
      const role = existing(change.role);
      const member = existing(change.member);
      const reasons = member.name === AUTHENTICATOR ? elevationReasons(role) : [];
      const warnings = reasons.length ? [authenticatorPitfall(role.name, reasons)] : [];
      return { statements: [`GRANT ${quoteIdent(role.name)} TO ${quoteIdent(member.name)}`], warnings };
    }
    case 'revokeMembership': {
      const role = existing(change.role);
      const member = existing(change.member);
      return { statements: [`REVOKE ${quoteIdent(role.name)} FROM ${quoteIdent(member.name)}`], warnings: [] };
    }
    default:
      return assertNever(change, 'role change');
  }
}

/** What the UI says when an elevated role is about to be (or failed to be) granted to authenticator. */
export function authenticatorPitfall(role: string, reasons: readonly string[]): string {
  return (
    `${role} ${reasons.join(', ')}. Lakebase refuses to grant such roles to authenticator, and every Data API token ` +
    `could act as it. Instead create a plain NOLOGIN identity role, grant it only the table privileges it needs, ` +
    `and grant that role to authenticator.`
  );
}
