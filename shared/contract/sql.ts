import { z } from 'zod';
import { location } from './location';
import { onBranch } from './admin';
import { viewAs } from './dataApi';
import { sqlAnalysis } from './sqlStatements';

/** Chosen by the renderer so it can cancel the run while it is in flight. */
const runId = z.string().min(1).max(100);
/** Names a result whose rows are still in Postgres, behind a cursor (main chooses it; unguessable). */
const resultId = z.string().min(1).max(100);
/**
 * The editor's text limit: main parses every run with PostgreSQL's parser, which takes a few
 * milliseconds per kilobyte of its event loop (a quarter of a megabyte: about a second).
 */
export const SQL_TEXT_LIMIT = 256 * 1024;
const sqlText = z.string().min(1).max(SQL_TEXT_LIMIT);

export const SQL_RUN_MODES = ['run', 'explain', 'explainAnalyze'] as const;
export const sqlRunMode = z.enum(SQL_RUN_MODES);
export type SqlRunMode = z.infer<typeof sqlRunMode>;

export const sqlRunInput = z
  .object({
    runId,
    sql: sqlText,
    /** As the admin, or as an identity (SET ROLE inside the run's transaction). */
    viewAs,
    mode: sqlRunMode.default('run'),
    /** Rows sent with each result; the rest stay in Postgres until fetched (`sql.fetch`). */
    pageSize: z.number().int().min(1).max(5000).default(200),
    /** The `confirmation` of an earlier `confirm` answer for this text: the user agreed to run its destructive statements. */
    confirmation: z.string().max(200).optional(),
    /** Where it runs: on a cloud workspace's branch as the signed-in identity, as for the admin channels. */
    ...onBranch,
  })
  .strict();
export type SqlRunInput = z.input<typeof sqlRunInput>;

export const sqlColumn = z.object({ name: z.string(), type: z.string() });
export const sqlResultSet = z.object({
  /** e.g. SELECT, INSERT, UPDATE, CREATE. */
  command: z.string(),
  /** The statement it came from: offsets into the SQL sent. */
  statement: z.object({ start: z.number().int(), end: z.number().int() }),
  /** Rows affected or returned; null while more rows may be in Postgres. */
  rowCount: z.number().int().nullable(),
  columns: z.array(sqlColumn),
  /** Values as Postgres renders them as text (null stays null). */
  rows: z.array(z.array(z.string().nullable())),
  /** Postgres may hold more rows than were sent. */
  more: z.boolean(),
  /** Set when those rows can be fetched (`sql.fetch`): the run's last result, when every statement only read. */
  resultId: resultId.nullable(),
});
export type SqlResultSet = z.infer<typeof sqlResultSet>;

const sqlError = {
  code: z.string().nullable(),
  message: z.string(),
  detail: z.string().nullable(),
  hint: z.string().nullable(),
  /** 1-based character position in the SQL sent, when Postgres gives one. */
  position: z.number().int().nullable(),
  cancelled: z.boolean(),
};

export const sqlRunOutput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('ok'),
    results: z.array(sqlResultSet),
    durationMs: z.number(),
    plan: z.unknown().nullable(),
    /**
     * `committed`: the run's transaction is over. `open`: every statement only read, and the last
     * result's cursor keeps the transaction open until it is closed (`sql.close`, a new run, the
     * tab closing, or a few idle minutes).
     */
    transaction: z.enum(['committed', 'open']),
    /** The script changed the schema (even where its tags do not say so, e.g. CREATE TABLE … AS answers SELECT). */
    schemaChanged: z.boolean().optional(),
  }),
  /** The statement failed; everything it did was rolled back. */
  z.object({ kind: z.literal('error'), ...sqlError, durationMs: z.number() }),
  /**
   * Nothing ran: the text destroys data or objects and the branch is protected (or its protection
   * could not be told). Run again with `confirmation` to go ahead.
   */
  z.object({
    kind: z.literal('confirm'),
    protectedBranch: z.boolean().nullable(),
    statements: z.array(z.object({ start: z.number().int(), end: z.number().int(), reasons: z.array(z.string()) })),
    confirmation: z.string(),
  }),
]);
export type SqlRunOutput = z.infer<typeof sqlRunOutput>;

export const sqlCancelInput = z.object({ runId }).strict();
export const sqlCancelOutput = z.object({ cancelled: z.boolean() });

/** More rows of an open result. */
export const sqlFetchInput = z.object({ resultId, count: z.number().int().min(1).max(5000) }).strict();
export const sqlFetchOutput = z.discriminatedUnion('kind', [
  /** `more` false: the result is complete (and closed); `rowCount` is then its total. */
  z.object({
    kind: z.literal('rows'),
    rows: z.array(z.array(z.string().nullable())),
    more: z.boolean(),
    rowCount: z.number().int().nullable(),
  }),
  z.object({ kind: z.literal('error'), ...sqlError }),
  /** The cursor is gone: closed as idle, to make room for another, or by a new run. */
  z.object({ kind: z.literal('closed'), message: z.string() }),
]);
export type SqlFetchOutput = z.infer<typeof sqlFetchOutput>;

export const sqlCloseInput = z.object({ resultId }).strict();
export const sqlCloseOutput = z.object({ closed: z.boolean() });

/** Splits and classifies SQL with PostgreSQL's parser (in main). */
export const sqlAnalyzeInput = z.object({ sql: z.string().max(SQL_TEXT_LIMIT) }).strict();
export const sqlAnalyzeOutput = sqlAnalysis;

export const SQL_EXPORT_FORMATS = ['csv', 'json'] as const;
export const sqlExportFormat = z.enum(SQL_EXPORT_FORMATS);
export type SqlExportFormat = z.infer<typeof sqlExportFormat>;

/**
 * The whole result of one reading statement, written to a file as it streams out of Postgres: CSV
 * through `COPY (…) TO STDOUT (FORMAT csv, HEADER)`, JSON as an array of row objects.
 */
export const sqlExportInput = z.object({ sql: sqlText, viewAs, format: sqlExportFormat, ...onBranch }).strict();
export const sqlExportOutput = z.object({
  /** A one-time download address on Pier's loopback server, valid for a minute. */
  url: z.string(),
  fileName: z.string(),
});
export type SqlExportOutput = z.infer<typeof sqlExportOutput>;

/** Every relation's columns, for completion (relations after FROM, an alias's columns after `alias.`). */
export const sqlCatalogInput = z.object({ at: location }).strict();
export const sqlCatalogOutput = z.object({
  relations: z.array(z.object({ schema: z.string(), name: z.string(), kind: z.string(), columns: z.array(sqlColumn) })),
  functions: z.array(z.object({ schema: z.string(), name: z.string() })),
});
export type SqlCatalog = z.infer<typeof sqlCatalogOutput>;
