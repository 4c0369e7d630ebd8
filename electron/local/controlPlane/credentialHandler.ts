import { randomBytes } from 'node:crypto';
import { parseResourceName, type DatabaseCredential } from '../../../shared/management';
import { ApiFailure, invalidParameter, requiredField } from './apiFailure';
import type { ApiCall } from './apiCall';
import type { ControlPlaneCore } from './controlPlaneCore';
import { checkCredentialScope } from './credentialScope';
import { requireLevel } from './projectPermissions';
import { durationIn, parseTimestamp } from './wireValues';

/**
 * `POST /credentials`: a short-lived password for the caller's own Postgres role on the
 * endpoint's branch (`VALID UNTIL` the expiry). The newest credential replaces the previous one.
 */
export async function generateCredential(core: ControlPlaneCore, call: ApiCall): Promise<DatabaseCredential> {
  const endpoint = call.body.endpoint;
  if (typeof endpoint !== 'string' || endpoint === '') throw requiredField('endpoint');
  checkCredentialScope(call.body);
  const parsed = parseResourceName(endpoint);
  if (parsed?.kind !== 'endpoint')
    throw invalidParameter(`Field 'endpoint' must be an endpoint name like projects/p/branches/b/endpoints/e, got '${endpoint}'.`);
  core.endpoint(parsed.projectId, parsed.branchId, parsed.endpointId);
  const b = core.branch(parsed.projectId, parsed.branchId);
  // As on Databricks: a credential for a project's endpoint needs at least CAN_USE on the project.
  requireLevel(core, core.project(parsed.projectId), call.caller, 'CAN_USE');
  if (call.body.ttl !== undefined && call.body.expire_time !== undefined)
    throw invalidParameter(`Set either 'ttl' or 'expire_time', not both.`);
  let seconds = 3600;
  if (call.body.ttl !== undefined) seconds = durationIn('ttl', call.body.ttl, 300, 3600);
  if (call.body.expire_time !== undefined) {
    const at = parseTimestamp('expire_time', call.body.expire_time).getTime();
    seconds = Math.round((at - Date.now()) / 1000);
    if (seconds < 300 || seconds > 3600) throw invalidParameter(`Field 'expire_time' must be between 5 minutes and 1 hour from now.`);
  }
  const expires = new Date(Date.now() + seconds * 1000);
  const token = randomBytes(32).toString('base64url');
  await core.primaryRuntime(b).withClient('postgres', async (c) => {
    const role = await c.query<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [call.caller]);
    if (!role.rowCount) {
      throw new ApiFailure(
        'NOT_FOUND',
        `There is no Postgres role "${call.caller}" on branch ${parsed.branchId}. Create it with the Roles API (identity_type USER) or SELECT databricks_create_role('${call.caller}', 'USER').`,
      );
    }
    await c.query(`CREATE FUNCTION pg_temp.pier_set_password(r text, pw text, until timestamptz) RETURNS void LANGUAGE plpgsql AS $fn$
      BEGIN EXECUTE format('ALTER ROLE %I WITH LOGIN PASSWORD %L VALID UNTIL %L', r, pw, until); END $fn$`);
    await c.query('SELECT pg_temp.pier_set_password($1, $2, $3)', [call.caller, token, expires.toISOString()]);
  });
  return { token, expire_time: expires.toISOString() };
}
