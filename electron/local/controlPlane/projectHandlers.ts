import path from 'node:path';
import {
  branchName,
  databaseName,
  endpointName,
  projectName,
  roleName,
  suggestId,
  validateId,
  type ListProjectsResponse,
  type Operation,
  type Project,
  type ProjectDefaultEndpointSettings,
  type ProjectSpec,
  type RoleSpec,
} from '../../../shared/management';
import type { PostgresMajor } from '../postgres/binaries';
import { quoteIdent } from '../runtime/quoteIdent';
import { alreadyExists, ApiFailure, invalidParameter, requiredField } from './apiFailure';
import type { ApiCall } from './apiCall';
import {
  bootstrapRoles,
  clusterSize,
  defaultProjectSpec,
  endpointUid,
  DEFAULT_DATABASE,
  PRIMARY_ENDPOINT,
  ROOT_BRANCH,
  type ControlPlaneCore,
} from './controlPlaneCore';
import type { BranchRecord, EndpointRecord, ProjectRecord } from './controlPlaneState';
import { EMPTY_RESPONSE } from './operationRunner';
import { levelOf } from './projectPermissions';
import { projectView } from './resourceViews';
import { checkDatabaseName } from './databaseHandlers';
import { effectiveRoleSpec, writePostgresRole } from './roleHandlers';
import { checkEndpointSpec, checkProjectSpec, endpointDefaults, maskedUpdate, objectField } from './specRules';
import { isObject, pageOf, queryBoolean, timestamp } from './wireValues';

const PURGE_AFTER_MS = 7 * 86400_000;

export async function createProject(core: ControlPlaneCore, call: ApiCall): Promise<Operation> {
  const projectId = call.query.get('project_id') ?? '';
  const idCheck = validateId('project_id', projectId);
  if (!idCheck.ok) throw invalidParameter(idCheck.message);
  const name = projectName(projectId);
  const given = (objectField(call.body, 'spec') ?? {}) as ProjectSpec;
  const existing = core.data.projects[name];
  if (existing) {
    if (!queryBoolean(call.query, 'replace_existing') || existing.delete_time || existing.lifecycle !== 'ready')
      throw alreadyExists('Project', name);
    if (given.pg_version !== undefined && given.pg_version !== existing.spec.pg_version)
      throw invalidParameter(`Field 'spec.pg_version' is immutable and cannot be updated.`);
    const spec = settleProjectSpec(mergeProjectSpec(existing.spec, given));
    checkProjectSpec(spec);
    checkDefaultBranch(core, projectId, spec);
    return core.ops.start(name, 'ProjectOperationMetadata', projectId, async () => {
      existing.spec = spec;
      existing.update_time = timestamp();
      return projectView(core, existing);
    });
  }
  const spec = settleProjectSpec(mergeProjectSpec(defaultProjectSpec(projectId), given));
  spec.default_branch = branchName(projectId, ROOT_BRANCH);
  checkProjectSpec(spec);
  // Everything is checked before the operation starts: a client sees a 400, not a failed operation.
  const major = spec.pg_version as PostgresMajor;
  core.binariesFor(major);
  const initialBranch = objectField(call.body, 'initial_branch_spec') ?? {};
  const initialEndpoint = objectField(call.body, 'initial_endpoint_spec') ?? {};
  const endpointSpec = endpointDefaults({ ...initialEndpoint, endpoint_type: 'ENDPOINT_TYPE_READ_WRITE' }, spec.default_endpoint_settings);
  checkEndpointSpec(endpointSpec);
  if (initialBranch.is_protected !== undefined && typeof initialBranch.is_protected !== 'boolean') {
    throw invalidParameter(`Field 'initial_branch_spec.is_protected' must be a boolean.`);
  }
  const initialDatabase = objectField(call.body, 'initial_database_spec');
  const postgresDatabase =
    initialDatabase?.postgres_database === undefined || initialDatabase.postgres_database === ''
      ? DEFAULT_DATABASE
      : checkDatabaseName(initialDatabase.postgres_database, 'initial_database_spec.postgres_database');
  const owner = call.caller;
  // initial_role_spec: the role that owns the initial database (the creator's own role is made as well).
  const initialRoleGiven = objectField(call.body, 'initial_role_spec');
  const initialRole = initialRoleGiven ? effectiveRoleSpec(initialRoleGiven as RoleSpec, 'initial_role_spec') : undefined;
  const ownerRoleSpec: RoleSpec = {
    postgres_role: owner,
    identity_type: 'USER',
    auth_method: 'LAKEBASE_OAUTH_V1',
    attributes: { createdb: true, createrole: true },
    membership_roles: ['DATABRICKS_SUPERUSER'],
  };
  const databaseOwner = initialRole ?? ownerRoleSpec;

  const now = timestamp();
  const branchUid = core.newUid('br');
  const p: ProjectRecord = {
    project_id: projectId,
    uid: core.newUid('proj'),
    owner,
    permissions: [],
    spec,
    create_time: now,
    update_time: now,
    lifecycle: 'creating',
  };
  const b: BranchRecord = {
    project_id: projectId,
    branch_id: ROOT_BRANCH,
    uid: branchUid,
    create_time: now,
    update_time: now,
    state_change_time: now,
    spec: { is_protected: initialBranch.is_protected === true, no_expiry: true },
    cluster_dir: path.join('clusters', branchUid),
    logical_size_bytes: 0,
    lifecycle: 'creating',
  };
  const ep: EndpointRecord = {
    project_id: projectId,
    branch_id: ROOT_BRANCH,
    endpoint_id: PRIMARY_ENDPOINT,
    uid: endpointUid(),
    create_time: now,
    update_time: now,
    spec: endpointSpec,
    port: 0,
    lifecycle: 'creating',
  };
  const d = core.data;
  d.projects[name] = p;
  d.branches[branchName(projectId, ROOT_BRANCH)] = b;
  d.endpoints[endpointName(projectId, ROOT_BRANCH, PRIMARY_ENDPOINT)] = ep;
  return core.ops.start(
    name,
    'ProjectOperationMetadata',
    projectId,
    async () => {
      const cluster = core.clusterAt(b.cluster_dir, major);
      await cluster.initialize();
      const runtime = await core.openRuntime(ep);
      await runtime.withClient('postgres', async (c) => {
        await bootstrapRoles(c, owner);
        if (initialRole) {
          const exists = ((await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [initialRole.postgres_role])).rowCount ?? 0) > 0;
          await writePostgresRole(c, initialRole, owner, exists);
        }
        await c.query(`CREATE DATABASE ${quoteIdent(postgresDatabase)} OWNER ${quoteIdent(databaseOwner.postgres_role ?? owner)}`);
        b.logical_size_bytes = await clusterSize(c);
      });
      await core.takeBaseBackup(b);
      const roleIds = new Set<string>();
      const addRole = (roleSpec: RoleSpec): string => {
        const base = suggestId(roleSpec.postgres_role ?? '') ?? 'role';
        let id = base;
        for (let n = 2; roleIds.has(id); n++) id = `${base}-${n}`;
        roleIds.add(id);
        d.roles[roleName(projectId, ROOT_BRANCH, id)] = {
          project_id: projectId,
          branch_id: ROOT_BRANCH,
          role_id: id,
          create_time: now,
          update_time: now,
          lifecycle: 'ready',
          spec: roleSpec,
        };
        return id;
      };
      const ownerRoleId = initialRole?.postgres_role === owner ? undefined : addRole(ownerRoleSpec);
      const databaseOwnerId = initialRole ? addRole(initialRole) : (ownerRoleId ?? 'owner');
      const dbId = suggestId(postgresDatabase) ?? 'database';
      d.databases[databaseName(projectId, ROOT_BRANCH, dbId)] = {
        project_id: projectId,
        branch_id: ROOT_BRANCH,
        database_id: dbId,
        create_time: now,
        update_time: now,
        lifecycle: 'ready',
        spec: { postgres_database: postgresDatabase, role: roleName(projectId, ROOT_BRANCH, databaseOwnerId) },
      };
      for (const r of [p, b, ep]) r.lifecycle = 'ready';
      return projectView(core, p);
    },
    async () => {
      await core.closeRuntime(ep);
      await core.removeClusterDir(b.cluster_dir);
      removeProjectRecords(core, projectId);
    },
  );
}

