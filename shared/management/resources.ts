/**
 * Management-API resource types (`/api/2.0/postgres/…`), as in shared/reference/management-api.md §4.
 * Wire shapes: snake_case, every field optional because servers add and drop fields over time.
 * Enums are open string unions: known values for completion, any other string still accepted,
 * because the service adds values and clients must not reject them.
 */

/** An open string union: the listed values plus any string the server may add later. */
export type Open<T extends string> = T | (string & {});

/** RFC 3339 timestamp, UTC, `Z` suffix. */
export type Timestamp = string;
/** Protobuf JSON duration: seconds with an `s` suffix, e.g. `"300s"`. */
export type Duration = string;
/** int64 on the wire: a JSON number (older or other encoders may send a numeric string). */
export type Int64 = number;

export interface CustomTag {
  key?: string;
  value?: string;
}

// ─── Project ──────────────────────────────────────────────────────────────

export interface ProjectDefaultEndpointSettings {
  autoscaling_limit_min_cu?: number;
  autoscaling_limit_max_cu?: number;
  /** 60s–604800s; exclusive with `no_suspension`. */
  suspend_timeout_duration?: Duration;
  no_suspension?: boolean;
  pg_settings?: Record<string, string>;
}

export interface ProjectSpec {
  display_name?: string;
  /** Major version; immutable. */
  pg_version?: number;
  history_retention_duration?: Duration;
  default_endpoint_settings?: ProjectDefaultEndpointSettings;
  /** Full branch name, `projects/{p}/branches/{b}`. */
  default_branch?: string;
  enable_pg_native_login?: boolean;
  budget_policy_id?: string;
  custom_tags?: CustomTag[];
  compute_provisioner?: string;
}

export type ReplicationRole = Open<
  'REPLICATION_ROLE_PREVIEW_PRIMARY' | 'REPLICATION_ROLE_PREVIEW_SECONDARY' | 'REPLICATION_ROLE_PREVIEW_DEMOTING'
>;

export interface ProjectStatus {
  project_id?: string;
  display_name?: string;
  pg_version?: number;
  /** Creator's email. */
  owner?: string;
  default_branch?: string;
  default_endpoint_settings?: ProjectDefaultEndpointSettings;
  history_retention_duration?: Duration;
  enable_pg_native_login?: boolean;
  budget_policy_id?: string;
  custom_tags?: CustomTag[];
  branch_logical_size_limit_bytes?: Int64;
  synthetic_storage_size_bytes?: Int64;
  compute_last_active_time?: Timestamp;
  compute_provisioner?: string;
  replication_role?: ReplicationRole;
}

export interface InitialEndpointSpec {
  autoscaling_limit_min_cu?: number;
  autoscaling_limit_max_cu?: number;
  suspend_timeout_duration?: Duration;
  no_suspension?: boolean;
  group?: EndpointGroupSpec;
}

export interface Project {
  name?: string;
  project_id?: string;
  uid?: string;
  create_time?: Timestamp;
  update_time?: Timestamp;
  delete_time?: Timestamp;
  purge_time?: Timestamp;
  spec?: ProjectSpec;
  status?: ProjectStatus;
  /** Create only. */
  initial_branch_spec?: { is_protected?: boolean };
  /** Create only. */
  initial_endpoint_spec?: InitialEndpointSpec;
  /** Create only (newest revision). */
  initial_database_spec?: { postgres_database?: string };
  /** Create only (newest revision). */
  initial_role_spec?: RoleSpec;
}

// ─── Branch ───────────────────────────────────────────────────────────────

export type BranchState = Open<'INIT' | 'READY' | 'ARCHIVED' | 'IMPORTING' | 'RESETTING' | 'DELETED'>;

export interface BranchSpec {
  /** Immutable; defaults to the project's default branch. */
  source_branch?: string;
  /** Immutable; PITR by LSN, `X/HEX`. */
  source_branch_lsn?: string;
  /** Immutable; PITR by time. */
  source_branch_time?: Timestamp;
  source_snapshot?: string;
  is_protected?: boolean;
  // Expiration oneof (mask path `spec.expiration`): exactly one of ttl / expire_time / no_expiry.
  ttl?: Duration;
  expire_time?: Timestamp;
  /** Only `true` is valid. */
  no_expiry?: boolean;
}

