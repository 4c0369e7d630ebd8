import {
  branchName,
  dataApiName,
  databaseName,
  endpointName,
  projectName,
  roleName,
  type Branch,
  type DataApi,
  type DataApiSpec,
  type DataApiStatus,
  type Database,
  type Endpoint,
  type Project,
  type ProjectDefaultEndpointSettings,
  type Role,
} from '../../../shared/management';
import type { ControlPlaneCore } from './controlPlaneCore';
import type { BranchRecord, DatabaseRecord, EndpointRecord, ProjectRecord, RoleRecord } from './controlPlaneState';

/** 8 TiB, the service's branch size limit. */
const BRANCH_SIZE_LIMIT = 8796093022208;

/** Resources as the API returns them: `spec` is input-only, effective values are in `status`. */
export function projectView(core: ControlPlaneCore, p: ProjectRecord): Project {
  const branches = core.childrenOf(core.data.branches, projectName(p.project_id), 'branches');
  const s = p.spec;
  return {
    name: projectName(p.project_id),
    project_id: p.project_id,
    uid: p.uid,
    create_time: p.create_time,
    update_time: p.update_time,
    ...(p.delete_time ? { delete_time: p.delete_time, purge_time: p.purge_time } : {}),
    status: {
      project_id: p.project_id,
      display_name: s.display_name,
      pg_version: s.pg_version,
      owner: p.owner,
      default_branch: s.default_branch,
      default_endpoint_settings: oneSuspensionMember(s.default_endpoint_settings),
      history_retention_duration: s.history_retention_duration,
      enable_pg_native_login: s.enable_pg_native_login ?? false,
      ...(s.budget_policy_id ? { budget_policy_id: s.budget_policy_id } : {}),
      custom_tags: s.custom_tags ?? [],
      branch_logical_size_limit_bytes: BRANCH_SIZE_LIMIT,
      synthetic_storage_size_bytes: branches.reduce((sum, b) => sum + b.logical_size_bytes, 0),
    },
  };
}

/** The suspension oneof as the service shows it: only the member that is set (older records kept both). */
function oneSuspensionMember(d: ProjectDefaultEndpointSettings | undefined): ProjectDefaultEndpointSettings | undefined {
  if (!d) return d;
  const { no_suspension: noSuspension, suspend_timeout_duration: timeout, ...rest } = d;
  return noSuspension === true ? { ...rest, no_suspension: true } : { ...rest, suspend_timeout_duration: timeout ?? '86400s' };
}

export function branchView(core: ControlPlaneCore, b: BranchRecord): Branch {
  const project = core.data.projects[projectName(b.project_id)];
  const name = branchName(b.project_id, b.branch_id);
  const state = b.delete_time ? 'DELETED' : b.lifecycle === 'creating' ? 'INIT' : b.pending_cluster_dir ? 'RESETTING' : 'READY';
  const expireTime = b.spec.expire_time ?? (b.spec.ttl ? ttlExpiry(b.create_time, b.spec.ttl) : undefined);
  return {
    name,
    parent: projectName(b.project_id),
    branch_id: b.branch_id,
    uid: b.uid,
    create_time: b.create_time,
    update_time: b.update_time,
    status: {
      branch_id: b.branch_id,
      is_protected: b.spec.is_protected ?? false,
      logical_size_bytes: b.logical_size_bytes,
      current_state: state,
      ...(b.lifecycle === 'creating' || b.pending_cluster_dir ? { pending_state: 'READY' } : {}),
      state_change_time: b.state_change_time,
      default: project?.spec.default_branch === name,
      ...(expireTime ? { expire_time: expireTime } : {}),
      ...(b.delete_time ? { delete_time: b.delete_time, purge_time: b.purge_time } : {}),
      ...(b.source
        ? {
            source_branch: b.source.branch,
            source_branch_lsn: b.source.lsn,
            ...(b.source.time ? { source_branch_time: b.source.time } : {}),
          }
        : {}),
    },
  };
}

function ttlExpiry(createTime: string, ttl: string): string {
  return new Date(Date.parse(createTime) + Number(ttl.replace(/s$/, '')) * 1000).toISOString();
}

