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
  z
    .object({
      method: z.literal('pat'),
      host: z.string().min(1).max(300),
      token: z.string().min(1).max(4096),
      displayName: z.string().max(100).optional(),
    })
    .strict(),
  z
    .object({
      method: z.literal('cli'),
      profile: z.string().min(1).max(100),
      host: z.string().max(300).optional(),
      displayName: z.string().max(100).optional(),
    })
    .strict(),
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
  /** Point in time it was branched at, when the server reports it. */
  sourceBranchTime: z.string().optional(),
  sourceBranchLsn: z.string().optional(),
  expireTime: z.string().optional(),
  /** Data size in bytes, when the server reports it. */
  logicalSizeBytes: z.number().optional(),
  createTime: z.string().optional(),
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
  /** Suspended by the user (`spec.disabled`): connections do not wake it until it is resumed. */
  disabled: z.boolean().optional(),
  /** Idle time before it suspends itself; absent when it never suspends or the server does not say. */
  suspendTimeoutSeconds: z.number().optional(),
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
  z
    .object({
      kind: z.literal('ttl'),
      seconds: z
        .number()
        .int()
        .min(60)
        .max(30 * 86400),
    })
    .strict(),
  z.object({ kind: z.literal('at'), time: z.iso.datetime() }).strict(),
]);
export type BranchExpiration = z.infer<typeof branchExpiration>;

const branchIdInput = z
  .string()
  .regex(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/, 'Use 1–63 lowercase letters, digits and hyphens, starting with a letter.');

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
    sourceLsn: z
      .string()
      .regex(/^[0-9A-Fa-f]+\/[0-9A-Fa-f]+$/)
      .optional(),
    isProtected: z.boolean().optional(),
    expiration: branchExpiration.default({ kind: 'never' }),
  })
  .strict();

// 'cloud.updateBranch'
export const updateBranchInput = z
  .object({ workspaceId, branch: resourceName, isProtected: z.boolean().optional(), expiration: branchExpiration.optional() })
  .strict();

// 'cloud.restoreBranch': reset from a source branch (the parent, or itself at a point in time) — local workspace only
export const restoreBranchInput = z
  .object({
    workspaceId,
    branch: resourceName,
    sourceBranch: resourceName,
    sourceTime: z.iso.datetime().optional(),
    sourceLsn: z
      .string()
      .regex(/^[0-9A-Fa-f]+\/[0-9A-Fa-f]+$/)
      .optional(),
    /** Keep the state before as this new branch (required when the source is the branch itself). */
    preserveUnderName: branchIdInput.optional(),
  })
  .strict();

// 'cloud.deleteBranch'
export const deleteBranchInput = z.object({ workspaceId, branch: resourceName, purge: z.boolean().optional() }).strict();

// 'cloud.deleteProject' (soft delete unless purge: restorable for a while; every branch goes with it)
export const deleteProjectInput = z.object({ workspaceId, project: resourceName, purge: z.boolean().optional() }).strict();

// 'cloud.undeleteProject' / 'cloud.undeleteBranch': restore a soft-deleted one (listed with showDeleted)
export const undeleteProjectInput = z.object({ workspaceId, project: resourceName }).strict();
export const undeleteBranchInput = z.object({ workspaceId, branch: resourceName }).strict();

// 'cloud.operations'
export const listOperationsInput = z.object({ workspaceId: workspaceId.optional() }).strict();
export const listOperationsOutput = z.object({ operations: z.array(trackedOperation) });

// 'cloud.stopOperation'
export const stopOperationInput = z.object({ id: z.string().min(1).max(64) }).strict();
export const stopOperationOutput = z.object({ stopped: z.boolean() });

// ─── Projects, endpoints, databases, roles and the Data API (tree actions) ──

const idInput = branchIdInput;

// 'cloud.createProject'
export const createProjectInput = z
  .object({
    workspaceId,
    projectId: idInput,
    displayName: z.string().min(1).max(256).optional(),
    /** Major version; the server says which it supports (locally 16, 17 and 18). */
    pgVersion: z.number().int().min(10).max(99).optional(),
  })
  .strict();

// 'cloud.setDefaultBranch'
export const setDefaultBranchInput = z.object({ workspaceId, branch: resourceName }).strict();

/** CU limits: 0.5 or a whole number; the server enforces its current ranges. */
const cu = z
  .number()
  .min(0.5)
  .max(112)
  .refine((v) => v === 0.5 || Number.isInteger(v), 'Use 0.5 or a whole number of CU.');