export interface BranchStatus {
  branch_id?: string;
  is_protected?: boolean;
  logical_size_bytes?: Int64;
  current_state?: BranchState;
  pending_state?: BranchState;
  state_change_time?: Timestamp;
  /** Is the project's default branch. */
  default?: boolean;
  expire_time?: Timestamp;
  delete_time?: Timestamp;
  purge_time?: Timestamp;
  source_branch?: string;
  source_branch_lsn?: string;
  source_branch_time?: Timestamp;
  source_snapshot?: string;
  source_recovery_branch?: string;
}

export interface Branch {
  name?: string;
  /** `projects/{p}` (the project, not the source branch). */
  parent?: string;
  branch_id?: string;
  uid?: string;
  create_time?: Timestamp;
  update_time?: Timestamp;
  spec?: BranchSpec;
  status?: BranchStatus;
}

// ─── Endpoint ─────────────────────────────────────────────────────────────

export type EndpointType = Open<'ENDPOINT_TYPE_READ_WRITE' | 'ENDPOINT_TYPE_READ_ONLY' | 'ENDPOINT_TYPE_UNSPECIFIED'>;
export type EndpointState = Open<'INIT' | 'ACTIVE' | 'IDLE' | 'DEGRADED'>;

export interface EndpointGroupSpec {
  /** ≥ 1. */
  min: number;
  /** Currently must equal `min`; 1 = no HA. */
  max: number;
  enable_readable_secondaries?: boolean;
}

export interface EndpointSettings {
  pg_settings?: Record<string, string>;
}

export interface EndpointSpec {
  /** Required on create; immutable. */
  endpoint_type?: EndpointType;
  autoscaling_limit_min_cu?: number;
  autoscaling_limit_max_cu?: number;
  // Suspension oneof (mask path `spec.suspension`).
  suspend_timeout_duration?: Duration;
  no_suspension?: boolean;
  disabled?: boolean;
  group?: EndpointGroupSpec;
  settings?: EndpointSettings;
}

export interface EndpointHosts {
  host?: string;
  read_only_host?: string;
  read_write_pooled_host?: string;
  read_only_pooled_host?: string;
}

export interface EndpointStatus {
  endpoint_id?: string;
  endpoint_type?: EndpointType;
  current_state?: EndpointState;
  pending_state?: EndpointState;
  autoscaling_limit_min_cu?: number;
  autoscaling_limit_max_cu?: number;
  suspend_timeout_duration?: Duration;
  disabled?: boolean;
  group?: EndpointGroupSpec;
  settings?: EndpointSettings;
  hosts?: EndpointHosts;
  last_active_time?: Timestamp;
}

export interface Endpoint {
  name?: string;
  parent?: string;
  endpoint_id?: string;
  uid?: string;
  create_time?: Timestamp;
  update_time?: Timestamp;
  spec?: EndpointSpec;
  status?: EndpointStatus;
}

// ─── Role ─────────────────────────────────────────────────────────────────

export type IdentityType = Open<'USER' | 'SERVICE_PRINCIPAL' | 'GROUP'>;
export type RoleAuthMethod = Open<'LAKEBASE_OAUTH_V1' | 'PG_PASSWORD_SCRAM_SHA_256' | 'NO_LOGIN'>;
export type MembershipRole = Open<'DATABRICKS_SUPERUSER'>;

export interface RoleAttributes {
  createdb?: boolean;
  createrole?: boolean;
  bypassrls?: boolean;
}

export interface RoleSpec {
  /** Required on create. For identities: the user's email, SP application id or group name. */
  postgres_role?: string;
  /** Omit for a plain Postgres role. */
  identity_type?: IdentityType;
  auth_method?: RoleAuthMethod;
  attributes?: RoleAttributes;
  membership_roles?: MembershipRole[];
}

export interface RoleStatus extends RoleSpec {
  role_id?: string;
}

export interface Role {
  name?: string;
  parent?: string;
  role_id?: string;
  create_time?: Timestamp;
  update_time?: Timestamp;
  spec?: RoleSpec;
  status?: RoleStatus;
}

// ─── Database ─────────────────────────────────────────────────────────────

export interface DatabaseSpec {
  postgres_database?: string;
  /** Owner: full role name `projects/{p}/branches/{b}/roles/{r}`. Required on create. */
  role?: string;
}

export interface DatabaseStatus {
  database_id?: string;
  postgres_database?: string;
  role?: string;
}

export interface Database {
  name?: string;
  parent?: string;
  database_id?: string;
  create_time?: Timestamp;
  update_time?: Timestamp;
  spec?: DatabaseSpec;
  status?: DatabaseStatus;
}

// ─── Data API ─────────────────────────────────────────────────────────────

export type OpenApiMode = Open<'OPEN_API_MODE_DISABLED' | 'OPEN_API_MODE_IGNORE_PRIVILEGES'>;

