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

/** Whether a location's read-write endpoint runs or sleeps (suspended by the user, or idle). */
export const endpointStateInput = z.object({ at: location }).strict();
export const endpointStateOutput = z.object({ state: z.enum(['active', 'suspended']) });
/** Wakes a sleeping endpoint (as Lakebase computes wake on use) and answers once it accepts connections. */
export const wakeEndpointInput = z.object({ at: location }).strict();
export const wakeEndpointOutput = z.object({ woke: z.boolean() });
