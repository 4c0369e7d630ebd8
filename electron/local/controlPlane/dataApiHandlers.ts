import type pg from 'pg';
import { dataApiName, type DataApi, type DataApiSpec, type DataApiStatus, type Operation } from '../../../shared/management';
import { quoteIdent } from '../runtime/quoteIdent';
import { ApiFailure, invalidParameter, requiredField } from './apiFailure';
import type { ApiCall } from './apiCall';
import type { ControlPlaneCore } from './controlPlaneCore';
import type { DatabaseRecord } from './controlPlaneState';
import { EMPTY_RESPONSE } from './operationRunner';
import { ownerOf } from './projectPermissions';
import { DATA_API_DEFAULTS, dataApiView } from './resourceViews';
import { maskedUpdate, objectField } from './specRules';
import { durationIn, parseDuration, timestamp } from './wireValues';

const OPENAPI_MODES: Record<string, string> = { OPEN_API_MODE_DISABLED: 'disabled', OPEN_API_MODE_IGNORE_PRIVILEGES: 'ignore-privileges' };
const SPEC_FIELDS = new Set([...Object.keys(DATA_API_DEFAULTS), 'db_anon_role']);

function checkDataApiSpec(s: DataApiSpec): DataApiSpec {
  for (const field of Object.keys(s)) {
    if (!SPEC_FIELDS.has(field)) throw invalidParameter(`Unknown field 'spec.${field}' in the request body.`);
  }
  const lists = ['db_schemas', 'db_extra_search_path', 'server_cors_allowed_origins'] as const;
  for (const f of lists) {
    const v = s[f];
    if (v !== undefined && (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x !== '' && !x.includes(',')))) {
      throw invalidParameter(`Field 'spec.${f}' must be a list of non-empty names without commas.`);
    }
  }
  if ((s.db_schemas?.length ?? 0) > 100) throw invalidParameter(`Field 'spec.db_schemas' may hold at most 100 schemas.`);
  if (s.db_max_rows !== undefined && (!Number.isInteger(s.db_max_rows) || s.db_max_rows < 0))
    throw invalidParameter(`Field 'spec.db_max_rows' must be a non-negative integer.`);
  for (const f of ['db_aggregates_enabled', 'server_timing_enabled'] as const) {
    if (s[f] !== undefined && typeof s[f] !== 'boolean') throw invalidParameter(`Field 'spec.${f}' must be a boolean.`);
  }
  if (s.jwt_role_claim_key !== undefined && (typeof s.jwt_role_claim_key !== 'string' || !s.jwt_role_claim_key.startsWith('.'))) {
    throw invalidParameter(`Field 'spec.jwt_role_claim_key' must be a JSON path starting with ".", like ".sub".`);
  }
  if (s.jwt_cache_max_lifetime !== undefined) durationIn('spec.jwt_cache_max_lifetime', s.jwt_cache_max_lifetime, 0, 86400);
  if (s.openapi_mode !== undefined && !(s.openapi_mode in OPENAPI_MODES)) {
    throw invalidParameter(`Field 'spec.openapi_mode' must be one of ${Object.keys(OPENAPI_MODES).join(', ')}.`);
  }
  if (s.db_anon_role !== undefined && (typeof s.db_anon_role !== 'string' || s.db_anon_role.length > 63 || s.db_anon_role.includes('\0'))) {
    throw invalidParameter(`Field 'spec.db_anon_role' must name a Postgres role (at most 63 characters).`);
  }
  return s;
}

/**
 * The anonymous role must exist and be plain: every request without a token runs as it, so one
 * that is (or is a member of) the project owner's, a superuser-like, CREATEROLE or BYPASSRLS role
 * would hand its rights to anyone. Checked before the operation starts.
 */
async function checkAnonRole(c: pg.ClientBase, role: string, projectOwner: string): Promise<void> {
  const r = await c.query<{ elevated: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_roles x
                    WHERE pg_has_role($1::name, x.oid, 'MEMBER')
                      AND (x.rolsuper OR x.rolbypassrls OR x.rolcreaterole OR x.rolname = ANY($2::text[]))) AS elevated
       FROM pg_roles WHERE rolname = $1`,
    [role, ['databricks_superuser', projectOwner]],
  );
  if (!r.rowCount) throw invalidParameter(`Field 'spec.db_anon_role' names role "${role}", which does not exist on this branch.`);
  if (r.rows[0]?.elevated) {
    throw invalidParameter(
      `Field 'spec.db_anon_role' names role "${role}", which is elevated (superuser-like, CREATEROLE, BYPASSRLS or the owner's); anonymous requests cannot run as it.`,
    );
  }
}

/**
 * Writes the database's Data API configuration the way Lakebase keeps it: `pgrst.pre_config()`
 * setting `pgrst.*` for the transaction. Values travel as parameters and are quoted by
 * PostgreSQL's format(%L) inside a temporary function, never spliced in here.
 */
