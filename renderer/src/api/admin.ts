import { queryOptions } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import type { PierApi } from '../../../shared/contract/contract';
import type { ListSchemasOutput } from '../../../shared/contract/catalog';
import type { GrantChange, PolicyChangeInput, PreviewPolicyInput, RoleChange } from '../../../shared/contract/admin';
import { cloudSchemasQuery, schemasQuery } from './catalog';
import { cloudKeys } from './cloud';
import { locationInput, type BranchLocation } from './dataApi';
import { unwrap } from './RpcCallError';

/**
 * Where an admin tab works: a branch of the local workspace (all absent = the embedded default), or
 * a branch and database of a cloud workspace, where main runs as the signed-in identity.
 * Provided by the tab, read by every admin view, and part of every key and call below.
 */
export interface AdminLocation extends BranchLocation {
  /** A cloud branch's Postgres database; absent = the branch's default database. */
  readonly database?: string | undefined;
}

/** The local workspace's id and the branch of the embedded default, as the management API names them. */
const LOCAL_WORKSPACE = 'local';
const EMBEDDED_BRANCH = 'projects/local/branches/production';
/** Main's default database for cloud admin calls without one (Lakebase's default database). */
const DEFAULT_CLOUD_DATABASE = 'databricks_postgres';

export const AdminBranchContext = createContext<AdminLocation>({});
export const useAdminBranch = () => useContext(AdminBranchContext);

type Branch = AdminLocation;
/** The local workspace's keys keep their old shape; a cloud location appends workspace and database. */
const branchKey = (at: Branch): string[] => [at.branch ?? 'default', ...(isCloud(at) ? [`ws:${at.workspaceId}`, at.database ?? ''] : [])];
/** The location's fields as the admin and SQL channels take them. */
export const withBranch = (at: Branch) => ({ ...locationInput(at), ...(isCloud(at) && at.database ? { database: at.database } : {}) });

export function isCloud(at: Branch): at is AdminLocation & { workspaceId: string } {
  return at.workspaceId !== undefined && at.workspaceId !== LOCAL_WORKSPACE;
}

/** The location's schemas, as the tree lists them (the SQL editor's completion, the tools' table pick). */
export function locationSchemasQuery(api: PierApi, at: Branch) {
  const q =
    isCloud(at) && at.branch
      ? cloudSchemasQuery(api, { workspaceId: at.workspaceId, branch: at.branch, database: at.database ?? DEFAULT_CLOUD_DATABASE })
      : schemasQuery(api, at.branch);
  // The same key and call as the tree's, so both share one cache entry.
  return queryOptions({ queryKey: q.queryKey as readonly string[], queryFn: q.queryFn as () => Promise<ListSchemasOutput>, meta: q.meta });
}

export const adminKeys = {
  all: ['admin'] as const,
  branch: (at: Branch) => [...adminKeys.all, ...branchKey(at)] as const,
  roles: (at: Branch) => [...adminKeys.branch(at), 'roles'] as const,
  grants: (at: Branch, schema: string) => [...adminKeys.branch(at), 'grants', schema] as const,
  policies: (at: Branch, schema: string, table: string) => [...adminKeys.branch(at), 'policies', schema, table] as const,
  preview: (at: Branch, input: PreviewPolicyInput) => [...adminKeys.branch(at), 'preview', JSON.stringify(input)] as const,
  setup: (at: Branch) => [...adminKeys.branch(at), 'setup'] as const,
};

export function rolesQuery(api: PierApi, branch: Branch) {
  return queryOptions({
    queryKey: adminKeys.roles(branch),
    queryFn: async () => unwrap('admin.roles', await api['admin.roles'](withBranch(branch))),
    meta: { errorDisplay: 'inline' },
  });
}

/** The management API's workspace and branch name of a location (the embedded default is local production). */
export function managedBranch(at: Branch): { workspaceId: string; branch: string } {
  return { workspaceId: at.workspaceId ?? LOCAL_WORKSPACE, branch: at.branch ?? EMBEDDED_BRANCH };
}

/** The branch's roles as the management API's roles resource lists them: which are managed identities. */
export function managedRolesQuery(api: PierApi, at: Branch) {
  return queryOptions({
    queryKey: [...adminKeys.branch(at), 'managedRoles'] as const,
    queryFn: async () => unwrap('cloud.roles', await api['cloud.roles'](managedBranch(at))),
    // Optional information: the roles view works without it.
    meta: { errorDisplay: 'inline' },
    retry: false,
  });
}

