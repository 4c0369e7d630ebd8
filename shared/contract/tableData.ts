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

/**
 * CSV export through Postgres's own `COPY (…) TO STDOUT (FORMAT csv, HEADER)`, so any value and
 * any column name round-trips. Started once, then pulled chunk by chunk (the server holds at
 * most one chunk and Postgres's socket buffer, whatever the table's size); as `viewAs`.
 */
/** The comparisons a CSV export applies in its COPY (the view's plain filters); others are refused. */
export const CSV_FILTER_OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'in', 'is'] as const;
export type CsvFilter =
  | {
      readonly kind: 'condition';
      readonly column: string;
      readonly negated: boolean;
      readonly operator: (typeof CSV_FILTER_OPERATORS)[number];
      /** A list for `in`; `is` takes null, not_null, true, false or unknown; like/ilike use `*` as PostgREST does. */
      readonly value: string | readonly string[];
    }
  | { readonly kind: 'and' | 'or'; readonly negated: boolean; readonly children: readonly CsvFilter[] };
const csvText = z.string().max(100_000);
export const csvFilter: z.ZodType<CsvFilter> = z.lazy(() =>
  z.union([
    z
      .object({
        kind: z.literal('condition'),
        column: identifier,
        negated: z.boolean(),
        operator: z.enum(CSV_FILTER_OPERATORS),
        value: z.union([csvText, z.array(csvText).max(10_000)]),
      })
      .strict(),
    z.object({ kind: z.enum(['and', 'or']), negated: z.boolean(), children: z.array(csvFilter).max(100) }).strict(),
  ]),
);

export const exportCsvStartInput = z
  .object({
    at: location,
    viewAs,
    schema: identifier,
    table: identifier,
    /** Columns in order; empty: all of them. */
    columns: z.array(identifier).max(1600),
    /** The view's filters, all of which must hold (absent: every row). */
    filters: z.array(csvFilter).max(100).optional(),
    /** ORDER BY, by column; empty: the primary key's order (or none). */
    order: z.array(z.object({ column: identifier, descending: z.boolean(), nulls: z.enum(['first', 'last']).optional() }).strict()).max(32),
  })
  .strict();
export const exportCsvStartOutput = z.object({ exportId: z.string() });
export type ExportCsvStartInput = z.input<typeof exportCsvStartInput>;
export const exportCsvNextInput = z.object({ exportId: z.string().min(1).max(64) }).strict();
export const exportCsvNextOutput = z.object({
  chunk: z.string(),
  done: z.boolean(),
  /** Rows written, once done. */
  rows: z.number().int().nullable(),
});
export const exportCsvCancelInput = exportCsvNextInput;
export const exportCsvCancelOutput = z.object({});

/**
 * A CSV file into a table, in ONE transaction as `viewAs`: the header names the columns; each row
 * is inserted with its values as text, so Postgres checks every type; a failing row is reported
 * with its line and the rest still checked. `commit: false` previews (always rolled back);
 * `commit: true` commits only if no row failed. An unquoted empty field is NULL, `""` is ''.
 */
export const importCsvInput = z
  .object({
    at: location,
    viewAs,
    schema: identifier,
    table: identifier,
    // Under the HTTP transport's 10 MB body limit, JSON escaping included.
    csv: z.string().max(8 * 1024 * 1024),
    commit: z.boolean(),
  })
  .strict();
export const importCsvOutput = z.object({
  columns: z.array(z.string()),
  /** Data rows in the file. */
  rows: z.number().int(),
  /** The first rows as read (null: NULL), to show before importing. */
  sample: z.array(z.array(z.string().nullable())),
  /** Rows that failed, with the file's line number; at most 100 are listed. */
  errors: z.array(z.object({ line: z.number().int(), message: z.string() })),
  /** How many rows failed in all. */
  failed: z.number().int(),
  committed: z.boolean(),
});
export type ImportCsvOutput = z.infer<typeof importCsvOutput>;
