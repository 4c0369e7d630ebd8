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
import { ApiFailure, invalidParameter, requiredField } from './apiFailure';
import type { ApiCall } from './apiCall';
import type { ControlPlaneCore } from './controlPlaneCore';
import { CREATED_BY_PIER, type DatabaseRecord, type RoleRecord } from './controlPlaneState';
import { EMPTY_RESPONSE } from './operationRunner';
import { databaseView } from './resourceViews';
import { maskedUpdate, objectField } from './specRules';
import { pageOf, queryBoolean, timestamp } from './wireValues';

function ownerRole(core: ControlPlaneCore, projectId: string, branchId: string, role: unknown): RoleRecord {
  if (typeof role !== 'string' || role === '') throw requiredField('database.spec.role');
  const prefix = branchName(projectId, branchId) + '/roles/';
  const r = core.data.roles[role.startsWith('projects/') ? role : prefix + role];
  if (!r || r.lifecycle !== 'ready' || !(role.startsWith('projects/') ? role.startsWith(prefix) : true)) {
    throw invalidParameter(`Field 'spec.role' must name a role of this branch (${prefix}<role_id>), got '${role}'.`);
  }
  return r;
}

function checkDatabaseName(name: unknown): string {
  if (typeof name !== 'string' || name === '' || name.length > 63 || name.includes('\0')) {
    throw invalidParameter(`Field 'spec.postgres_database' must be 1 to 63 characters, got ${JSON.stringify(name)}.`);
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
    throw new ApiFailure('BAD_REQUEST', 'Database with that name already exists');
  }
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
        if (found) throw new ApiFailure('BAD_REQUEST', 'Database with that name already exists');
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
