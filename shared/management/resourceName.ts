/**
 * Resource names: `projects/{p}/branches/{b}/endpoints/{e}` and friends (reference §2).
 * The full name is what goes into request paths (unescaped) and what resources reference each other by.
 */
import { isValidId } from './ids';

export type ResourceName =
  | { readonly kind: 'project'; readonly projectId: string }
  | { readonly kind: 'branch'; readonly projectId: string; readonly branchId: string }
  | { readonly kind: 'endpoint'; readonly projectId: string; readonly branchId: string; readonly endpointId: string }
  | { readonly kind: 'role'; readonly projectId: string; readonly branchId: string; readonly roleId: string }
  | { readonly kind: 'database'; readonly projectId: string; readonly branchId: string; readonly databaseId: string }
  | { readonly kind: 'dataApi'; readonly projectId: string; readonly branchId: string; readonly databaseId: string };

export type ResourceKind = ResourceName['kind'];

export const projectName = (projectId: string): string => `projects/${projectId}`;
export const branchName = (projectId: string, branchId: string): string => `projects/${projectId}/branches/${branchId}`;
export const endpointName = (projectId: string, branchId: string, endpointId: string): string =>
  `${branchName(projectId, branchId)}/endpoints/${endpointId}`;
export const roleName = (projectId: string, branchId: string, roleId: string): string =>
  `${branchName(projectId, branchId)}/roles/${roleId}`;
export const databaseName = (projectId: string, branchId: string, databaseId: string): string =>
  `${branchName(projectId, branchId)}/databases/${databaseId}`;
export const dataApiName = (projectId: string, branchId: string, databaseId: string): string =>
  `${databaseName(projectId, branchId, databaseId)}/data-api`;

export function formatResourceName(name: ResourceName): string {
  switch (name.kind) {
    case 'project':
      return projectName(name.projectId);
    case 'branch':
      return branchName(name.projectId, name.branchId);
    case 'endpoint':
      return endpointName(name.projectId, name.branchId, name.endpointId);
    case 'role':
      return roleName(name.projectId, name.branchId, name.roleId);
    case 'database':
      return databaseName(name.projectId, name.branchId, name.databaseId);
    case 'dataApi':
      return dataApiName(name.projectId, name.branchId, name.databaseId);
    default: {
      const never: never = name;
      throw new Error(`Unexpected resource name: ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Parses a full resource name. Ids must satisfy the id rule, so a parsed name is safe to put
 * back into a URL path. Returns undefined for anything else (including operation names, which are opaque).
 */
export function parseResourceName(name: string): ResourceName | undefined {
  const parts = name.split('/');
  if (parts.length < 2 || parts[0] !== 'projects') return undefined;
  const ids = parts.filter((_, i) => i % 2 === 1);
  // data-api is a singleton: its segment has no id after it.
  const isDataApi = parts.length === 7 && parts[6] === 'data-api';
  if (!ids.every((id) => isValidId(id))) return undefined;
  const [p, b, c] = [parts[1], parts[3], parts[5]];
  if (p === undefined) return undefined;
  if (parts.length === 2) return { kind: 'project', projectId: p };
  if (parts[2] !== 'branches' || b === undefined) return undefined;
  if (parts.length === 4) return { kind: 'branch', projectId: p, branchId: b };
  if (c === undefined) return undefined;
  const child = parts[4];
  if (parts.length === 6) {
    switch (child) {
      case 'endpoints':
        return { kind: 'endpoint', projectId: p, branchId: b, endpointId: c };
      case 'roles':
        return { kind: 'role', projectId: p, branchId: b, roleId: c };
      case 'databases':
        return { kind: 'database', projectId: p, branchId: b, databaseId: c };
      default:
        return undefined;
    }
  }
  if (isDataApi && child === 'databases') return { kind: 'dataApi', projectId: p, branchId: b, databaseId: c };
  return undefined;
}

/** The name of the resource that contains this one (`undefined` for a project). */
export function parentName(name: ResourceName): string | undefined {
  switch (name.kind) {
    case 'project':
      return undefined;
    case 'branch':
      return projectName(name.projectId);
    case 'endpoint':
    case 'role':
    case 'database':
      return branchName(name.projectId, name.branchId);
    case 'dataApi':
      return databaseName(name.projectId, name.branchId, name.databaseId);
    default: {
      const never: never = name;
      throw new Error(`Unexpected resource name: ${JSON.stringify(never)}`);
    }
  }
}

/** The short id: last id segment of a name (older servers omit `*_id` fields; derive them from `name`). */
export function lastIdOf(name: string): string | undefined {
  const parts = name.split('/').filter((s) => s !== '');
  const last = parts.at(-1);
  if (last === 'data-api') return parts.at(-2);
  return parts.length >= 2 ? last : undefined;
}
