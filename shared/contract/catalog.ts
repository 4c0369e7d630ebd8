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

/** The ER diagram of one schema: its relations with their keys, and the foreign keys between them. */
export const schemaGraphInput = z.object({ at: location, schema: z.string().min(1).max(63) }).strict();
const graphTableRef = z.object({ schema: z.string(), table: z.string() });
export const schemaGraphOutput = z.object({
  schema: z.string(),
  /** False when no such schema exists (the diagram says so rather than drawing nothing). */
  exists: z.boolean(),
  tables: z.array(
    z.object({
      name: z.string(),
      kind: relationKind,
      estimatedRows: z.number(),
      columns: z.array(
        z.object({
          name: z.string(),
          /** As Postgres prints it (format_type): `integer`, `character varying(40)`, `text[]`. */
          type: z.string(),
          notNull: z.boolean(),
          primaryKey: z.boolean(),
          /** Part of a foreign key of this table. */
          foreignKey: z.boolean(),
          /** Part of a UNIQUE constraint. */
          unique: z.boolean(),
        }),
      ),
    }),
  ),
  /** Foreign keys from or to the schema's tables; an end outside the schema is drawn as a table of another schema. */
  foreignKeys: z.array(
    z.object({
      name: z.string(),
      from: graphTableRef.extend({ columns: z.array(z.string()) }),
      to: graphTableRef.extend({ columns: z.array(z.string()) }),
      onDelete: z.enum(['NO ACTION', 'RESTRICT', 'CASCADE', 'SET NULL', 'SET DEFAULT']),
      onUpdate: z.enum(['NO ACTION', 'RESTRICT', 'CASCADE', 'SET NULL', 'SET DEFAULT']),
    }),
  ),
});
export type SchemaGraph = z.infer<typeof schemaGraphOutput>;
