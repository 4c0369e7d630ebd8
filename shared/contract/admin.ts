import { z } from 'zod';
import { location } from './location';

/**
 * Every admin call reads or changes one database of one branch (roles are per branch). On a cloud
 * workspace it runs as the signed-in identity.
 */
export const onBranch = { at: location };

/** Postgres identifiers as the catalog spells them; checked against the catalog before use. */
const identifier = z.string().min(1).max(63);
/** Policy expressions are SQL the user writes; they are shown before they run and never combined with other statements. */
const expression = z.string().min(1).max(20_000);

// ---------- roles ----------

export const roleAttributes = z.object({
  login: z.boolean(),
  inherit: z.boolean(),
  bypassrls: z.boolean(),
  createdb: z.boolean(),
  createrole: z.boolean(),
});
export type RoleAttributes = z.infer<typeof roleAttributes>;

export const roleInfo = z.object({
  name: z.string(),
  attributes: roleAttributes,
  /** Read-only: Pier never creates or alters superusers. */
  superuser: z.boolean(),
  /** Roles this role is a member of. */
  memberOf: z.array(z.object({ role: z.string(), admin: z.boolean() })),
  /** Whether it owns any relation in this database (granting owners to `authenticator` is the Lakebase pitfall). */
  ownsObjects: z.boolean(),
});
export type RoleInfo = z.infer<typeof roleInfo>;

export const listRolesInput = z.object({ ...onBranch }).strict();
export const listRolesOutput = z.object({
  roles: z.array(roleInfo),
  /** Roles granted to `authenticator`: the identities the Data API may run as. */
  authenticatorMembers: z.array(z.string()),
});
export type ListRolesOutput = z.infer<typeof listRolesOutput>;

export const roleChange = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('create'), name: identifier, attributes: roleAttributes }),
  z.object({ kind: z.literal('alter'), name: identifier, attributes: roleAttributes }),
  z.object({ kind: z.literal('drop'), name: identifier }),
  z.object({ kind: z.literal('grantMembership'), role: identifier, member: identifier }),
  z.object({ kind: z.literal('revokeMembership'), role: identifier, member: identifier }),
]);
export type RoleChange = z.infer<typeof roleChange>;
export const roleChangeInput = z.object({ change: roleChange, ...onBranch }).strict();

// ---------- grants ----------

export const TABLE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'] as const;
export const tablePrivilege = z.enum(TABLE_PRIVILEGES);
export type TablePrivilege = z.infer<typeof tablePrivilege>;
export const COLUMN_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'] as const;
export const columnPrivilege = z.enum(COLUMN_PRIVILEGES);
export type ColumnPrivilege = z.infer<typeof columnPrivilege>;

/** `PUBLIC` is the pseudo-role every role belongs to. */
export const PUBLIC_GRANTEE = 'PUBLIC';

export const listGrantsInput = z.object({ schema: identifier, ...onBranch }).strict();
const grantCell = z.object({ grantee: z.string(), privileges: z.array(z.string()) });
export const listGrantsOutput = z.object({
  schema: z.string(),
  /** Grantees shown as columns of the matrix (PUBLIC first, system roles left out). */
  roles: z.array(z.string()),
  schemaUsage: z.array(z.string()),
  tables: z.array(
    z.object({
      name: z.string(),
      kind: z.string(),
      owner: z.string(),
      grants: z.array(grantCell),
      columns: z.array(z.object({ name: z.string(), grants: z.array(grantCell) })),
    }),
  ),
  sequences: z.array(z.object({ name: z.string(), usage: z.array(z.string()) })),
  functions: z.array(z.object({ signature: z.string(), execute: z.array(z.string()) })),
  defaultPrivileges: z.array(
    z.object({
      owner: z.string(),
      schema: z.string().nullable(),
      objectType: z.string(),
      grantee: z.string(),
      privileges: z.array(z.string()),
    }),
  ),
});
export type ListGrantsOutput = z.infer<typeof listGrantsOutput>;

