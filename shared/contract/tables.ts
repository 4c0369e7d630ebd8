import { z } from 'zod';
import { location } from './location';
import { viewAs } from './dataApi';

const identifier = z.string().min(1).max(63);
/** A row's primary key, or the columns an update sets: column name → JSON value. */
const values = z.record(identifier, z.json());

/** A staged update or delete of one row, by its key (inserts reach no other row). */
export const cascadeEdit = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('update'), key: values, changes: values }).strict(),
  z.object({ kind: z.literal('delete'), key: values }).strict(),
]);

/**
 * What staged updates and deletes would do to OTHER rows (cascading foreign keys, triggers):
 * run as `viewAs` in a transaction that is always rolled back, and counted per table.
 */
export const cascadePreviewInput = z
  .object({
    at: location,
    viewAs,
    schema: identifier,
    table: identifier,
    edits: z.array(cascadeEdit).min(1).max(1000),
  })
  .strict();
export const cascadePreviewOutput = z.object({
  /** Rows changed beyond the edited rows themselves, per table; empty when none. */
  tables: z.array(
    z.object({
      schema: z.string(),
      name: z.string(),
      deleted: z.number().int(),
      updated: z.number().int(),
      inserted: z.number().int(),
    }),
  ),
  /** Why the run stopped (then nothing is counted): the staged-edit preview says which edit. */
  refused: z.string().nullable(),
});
export type CascadePreviewInput = z.input<typeof cascadePreviewInput>;
export type CascadePreviewOutput = z.infer<typeof cascadePreviewOutput>;
