/**
 * Lenient reading of management-API responses (reference §10): unknown fields and enum values are
 * kept, older spellings are mapped to current ones (`READ_WRITE`, `status.host`, flat endpoints),
 * int64 arrives as a number or a numeric string, short ids are derived from `name` when absent.
 * Every function takes `unknown` (whatever the server sent) and never throws.
 */
import type {
  Branch,
  DataApi,
  Database,
  DatabaseCredential,
  Endpoint,
  EndpointStatus,
  Operation,
  Project,
  Role,
} from '../../shared/management/resources';
import { lastIdOf } from '../../shared/management/resourceName';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const objOrEmpty = (v: unknown): Obj => (isObj(v) ? { ...v } : {});

/** int64: a finite number, or a numeric string → number; anything else is dropped. */
export function toInt64(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

function fixInt64(o: Obj, keys: readonly string[]): void {
  for (const k of keys) {
    if (!(k in o)) continue;
    const n = toInt64(o[k]);
    if (n === undefined) delete o[k];
    else o[k] = n;
  }
}

const ENDPOINT_TYPE_SPELLINGS: Readonly<Record<string, string>> = {
  READ_WRITE: 'ENDPOINT_TYPE_READ_WRITE',
  READ_ONLY: 'ENDPOINT_TYPE_READ_ONLY',
};

/** Old `READ_WRITE` / `READ_ONLY` → `ENDPOINT_TYPE_…`; unknown values kept as sent. */
export function normalizeEndpointType(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  return ENDPOINT_TYPE_SPELLINGS[v] ?? v;
}

/** Fills the top-level and `status` short id from `name` when the server left them out. */
function fillIds(o: Obj, idKey: string, status: Obj | undefined): void {
  const fromName = typeof o.name === 'string' ? lastIdOf(o.name) : undefined;
  const id = (typeof o[idKey] === 'string' && o[idKey]) || (status && typeof status[idKey] === 'string' && status[idKey]) || fromName;
  if (typeof id === 'string' && id !== '') {
    o[idKey] = id;
    if (status) status[idKey] = id;
  }
}

export function normalizeProject(raw: unknown): Project {
  const p = objOrEmpty(raw);
  const status = objOrEmpty(p.status);
  fixInt64(status, ['branch_logical_size_limit_bytes', 'synthetic_storage_size_bytes', 'pg_version']);
  if (isObj(p.spec)) {
    const spec = { ...p.spec };
    fixInt64(spec, ['pg_version']);
    p.spec = spec;
  }
  fillIds(p, 'project_id', status);
  p.status = status;
  return p as Project;
}

export function normalizeBranch(raw: unknown): Branch {
  const b = objOrEmpty(raw);
  const status = objOrEmpty(b.status);
  fixInt64(status, ['logical_size_bytes']);
  // `BranchSpec.default` was removed in favour of `status.default`.
  if (isObj(b.spec) && typeof b.spec.default === 'boolean' && status.default === undefined) status.default = b.spec.default;
  fillIds(b, 'branch_id', status);
  b.status = status;
  return b as Branch;
}

export function normalizeEndpoint(raw: unknown): Endpoint {
  const e = objOrEmpty(raw);
  const status = objOrEmpty(e.status) as Obj & EndpointStatus;
  // Flat shape (before the spec/status split): top-level host, limits, type.
  for (const k of [
    'autoscaling_limit_min_cu',
    'autoscaling_limit_max_cu',
    'current_state',
    'pending_state',
    'endpoint_type',
    'suspend_timeout_duration',
    'disabled',
    'last_active_time',
  ] as const) {
    if (status[k] === undefined && e[k] !== undefined) (status as Obj)[k] = e[k];
  }
  const hosts = objOrEmpty(status.hosts);
  const legacyHost = typeof (status as Obj).host === 'string' ? (status as Obj).host : typeof e.host === 'string' ? e.host : undefined;
  if (hosts.host === undefined && legacyHost !== undefined) hosts.host = legacyHost;
  if (Object.keys(hosts).length > 0) status.hosts = hosts;
  const statusType = normalizeEndpointType(status.endpoint_type);
  if (statusType !== undefined) status.endpoint_type = statusType;
  if (isObj(e.spec)) {
    const spec = { ...e.spec };
    const specType = normalizeEndpointType(spec.endpoint_type);
    if (specType !== undefined) spec.endpoint_type = specType;
    e.spec = spec;
    if (status.endpoint_type === undefined && specType !== undefined) status.endpoint_type = specType;
  }
  fillIds(e, 'endpoint_id', status);
  e.status = status;
  return e as Endpoint;
}

/** The host to connect to: current `status.hosts.host`, older `status.host`, flat `host`. */
export function endpointHost(endpoint: unknown): string | undefined {
  return normalizeEndpoint(endpoint).status?.hosts?.host;
}

export function normalizeRole(raw: unknown): Role {
  const r = objOrEmpty(raw);
  const status = objOrEmpty(r.status);
  fillIds(r, 'role_id', status);
  r.status = status;
  return r as Role;
}

export function normalizeDatabase(raw: unknown): Database {
  const d = objOrEmpty(raw);
  const status = objOrEmpty(d.status);
  fillIds(d, 'database_id', status);
  d.status = status;
  return d as Database;
}

export function normalizeDataApi(raw: unknown): DataApi {
  const d = objOrEmpty(raw);
  const status = objOrEmpty(d.status);
  fixInt64(status, ['db_max_rows']);
  d.status = status;
  return d as DataApi;
}

export function normalizeCredential(raw: unknown): DatabaseCredential {
  const c = objOrEmpty(raw);
  // The older Lakebase Provisioned API spelled it `expiration_time`.
  if (c.expire_time === undefined && typeof c.expiration_time === 'string') c.expire_time = c.expiration_time;
  return c as DatabaseCredential;
}

/**
 * `done` is required by the SDKs but older servers omitted it when false; an operation that has a
 * `response` or an `error` is done whatever `done` says.
 */
export function normalizeOperation(raw: unknown): Operation {
  const o = objOrEmpty(raw);
  const finished = o.response !== undefined || o.error !== undefined;
  o.done = o.done === true || o.done === 'true' || finished;
  if (o.error !== undefined) {
    const err = objOrEmpty(o.error);
    if (typeof err.error_code === 'number') err.error_code = String(err.error_code);
    o.error = err;
  }
  return o as Operation;
}

/** A list page: the plural array may be absent on an empty page; an empty token ends the list. */
export function normalizeListPage<T>(raw: unknown, key: string, item: (v: unknown) => T): { items: T[]; nextPageToken?: string } {
  const o = objOrEmpty(raw);
  const arr = Array.isArray(o[key]) ? (o[key] as unknown[]) : [];
  const token = typeof o.next_page_token === 'string' && o.next_page_token !== '' ? o.next_page_token : undefined;
  return token === undefined ? { items: arr.map(item) } : { items: arr.map(item), nextPageToken: token };
}
