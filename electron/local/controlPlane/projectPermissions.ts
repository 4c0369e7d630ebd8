import { projectName } from '../../../shared/management';
import { ApiFailure, invalidParameter, notFound } from './apiFailure';
import type { ApiCall } from './apiCall';
import type { ControlPlaneCore } from './controlPlaneCore';
import type { PermissionEntry, PermissionLevel, ProjectRecord } from './controlPlaneState';
import { isObject } from './wireValues';

/**
 * Project permissions as Databricks has them for Lakebase projects, read from its documentation
 * ("Manage project permissions", "Grant permissions programmatically") and the Permissions API
 * its SDKs and Terraform's `databricks_permissions` call:
 *
 * - Grantable levels are CAN_USE and CAN_MANAGE. CAN_CREATE flows from the workspace and cannot be
 *   granted on a project (400), like every other level.
 * - The project's creator (its owner) and the workspace admins have CAN_MANAGE.
 * - The API is `/api/2.0/permissions/database-projects/{project_id}`: GET answers
 *   `{object_id, object_type, access_control_list: [{user_name, all_permissions: [{permission_level,
 *   inherited, inherited_from_object?}]}]}`, PATCH adds grants (never lowering a higher one), PUT
 *   replaces them, GET `…/permissionLevels` lists the levels.
 *
 * Locally the workspace owner (the issuer's owner identity) is the workspace admin. Every other
 * local identity is a Data API identity: it gets what a project's grants give it and nothing by
 * default — Databricks' inherited CAN_CREATE is not given, so creating projects stays the
 * workspace owner's. What each level allows is `LEVEL_NEEDED` below.
 */

const OBJECT_TYPE = 'database-projects';

/** Higher is more. */
const RANK: ReadonlyMap<PermissionLevel, number> = new Map([
  ['CAN_USE', 1],
  ['CAN_MANAGE', 2],
]);

const LEVEL_DESCRIPTIONS: ReadonlyMap<PermissionLevel, string> = new Map([
  ['CAN_USE', 'Can view the project and its resources and get database credentials for them'],
  ['CAN_MANAGE', 'Can change the project, its branches, endpoints, roles and databases, and who may use it'],
]);

const isLevel = (value: unknown): value is PermissionLevel => typeof value === 'string' && RANK.has(value as PermissionLevel);

/** The project's owner; records written before owners were kept belong to the workspace owner. */
export function ownerOf(core: ControlPlaneCore, p: ProjectRecord): string {
  return typeof p.owner === 'string' && p.owner !== '' ? p.owner : core.owner;
}

/** The caller's level on a project, or undefined when it has none. */
export function levelOf(core: ControlPlaneCore, p: ProjectRecord, caller: string): PermissionLevel | undefined {
  if (caller === core.owner || caller === ownerOf(core, p)) return 'CAN_MANAGE';
  return p.permissions?.find((e) => e.user_name === caller)?.permission_level;
}

/** Throws 403 PERMISSION_DENIED unless the caller holds at least `needed` on the project. */
export function requireLevel(core: ControlPlaneCore, p: ProjectRecord, caller: string, needed: PermissionLevel): void {
  const held = levelOf(core, p, caller);
  if (held && (RANK.get(held) ?? 0) >= (RANK.get(needed) ?? Infinity)) return;
  throw new ApiFailure(
    'PERMISSION_DENIED',
    `${caller} does not have ${needed} permission on project ${p.project_id}${held ? ` (it has ${held})` : ''}. ` +
      `The project's owner (${ownerOf(core, p)}) or someone with CAN_MANAGE can grant it: ` +
      `PATCH /api/2.0/permissions/${OBJECT_TYPE}/${p.project_id}.`,
  );
}

/** Creating a project is the workspace owner's alone (see the module comment). */
export function requireWorkspaceOwner(core: ControlPlaneCore, caller: string, doing: string): void {
  if (caller === core.owner) return;
  throw new ApiFailure(
    'PERMISSION_DENIED',
    `${caller} may not ${doing}: on this Pier only the workspace owner (${core.owner}) creates projects. ` +
      `Ask for CAN_MANAGE on an existing project instead.`,
  );
}

/** The project a management-API path names (`projects/{id}/…`), if it is on record. */
export function projectOfPath(core: ControlPlaneCore, segments: readonly string[]): ProjectRecord | undefined {
  if (segments[0] !== 'projects' || segments[1] === undefined) return undefined;
  return core.data.projects[projectName(segments[1])];
}

// ─── The Permissions API ─────────────────────────────────────────────────────

interface AccessControlResponse {
  user_name: string;
  display_name: string;
  all_permissions: { permission_level: PermissionLevel; inherited: boolean; inherited_from_object?: string[] }[];
}

export interface ObjectPermissions {
  object_id: string;
  object_type: string;
  access_control_list: AccessControlResponse[];
}

/**
 * Serves `/api/2.0/permissions/*` for `database-projects`; `call.segments` are the path after
 * `/api/2.0/permissions/`.
 */
