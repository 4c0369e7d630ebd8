import {
  branchName,
  databaseName,
  suggestId,
  validateId,
  type Database,
  type DatabaseSpec,
  type ListDatabasesResponse,
  type Operation,
} from '../../../shared/management';
import { quoteIdent } from '../runtime/quoteIdent';
import { ApiFailure, invalidParameter, notFound, requiredField } from './apiFailure';
import type { ApiCall } from './apiCall';
import type { ControlPlaneCore } from './controlPlaneCore';
import { CREATED_BY_PIER, type BranchRecord, type DatabaseRecord, type RoleRecord } from './controlPlaneState';
import { EMPTY_RESPONSE } from './operationRunner';
import { databaseView } from './resourceViews';
import { maskedUpdate, objectField } from './specRules';
import { pageOf, queryBoolean, timestamp } from './wireValues';

/**
 * The role a database's `spec.role` names: a full role name of this branch or a bare role id.
 * A role the branch does not have is the service's 404 (`role not found; role_id:"…"`).
 */
function ownerRole(core: ControlPlaneCore, projectId: string, branchId: string, role: unknown): RoleRecord {
  if (typeof role !== 'string' || role === '') throw requiredField('database.spec.role');
  const prefix = branchName(projectId, branchId) + '/roles/';
  if (role.startsWith('projects/') && !role.startsWith(prefix)) {
    throw invalidParameter(`Field 'spec.role' must name a role of this branch (${prefix}<role_id>), got '${role}'.`);
  }
  const roleId = role.startsWith(prefix) ? role.slice(prefix.length) : role;
  const r = core.data.roles[prefix + roleId];
  if (!r || r.lifecycle !== 'ready') throw notFound('Role', 'role_id', roleId);
  return r;
}

/** The service's words for a Postgres database name taken on the branch. */
const databaseExists = () => new ApiFailure('BAD_REQUEST', 'database with that name already exists');

/**
 * What can only be known from the cluster, checked before an operation starts (so the client gets
 * the 4xx, not a failed operation): the owner's Postgres role exists, and a new name is free.
 */
