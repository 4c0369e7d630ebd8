import { z } from 'zod';
import { location } from './location';

export const relationKind = z.enum(['table', 'view', 'materialized_view', 'foreign_table', 'partitioned_table']);
export type RelationKind = z.infer<typeof relationKind>;

/** The database whose schemas to list. */
export const listSchemasInput = z.object({ at: location }).strict();
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
