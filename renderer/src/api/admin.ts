import { queryOptions, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo } from 'react';
import type { PierApi } from '../../../shared/contract/contract';
import type { ApplyOutput, GrantChange, PolicyChangeInput, PreviewPolicyInput, RoleChange } from '../../../shared/contract/admin';
import { locationKey, workspaceOf, type Location } from '../../../shared/contract/location';
import { cloudKeys, projectOf } from './cloud';
import { dataApiKeys } from './dataApi';
import { usePierApi } from './PierApiContext';
import { unwrap } from './RpcCallError';

/**
 * Where an admin tab works: provided by the tab, read by every admin view, and part of every key
 * and call below. On a cloud workspace main runs as the signed-in identity.
 */
export const AdminLocationContext = createContext<Location | null>(null);

export function useAdminLocation(): Location {
  const at = useContext(AdminLocationContext);
  if (!at) throw new Error('useAdminLocation outside an admin tab');
  return at;
}

/** What a policy preview shows (its location is the tab's). */
type PolicyPreview = Omit<PreviewPolicyInput, 'at'>;

export const adminKeys = {
  all: ['admin'] as const,
  location: (at: Location) => [...adminKeys.all, ...locationKey(at)] as const,
  roles: (at: Location) => [...adminKeys.location(at), 'roles'] as const,
  managedRoles: (at: Location) => [...adminKeys.location(at), 'managedRoles'] as const,
  grants: (at: Location, schema: string) => [...adminKeys.location(at), 'grants', schema] as const,
  policies: (at: Location, schema: string, table: string) => [...adminKeys.location(at), 'policies', schema, table] as const,
  preview: (at: Location, input: PolicyPreview) => [...adminKeys.location(at), 'preview', JSON.stringify(input)] as const,
  setup: (at: Location) => [...adminKeys.location(at), 'setup'] as const,
};

export function rolesQuery(api: PierApi, at: Location) {
  return queryOptions({
    queryKey: adminKeys.roles(at),
    queryFn: async () => unwrap('admin.roles', await api['admin.roles']({ at })),
    meta: { errorDisplay: 'inline' },
  });
}

/** The branch's roles as the management API's roles resource lists them: which are managed identities. */
export function managedRolesQuery(api: PierApi, at: Location) {
  return queryOptions({
    queryKey: adminKeys.managedRoles(at),
    queryFn: async () => unwrap('cloud.roles', await api['cloud.roles']({ workspaceId: workspaceOf(at), branch: at.branch })),
    // Optional information: the roles view works without it.
    meta: { errorDisplay: 'inline' },
    retry: false,
  });
}

/** Whether the branch is protected (destructive SQL then asks first); read from its workspace's management API. */
export function branchProtectedQuery(api: PierApi, at: Location) {
  const workspaceId = workspaceOf(at);
  const project = projectOf(at.branch) ?? at.branch;
  return queryOptions({
    // Under the branches' key, so protecting or unprotecting the branch (an operation) refreshes it.
    queryKey: [...cloudKeys.branches(workspaceId, project), 'protected', at.branch] as const,
    queryFn: async () => {
      const out = unwrap('cloud.branches', await api['cloud.branches']({ workspaceId, project }));
      const found = out.branches.find((b) => b.name === at.branch);
      return found ? found.isProtected : null;
    },
    meta: { errorDisplay: 'inline' },
    retry: false,
  });
}

export function grantsQuery(api: PierApi, at: Location, schema: string) {
  return queryOptions({
    queryKey: adminKeys.grants(at, schema),
    queryFn: async () => unwrap('admin.grants', await api['admin.grants']({ at, schema })),
    meta: { errorDisplay: 'inline' },
  });
}

export function tablePoliciesQuery(api: PierApi, at: Location, schema: string, table: string) {
  return queryOptions({
    queryKey: adminKeys.policies(at, schema, table),
    queryFn: async () => unwrap('admin.tablePolicies', await api['admin.tablePolicies']({ at, schema, table })),
    meta: { errorDisplay: 'inline' },
  });
}

/** The live preview: a rolled-back run of the edit; an invalid expression is a value, not an error. */
export function policyPreviewQuery(api: PierApi, at: Location, preview: PolicyPreview) {
  return queryOptions({
    queryKey: adminKeys.preview(at, preview),
    queryFn: async () => unwrap('admin.previewPolicy', await api['admin.previewPolicy']({ ...preview, at })),
    meta: { errorDisplay: 'inline' },
    retry: false,
    staleTime: 0,
    gcTime: 10_000,
    placeholderData: (previous) => previous,
  });
}

export function setupChecksQuery(api: PierApi, at: Location) {
  return queryOptions({
    queryKey: adminKeys.setup(at),
    queryFn: async () => unwrap('admin.setupChecks', await api['admin.setupChecks']({ at })),
    meta: { errorDisplay: 'inline' },
  });
}

/**
 * After a change to roles, grants, policies or identities every admin view and every Data API read
 * may differ, on any location: a cloud workspace may be this very Postgres seen through its own API.
 */
function invalidateAfterAdminChange(client: QueryClient): void {
  void client.invalidateQueries({ queryKey: adminKeys.all });
  void client.invalidateQueries({ queryKey: dataApiKeys.all });
}

/** For changes that finish elsewhere (an identity's operation): call when it has succeeded. */
export function useRefreshAfterAdminChange(): () => void {
  const client = useQueryClient();
  return useCallback(() => invalidateAfterAdminChange(client), [client]);
}

/**
 * The admin changes of one location. Plans and applies take the same structured change; main
 * rebuilds the SQL from the catalog for both. An applied change refreshes what it may have changed.
 */
export function useAdminChanges(at: Location) {
  const api = usePierApi();
  const client = useQueryClient();
  return useMemo(() => {
    const refreshed = (out: ApplyOutput) => {
      if (out.kind === 'applied') invalidateAfterAdminChange(client);
      return out;
    };
    return {
      planPolicyChange: async (schema: string, table: string, change: PolicyChangeInput) =>
        unwrap('admin.planPolicyChange', await api['admin.planPolicyChange']({ at, schema, table, change })),
      applyPolicyChange: async (schema: string, table: string, change: PolicyChangeInput) =>
        refreshed(unwrap('admin.applyPolicyChange', await api['admin.applyPolicyChange']({ at, schema, table, change }))),
      planGrantChanges: async (schema: string, changes: GrantChange[]) =>
        unwrap('admin.planGrantChanges', await api['admin.planGrantChanges']({ at, schema, changes })),
      applyGrantChanges: async (schema: string, changes: GrantChange[]) =>
        refreshed(unwrap('admin.applyGrantChanges', await api['admin.applyGrantChanges']({ at, schema, changes }))),
      planRoleChange: async (change: RoleChange) => unwrap('admin.planRoleChange', await api['admin.planRoleChange']({ at, change })),
      applyRoleChange: async (change: RoleChange) =>
        refreshed(unwrap('admin.applyRoleChange', await api['admin.applyRoleChange']({ at, change }))),
      applySetupFix: async (checkId: string) => refreshed(unwrap('admin.setupFix', await api['admin.setupFix']({ at, checkId }))),
    };
  }, [api, client, at]);
}
