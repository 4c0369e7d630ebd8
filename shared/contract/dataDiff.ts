import { z } from 'zod';
import { location } from './location';

/**
 * A data diff of one table between two locations (two branches, or two databases a user picks),
 * matched by primary key. `start` hashes both sides in Postgres and counts what differs; `page`
 * lists the differing rows a page at a time; `close` lets main forget the diff. Main keeps only
 * per-bucket counts between calls, never a side's rows.
 */

const identifier = z.string().min(1).max(63);

export const DATA_DIFF_KINDS = ['added', 'removed', 'changed'] as const;
export const dataDiffKind = z.enum(DATA_DIFF_KINDS);
export type DataDiffKind = z.infer<typeof dataDiffKind>;

export const dataDiffStartInput = z
  .object({
    /** The side rows are compared against: "removed" rows are only here, "old" values are its. */
    base: location,
    /** The other side: "added" rows are only here, "new" values are its. */
    target: location,
    schema: identifier,
    table: identifier,
  })
  .strict();
export type DataDiffStartInput = z.input<typeof dataDiffStartInput>;

export const dataDiffCounts = z.object({
  added: z.number().int(),
  removed: z.number().int(),
  changed: z.number().int(),
  unchanged: z.number().int(),
});
export type DataDiffCounts = z.infer<typeof dataDiffCounts>;

export const dataDiffSummary = z.object({
  diffId: z.string(),
  /** The primary key's columns, the same on both sides. */
  keyColumns: z.array(z.string()),
  /** Columns on both sides (key first), in the base's order: the ones compared. */
  columns: z.array(z.string()),
  /** Columns only one side has: reported, not compared. */
  onlyInBase: z.array(z.string()),
  onlyInTarget: z.array(z.string()),
  /** Common columns whose types differ (compared by their text). */
  typeDifferences: z.array(z.object({ column: z.string(), base: z.string(), target: z.string() })),
  counts: dataDiffCounts,
  baseRows: z.number().int(),
  targetRows: z.number().int(),
  elapsedMs: z.number(),
});
export type DataDiffSummary = z.infer<typeof dataDiffSummary>;

export const dataDiffPageInput = z
  .object({
    diffId: z.string().min(1).max(100),
    /** Only rows of these kinds (all when absent). */
    kinds: z.array(dataDiffKind).min(1).max(3).optional(),
    offset: z.number().int().min(0),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type DataDiffPageInput = z.input<typeof dataDiffPageInput>;

/** A value as Postgres prints it (`::text`); null is SQL NULL. */
const cell = z.string().nullable();
export const dataDiffRow = z.object({
  kind: dataDiffKind,
  /** The key's values, in `keyColumns` order. */
  key: z.array(cell),
  /** The row's common columns on each side (`columns` order); null on the side it is missing from. */
  base: z.array(cell).nullable(),
  target: z.array(cell).nullable(),
  /** For a changed row: the columns whose values differ. */
  changedColumns: z.array(z.string()),
});
export type DataDiffRow = z.infer<typeof dataDiffRow>;

export const dataDiffPageOutput = z.object({
  rows: z.array(dataDiffRow),
  offset: z.number().int(),
  /** Differing rows of the asked kinds, in all. */
  total: z.number().int(),
});
export type DataDiffPage = z.infer<typeof dataDiffPageOutput>;

export const dataDiffCloseInput = z.object({ diffId: z.string().min(1).max(100) }).strict();
export const dataDiffCloseOutput = z.object({ closed: z.boolean() });

export const dataDiffContract = {
  'dataDiff.start': { input: dataDiffStartInput, output: dataDiffSummary },
  'dataDiff.page': { input: dataDiffPageInput, output: dataDiffPageOutput },
  'dataDiff.close': { input: dataDiffCloseInput, output: dataDiffCloseOutput },
} as const;