const suspendSeconds = z.number().int().min(60).max(604800);
const onlyOneSuspension = (v: { suspendTimeoutSeconds?: number | undefined; noSuspension?: true | undefined }) =>
  !(v.suspendTimeoutSeconds !== undefined && v.noSuspension !== undefined);
const suspensionMessage = { message: 'Set either suspendTimeoutSeconds or noSuspension, not both.', path: ['noSuspension'] };
const cuOrder = (v: { minCu?: number | undefined; maxCu?: number | undefined }) =>
  v.minCu === undefined || v.maxCu === undefined || v.minCu <= v.maxCu;
const cuMessage = { message: 'Minimum CU must not exceed maximum CU.', path: ['minCu'] };

// 'cloud.createEndpoint'
export const createEndpointInput = z
  .object({
    workspaceId,
    branch: resourceName,
    endpointId: idInput,
    /** A branch has at most one read-write endpoint; read-only ones are replicas. */
    type: z.enum(['READ_WRITE', 'READ_ONLY']),
    minCu: cu.optional(),
    maxCu: cu.optional(),
    suspendTimeoutSeconds: suspendSeconds.optional(),
    noSuspension: z.literal(true).optional(),
  })
  .strict()
  .refine(onlyOneSuspension, suspensionMessage)
  .refine(cuOrder, cuMessage);

// 'cloud.updateEndpoint': `disabled: true` suspends (connections cannot wake it), `false` resumes.
export const updateEndpointInput = z
  .object({
    workspaceId,
    endpoint: resourceName,
    disabled: z.boolean().optional(),
    minCu: cu.optional(),
    maxCu: cu.optional(),
    suspendTimeoutSeconds: suspendSeconds.optional(),
    noSuspension: z.literal(true).optional(),
  })
  .strict()
  .refine(onlyOneSuspension, suspensionMessage)
  .refine(cuOrder, cuMessage)
  .refine((v) => Object.entries(v).some(([k, x]) => x !== undefined && k !== 'workspaceId' && k !== 'endpoint'), {
    message: 'Nothing to change: give disabled, minCu, maxCu, suspendTimeoutSeconds or noSuspension.',
  });

// 'cloud.deleteEndpoint'
export const deleteEndpointInput = z.object({ workspaceId, endpoint: resourceName }).strict();

export const databaseSummary = z.object({
  name: z.string(),
  id: z.string(),
  /** The database's name inside Postgres (what connections use). */
  postgresDatabase: z.string(),
  /** The owner's Postgres role name, when known. */
  owner: z.string().optional(),
  /** The owner's role resource, `projects/p/branches/b/roles/r`. */
  ownerRole: z.string().optional(),
});
export type DatabaseSummary = z.infer<typeof databaseSummary>;

// 'cloud.databases'
export const listDatabasesInput = z.object({ workspaceId, branch: resourceName, ...page }).strict();
export const listDatabasesOutput = z.object({ databases: z.array(databaseSummary), nextPageToken: z.string().optional() });

export const roleSummary = z.object({
  name: z.string(),
  id: z.string(),
  postgresRole: z.string(),
  /** USER, SERVICE_PRINCIPAL, GROUP (or newer); absent for a plain Postgres role. */
  identityType: z.string().optional(),
  /** LAKEBASE_OAUTH_V1, PG_PASSWORD_SCRAM_SHA_256, NO_LOGIN (or newer). */
  authMethod: z.string().optional(),
  attributes: z.object({ createdb: z.boolean(), createrole: z.boolean(), bypassrls: z.boolean() }),
  membershipRoles: z.array(z.string()),
});
export type RoleSummary = z.infer<typeof roleSummary>;

// 'cloud.roles'
export const listRolesInput = z.object({ workspaceId, branch: resourceName, ...page }).strict();
export const listRolesOutput = z.object({ roles: z.array(roleSummary), nextPageToken: z.string().optional() });

/** Who a managed identity is: an email (USER), an application id (SERVICE_PRINCIPAL) or a group name (GROUP). */
export const identityType = z.enum(['USER', 'SERVICE_PRINCIPAL', 'GROUP']);
export type IdentityType = z.infer<typeof identityType>;