export const grantChange = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('table'), table: identifier, role: identifier, privilege: tablePrivilege, grant: z.boolean() }),
  z.object({
    kind: z.literal('column'),
    table: identifier,
    column: identifier,
    role: identifier,
    privilege: columnPrivilege,
    grant: z.boolean(),
  }),
  z.object({ kind: z.literal('schemaUsage'), role: identifier, grant: z.boolean() }),
  z.object({ kind: z.literal('sequenceUsage'), sequence: identifier, role: identifier, grant: z.boolean() }),
  z.object({ kind: z.literal('functionExecute'), signature: z.string().min(1).max(1000), role: identifier, grant: z.boolean() }),
]);
export type GrantChange = z.infer<typeof grantChange>;
export const grantChangesInput = z.object({ schema: identifier, changes: z.array(grantChange).min(1).max(500), ...onBranch }).strict();

// ---------- policies ----------

export const POLICY_COMMANDS = ['ALL', 'SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;
export const policyCommand = z.enum(POLICY_COMMANDS);
export type PolicyCommand = z.infer<typeof policyCommand>;

export const policyDefinition = z.object({
  name: identifier,
  permissive: z.boolean().default(true),
  command: policyCommand.default('ALL'),
  /** Role names from the catalog, or `PUBLIC`. */
  roles: z.array(identifier).min(1).max(50),
  using: expression.nullable().default(null),
  withCheck: expression.nullable().default(null),
});
export type PolicyDefinition = z.output<typeof policyDefinition>;
export type PolicyDefinitionInput = z.input<typeof policyDefinition>;

export const tableRef = z.object({ schema: identifier, table: identifier, ...onBranch }).strict();

export const tablePoliciesOutput = z.object({
  schema: z.string(),
  table: z.string(),
  rlsEnabled: z.boolean(),
  rlsForced: z.boolean(),
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  policies: z.array(
    z.object({
      name: z.string(),
      permissive: z.boolean(),
      command: policyCommand,
      roles: z.array(z.string()),
      using: z.string().nullable(),
      withCheck: z.string().nullable(),
    }),
  ),
});
export type TablePoliciesOutput = z.infer<typeof tablePoliciesOutput>;
export type PolicyInfo = TablePoliciesOutput['policies'][number];

export const policyChange = z.discriminatedUnion('kind', [
  /** `enableRls`: also turn RLS on (a policy on a table without RLS has no effect). */
  z.object({ kind: z.literal('create'), policy: policyDefinition, enableRls: z.boolean().default(false) }),
  /** Replaces policy `name` (DROP + CREATE in the same transaction, so command and kind may change too). */
  z.object({ kind: z.literal('replace'), name: identifier, policy: policyDefinition, enableRls: z.boolean().default(false) }),
  z.object({ kind: z.literal('drop'), name: identifier }),
  z.object({ kind: z.literal('setRls'), enabled: z.boolean(), forced: z.boolean() }),
]);
export type PolicyChange = z.output<typeof policyChange>;
export type PolicyChangeInput = z.input<typeof policyChange>;

export const policyChangeInput = z.object({ schema: identifier, table: identifier, change: policyChange, ...onBranch }).strict();

/** The SQL a change would run, for the user to read before applying. */
export const changePlanOutput = z.object({
  statements: z.array(z.string()),
  /** Things the user should know before running it (e.g. the authenticator pitfall). */
  warnings: z.array(z.string()),
});
export type ChangePlanOutput = z.infer<typeof changePlanOutput>;

export const applyOutput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('applied'), statements: z.array(z.string()) }),
  /** Nothing changed: the transaction was rolled back. */
  z.object({
    kind: z.literal('failed'),
    statements: z.array(z.string()),
    failedStatement: z.number().int(),
    message: z.string(),
    hint: z.string().nullable(),
  }),
]);
export type ApplyOutput = z.infer<typeof applyOutput>;

