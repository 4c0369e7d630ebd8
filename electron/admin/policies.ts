import type pg from 'pg';
import {
  PUBLIC_GRANTEE,
  type PolicyChange,
  type PolicyCommand,
  type PolicyDefinition,
  type TablePoliciesOutput,
} from '../../shared/contract/admin';
import { assertNever } from '../../shared/contract/result';
import { invalidInput, notFound } from '../errors/PierError';
import { quoteIdent } from './quoteIdent';

type Db = pg.Pool | pg.ClientBase;

/** A table's RLS state, columns and policies, as the catalog has them (names exactly as spelled there). */
export interface TablePolicies extends TablePoliciesOutput {
  readonly oid: number;
}

const COMMAND_BY_POLCMD: Record<string, PolicyCommand> = { '*': 'ALL', r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE' };

export async function readTablePolicies(db: Db, schema: string, table: string): Promise<TablePolicies> {
  const rel = await db.query<{ oid: number; schema: string; name: string; enabled: boolean; forced: boolean }>(
    `SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [schema, table],
  );
  const found = rel.rows[0];
  if (!found) throw notFound(`Table ${schema}.${table} does not exist.`);
  const cols = await db.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [found.oid],
  );
  const pols = await db.query<{
    name: string;
    permissive: boolean;
    cmd: string;
    roles: string[];
    using: string | null;
    with_check: string | null;
  }>(
    `SELECT p.polname AS name, p.polpermissive AS permissive, p.polcmd::text AS cmd,
            ARRAY(SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r)::text END FROM unnest(p.polroles) r ORDER BY 1) AS roles,
            pg_get_expr(p.polqual, p.polrelid) AS using, pg_get_expr(p.polwithcheck, p.polrelid) AS with_check
       FROM pg_policy p WHERE p.polrelid = $1 ORDER BY p.polname`,
    [found.oid],
  );
  return {
    oid: found.oid,
    schema: found.schema,
    table: found.name,
    rlsEnabled: found.enabled,
    rlsForced: found.forced,
    columns: cols.rows,
    policies: pols.rows.map((p) => ({
      name: p.name,
      permissive: p.permissive,
      command: COMMAND_BY_POLCMD[p.cmd] ?? 'ALL',
      roles: p.roles,
      using: p.using,
      withCheck: p.with_check,
    })),
  };
}

/** Names of all roles, for checking a policy's TO list. */
export async function readRoleNames(db: Db): Promise<Set<string>> {
  const r = await db.query<{ rolname: string }>(`SELECT rolname FROM pg_roles`);
  return new Set(r.rows.map((x) => x.rolname));
}

/**
 * The statements of a policy change, in the order they run. Pure: the table, its policies and
 * the role names come from the catalog; the USING / WITH CHECK expressions are the user's SQL,
 * shown to them before anything runs and executed one statement at a time (extended protocol),
 * so they cannot smuggle in a second statement.
 */
export function buildPolicyChange(change: PolicyChange, table: TablePolicies, roleNames: ReadonlySet<string>): string[] {
  const target = `${quoteIdent(table.schema)}.${quoteIdent(table.table)}`;
  const existing = (name: string) => {
    const policy = table.policies.find((p) => p.name === name);
    if (!policy) throw notFound(`Policy ${name} does not exist on ${table.schema}.${table.table}.`);
    return policy;
  };
  const enable = (wanted: boolean) => (wanted && !table.rlsEnabled ? [`ALTER TABLE ${target} ENABLE ROW LEVEL SECURITY`] : []);
  switch (change.kind) {
    case 'create':
      if (table.policies.some((p) => p.name === change.policy.name)) {
        throw invalidInput(
          `A policy named ${change.policy.name} already exists on ${table.table}.`,
          'Pick another name, or edit that policy.',
        );
      }
      return [...enable(change.enableRls), createPolicySql(target, change.policy, roleNames)];
    case 'replace': {
      const old = existing(change.name);
      if (change.policy.name !== old.name && table.policies.some((p) => p.name === change.policy.name)) {
        throw invalidInput(`A policy named ${change.policy.name} already exists on ${table.table}.`);
      }
      return [
        ...enable(change.enableRls),
        `DROP POLICY ${quoteIdent(old.name)} ON ${target}`,
        createPolicySql(target, change.policy, roleNames),
      ];
    }
    case 'drop':
      return [`DROP POLICY ${quoteIdent(existing(change.name).name)} ON ${target}`];
    case 'setRls': {
      const statements: string[] = [];
      if (change.enabled !== table.rlsEnabled)
        statements.push(`ALTER TABLE ${target} ${change.enabled ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`);
      if (change.forced !== table.rlsForced)
        statements.push(`ALTER TABLE ${target} ${change.forced ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY`);
      return statements;
    }
    default:
      return assertNever(change, 'policy change');
  }
}

function createPolicySql(target: string, policy: PolicyDefinition, roleNames: ReadonlySet<string>): string {
  const roles = policy.roles.map((role) => {
    if (role.toUpperCase() === PUBLIC_GRANTEE) return 'PUBLIC';
    if (!roleNames.has(role)) throw notFound(`Role ${role} does not exist.`);
    return quoteIdent(role);
  });
  if (policy.command === 'INSERT' && policy.using !== null) {
    throw invalidInput('An INSERT policy has no USING expression (only WITH CHECK).', 'Move the expression to WITH CHECK.');
  }
  if ((policy.command === 'SELECT' || policy.command === 'DELETE') && policy.withCheck !== null) {
    throw invalidInput(`A ${policy.command} policy has no WITH CHECK expression (only USING).`, 'Move the expression to USING.');
  }
  if (policy.using === null && policy.withCheck === null) {
    throw invalidInput('A policy needs a USING or a WITH CHECK expression.');
  }
  const parts = [
    `CREATE POLICY ${quoteIdent(policy.name)} ON ${target}`,
    `AS ${policy.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'}`,
    `FOR ${policy.command}`,
    `TO ${roles.join(', ')}`,
  ];
  if (policy.using !== null) parts.push(`USING (${policy.using})`);
  if (policy.withCheck !== null) parts.push(`WITH CHECK (${policy.withCheck})`);
  return parts.join('\n  ');
}
