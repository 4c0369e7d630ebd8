import { z } from 'zod';

/**
 * What the PostgreSQL parser (libpg-query, run in main by `sql.analyze`) says about a script: its
 * statements, where each lies in the text, what kind it is, and whether it destroys data. The
 * editor uses it to run the statement at the cursor and to ask before destructive statements;
 * main uses the same analysis to enforce the guard and to run statements one by one.
 */

/**
 * `read`: returns rows and changes nothing a rollback would not undo (SELECT, VALUES, SHOW,
 * EXPLAIN without ANALYZE); `write`: changes rows (INSERT, UPDATE, DELETE, MERGE, COPY, CALL, DO);
 * `schema`: DDL and privileges; `transaction`: BEGIN, COMMIT, SAVEPOINT…; `session`: SET, RESET, DISCARD.
 */
export const STATEMENT_KINDS = ['read', 'write', 'schema', 'transaction', 'session', 'other'] as const;
export const statementKind = z.enum(STATEMENT_KINDS);
export type StatementKind = z.infer<typeof statementKind>;

export const sqlStatementInfo = z.object({
  /** Offsets into the analyzed text (UTF-16 code units, as JavaScript strings count): the first token to the last, without the semicolon. */
  start: z.number().int(),
  end: z.number().int(),
  /** The parser's node name in words, e.g. "SELECT", "DELETE", "DROP", "CREATE FUNCTION". */
  command: z.string(),
  kind: statementKind,
  /** Why it destroys data or objects (e.g. "DELETE without WHERE on clients"); empty when it does not. */
  destructive: z.array(z.string()),
  /** Why it would step out of a run as an identity (transaction control, a role switch); null when it does not. */
  escapesIdentity: z.string().nullable(),
});
export type SqlStatementInfo = z.infer<typeof sqlStatementInfo>;

export const sqlAnalysis = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ok'), statements: z.array(sqlStatementInfo) }),
  z.object({
    kind: z.literal('syntaxError'),
    message: z.string(),
    /** 1-based character position in the text, as Postgres reports positions. */
    position: z.number().int().nullable(),
  }),
]);
export type SqlAnalysis = z.infer<typeof sqlAnalysis>;

/** The statement containing `offset` (or the one just before it), else the last one. */
export function statementAtOffset<S extends { start: number; end: number }>(statements: readonly S[], offset: number): S | undefined {
  let before: S | undefined;
  for (const s of statements) {
    if (offset >= s.start && offset <= s.end + 1) return s;
    if (s.end < offset) before = s;
  }
  return before ?? statements[0];
}
