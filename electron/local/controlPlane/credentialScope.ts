import { invalidParameter } from './apiFailure';

/**
 * `POST /credentials` may narrow a credential: `group_name` (act as a workspace group's Postgres
 * role, the caller being a member) and `claims` (READ_ONLY on listed Unity Catalog tables). The
 * local control plane has neither workspace groups nor Unity Catalog, so it cannot give such a
 * credential; issuing a full one instead would hand out more than was asked for. So both are
 * refused with a 400 naming the field (an empty value is the same as none). Called by the
 * credential handler before anything is issued.
 */
export function checkCredentialScope(body: Readonly<Record<string, unknown>>): void {
  const group = body.group_name;
  if (group !== undefined && group !== null && group !== '') {
    throw invalidParameter(
      `Field 'group_name' is not supported by the local control plane: it has no workspace groups. Ask for a credential of your own identity (leave group_name out).`,
    );
  }
  const claims = body.claims;
  if (claims !== undefined && claims !== null && !(Array.isArray(claims) && claims.length === 0)) {
    throw invalidParameter(
      `Field 'claims' is not supported by the local control plane: it has no Unity Catalog tables to scope a credential to. Leave claims out for a credential of the identity's own role.`,
    );
  }
}