export function endpointView(core: ControlPlaneCore, e: EndpointRecord): Endpoint {
  const name = endpointName(e.project_id, e.branch_id, e.endpoint_id);
  const runtime = core.runtimes.get(name);
  const s = e.spec;
  const host = core.endpointHost();
  const readOnly = s.endpoint_type === 'ENDPOINT_TYPE_READ_ONLY';
  return {
    name,
    parent: branchName(e.project_id, e.branch_id),
    endpoint_id: e.endpoint_id,
    uid: e.uid,
    create_time: e.create_time,
    update_time: e.update_time,
    status: {
      endpoint_id: e.endpoint_id,
      endpoint_type: s.endpoint_type,
      current_state: e.lifecycle === 'creating' ? 'INIT' : (runtime?.state ?? 'IDLE'),
      autoscaling_limit_min_cu: s.autoscaling_limit_min_cu,
      autoscaling_limit_max_cu: s.autoscaling_limit_max_cu,
      ...(s.no_suspension ? {} : { suspend_timeout_duration: s.suspend_timeout_duration }),
      disabled: s.disabled ?? false,
      ...(s.group ? { group: s.group } : {}),
      settings: { pg_settings: s.settings?.pg_settings ?? {} },
      // Every local endpoint is reached through Pier's Postgres proxy (see proxy/postgresProxy.ts).
      hosts: readOnly ? { host, read_only_host: host } : { host },
      ...(runtime || e.last_active_time ? { last_active_time: runtime?.lastActive.toISOString() ?? e.last_active_time } : {}),
    },
  };
}

export function roleView(r: RoleRecord): Role {
  const s = r.spec;
  return {
    name: roleName(r.project_id, r.branch_id, r.role_id),
    parent: branchName(r.project_id, r.branch_id),
    role_id: r.role_id,
    create_time: r.create_time,
    update_time: r.update_time,
    status: {
      role_id: r.role_id,
      postgres_role: s.postgres_role,
      ...(s.identity_type ? { identity_type: s.identity_type } : {}),
      auth_method: s.auth_method,
      attributes: {
        createdb: s.attributes?.createdb ?? false,
        createrole: s.attributes?.createrole ?? false,
        bypassrls: s.attributes?.bypassrls ?? false,
      },
      membership_roles: s.membership_roles ?? [],
    },
  };
}

export function databaseView(d: DatabaseRecord): Database {
  return {
    name: databaseName(d.project_id, d.branch_id, d.database_id),
    parent: branchName(d.project_id, d.branch_id),
    database_id: d.database_id,
    create_time: d.create_time,
    update_time: d.update_time,
    status: { database_id: d.database_id, postgres_database: d.spec.postgres_database, role: d.spec.role },
  };
}

export const DATA_API_DEFAULTS: Readonly<Required<Omit<DataApiSpec, 'db_anon_role'>>> = {
  db_schemas: ['public'],
  db_extra_search_path: ['public'],
  db_max_rows: 1000,
  db_aggregates_enabled: true,
  jwt_role_claim_key: '.sub',
  jwt_cache_max_lifetime: '0s',
  openapi_mode: 'OPEN_API_MODE_IGNORE_PRIVILEGES',
  server_cors_allowed_origins: [],
  server_timing_enabled: false,
};

/** The Data API with the settings read back from the database (`status` is what is in effect). */
export function dataApiView(core: ControlPlaneCore, d: DatabaseRecord, status: DataApiStatus): DataApi {
  const api = d.data_api;
  if (!api) throw new Error('Data API is not enabled');
  const database = d.spec.postgres_database ?? d.database_id;
  const url = core.options.dataApiUrl?.({ projectId: d.project_id, branchId: d.branch_id, database });
  return {
    name: dataApiName(d.project_id, d.branch_id, d.database_id),
    parent: databaseName(d.project_id, d.branch_id, d.database_id),
    create_time: api.create_time,
    update_time: api.update_time,
    status: { ...status, ...(url ? { url } : {}) },
  };
}