export interface DataApiSpec {
  db_schemas?: string[];
  db_extra_search_path?: string[];
  db_max_rows?: number;
  db_aggregates_enabled?: boolean;
  jwt_role_claim_key?: string;
  jwt_cache_max_lifetime?: Duration;
  openapi_mode?: OpenApiMode;
  server_cors_allowed_origins?: string[];
  server_timing_enabled?: boolean;
  /** Newest rev: the Postgres role requests without a token run as (PostgREST's db-anon-role); none = 401. */
  db_anon_role?: string;
}

export interface DataApiStatus extends DataApiSpec {
  available_schemas?: string[];
  /** Base URL of the Data API. */
  url?: string;
}

export interface DataApi {
  /** `{database name}/data-api`. */
  name?: string;
  parent?: string;
  create_time?: Timestamp;
  update_time?: Timestamp;
  spec?: DataApiSpec;
  status?: DataApiStatus;
}

// ─── Credentials ──────────────────────────────────────────────────────────

export interface CredentialClaim {
  permission_set?: Open<'READ_ONLY'>;
  resources?: { table_name?: string }[];
}

export interface GenerateDatabaseCredentialRequest {
  /** `projects/{p}/branches/{b}/endpoints/{e}`. */
  endpoint: string;
  /** 300s–3600s; exclusive with `expire_time`. */
  ttl?: Duration;
  expire_time?: Timestamp;
  claims?: CredentialClaim[];
  group_name?: string;
}

export interface DatabaseCredential {
  /** Use as the Postgres password. */
  token?: string;
  expire_time?: Timestamp;
}

// ─── Operations, errors, lists ────────────────────────────────────────────

export type ErrorCode = Open<
  | 'BAD_REQUEST'
  | 'INVALID_PARAMETER_VALUE'
  | 'MALFORMED_REQUEST'
  | 'INVALID_STATE'
  | 'UNAUTHENTICATED'
  | 'CUSTOMER_UNAUTHORIZED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'FEATURE_DISABLED'
  | 'ALREADY_EXISTS'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'ABORTED'
  | 'RESOURCE_EXHAUSTED'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'CANCELLED'
  | 'INTERNAL_ERROR'
  | 'UNKNOWN'
  | 'DATA_LOSS'
  | 'NOT_IMPLEMENTED'
  | 'TEMPORARILY_UNAVAILABLE'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'INVALID_STATE_TRANSITION'
  | 'QUOTA_EXCEEDED'
  | 'RESOURCE_LIMIT_EXCEEDED'
  | 'RESOURCE_CONFLICT'
>;

/** One entry of an error's `details`, tagged by `@type` (e.g. `type.googleapis.com/google.rpc.ErrorInfo`). */
export interface ErrorDetail {
  '@type': string;
  [key: string]: unknown;
}

export interface ApiError {
  error_code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
}

export interface OperationError {
  error_code?: ErrorCode;
  message?: string;
  details?: unknown[];
  stack_trace?: string;
}

export const EMPTY_TYPE = 'type.googleapis.com/google.protobuf.Empty';

export interface Operation<T = unknown> {
  name?: string;
  done?: boolean;
  metadata?: Record<string, unknown>;
  /** The final resource, or `{"@type": EMPTY_TYPE}` for deletes. */
  response?: T;
  error?: OperationError;
}

export interface ListProjectsResponse {
  projects?: Project[];
  next_page_token?: string;
}
export interface ListBranchesResponse {
  branches?: Branch[];
  next_page_token?: string;
}
export interface ListEndpointsResponse {
  endpoints?: Endpoint[];
  next_page_token?: string;
}
export interface ListRolesResponse {
  roles?: Role[];
  next_page_token?: string;
}
export interface ListDatabasesResponse {
  databases?: Database[];
  next_page_token?: string;
}

/** The canonical HTTP status for each well-known error code (reference §8). */
export const HTTP_STATUS_BY_ERROR_CODE: Readonly<Record<string, number>> = {
  BAD_REQUEST: 400,
  INVALID_PARAMETER_VALUE: 400,
  MALFORMED_REQUEST: 400,
  INVALID_STATE: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  UNAUTHENTICATED: 401,
  CUSTOMER_UNAUTHORIZED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_DOES_NOT_EXIST: 404,
  FEATURE_DISABLED: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  REQUEST_LIMIT_EXCEEDED: 429,
  CANCELLED: 499,
  INTERNAL_ERROR: 500,
  UNKNOWN: 500,
  DATA_LOSS: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};