// 'cloud.createRole': a managed identity through the roles resource (plain roles go through SQL).
export const createRoleInput = z
  .object({
    workspaceId,
    branch: resourceName,
    /** The Postgres role name, which for an identity is the identity itself. */
    postgresRole: z
      .string()
      .trim()
      .min(1)
      .max(63)
      .regex(/^[^\0]+$/, 'Role names may not contain NUL.'),
    identityType,
    attributes: z
      .object({ createdb: z.boolean().optional(), createrole: z.boolean().optional(), bypassrls: z.boolean().optional() })
      .strict()
      .optional(),
  })
  .strict();

// 'cloud.deleteRole': `role` is the full name projects/p/branches/b/roles/r.
export const deleteRoleInput = z.object({ workspaceId, role: resourceName }).strict();

/** Schema names as PostgREST takes them in a comma-separated list. */
const schemaList = z
  .array(
    z
      .string()
      .min(1)
      .max(63)
      .regex(/^[^,]+$/, 'Names may not contain commas.'),
  )
  .max(100);

/** Data API settings, every one optional: on update only the given ones change. */
export const dataApiSettingsInput = z
  .object({
    dbSchemas: schemaList.min(1).optional(),
    extraSearchPath: schemaList.optional(),
    maxRows: z.number().int().min(0).max(1_000_000_000).optional(),
    aggregatesEnabled: z.boolean().optional(),
    corsOrigins: z
      .array(
        z
          .string()
          .min(1)
          .max(300)
          .regex(/^[^,]+$/, 'Origins may not contain commas.'),
      )
      .max(100)
      .optional(),
    /** JSON path of the role claim, e.g. ".sub". */
    jwtRoleClaimKey: z.string().min(2).max(200).regex(/^\./, 'Start the claim path with ".", like ".sub".').optional(),
    openApiMode: z.enum(['OPEN_API_MODE_DISABLED', 'OPEN_API_MODE_IGNORE_PRIVILEGES']).optional(),
    serverTimingEnabled: z.boolean().optional(),
  })
  .strict();
export type DataApiSettingsInput = z.infer<typeof dataApiSettingsInput>;

/** Effective settings as the server reports them (values it leaves out stay absent). */
export const dataApiSettings = z.object({
  dbSchemas: z.array(z.string()).optional(),
  extraSearchPath: z.array(z.string()).optional(),
  maxRows: z.number().optional(),
  aggregatesEnabled: z.boolean().optional(),
  corsOrigins: z.array(z.string()).optional(),
  jwtRoleClaimKey: z.string().optional(),
  openApiMode: z.string().optional(),
  serverTimingEnabled: z.boolean().optional(),
});

// 'cloud.dataApi'
export const getDataApiInput = z.object({ workspaceId, database: resourceName }).strict();
export const getDataApiOutput = z.object({
  enabled: z.boolean(),
  settings: dataApiSettings,
  /** Base URL of the Data API, when enabled and the server reports it. */
  url: z.string().optional(),
  /** Schemas the database has, when the server reports them. */
  availableSchemas: z.array(z.string()).optional(),
});

// 'cloud.enableDataApi' (settings default to the server's: schema public, …)
export const enableDataApiInput = z.object({ workspaceId, database: resourceName, settings: dataApiSettingsInput.default({}) }).strict();

// 'cloud.updateDataApi'
export const updateDataApiInput = z
  .object({ workspaceId, database: resourceName, settings: dataApiSettingsInput })
  .strict()
  .refine((v) => Object.values(v.settings).some((x) => x !== undefined), {
    message: 'Nothing to change: give at least one setting.',
    path: ['settings'],
  });

// 'cloud.disableDataApi'
export const disableDataApiInput = z.object({ workspaceId, database: resourceName }).strict();

// 'cloud.sendToHostedDataApi': the grid's request, sent to the workspace's own Data API with the
// workspace's token (held by main), so a user can compare it with Pier's engine.
export const sendToHostedDataApiInput = z
  .object({
    workspaceId,
    /** Full database name; main reads that database's Data API URL itself, so the token only goes there. */
    database: resourceName,
    method: z.enum(['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE']).default('GET'),
    /** After the Data API base, e.g. `/public/clients`. */
    path: z.string().min(1).max(2048).startsWith('/'),
    rawQuery: z.string().max(65_536).default(''),
    /** Only Data API request headers pass (accept, prefer, range, content-type, profiles). */
    headers: z.record(z.string(), z.string()).default({}),
    body: z
      .string()
      .max(10 * 1024 * 1024)
      .optional(),
  })
  .strict();
export const sendToHostedDataApiOutput = z.object({
  url: z.string(),
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
});