async function checkInCluster(core: ControlPlaneCore, b: BranchRecord, owner: RoleRecord, newName: string | undefined): Promise<void> {
  const { roleThere, nameTaken } = await core.primaryRuntime(b).withClient('postgres', async (c) => {
    const r = await c.query<{ role_there: boolean; name_taken: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS role_there,
              EXISTS (SELECT 1 FROM pg_database WHERE datname = $2) AS name_taken`,
      [owner.spec.postgres_role ?? '', newName ?? ''],
    );
    return { roleThere: r.rows[0]?.role_there === true, nameTaken: newName !== undefined && r.rows[0]?.name_taken === true };
  });
  if (!roleThere) throw notFound('Role', 'role_id', owner.role_id);
  if (nameTaken) throw databaseExists();
}

export function checkDatabaseName(name: unknown, field = 'spec.postgres_database'): string {
  if (typeof name !== 'string' || name === '' || name.length > 63 || name.includes('\0')) {
    throw invalidParameter(`Field '${field}' must be 1 to 63 characters, got ${JSON.stringify(name)}.`);
  }
  return name;
}

export async function createDatabase(core: ControlPlaneCore, call: ApiCall, projectId: string, branchId: string): Promise<Operation> {
  const b = core.branch(projectId, branchId);
  const given = (objectField(call.body, 'spec') ?? {}) as DatabaseSpec;
  const owner = ownerRole(core, projectId, branchId, given.role);
  const databaseId = call.query.get('database_id') || suggestId(String(given.postgres_database ?? '')) || '';
  const idCheck = validateId('database_id', databaseId);
  if (!idCheck.ok) throw invalidParameter(idCheck.message);
  const pgName = checkDatabaseName(given.postgres_database ?? databaseId);
  const name = databaseName(projectId, branchId, databaseId);
  const existing = core.data.databases[name];
  const sameName = core
    .childrenOf(core.data.databases, branchName(projectId, branchId), 'databases')
    .find((d) => d.spec.postgres_database === pgName);
  if (existing || sameName) {
    if (queryBoolean(call.query, 'replace_existing') && existing && existing.lifecycle === 'ready') {
      return changeDatabase(core, existing, { postgres_database: pgName, role: given.role });
    }
    throw databaseExists();
  }
  await checkInCluster(core, b, owner, pgName);
  const now = timestamp();
  const record: DatabaseRecord = {
    project_id: projectId,
    branch_id: branchId,
    database_id: databaseId,
    create_time: now,
    update_time: now,
    lifecycle: 'creating',
    spec: { postgres_database: pgName, role: branchName(projectId, branchId) + '/roles/' + owner.role_id },
  };
  core.data.databases[name] = record;
  return core.ops.start(
    name,
    'DatabaseOperationMetadata',
    projectId,
    async () => {
      await core.primaryRuntime(b).withClient('postgres', async (c) => {
        const found = (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [pgName])).rowCount;
        if (found) throw databaseExists();
        await c.query(`CREATE DATABASE ${quoteIdent(pgName)} OWNER ${quoteIdent(owner.spec.postgres_role ?? '')}`);
        await c.query(`COMMENT ON DATABASE ${quoteIdent(pgName)} IS '${CREATED_BY_PIER}'`);
      });
      record.lifecycle = 'ready';
      return databaseView(record);
    },
    async () => {
      delete core.data.databases[name];
    },
  );
}

async function changeDatabase(core: ControlPlaneCore, d: DatabaseRecord, spec: DatabaseSpec): Promise<Operation> {
  const b = core.branch(d.project_id, d.branch_id);
  const owner = ownerRole(core, d.project_id, d.branch_id, spec.role);
  const newName = checkDatabaseName(spec.postgres_database);
  const oldName = d.spec.postgres_database ?? '';
  if (
    newName !== oldName &&
    core
      .childrenOf(core.data.databases, branchName(d.project_id, d.branch_id), 'databases')
      .some((x) => x !== d && x.spec.postgres_database === newName)
  )
    throw databaseExists();
  await checkInCluster(core, b, owner, newName !== oldName ? newName : undefined);
  return core.ops.start(databaseName(d.project_id, d.branch_id, d.database_id), 'DatabaseOperationMetadata', d.project_id, async () => {
    await core.primaryRuntime(b).withClient('postgres', async (c) => {
      if (newName !== oldName) {
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [oldName]);
        await c.query(`ALTER DATABASE ${quoteIdent(oldName)} RENAME TO ${quoteIdent(newName)}`);
      }
      await c.query(`ALTER DATABASE ${quoteIdent(newName)} OWNER TO ${quoteIdent(owner.spec.postgres_role ?? '')}`);
    });
    d.spec = { postgres_database: newName, role: branchName(d.project_id, d.branch_id) + '/roles/' + owner.role_id };
    d.update_time = timestamp();
    return databaseView(d);
  });
}

export function listDatabases(core: ControlPlaneCore, call: ApiCall, projectId: string, branchId: string): ListDatabasesResponse {
  core.branch(projectId, branchId);
  const all = core.childrenOf(core.data.databases, branchName(projectId, branchId), 'databases').filter((d) => d.lifecycle === 'ready');
  const { page, next } = pageOf(all, call.query, 1000);
  return { databases: page.map(databaseView), ...(next ? { next_page_token: next } : {}) };
}

export function getDatabase(core: ControlPlaneCore, projectId: string, branchId: string, databaseId: string): Database {
  return databaseView(core.database(projectId, branchId, databaseId));
}

export async function updateDatabase(
  core: ControlPlaneCore,
  call: ApiCall,
  projectId: string,
  branchId: string,
  databaseId: string,
): Promise<Operation> {
  const d = core.database(projectId, branchId, databaseId);
  if (!call.query.get('update_mask')) throw requiredField('update_mask');
  const spec = maskedUpdate('database', d.spec, call.body, call.query);
  return changeDatabase(core, d, spec);
}

export async function deleteDatabase(core: ControlPlaneCore, projectId: string, branchId: string, databaseId: string): Promise<Operation> {
  const b = core.branch(projectId, branchId);
  const d = core.database(projectId, branchId, databaseId);
  const name = databaseName(projectId, branchId, databaseId);
  return core.ops.start(name, 'DatabaseOperationMetadata', projectId, async () => {
    await core.primaryRuntime(b).withClient('postgres', async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(d.spec.postgres_database ?? '')} WITH (FORCE)`);
    });
    delete core.data.databases[name];
    return EMPTY_RESPONSE;
  });
}