async function writePreConfig(c: pg.ClientBase, spec: DataApiSpec): Promise<void> {
  const eff = { ...DATA_API_DEFAULTS, ...spec };
  const settings: [string, string][] = [
    ['pgrst.db_schemas', eff.db_schemas.join(',')],
    ['pgrst.db_extra_search_path', eff.db_extra_search_path.join(',')],
    ['pgrst.db_max_rows', String(eff.db_max_rows)],
    ['pgrst.db_aggregates_enabled', String(eff.db_aggregates_enabled)],
    ['pgrst.jwt_role_claim_key', eff.jwt_role_claim_key],
    ['pgrst.jwt_cache_max_lifetime', String(parseDuration(eff.jwt_cache_max_lifetime) ?? 0)],
    ['pgrst.openapi_mode', OPENAPI_MODES[eff.openapi_mode] ?? 'ignore-privileges'],
    ['pgrst.server_cors_allowed_origins', eff.server_cors_allowed_origins.join(',')],
    ['pgrst.server_timing_enabled', String(eff.server_timing_enabled)],
    ...(spec.db_anon_role ? [['pgrst.db_anon_role', spec.db_anon_role] as [string, string]] : []),
  ];
  await c.query('BEGIN');
  try {
    await c.query('CREATE SCHEMA IF NOT EXISTS pgrst');
    await c.query(`CREATE FUNCTION pg_temp.pier_write_pre_config(keys text[], vals text[]) RETURNS void LANGUAGE plpgsql AS $fn$
      BEGIN
        EXECUTE format('CREATE OR REPLACE FUNCTION pgrst.pre_config() RETURNS void LANGUAGE sql AS %L',
          'SELECT ' || (SELECT string_agg(format('set_config(%L, %L, true)', k, v), ', ') FROM unnest(keys, vals) AS t(k, v)));
      END $fn$`);
    await c.query('SELECT pg_temp.pier_write_pre_config($1, $2)', [settings.map((s) => s[0]), settings.map((s) => s[1])]);
    if ((await c.query(`SELECT 1 FROM pg_roles WHERE rolname = 'authenticator'`)).rowCount) {
      await c.query('GRANT USAGE ON SCHEMA pgrst TO authenticator');
      await c.query('GRANT EXECUTE ON FUNCTION pgrst.pre_config() TO authenticator');
      // The Data API logs in as authenticator and switches to the anonymous role for requests without a token.
      if (spec.db_anon_role) await c.query(`GRANT ${quoteIdent(spec.db_anon_role)} TO authenticator`);
    }
    await c.query(`SELECT pg_notify('pgrst', 'reload config'), pg_notify('pgrst', 'reload schema')`);
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

const splitList = (v: string | null | undefined): string[] | undefined =>
  v === null || v === undefined
    ? undefined
    : v
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');

const asBoolean = (v: string | null | undefined): boolean | undefined =>
  v === null || v === undefined || v.trim() === '' ? undefined : ['true', 'on', '1', 'yes'].includes(v.trim().toLowerCase());

/**
 * What is in effect in the database: `pgrst.pre_config()` run as authenticator in a read-only
 * transaction that is rolled back, its settings read with current_setting; what it does not set
 * (or a database without authenticator) has PostgREST's default.
 * So a change made with SQL (Pier's set-up assistant, a migration) shows here, as on Lakebase.
 */
export async function readDataApiStatus(c: pg.ClientBase): Promise<DataApiStatus> {
  await c.query('BEGIN READ ONLY');
  try {
    const has = await c.query(
      `SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'pgrst' AND p.proname = 'pre_config' AND p.pronargs = 0
          AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticator')`,
    );
    // The function is the database owner's code: run it as the Data API does, as authenticator,
    // never with this connection's superuser rights (the role ends with the rolled-back transaction).
    if (has.rowCount) {
      // A function that fails (or that authenticator may not run) leaves PostgREST's defaults, as shown.
      await c.query('SAVEPOINT pre_config');
      try {
        await c.query('SET LOCAL ROLE authenticator');
        await c.query('SELECT pgrst.pre_config()');
      } catch {
        await c.query('ROLLBACK TO SAVEPOINT pre_config');
      }
    }
    const keys = [
      'db_schemas',
      'db_extra_search_path',
      'db_max_rows',
      'db_aggregates_enabled',
      'jwt_role_claim_key',
      'jwt_cache_max_lifetime',
      'openapi_mode',
      'server_cors_allowed_origins',
      'server_timing_enabled',
      'db_anon_role',
    ];
    const r = await c.query<{ key: string; value: string | null }>(
      `SELECT k AS key, current_setting('pgrst.' || k, true) AS value FROM unnest($1::text[]) AS k`,
      [keys],
    );
    const v = new Map(r.rows.map((row) => [row.key, row.value]));
    const schemas = await c.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname NOT IN ('information_schema', 'pgrst') ORDER BY nspname`,
    );
    const maxRows = v.get('db_max_rows');
    const cacheSeconds = v.get('jwt_cache_max_lifetime');
    const openapi = Object.entries(OPENAPI_MODES).find(([, mode]) => mode === v.get('openapi_mode')?.trim())?.[0];
    const anon = v.get('db_anon_role');
    return {
      db_schemas: splitList(v.get('db_schemas')) ?? DATA_API_DEFAULTS.db_schemas,
      db_extra_search_path: splitList(v.get('db_extra_search_path')) ?? DATA_API_DEFAULTS.db_extra_search_path,
      db_max_rows: maxRows && /^\s*\d+\s*$/.test(maxRows) ? Number(maxRows) : DATA_API_DEFAULTS.db_max_rows,
      db_aggregates_enabled: asBoolean(v.get('db_aggregates_enabled')) ?? DATA_API_DEFAULTS.db_aggregates_enabled,
      jwt_role_claim_key: v.get('jwt_role_claim_key') || DATA_API_DEFAULTS.jwt_role_claim_key,
      jwt_cache_max_lifetime:
        cacheSeconds && /^\s*\d+\s*$/.test(cacheSeconds) ? `${Number(cacheSeconds)}s` : DATA_API_DEFAULTS.jwt_cache_max_lifetime,
      openapi_mode: (openapi ?? DATA_API_DEFAULTS.openapi_mode) as DataApiStatus['openapi_mode'],
      server_cors_allowed_origins: splitList(v.get('server_cors_allowed_origins')) ?? DATA_API_DEFAULTS.server_cors_allowed_origins,
      server_timing_enabled: asBoolean(v.get('server_timing_enabled')) ?? DATA_API_DEFAULTS.server_timing_enabled,
      ...(anon ? { db_anon_role: anon } : {}),
      available_schemas: schemas.rows.map((row) => row.nspname),
    };
  } finally {
    await c.query('ROLLBACK').catch(() => undefined);
  }
}

async function writeDataApi(core: ControlPlaneCore, d: DatabaseRecord, spec: DataApiSpec, enabling: boolean): Promise<Operation> {
  const b = core.branch(d.project_id, d.branch_id);
  const database = d.spec.postgres_database ?? '';
  if (spec.db_anon_role) {
    const anon = spec.db_anon_role;
    const projectOwner = ownerOf(core, core.project(d.project_id));
    await core.primaryRuntime(b).withClient(database, (c) => checkAnonRole(c, anon, projectOwner));
  }
  return core.ops.start(dataApiName(d.project_id, d.branch_id, d.database_id), 'DataApiOperationMetadata', d.project_id, async () => {
    const status = await core.primaryRuntime(b).withClient(database, async (c) => {
      await writePreConfig(c, spec);
      return readDataApiStatus(c);
    });
    const now = timestamp();
    d.data_api = { create_time: enabling || !d.data_api ? now : d.data_api.create_time, update_time: now, spec };
    return dataApiView(core, d, status);
  });
}

export async function getDataApi(core: ControlPlaneCore, projectId: string, branchId: string, databaseId: string): Promise<DataApi> {
  const d = core.database(projectId, branchId, databaseId);
  if (!d.data_api)
    throw new ApiFailure('NOT_FOUND', `The Data API is not enabled for database ${databaseId}; enable it with POST …/data-api.`);
  const b = core.branch(projectId, branchId);
  const status = await core.primaryRuntime(b).withClient(d.spec.postgres_database ?? '', readDataApiStatus);
  return dataApiView(core, d, status);
}

export async function enableDataApi(
  core: ControlPlaneCore,
  call: ApiCall,
  projectId: string,
  branchId: string,
  databaseId: string,
): Promise<Operation> {
  const d = core.database(projectId, branchId, databaseId);
  const spec = checkDataApiSpec((objectField(call.body, 'spec') ?? {}) as DataApiSpec);
  return writeDataApi(core, d, spec, !d.data_api);
}

export async function updateDataApi(
  core: ControlPlaneCore,
  call: ApiCall,
  projectId: string,
  branchId: string,
  databaseId: string,
): Promise<Operation> {
  const d = core.database(projectId, branchId, databaseId);
  if (!d.data_api)
    throw new ApiFailure('NOT_FOUND', `The Data API is not enabled for database ${databaseId}; enable it with POST …/data-api.`);
  if (!call.query.get('update_mask')) throw requiredField('update_mask');
  const spec = checkDataApiSpec(maskedUpdate('dataApi', d.data_api.spec, call.body, call.query));
  return writeDataApi(core, d, spec, false);
}

export async function disableDataApi(core: ControlPlaneCore, projectId: string, branchId: string, databaseId: string): Promise<Operation> {
  const d = core.database(projectId, branchId, databaseId);
  if (!d.data_api) throw new ApiFailure('NOT_FOUND', `The Data API is not enabled for database ${databaseId}.`);
  const b = core.branch(projectId, branchId);
  return core.ops.start(dataApiName(projectId, branchId, databaseId), 'DataApiOperationMetadata', projectId, async () => {
    await core.primaryRuntime(b).withClient(d.spec.postgres_database ?? '', async (c) => {
      await c.query('DROP FUNCTION IF EXISTS pgrst.pre_config()');
      await c.query(`SELECT pg_notify('pgrst', 'reload config')`);
    });
    delete d.data_api;
    return EMPTY_RESPONSE;
  });
}
