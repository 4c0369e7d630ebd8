import { z } from 'zod';
import { onBranch } from './admin';
import { viewAs } from './dataApi';

/** Chosen by the renderer so it can cancel the run while it is in flight. */
const runId = z.string().min(1).max(100);

export const SQL_RUN_MODES = ['run', 'explain', 'explainAnalyze'] as const;
export const sqlRunMode = z.enum(SQL_RUN_MODES);
export type SqlRunMode = z.infer<typeof sqlRunMode>;

export const sqlRunInput = z
  .object({
    runId,
    sql: z.string().min(1).max(1_000_000),
    /** As the admin, or as an identity (SET ROLE inside the run's transaction). */
    viewAs,
    mode: sqlRunMode.default('run'),
    /** Rows kept per result; the rest are counted, not sent. */
    rowLimit: z.number().int().min(1).max(10_000).default(1000),
    /** Where it runs: on a cloud workspace's branch as the signed-in identity, as for the admin channels. */
    ...onBranch,
  })
  .strict();
export type SqlRunInput = z.input<typeof sqlRunInput>;

export const sqlResultSet = z.object({
  /** e.g. SELECT, INSERT, UPDATE, CREATE. */
  command: z.string(),
  rowCount: z.number().int().nullable(),
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  /** Values as Postgres renders them as text (null stays null). */
  rows: z.array(z.array(z.string().nullable())),
  truncated: z.boolean(),
});
export type SqlResultSet = z.infer<typeof sqlResultSet>;

export const sqlRunOutput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ok'), results: z.array(sqlResultSet), durationMs: z.number(), plan: z.unknown().nullable() }),
  /** The statement failed; everything it did was rolled back. */
  z.object({
    kind: z.literal('error'),
    code: z.string().nullable(),
    message: z.string(),
    detail: z.string().nullable(),
    hint: z.string().nullable(),
    /** 1-based character position in the SQL sent, when Postgres gives one. */
    position: z.number().int().nullable(),
    cancelled: z.boolean(),
    durationMs: z.number(),
  }),
]);
export type SqlRunOutput = z.infer<typeof sqlRunOutput>;

export const sqlCancelInput = z.object({ runId }).strict();
export const sqlCancelOutput = z.object({ cancelled: z.boolean() });
