import type { LocalIssuer } from '../local/identity/localIssuer';
import type { ServiceRequest, ServiceResponse } from './mountHandler';

/** Where a Databricks workspace says who is signed in; clients read `userName` from it. */
export const SCIM_ME_PATH = '/api/2.0/preview/scim/v2/Me';

/**
 * `GET /api/2.0/preview/scim/v2/Me` for tokens of the local issuer, so Pier's own server can be
 * added as a Databricks workspace (connections to its branches log in as that user name).
 */
export async function scimMe(issuer: LocalIssuer, req: ServiceRequest): Promise<ServiceResponse> {
  const json = (status: number, body: unknown): ServiceResponse => ({
    status,
    headers: { 'content-type': 'application/scim+json' },
    body: JSON.stringify(body),
  });
  if (req.method !== 'GET')
    return json(405, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '405', detail: 'Only GET is supported here.' });
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const verified = m?.[1] ? await issuer.verifyToken(m[1]) : undefined;
  if (!verified?.ok) {
    const detail = verified?.message ?? 'No bearer token. Send "Authorization: Bearer <token>" with a token from the local OIDC issuer.';
    return json(401, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail });
  }
  return json(200, {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: verified.subject,
    userName: verified.subject,
    emails: [{ value: verified.subject, primary: true }],
  });
}
