/**
 * Proposed renderer↔main calls for workspaces and the project/branch/endpoint tree, as zod
 * schemas in the style of shared/contract. They carry handles and display names only: no token,
 * password or refresh token ever crosses to the renderer. Add them to shared/contract/contract.ts
 * under the channel names given on each pair.
 */
import { z } from 'zod';

const workspaceId = z.string().min(1).max(64);
/** A full resource name; main re-checks it against the id rules before use. */
const resourceName = z.string().min(1).max(400);

export const workspaceInfo = z.object({
  id: z.string(),
  kind: z.enum(['local', 'databricks']),
  host: z.string(),
  displayName: z.string(),
  authMethod: z.enum(['local', 'oauth', 'pat', 'cli']),
  authLabel: z.string(),
});
export type WorkspaceInfoDto = z.infer<typeof workspaceInfo>;

// 'workspaces.list'
export const listWorkspacesInput = z.object({}).strict();
export const listWorkspacesOutput = z.object({ workspaces: z.array(workspaceInfo) });

// 'workspaces.add'
export const addWorkspaceInput = z.discriminatedUnion('method', [
  z.object({ method: z.literal('oauth'), host: z.string().min(1).max(300), displayName: z.string().max(100).optional() }).strict(),
  z.object({ method: z.literal('pat'), host: z.string().min(1).max(300), token: z.string().min(1).max(4096), displayName: z.string().max(100).optional() }).strict(),
  z.object({ method: z.literal('cli'), profile: z.string().min(1).max(100), host: z.string().max(300).optional(), displayName: z.string().max(100).optional() }).strict(),
]);
export type AddWorkspaceInput = z.infer<typeof addWorkspaceInput>;
export const addWorkspaceOutput = workspaceInfo;

// 'workspaces.remove'
export const removeWorkspaceInput = z.object({ id: workspaceId }).strict();
export const removeWorkspaceOutput = z.object({ removed: z.literal(true) });

// 'workspaces.signInAgain'
export const signInAgainInput = z.object({ id: workspaceId }).strict();
export const signInAgainOutput = workspaceInfo;

// 'workspaces.replaceToken' (personal-access-token workspaces; the token only travels renderer → main)
export const replaceTokenInput = z.object({ id: workspaceId, token: z.string().min(1).max(4096) }).strict();
export const replaceTokenOutput = workspaceInfo;

const page = { pageToken: z.string().max(2000).optional(), pageSize: z.number().int().min(1).max(100).optional() };

export const projectSummary = z.object({
  name: z.string(),
  id: z.string(),
  displayName: z.string(),
  owner: z.string().optional(),
  pgVersion: z.number().optional(),
  defaultBranch: z.string().optional(),
  deleted: z.boolean(),
});
export type ProjectSummary = z.infer<typeof projectSummary>;

export const branchSummary = z.object({
  name: z.string(),
  id: z.string(),
  /** Open set: READY, INIT, ARCHIVED, … and values the service adds later. */
  state: z.string(),
  isDefault: z.boolean(),
  isProtected: z.boolean(),
  sourceBranch: z.string().optional(),
  expireTime: z.string().optional(),
});
export type BranchSummary = z.infer<typeof branchSummary>;

export const endpointSummary = z.object({
  name: z.string(),
  id: z.string(),
  /** `ENDPOINT_TYPE_READ_WRITE`, `ENDPOINT_TYPE_READ_ONLY`, or a newer value. */
  type: z.string(),
  state: z.string(),
  host: z.string().optional(),
  minCu: z.number().optional(),
  maxCu: z.number().optional(),
});
export type EndpointSummary = z.infer<typeof endpointSummary>;

// 'cloud.projects'
export const listProjectsInput = z.object({ workspaceId, showDeleted: z.boolean().optional(), ...page }).strict();
export const listProjectsOutput = z.object({ projects: z.array(projectSummary), nextPageToken: z.string().optional() });

// 'cloud.branches'
export const listBranchesInput = z.object({ workspaceId, project: resourceName, showDeleted: z.boolean().optional(), ...page }).strict();
export const listBranchesOutput = z.object({ branches: z.array(branchSummary), nextPageToken: z.string().optional() });

// 'cloud.endpoints'
export const listEndpointsInput = z.object({ workspaceId, branch: resourceName, ...page }).strict();
export const listEndpointsOutput = z.object({ endpoints: z.array(endpointSummary), nextPageToken: z.string().optional() });

// ─── Mutations, followed as tracked operations ──────────────────────────

export const trackedOperation = z.object({
  id: z.string(),
  workspaceId: z.string(),
  title: z.string(),
  resource: z.string(),
  state: z.enum(['running', 'succeeded', 'failed', 'stopped']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  polls: z.number(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type TrackedOperationDto = z.infer<typeof trackedOperation>;
export const startedOperationOutput = z.object({ operation: trackedOperation });

/** Branch expiry: exactly one of the oneof members goes to the server. */
export const branchExpiration = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('never') }).strict(),
  z.object({ kind: z.literal('ttl'), seconds: z.number().int().min(60).max(30 * 86400) }).strict(),
  z.object({ kind: z.literal('at'), time: z.iso.datetime() }).strict(),
]);
export type BranchExpiration = z.infer<typeof branchExpiration>;

const branchIdInput = z.string().regex(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/, 'Use 1–63 lowercase letters, digits and hyphens, starting with a letter.');

// 'cloud.createBranch'
export const createBranchInput = z
  .object({
    workspaceId,
    project: resourceName,
    branchId: branchIdInput,
    /** Default: the project's default branch. */
    sourceBranch: resourceName.optional(),
    /** Point in time: one of these, within the history retention. */
    sourceTime: z.iso.datetime().optional(),
    sourceLsn: z.string().regex(/^[0-9A-Fa-f]+\/[0-9A-Fa-f]+$/).optional(),
    isProtected: z.boolean().optional(),
    expiration: branchExpiration.default({ kind: 'never' }),
  })
  .strict();

// 'cloud.updateBranch'
export const updateBranchInput = z.object({ workspaceId, branch: resourceName, isProtected: z.boolean().optional(), expiration: branchExpiration.optional() }).strict();

// 'cloud.deleteBranch'
export const deleteBranchInput = z.object({ workspaceId, branch: resourceName, purge: z.boolean().optional() }).strict();

// 'cloud.operations'
export const listOperationsInput = z.object({ workspaceId: workspaceId.optional() }).strict();
export const listOperationsOutput = z.object({ operations: z.array(trackedOperation) });

// 'cloud.stopOperation'
export const stopOperationInput = z.object({ id: z.string().min(1).max(64) }).strict();
export const stopOperationOutput = z.object({ stopped: z.boolean() });