export async function routePermissions(core: ControlPlaneCore, call: ApiCall): Promise<unknown> {
  const [type, projectId, sub, ...rest] = call.segments;
  if (type !== OBJECT_TYPE || projectId === undefined || rest.length > 0 || (sub !== undefined && sub !== 'permissionLevels')) {
    throw new ApiFailure(
      'NOT_FOUND',
      `No Permissions API method ${call.method} /api/2.0/permissions/${call.segments.join('/')}; this Pier has ` +
        `/api/2.0/permissions/${OBJECT_TYPE}/{project_id} (GET, PATCH, PUT) and …/permissionLevels (GET).`,
    );
  }
  const p = core.data.projects[projectName(projectId)];
  if (!p || p.lifecycle === 'purging') throw notFound('Project', 'project_id', projectId);
  if (sub === 'permissionLevels') {
    if (call.method !== 'GET') throw methodNotAllowed(call);
    requireLevel(core, p, call.caller, 'CAN_USE');
    return {
      permission_levels: [...LEVEL_DESCRIPTIONS].map(([permission_level, description]) => ({ permission_level, description })),
    };
  }
  switch (call.method) {
    case 'GET':
      requireLevel(core, p, call.caller, 'CAN_USE');
      return permissionsView(core, p);
    case 'PATCH':
    case 'PUT': {
      requireLevel(core, p, call.caller, 'CAN_MANAGE');
      const given = parseAccessControlList(core, call.body);
      const next = new Map<string, PermissionLevel>(
        call.method === 'PUT' ? [] : (p.permissions ?? []).map((e) => [e.user_name, e.permission_level]),
      );
      for (const e of given) {
        const current = next.get(e.user_name);
        // PATCH adds: a lower level never replaces a higher one (as the service documents).
        if (!current || (RANK.get(e.permission_level) ?? 0) > (RANK.get(current) ?? 0)) next.set(e.user_name, e.permission_level);
      }
      p.permissions = [...next].map(([user_name, permission_level]) => ({ user_name, permission_level }));
      p.update_time = new Date().toISOString();
      await core.store.save();
      return permissionsView(core, p);
    }
    default:
      throw methodNotAllowed(call);
  }
}

const methodNotAllowed = (call: ApiCall) =>
  new ApiFailure('NOT_FOUND', `No Permissions API method ${call.method} /api/2.0/permissions/${call.segments.join('/')}.`);

function permissionsView(core: ControlPlaneCore, p: ProjectRecord): ObjectPermissions {
  const owner = ownerOf(core, p);
  const list: AccessControlResponse[] = [
    { user_name: owner, display_name: owner, all_permissions: [{ permission_level: 'CAN_MANAGE', inherited: false }] },
  ];
  for (const e of p.permissions ?? []) {
    if (e.user_name === owner) continue;
    list.push({
      user_name: e.user_name,
      display_name: e.user_name,
      all_permissions: [{ permission_level: e.permission_level, inherited: false }],
    });
  }
  if (owner !== core.owner) {
    // The workspace owner manages every project, as workspace admins do on Databricks.
    const direct = list.find((a) => a.user_name === core.owner);
    const inherited = { permission_level: 'CAN_MANAGE' as const, inherited: true, inherited_from_object: [`/${OBJECT_TYPE}/`] };
    if (direct) direct.all_permissions.push(inherited);
    else list.push({ user_name: core.owner, display_name: core.owner, all_permissions: [inherited] });
  }
  return { object_id: `/${OBJECT_TYPE}/${p.project_id}`, object_type: OBJECT_TYPE, access_control_list: list };
}

const ENTRY_FIELDS = new Set(['user_name', 'service_principal_name', 'group_name', 'permission_level']);

/** `{access_control_list: [{user_name | service_principal_name, permission_level}]}`; anything else is refused. */
function parseAccessControlList(core: ControlPlaneCore, body: Record<string, unknown>): PermissionEntry[] {
  for (const key of Object.keys(body)) {
    if (key !== 'access_control_list') throw invalidParameter(`Unknown field '${key}': the request body has only 'access_control_list'.`);
  }
  const list = body.access_control_list;
  if (!Array.isArray(list)) throw invalidParameter(`Field 'access_control_list' must be a list of {user_name, permission_level}.`);
  return list.map((entry, i) => {
    const at = `access_control_list[${i}]`;
    if (!isObject(entry)) throw invalidParameter(`Field '${at}' must be an object {user_name, permission_level}.`);
    for (const key of Object.keys(entry)) {
      if (!ENTRY_FIELDS.has(key)) throw invalidParameter(`Unknown field '${at}.${key}'.`);
    }
    if (entry.group_name !== undefined)
      throw invalidParameter(`Field '${at}.group_name': this Pier has no groups; grant to each identity by user_name.`);
    const names = [entry.user_name, entry.service_principal_name].filter((v) => v !== undefined);
    const name = names[0];
    if (names.length !== 1 || typeof name !== 'string' || name === '')
      throw invalidParameter(`Field '${at}' must name exactly one principal: user_name or service_principal_name.`);
    if (!core.options.issuer.hasIdentity(name))
      throw invalidParameter(`Principal '${name}' in '${at}' is not an identity of this Pier. Add the identity first.`);
    const level = entry.permission_level;
    if (level === 'CAN_CREATE')
      throw invalidParameter(`Field '${at}.permission_level': CAN_CREATE flows from the workspace and cannot be granted on a project.`);
    if (!isLevel(level))
      throw invalidParameter(`Field '${at}.permission_level' must be CAN_USE or CAN_MANAGE, got ${JSON.stringify(level)}.`);
    return { user_name: name, permission_level: level };
  });
}
