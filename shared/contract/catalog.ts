import { z } from 'zod';

/** Postgres identifiers as the catalog spells them; checked against the catalog before use. */
const identifier = z.string().min(1).max(63);

export const relationKind = z.enum(['table', 'view', 'materialized_view', 'foreign_table', 'partitioned_table']);
export type RelationKind = z.infer<typeof relationKind>;

/**
 * Which branch a call reads: a full branch name "projects/{p}/branches/{b}" of the call's
 * workspace (see `workspaceRef`). Omitted = the embedded default (project `local`, branch `production`).
 */
export const branchRef = z
  .string()
  .max(200)
  .regex(
    /^projects\/[a-z]([a-z0-9-]{0,61}[a-z0-9])?\/branches\/[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'A branch is named "projects/{project}/branches/{branch}".',
  );

/**
 * Which workspace a call addresses: the id `workspaces.list` gives. Omitted (or `local`) = the local
 * workspace; any other workspace needs `branch` (its branch names follow the same shape).
 */
export const workspaceRef = z.string().min(1).max(64);

/**
 * `database`: the Postgres database to list (default: the branch's default database). A cloud
 * workspace has no default here, so its calls name the database.
 */
export const listSchemasInput = z
  .object({ branch: branchRef.optional(), workspaceId: workspaceRef.optional(), database: identifier.optional() })
  .strict();
export const schemaSummary = z.object({
  name: z.string(),
  relations: z.array(
    z.object({
      name: z.string(),
      kind: relationKind,
      /** Planner estimate (pg_class.reltuples); -1 when never analyzed. */
      estimatedRows: z.number(),
    }),
  ),
  /** Functions and procedures of the schema (not those an extension owns). */
  routines: z.array(
    z.object({
      name: z.string(),
      /** Identity arguments as Postgres prints them, e.g. "p_id integer, p_name text". */
      arguments: z.string(),
      /** Result type as Postgres prints it; empty for procedures. */
      returns: z.string(),
      kind: z.enum(['function', 'procedure']),
    }),
  ),
});
export const listSchemasOutput = z.object({ database: z.string(), schemas: z.array(schemaSummary) });
export type SchemaSummary = z.infer<typeof schemaSummary>;
export type ListSchemasOutput = z.infer<typeof listSchemasOutput>;

export const readRowsInput = z
  .object({
    schema: identifier,
    table: identifier,
    limit: z.number().int().min(1).max(1000).default(100),
    branch: branchRef.optional(),
  })
  .strict();
export const columnInfo = z.object({
  name: z.string(),
  /** Type as Postgres formats it (format_type), e.g. "timestamp without time zone". */
  type: z.string(),
  nullable: z.boolean(),
  isPrimaryKey: z.boolean(),
});
export const readRowsOutput = z.object({
  columns: z.array(columnInfo),
  /** One JSON value per column, in column order; values are as Postgres renders them in JSON. */
  rows: z.array(z.array(z.unknown())),
  /** True when the table has more rows than `limit`. */
  hasMore: z.boolean(),
});
export type ColumnInfo = z.infer<typeof columnInfo>;
export type ReadRowsInput = z.input<typeof readRowsInput>;
export type ReadRowsOutput = z.infer<typeof readRowsOutput>;
