import { z } from 'zod';
import { location } from './location';

/**
 * Schema diff between two databases (two branches of a project, or any two locations): what the
 * right side has that the left lacks ("added"), the reverse ("removed"), and objects on both sides
 * whose attributes differ ("changed"), with the migration SQL that turns the left into the right.
 */
export const SCHEMA_OBJECT_KINDS = [
  'role',
  'schema',
  'sequence',
  'table',
  'column',
  'constraint',
  'index',
  'view',
  'function',
  'trigger',
  'policy',
  'grant',
] as const;
export const schemaObjectKind = z.enum(SCHEMA_OBJECT_KINDS);
export type SchemaObjectKind = z.infer<typeof schemaObjectKind>;

export const schemaDiffInput = z
  .object({
    left: location,
    right: location,
    /** Schemas to compare; empty compares every non-system schema of either side. */
    schemas: z.array(z.string().min(1).max(63)).max(200),
  })
  .strict();

export const attributeChange = z.object({
  name: z.string(),
  /** Null where the object does not exist on that side. */
  before: z.string().nullable(),
  after: z.string().nullable(),
});
export type AttributeChange = z.infer<typeof attributeChange>;

export const schemaDiffEntry = z.object({
  kind: schemaObjectKind,
  /** The object as a person names it: `public.tasks`, `public.tasks.title`, `public.f(integer)`. */
  name: z.string(),
  change: z.enum(['added', 'removed', 'changed']),
  /** Every attribute for added/removed objects; only the differing ones for changed objects. */
  attributes: z.array(attributeChange),
});
export type SchemaDiffEntry = z.infer<typeof schemaDiffEntry>;

export const schemaDiffOutput = z.object({
  /** The schemas compared (the filter, or every non-system schema of either side). */
  schemas: z.array(z.string()),
  entries: z.array(schemaDiffEntry),
  /** Statements that turn the left into the right, dependants dropped first and created last. */
  sql: z.string(),
});
export type SchemaDiff = z.infer<typeof schemaDiffOutput>;
