import { LOCAL_WORKSPACE_ID } from '../../shared/contract/location';
import type { ServiceRequest, ServiceResponse } from './mountHandler';

/**
 * Where Databricks' SDKs and CLI look up a host at start-up ("host metadata"): which workspace it
 * is and where its OIDC endpoints are. A workspace answers `{oidc_endpoint, workspace_id, …}`
 * (account hosts add `account_id`, clouds add `cloud`); this Pier is one workspace, `local`, with
 * its own issuer. Public, like the service's: it carries no secret.
 */
export const HOST_METADATA_PATH = '/.well-known/databricks-config';

export async function hostMetadata(req: ServiceRequest): Promise<ServiceResponse> {
  const json = (status: number, body: unknown): ServiceResponse => ({
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  });
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return json(405, { error_code: 'BAD_REQUEST', message: `Only GET is supported on ${HOST_METADATA_PATH}.` });
  if (req.path !== '/' && req.path !== '')
    return json(404, { error_code: 'NOT_FOUND', message: `No such path under ${HOST_METADATA_PATH}.` });
  return json(200, { oidc_endpoint: `${req.origin}/oidc`, workspace_id: LOCAL_WORKSPACE_ID });
}