/**
 * One member of the default endpoint settings' suspension oneof, as the service keeps it:
 * `no_suspension: true`, or a `suspend_timeout_duration` (the default when neither is set).
 * CU limits left out (a message replaced by a mask) get their defaults again.
 */
function settleProjectSpec(spec: ProjectSpec): ProjectSpec {
  const d = spec.default_endpoint_settings;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return spec;
  const settled: ProjectDefaultEndpointSettings = { ...d };
  if (settled.no_suspension === true) delete settled.suspend_timeout_duration;
  else {
    delete settled.no_suspension;
    settled.suspend_timeout_duration ??= '86400s';
  }
  settled.autoscaling_limit_min_cu ??= 1;
  settled.autoscaling_limit_max_cu ??=
    typeof settled.autoscaling_limit_min_cu === 'number' ? Math.max(1, settled.autoscaling_limit_min_cu) : 1;
  return { ...spec, default_endpoint_settings: settled };
}

/** Spec fields given on create/replace override the current ones; a suspension member replaces its sibling. */
function mergeProjectSpec(current: ProjectSpec, given: ProjectSpec): ProjectSpec {
  if (!isObject(given)) throw invalidParameter(`Field 'spec' must be an object.`);
  const merged: ProjectSpec = { ...current, ...given };
  if (given.default_endpoint_settings !== undefined) {
    if (!isObject(given.default_endpoint_settings)) throw invalidParameter(`Field 'spec.default_endpoint_settings' must be an object.`);
    const g = given.default_endpoint_settings;
    const base = { ...current.default_endpoint_settings };
    if (g.suspend_timeout_duration !== undefined || g.no_suspension !== undefined) {
      delete base.suspend_timeout_duration;
      delete base.no_suspension;
    }
    merged.default_endpoint_settings = { ...base, ...g };
  }
  return merged;
}

