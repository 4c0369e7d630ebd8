import type pg from 'pg';
import {
  branchName,
  roleName,
  suggestId,
  validateId,
  type ListRolesResponse,
  type Operation,
  type Role,
  type RoleSpec,
} from '../../../shared/management';
import { quoteIdent } from '../runtime/quoteIdent';
import { ApiFailure, invalidParameter, requiredField } from './apiFailure';
import type { ApiCall } from './apiCall';
import type { ControlPlaneCore } from './controlPlaneCore';
import { CREATED_BY_PIER, type RoleRecord } from './controlPlaneState';
import { EMPTY_RESPONSE } from './operationRunner';
import { ownerOf } from './projectPermissions';
import { roleView } from './resourceViews';
import { maskedUpdate, objectField } from './specRules';
import { isObject, pageOf, queryBoolean, timestamp } from './wireValues';

const AUTH_METHODS = ['LAKEBASE_OAUTH_V1', 'PG_PASSWORD_SCRAM_SHA_256', 'NO_LOGIN'];
const IDENTITY_TYPES = ['USER', 'SERVICE_PRINCIPAL', 'GROUP'];

/**
 * A role spec with the service's defaults, or a 400 naming the field. `at` is where the spec sits
 * in the request (`spec` of a Role, `initial_role_spec` of a new project).
 */
export function effectiveRoleSpec(given: RoleSpec, at = 'spec'): RoleSpec {
  if (!isObject(given as unknown)) throw invalidParameter(`Field '${at}' must be an object.`);
  if (typeof given.postgres_role !== 'string' || given.postgres_role === '')
    throw requiredField(at === 'spec' ? 'role.spec.postgres_role' : `${at}.postgres_role`);
  if (given.postgres_role.length > 63 || given.postgres_role.includes('\0'))
    throw invalidParameter(`Field '${at}.postgres_role' must be 1 to 63 characters.`);
  if (given.identity_type !== undefined && !IDENTITY_TYPES.includes(given.identity_type)) {
    throw invalidParameter(
      `Field '${at}.identity_type' must be one of ${IDENTITY_TYPES.join(', ')}, got ${JSON.stringify(given.identity_type)}.`,
    );
  }
  const auth = given.auth_method ?? (given.identity_type ? 'LAKEBASE_OAUTH_V1' : 'PG_PASSWORD_SCRAM_SHA_256');
  if (!AUTH_METHODS.includes(auth))
    throw invalidParameter(`Field '${at}.auth_method' must be one of ${AUTH_METHODS.join(', ')}, got ${JSON.stringify(auth)}.`);
  if (
    given.attributes !== undefined &&
    (!isObject(given.attributes) || !Object.values(given.attributes).every((v) => typeof v === 'boolean'))
  ) {
    throw invalidParameter(`Field '${at}.attributes' must hold booleans createdb, createrole, bypassrls.`);
  }
  const memberships = given.membership_roles ?? [];
  if (!Array.isArray(memberships) || !memberships.every((r) => r === 'DATABRICKS_SUPERUSER')) {
    throw invalidParameter(`Field '${at}.membership_roles' may only contain DATABRICKS_SUPERUSER.`);
  }
  return { ...given, auth_method: auth, attributes: { ...given.attributes }, membership_roles: [...memberships] };
}

/** The service's words for a Postgres role name taken on the branch. */
export const roleExists = () => new ApiFailure('BAD_REQUEST', 'role with that name already exists');

/** Role options as fixed keywords; the name is quoted by quoteIdent. */
function roleOptions(s: RoleSpec): string {
  const a = s.attributes ?? {};
  return [
    s.auth_method === 'NO_LOGIN' ? 'NOLOGIN' : 'LOGIN',
    a.createdb ? 'CREATEDB' : 'NOCREATEDB',
    a.createrole ? 'CREATEROLE' : 'NOCREATEROLE',
    a.bypassrls ? 'BYPASSRLS' : 'NOBYPASSRLS',
  ].join(' ');
}

/**
 * DATABRICKS_SUPERUSER membership, then whether the Data API may act as the role. An identity
 * role is granted to `authenticator` (the Data API logs in as it and switches role) only while it
 * is not elevated; an elevated one is taken away from `authenticator`, whatever asked for the
 * change. Lakebase refuses that grant too: every Data API token could otherwise act with the
 * owner's, a superuser-like, a CREATEROLE or a BYPASSRLS role's rights, past every policy.
 */
