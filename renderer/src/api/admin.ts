import { queryOptions } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import type { PierApi } from '../../../shared/contract/contract';
import type { GrantChange, PolicyChangeInput, PreviewPolicyInput, RoleChange } from '../../../shared/contract/admin';
import { unwrap } from './RpcCallError';

/**
 * The branch an admin tab works on ("projects/p/branches/b"); undefined = the embedded default.
 * Provided by the tab, read by every admin view, and part of every key and call below.
 */
export const AdminBranchContext = createContext<string | undefined>(undefined);
export const useAdminBranch = () => useContext(AdminBranchContext);

type Branch = string | undefined;
const branchKey = (branch: Branch) => branch ?? 'default';
const withBranch = (branch: Branch) => (branch ? { branch } : {});

export const adminKeys = {
  all: ['admin'] as const,
  branch: (branch: Branch) => [...adminKeys.all, branchKey(branch)] as const,
  roles: (branch: Branch) => [...adminKeys.branch(branch), 'roles'] as const,
  grants: (branch: Branch, schema: string) => [...adminKeys.branch(branch), 'grants', schema] as const,
  policies: (branch: Branch, schema: string, table: string) => [...adminKeys.branch(branch), 'policies', schema, table] as const,
  preview: (input: PreviewPolicyInput) => [...adminKeys.branch(input.branch), 'preview', JSON.stringify(input)] as const,
  setup: (branch: Branch) => [...adminKeys.branch(branch), 'setup'] as const,
};

export function rolesQuery(api: PierApi, branch: Branch) {
  return queryOptions({
    queryKey: adminKeys.roles(branch),
    queryFn: async () => unwrap('admin.roles', await api['admin.roles'](withBranch(branch))),
    meta: { errorDisplay: 'inline' },
  });
}

/** The local workspace's management API, where managed identities (Databricks users, service principals) live. */
const LOCAL_WORKSPACE = 'local';
const EMBEDDED_BRANCH = 'projects/local/branches/production';

/** The branch's roles as the management API's roles resource lists them: which are managed identities. */
export function managedRolesQuery(api: PierApi, branch: Branch) {
  return queryOptions({
    queryKey: [...adminKeys.branch(branch), 'managedRoles'] as const,
    queryFn: async () => unwrap('cloud.roles', await api['cloud.roles']({ workspaceId: LOCAL_WORKSPACE, branch: branch ?? EMBEDDED_BRANCH })),
    // Optional information: the roles view works without it.
    meta: { errorDisplay: 'inline' },
    retry: false,
  });
}

/** Whether the branch is protected (destructive SQL then asks first); read from the management API. */
export function branchProtectedQuery(api: PierApi, branch: Branch) {
  const name = branch ?? EMBEDDED_BRANCH;
  const project = name.split('/branches/')[0]!;
  return queryOptions({
    queryKey: [...adminKeys.branch(branch), 'protected'] as const,
    queryFn: async () => {
      const out = unwrap('cloud.branches', await api['cloud.branches']({ workspaceId: LOCAL_WORKSPACE, project }));
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
export function policyPreviewQuery(api: PierApi, input: PreviewPolicyInput) {
  return queryOptions({
    queryKey: adminKeys.preview(input),
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
