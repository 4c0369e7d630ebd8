import { queryOptions } from '@tanstack/react-query';
import type { PierApi } from '../../../shared/contract/contract';
import type { GrantChange, PolicyChangeInput, PreviewPolicyInput, RoleChange } from '../../../shared/contract/admin';
import { unwrap } from './RpcCallError';

export const adminKeys = {
  all: ['admin'] as const,
  roles: () => [...adminKeys.all, 'roles'] as const,
  grants: (schema: string) => [...adminKeys.all, 'grants', schema] as const,
  policies: (schema: string, table: string) => [...adminKeys.all, 'policies', schema, table] as const,
  preview: (input: PreviewPolicyInput) => [...adminKeys.all, 'preview', JSON.stringify(input)] as const,
  setup: () => [...adminKeys.all, 'setup'] as const,
};

export function rolesQuery(api: PierApi) {
  return queryOptions({
    queryKey: adminKeys.roles(),
    queryFn: async () => unwrap('admin.roles', await api['admin.roles']({})),
    meta: { errorDisplay: 'inline' },
  });
}

export function grantsQuery(api: PierApi, schema: string) {
  return queryOptions({
    queryKey: adminKeys.grants(schema),
    queryFn: async () => unwrap('admin.grants', await api['admin.grants']({ schema })),
    meta: { errorDisplay: 'inline' },
  });
}

export function tablePoliciesQuery(api: PierApi, schema: string, table: string) {
  return queryOptions({
    queryKey: adminKeys.policies(schema, table),
    queryFn: async () => unwrap('admin.tablePolicies', await api['admin.tablePolicies']({ schema, table })),
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

export function setupChecksQuery(api: PierApi) {
  return queryOptions({
    queryKey: adminKeys.setup(),
    queryFn: async () => unwrap('admin.setupChecks', await api['admin.setupChecks']({})),
    meta: { errorDisplay: 'inline' },
  });
}

// Plans and applies take the same structured change; main rebuilds the SQL from the catalog for both.

export async function planPolicyChange(api: PierApi, schema: string, table: string, change: PolicyChangeInput) {
  return unwrap('admin.planPolicyChange', await api['admin.planPolicyChange']({ schema, table, change }));
}
export async function applyPolicyChange(api: PierApi, schema: string, table: string, change: PolicyChangeInput) {
  return unwrap('admin.applyPolicyChange', await api['admin.applyPolicyChange']({ schema, table, change }));
}
export async function planGrantChanges(api: PierApi, schema: string, changes: GrantChange[]) {
  return unwrap('admin.planGrantChanges', await api['admin.planGrantChanges']({ schema, changes }));
}
export async function applyGrantChanges(api: PierApi, schema: string, changes: GrantChange[]) {
  return unwrap('admin.applyGrantChanges', await api['admin.applyGrantChanges']({ schema, changes }));
}
export async function planRoleChange(api: PierApi, change: RoleChange) {
  return unwrap('admin.planRoleChange', await api['admin.planRoleChange']({ change }));
}
export async function applyRoleChange(api: PierApi, change: RoleChange) {
  return unwrap('admin.applyRoleChange', await api['admin.applyRoleChange']({ change }));
}
export async function applySetupFix(api: PierApi, checkId: string) {
  return unwrap('admin.setupFix', await api['admin.setupFix']({ checkId }));
}
