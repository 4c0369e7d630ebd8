import type pg from 'pg';
import type { ApplyOutput } from '../../shared/contract/admin';

/** The engine LISTENs on this channel; the notification is delivered when the transaction commits. */
export const RELOAD_SCHEMA_SQL = `NOTIFY pgrst, 'reload schema'`;

/**
 * Runs one statement with the extended protocol, which accepts exactly one statement: text built
 * around a user's expression cannot carry a second one.
 */
export function runOne(client: pg.ClientBase, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  return client.query({ text, values, queryMode: 'extended' } as pg.QueryConfig);
}

/**
 * Runs the statements the user was shown, in one transaction, then asks every Data API engine to
 * reload its schema cache. A failure rolls everything back and says which statement failed and why.
 */
export async function applyStatements(pool: pg.Pool, statements: readonly string[]): Promise<ApplyOutput> {
  const client = await pool.connect();
  let index = -1;
  try {
    await client.query('BEGIN');
    for (index = 0; index < statements.length; index++) await runOne(client, statements[index]!);
    await client.query(RELOAD_SCHEMA_SQL);
    await client.query('COMMIT');
    return { kind: 'applied', statements: [...statements] };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    const e = err as { message?: string; hint?: string; code?: string };
    if (!e.code) throw err;
    return {
      kind: 'failed',
      statements: [...statements],
      failedStatement: Math.max(0, Math.min(index, statements.length - 1)),
      message: e.message ?? 'PostgreSQL refused the change.',
      hint: e.hint ?? null,
    };
  } finally {
    client.release();
  }
}