function checkDefaultBranch(core: ControlPlaneCore, projectId: string, spec: ProjectSpec): void {
  const b = spec.default_branch;
  if (b === undefined) return;
  const rec = core.data.branches[b];
  if (!rec || rec.project_id !== projectId || rec.delete_time || rec.lifecycle !== 'ready') {
    throw invalidParameter(
      `Field 'spec.default_branch' must name a ready branch of this project (projects/${projectId}/branches/…), got '${b}'.`,
    );
  }
}

export function listProjects(core: ControlPlaneCore, call: ApiCall): ListProjectsResponse {
  const showDeleted = queryBoolean(call.query, 'show_deleted');
  // Only the projects the caller may use, as the service lists them.
  const all = Object.values(core.data.projects).filter(
    (p) => p.lifecycle !== 'purging' && (showDeleted || !p.delete_time) && levelOf(core, p, call.caller) !== undefined,
  );
  const { page, next } = pageOf(all, call.query, 100);
  return { projects: page.map((p) => projectView(core, p)), ...(next ? { next_page_token: next } : {}) };
}

export function getProject(core: ControlPlaneCore, projectId: string): Project {
  return projectView(core, core.project(projectId));
}

export async function updateProject(core: ControlPlaneCore, call: ApiCall, projectId: string): Promise<Operation> {
  const p = core.project(projectId);
  if (!call.query.get('update_mask')) throw requiredField('update_mask');
  const spec = settleProjectSpec(maskedUpdate('project', p.spec, call.body, call.query));
  checkProjectSpec(spec);
  checkDefaultBranch(core, projectId, spec);
  return core.ops.start(projectName(projectId), 'ProjectOperationMetadata', projectId, async () => {
    p.spec = spec;
    p.update_time = timestamp();
    return projectView(core, p);
  });
}

export async function deleteProject(core: ControlPlaneCore, call: ApiCall, projectId: string): Promise<Operation> {
  const purge = queryBoolean(call.query, 'purge');
  const p = core.project(projectId, { allowDeleted: purge });
  const branches = core.childrenOf(core.data.branches, projectName(projectId), 'branches');
  if (branches.some((b) => core.isFoundation(b))) {
    throw new ApiFailure(
      'BAD_REQUEST',
      `Project ${projectId} holds Pier's embedded database, which this server runs on; it cannot be deleted while Pier uses it.`,
    );
  }
  const protectedBranch = branches.find((b) => b.spec.is_protected && !b.delete_time);
  if (protectedBranch) {
    throw new ApiFailure(
      'BAD_REQUEST',
      `Project ${projectId} has the protected branch "${protectedBranch.branch_id}"; unprotect it before deleting the project.`,
    );
  }
  if (purge) p.lifecycle = 'purging';
  return core.ops.start(projectName(projectId), 'ProjectOperationMetadata', projectId, async () => {
    await (purge ? purgeProject(core, p) : softDeleteProject(core, p));
    return EMPTY_RESPONSE;
  });
}

export async function softDeleteProject(core: ControlPlaneCore, p: ProjectRecord): Promise<void> {
  for (const b of core.childrenOf(core.data.branches, projectName(p.project_id), 'branches')) {
    for (const ep of core.endpointsOf(b)) await core.closeRuntime(ep);
  }
  p.delete_time = timestamp();
  p.purge_time = timestamp(new Date(Date.now() + PURGE_AFTER_MS));
  p.update_time = p.delete_time;
}

/** Stops every endpoint of the project and removes all its clusters and records. */
export async function purgeProject(core: ControlPlaneCore, p: ProjectRecord): Promise<void> {
  p.lifecycle = 'purging';
  await core.store.save();
  const branches = core.childrenOf(core.data.branches, projectName(p.project_id), 'branches');
  for (const b of branches) for (const ep of core.endpointsOf(b)) await core.closeRuntime(ep);
  for (const b of branches) {
    for (const ep of core.endpointsOf(b)) await core.removeClusterDir(ep.cluster_dir);
    await core.removeClusterDir(b.cluster_dir);
  }
  removeProjectRecords(core, p.project_id);
}

export async function undeleteProject(core: ControlPlaneCore, projectId: string): Promise<Operation> {
  const p = core.project(projectId, { allowDeleted: true });
  if (!p.delete_time) throw new ApiFailure('BAD_REQUEST', `Project ${projectId} is not deleted.`);
  return core.ops.start(projectName(projectId), 'ProjectOperationMetadata', projectId, async () => {
    delete p.delete_time;
    delete p.purge_time;
    p.update_time = timestamp();
    for (const b of core.childrenOf(core.data.branches, projectName(projectId), 'branches')) {
      if (b.delete_time) continue;
      for (const ep of core.endpointsOf(b)) await core.openRuntime(ep);
    }
    return EMPTY_RESPONSE;
  });
}

export function removeProjectRecords(core: ControlPlaneCore, projectId: string): void {
  const prefix = projectName(projectId);
  const d = core.data;
  for (const map of [d.projects, d.branches, d.endpoints, d.roles, d.databases] as Record<string, unknown>[]) {
    for (const name of Object.keys(map)) if (name === prefix || name.startsWith(prefix + '/')) delete map[name];
  }
}