/** Whether the branch is protected (destructive SQL then asks first); read from its workspace's management API. */
export function branchProtectedQuery(api: PierApi, at: Branch) {
  const { workspaceId, branch: name } = managedBranch(at);
  const project = name.split('/branches/')[0]!;
  return queryOptions({
    // Under the branches' key, so protecting or unprotecting the branch (an operation) refreshes it.
    queryKey: [...cloudKeys.branches(workspaceId, project), 'protected', name] as const,
    queryFn: async () => {
      const out = unwrap('cloud.branches', await api['cloud.branches']({ workspaceId, project }));
      const found = out.branches.find((b) => b.name === name);
      return found ? found.isProtected : null;
    },
    meta: { errorDisplay: 'inline' },
    retry: false,
  });
}

export function grantsQuery(api: PierApi, branch: Branch, schema: string) {
  return queryOptions({
    queryKey: adminKeys.grants(branch, schema),
    queryFn: async () => unwrap('admin.grants', await api['admin.grants']({ schema, ...withBranch(branch) })),
    meta: { errorDisplay: 'inline' },
  });
}

export function tablePoliciesQuery(api: PierApi, branch: Branch, schema: string, table: string) {
  return queryOptions({
    queryKey: adminKeys.policies(branch, schema, table),
    queryFn: async () => unwrap('admin.tablePolicies', await api['admin.tablePolicies']({ schema, table, ...withBranch(branch) })),
    meta: { errorDisplay: 'inline' },
  });
}

/** The live preview: a rolled-back run of the edit; an invalid expression is a value, not an error. */
export function policyPreviewQuery(api: PierApi, at: Branch, preview: PreviewPolicyInput) {
  const input = { ...preview, ...withBranch(at) };
  return queryOptions({
    queryKey: adminKeys.preview(at, preview),
    queryFn: async () => unwrap('admin.previewPolicy', await api['admin.previewPolicy'](input)),
    meta: { errorDisplay: 'inline' },
    retry: false,
    staleTime: 0,
    gcTime: 10_000,
    placeholderData: (previous) => previous,
  });
}

export function setupChecksQuery(api: PierApi, branch: Branch) {
  return queryOptions({
    queryKey: adminKeys.setup(branch),
    queryFn: async () => unwrap('admin.setupChecks', await api['admin.setupChecks'](withBranch(branch))),
    meta: { errorDisplay: 'inline' },
  });
}

// Plans and applies take the same structured change; main rebuilds the SQL from the catalog for both.

export async function planPolicyChange(api: PierApi, branch: Branch, schema: string, table: string, change: PolicyChangeInput) {
  return unwrap('admin.planPolicyChange', await api['admin.planPolicyChange']({ schema, table, change, ...withBranch(branch) }));
}
export async function applyPolicyChange(api: PierApi, branch: Branch, schema: string, table: string, change: PolicyChangeInput) {
  return unwrap('admin.applyPolicyChange', await api['admin.applyPolicyChange']({ schema, table, change, ...withBranch(branch) }));
}
export async function planGrantChanges(api: PierApi, branch: Branch, schema: string, changes: GrantChange[]) {
  return unwrap('admin.planGrantChanges', await api['admin.planGrantChanges']({ schema, changes, ...withBranch(branch) }));
}
export async function applyGrantChanges(api: PierApi, branch: Branch, schema: string, changes: GrantChange[]) {
  return unwrap('admin.applyGrantChanges', await api['admin.applyGrantChanges']({ schema, changes, ...withBranch(branch) }));
}
export async function planRoleChange(api: PierApi, branch: Branch, change: RoleChange) {
  return unwrap('admin.planRoleChange', await api['admin.planRoleChange']({ change, ...withBranch(branch) }));
}
export async function applyRoleChange(api: PierApi, branch: Branch, change: RoleChange) {
  return unwrap('admin.applyRoleChange', await api['admin.applyRoleChange']({ change, ...withBranch(branch) }));
}
export async function applySetupFix(api: PierApi, branch: Branch, checkId: string) {
  return unwrap('admin.setupFix', await api['admin.setupFix']({ checkId, ...withBranch(branch) }));
}
