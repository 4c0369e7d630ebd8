import type pg from 'pg';
import { dataApiName, type DataApi, type DataApiSpec, type Operation } from '../../../shared/management';
import { ApiFailure, invalidParameter, requiredField } from './apiFailure';
import type { ApiCall } from './apiCall';
import type { ControlPlaneCore } from './controlPlaneCore';
import type { DatabaseRecord } from './controlPlaneState';
import { EMPTY_RESPONSE } from './operationRunner';
import { DATA_API_DEFAULTS, dataApiView } from './resourceViews';
import { maskedUpdate, objectField } from './specRules';
import { durationIn, timestamp } from './wireValues';

const OPENAPI_MODES: Record<string, string> = { OPEN_API_MODE_DISABLED: 'disabled', OPEN_API_MODE_IGNORE_PRIVILEGES: 'ignore-privileges' };

function checkDataApiSpec(s: DataApiSpec): DataApiSpec {
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
  return s;
}

/**
 * Writes the database's Data API configuration the way Lakebase keeps it: `pgrst.pre_config()`
 * setting `pgrst.*` for the transaction. Values travel as parameters and are quoted by
 * PostgreSQL's format(%L) inside a temporary function, never spliced in here.
 */
async function writePreConfig(c: pg.ClientBase, spec: DataApiSpec): Promise<string[]> {
  const eff = { ...DATA_API_DEFAULTS, ...spec };
  const settings: [string, string][] = [
    ['pgrst.db_schemas', eff.db_schemas.join(',')],
    ['pgrst.db_extra_search_path', eff.db_extra_search_path.join(',')],
    ['pgrst.db_max_rows', String(eff.db_max_rows)],
    ['pgrst.db_aggregates_enabled', String(eff.db_aggregates_enabled)],
    ['pgrst.jwt_role_claim_key', eff.jwt_role_claim_key],
    ['pgrst.openapi_mode', OPENAPI_MODES[eff.openapi_mode] ?? 'ignore-privileges'],
    ['pgrst.server_cors_allowed_origins', eff.server_cors_allowed_origins.join(',')],
    ['pgrst.server_timing_enabled', String(eff.server_timing_enabled)],
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
    }
    await c.query(`SELECT pg_notify('pgrst', 'reload config'), pg_notify('pgrst', 'reload schema')`);
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  const r = await c.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname NOT IN ('information_schema', 'pgrst') ORDER BY nspname`,
  );
  return r.rows.map((row) => row.nspname);
}

function writeDataApi(core: ControlPlaneCore, d: DatabaseRecord, spec: DataApiSpec, enabling: boolean): Promise<Operation> {
  const b = core.branch(d.project_id, d.branch_id);
  return core.ops.start(dataApiName(d.project_id, d.branch_id, d.database_id), 'DataApiOperationMetadata', d.project_id, async () => {
    const available = await core.primaryRuntime(b).withClient(d.spec.postgres_database ?? '', (c) => writePreConfig(c, spec));
    const now = timestamp();
    d.data_api = { create_time: enabling || !d.data_api ? now : d.data_api.create_time, update_time: now, spec };
    return dataApiView(core, d, available);
  });
}

export function getDataApi(core: ControlPlaneCore, projectId: string, branchId: string, databaseId: string): DataApi {
  const d = core.database(projectId, branchId, databaseId);
  if (!d.data_api)
    throw new ApiFailure('NOT_FOUND', `The Data API is not enabled for database ${databaseId}; enable it with POST …/data-api.`);
  return dataApiView(core, d, undefined);
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