async function applyMemberships(c: pg.ClientBase, s: RoleSpec, projectOwner: string): Promise<void> {
  const role = quoteIdent(s.postgres_role ?? '');
  if (s.membership_roles?.includes('DATABRICKS_SUPERUSER')) await c.query(`GRANT databricks_superuser TO ${role}`);
  else await c.query(`REVOKE databricks_superuser FROM ${role}`);
  const reachable = await c.query<{ granted: boolean; elevated: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles a ON a.oid = m.member
                    WHERE r.rolname = $1 AND a.rolname = 'authenticator') AS granted,
            EXISTS (SELECT 1 FROM pg_roles r
                    WHERE pg_has_role($1::name, r.oid, 'MEMBER')
                      AND (r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolname = ANY($2::text[]))) AS elevated`,
    [s.postgres_role, ['databricks_superuser', projectOwner]],
  );
  const { granted, elevated } = reachable.rows[0] ?? { granted: false, elevated: true };
  if (elevated && granted) await c.query(`REVOKE ${role} FROM authenticator`);
  else if (!elevated && !granted && s.identity_type) await c.query(`GRANT ${role} TO authenticator`);
}

/**
 * Creates (or, for `replace_existing`, alters) the Postgres role in one transaction, marked as the
 * API's own so recovery can tell it made it, with its memberships applied.
 */
export async function writePostgresRole(c: pg.ClientBase, spec: RoleSpec, projectOwner: string, exists: boolean): Promise<void> {
  await c.query('BEGIN');
  try {
    await c.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${quoteIdent(spec.postgres_role ?? '')} ${roleOptions(spec)}`);
    if (!exists) await c.query(`COMMENT ON ROLE ${quoteIdent(spec.postgres_role ?? '')} IS '${CREATED_BY_PIER}'`);
    await applyMemberships(c, spec, projectOwner);
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

export async function createRole(core: ControlPlaneCore, call: ApiCall, projectId: string, branchId: string): Promise<Operation> {
  const b = core.branch(projectId, branchId);
  const given = (objectField(call.body, 'spec') ?? {}) as RoleSpec;
  const spec = effectiveRoleSpec(given);
  const roleId = call.query.get('role_id') || suggestId(spec.postgres_role ?? '') || `role-${Date.now().toString(36)}`;
  const idCheck = validateId('role_id', roleId);
  if (!idCheck.ok) throw invalidParameter(idCheck.message);
  const name = roleName(projectId, branchId, roleId);
  const existing = core.data.roles[name];
  const sameName = core
    .childrenOf(core.data.roles, branchName(projectId, branchId), 'roles')
    .find((r) => r.spec.postgres_role === spec.postgres_role);
  const replace = queryBoolean(call.query, 'replace_existing');
  if ((existing || sameName) && !(replace && existing && existing.lifecycle === 'ready')) throw roleExists();
  if (existing && existing.spec.postgres_role !== spec.postgres_role)
    throw invalidParameter(`Field 'spec.postgres_role' cannot change; create a new role instead.`);
  // Checked before the operation starts, so a client sees the 400 itself rather than a failed operation.
  const found = await core
    .primaryRuntime(b)
    .withClient(
      'postgres',
      async (c) => ((await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [spec.postgres_role])).rowCount ?? 0) > 0,
    );
  if (found && !existing) throw roleExists();
  const now = timestamp();
  const record: RoleRecord = existing ?? {
    project_id: projectId,
    branch_id: branchId,
    role_id: roleId,
    create_time: now,
    update_time: now,
    spec,
    lifecycle: 'creating',
  };
  core.data.roles[name] = record;
  return core.ops.start(
    name,
    'RoleOperationMetadata',
    projectId,
    async () => {
      await core.primaryRuntime(b).withClient('postgres', async (c) => {
        const exists = ((await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [spec.postgres_role])).rowCount ?? 0) > 0;
        if (exists && !existing) throw roleExists();
        await writePostgresRole(c, spec, ownerOf(core, core.project(projectId)), exists);
      });
      record.spec = spec;
      record.update_time = timestamp();
      record.lifecycle = 'ready';
      return roleView(record);
    },
    existing
      ? undefined
      : async () => {
          delete core.data.roles[name];
        },
  );
}

export function listRoles(core: ControlPlaneCore, call: ApiCall, projectId: string, branchId: string): ListRolesResponse {
  core.branch(projectId, branchId);
  const all = core.childrenOf(core.data.roles, branchName(projectId, branchId), 'roles').filter((r) => r.lifecycle === 'ready');
  const { page, next } = pageOf(all, call.query, 1000);
  return { roles: page.map(roleView), ...(next ? { next_page_token: next } : {}) };
}

export function getRole(core: ControlPlaneCore, projectId: string, branchId: string, roleId: string): Role {
  return roleView(core.role(projectId, branchId, roleId));
}