export const previewPolicyInput = z
  .object({
    schema: identifier,
    table: identifier,
    /** The edit being previewed; null previews the table as it is. */
    change: policyChange.nullable(),
    identities: z.array(identifier).min(1).max(10),
    /** A sample row (column → JSON value) to try inserting as each identity. */
    sampleInsert: z.record(z.string(), z.unknown()).nullable().default(null),
    /** Try a no-op UPDATE of each shown row as each identity. */
    sampleUpdate: z.boolean().default(false),
    limit: z.number().int().min(1).max(500).default(200),
    ...onBranch,
  })
  .strict();
export type PreviewPolicyInput = z.input<typeof previewPolicyInput>;

export const writeOutcome = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('allowed') }),
  /** The row is not visible to the command's USING: the write affects nothing. */
  z.object({ kind: z.literal('noRow') }),
  z.object({ kind: z.literal('refused'), message: z.string() }),
  z.object({ kind: z.literal('error'), message: z.string() }),
]);
export type WriteOutcome = z.infer<typeof writeOutcome>;

export const previewPolicyOutput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('preview'),
    statements: z.array(z.string()),
    rlsEnabled: z.boolean(),
    rlsForced: z.boolean(),
    columns: z.array(z.string()),
    /** The admin's full read (first `limit` rows); `key` is stable within the preview. */
    rows: z.array(z.object({ key: z.string(), values: z.array(z.unknown()) })),
    totalRows: z.number().int(),
    /** Columns with a default (serial keys, timestamps): a sample insert may leave them out. */
    defaultedColumns: z.array(z.string()),
    policies: tablePoliciesOutput.shape.policies,
    /**
     * What this preview cannot show because the login lacks a superuser's powers (a cloud branch's
     * signed-in identity): each a sentence for the user, empty when nothing is missing.
     */
    limitations: z.array(z.string()),
    /** Why "why hidden" has no per-policy answers here (null when it has them). */
    whyHiddenUnavailable: z.string().nullable(),
    identities: z.array(
      z.object({
        role: z.string(),
        /** Reading failed altogether (e.g. no SELECT privilege). */
        error: z.string().nullable(),
        visibleKeys: z.array(z.string()),
        /** The policies that apply to this role for SELECT, each USING evaluated per row (aligned with `rows`). */
        evaluations: z.array(
          z.object({
            policy: z.string(),
            permissive: z.boolean(),
            values: z.array(z.boolean().nullable()),
            error: z.string().nullable(),
          }),
        ),
        insert: writeOutcome.nullable(),
        /** Per shown row (aligned with `rows`), when sampleUpdate was asked for. */
        updates: z.array(writeOutcome).nullable(),
      }),
    ),
  }),
  /** The edited DDL does not run (e.g. an error in an expression). */
  z.object({
    kind: z.literal('invalid'),
    statements: z.array(z.string()),
    failedStatement: z.number().int(),
    message: z.string(),
    /** 1-based character position inside the failed statement, when Postgres gives one. */
    position: z.number().int().nullable(),
  }),
]);
export type PreviewPolicyOutput = z.infer<typeof previewPolicyOutput>;

// ---------- Data API set-up assistant ----------

export const setupChecksInput = z.object({ ...onBranch }).strict();
export const setupCheck = z.object({
  id: z.string(),
  title: z.string(),
  ok: z.boolean(),
  detail: z.string(),
  /** Statements that fix it, run in one transaction; empty when ok. */
  fix: z.array(z.string()),
});
export type SetupCheck = z.infer<typeof setupCheck>;
export const setupChecksOutput = z.object({ checks: z.array(setupCheck) });
export type SetupChecksOutput = z.infer<typeof setupChecksOutput>;
/** Runs the fix of one failing check (regenerated in main from the catalog, never sent by the renderer). */
export const setupFixInput = z.object({ checkId: z.string().min(1).max(300), ...onBranch }).strict();
