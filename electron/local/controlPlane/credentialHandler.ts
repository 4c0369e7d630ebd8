import { endpointName, parseResourceName, type DatabaseCredential } from '../../../shared/management';
import { invalidParameter, requiredField } from './apiFailure';
import type { ApiCall } from './apiCall';
import type { ControlPlaneCore } from './controlPlaneCore';
import { checkCredentialScope } from './credentialScope';
import { requireLevel } from './projectPermissions';
import { durationIn, parseTimestamp } from './wireValues';

/**
 * `POST /credentials`: a short-lived token the caller uses as the Postgres password of its own
 * role, as on Lakebase. It is signed, not stored, and changes nothing in any cluster, so every
 * credential of an identity works until its own expiry however many more are issued, and issuing
 * one never wakes a suspended endpoint. Pier's Postgres proxy checks it at log-in.
 */
export async function generateCredential(core: ControlPlaneCore, call: ApiCall): Promise<DatabaseCredential> {
  const endpoint = call.body.endpoint;
  if (typeof endpoint !== 'string' || endpoint === '') throw requiredField('endpoint');
  checkCredentialScope(call.body);
  const parsed = parseResourceName(endpoint);
  if (parsed?.kind !== 'endpoint')
    throw invalidParameter(`Field 'endpoint' must be an endpoint name like projects/p/branches/b/endpoints/e, got '${endpoint}'.`);
  core.endpoint(parsed.projectId, parsed.branchId, parsed.endpointId);
  const project = core.project(parsed.projectId);
  // As on Databricks: a credential for a project's endpoint needs at least CAN_USE on the project.
  requireLevel(core, project, call.caller, 'CAN_USE');
  if (call.body.ttl !== undefined && call.body.expire_time !== undefined)
    throw invalidParameter(`Set either 'ttl' or 'expire_time', not both.`);
  let seconds = 3600;
  if (call.body.ttl !== undefined) seconds = durationIn('ttl', call.body.ttl, 300, 3600);
  if (call.body.expire_time !== undefined) {
    const at = parseTimestamp('expire_time', call.body.expire_time).getTime();
    seconds = Math.round((at - Date.now()) / 1000);
    if (seconds < 300 || seconds > 3600) throw invalidParameter(`Field 'expire_time' must be between 5 minutes and 1 hour from now.`);
  }
  const issued = await core.credentials.issue(
    {
      identity: call.caller,
      endpoint: endpointName(parsed.projectId, parsed.branchId, parsed.endpointId),
      projectUid: project.uid,
    },
    seconds,
  );
  return { token: issued.token, expire_time: issued.expiresAt.toISOString() };
}