export async function updateRole(
  core: ControlPlaneCore,
  call: ApiCall,
  projectId: string,
  branchId: string,
  roleId: string,
): Promise<Operation> {
  const b = core.branch(projectId, branchId);
  const r = core.role(projectId, branchId, roleId);
  if (!call.query.get('update_mask')) throw requiredField('update_mask');
  const spec = effectiveRoleSpec(maskedUpdate('role', r.spec, call.body, call.query));
  if (spec.postgres_role !== r.spec.postgres_role)
    throw invalidParameter(`Field 'spec.postgres_role' cannot change; create a new role instead.`);
  return core.ops.start(roleName(projectId, branchId, roleId), 'RoleOperationMetadata', projectId, async () => {
    await core.primaryRuntime(b).withClient('postgres', async (c) => {
      await c.query('BEGIN');
      try {
        await c.query(`ALTER ROLE ${quoteIdent(spec.postgres_role ?? '')} ${roleOptions(spec)}`);
        await applyMemberships(c, spec, ownerOf(core, core.project(projectId)));
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
    r.spec = spec;
    r.update_time = timestamp();
    return roleView(r);
  });
}

export async function deleteRole(
  core: ControlPlaneCore,
  call: ApiCall,
  projectId: string,
  branchId: string,
  roleId: string,
): Promise<Operation> {
  const b = core.branch(projectId, branchId);
  const r = core.role(projectId, branchId, roleId);
  const reassign = call.query.get('reassign_owned_to');
  let target: string | undefined;
  if (reassign) {
    const t = core
      .childrenOf(core.data.roles, branchName(projectId, branchId), 'roles')
      .find((x) => x.role_id === reassign || roleName(projectId, branchId, x.role_id) === reassign || x.spec.postgres_role === reassign);
    if (!t || t === r)
      throw invalidParameter(`Query parameter 'reassign_owned_to' must name another role of this branch, got '${reassign}'.`);
    target = t.spec.postgres_role;
  }
  const owned = core
    .childrenOf(core.data.databases, branchName(projectId, branchId), 'databases')
    .find((d) => d.spec.role === roleName(projectId, branchId, roleId));
  if (owned && !target)
    throw new ApiFailure(
      'BAD_REQUEST',
      `Role ${roleId} owns database ${owned.database_id}; pass reassign_owned_to or delete the database first.`,
    );
  if (!target) {
    // Objects or privileges in any database keep DROP ROLE from working: said now, not by a failed operation.
    const held = await core.primaryRuntime(b).withClient('postgres', async (c) => {
      const found = await c.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_shdepend d JOIN pg_roles a ON a.oid = d.refobjid
          WHERE a.rolname = $1 AND d.refclassid = 'pg_authid'::regclass AND d.deptype IN ('o', 'a', 'r', 'i')`,
        [r.spec.postgres_role ?? ''],
      );
      return found.rows[0]?.n ?? 0;
    });
    if (held > 0)
      throw new ApiFailure(
        'BAD_REQUEST',
        `Role ${roleId} owns objects or holds privileges (${held}); pass reassign_owned_to to hand them to another role, or drop them first.`,
      );
  }
  const name = roleName(projectId, branchId, roleId);
  return core.ops.start(name, 'RoleOperationMetadata', projectId, async () => {
    const runtime = core.primaryRuntime(b);
    const role = quoteIdent(r.spec.postgres_role ?? '');
    const databases = await runtime.withClient('postgres', async (c) =>
      (await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname')).rows.map(
        (row) => row.datname,
      ),
    );
    if (target) {
      for (const db of databases) {
        await runtime.withClient(db, async (c) => {
          await c.query(`REASSIGN OWNED BY ${role} TO ${quoteIdent(target)}`);
          await c.query(`DROP OWNED BY ${role}`);
        });
      }
    }
    await runtime.withClient('postgres', async (c) => {
      try {
        await c.query(`DROP ROLE IF EXISTS ${role}`);
      } catch (err) {
        throw new ApiFailure(
          'BAD_REQUEST',
          `Role ${roleId} cannot be dropped: ${(err as Error).message}. Pass reassign_owned_to to hand its objects to another role.`,
        );
      }
    });
    for (const d of core.childrenOf(core.data.databases, branchName(projectId, branchId), 'databases')) {
      if (d.spec.role === name && target)
        d.spec.role = roleName(
          projectId,
          branchId,
          core.childrenOf(core.data.roles, branchName(projectId, branchId), 'roles').find((x) => x.spec.postgres_role === target)
            ?.role_id ?? '',
        );
    }
    delete core.data.roles[name];
    return EMPTY_RESPONSE;
  });
}
