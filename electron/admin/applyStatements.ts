import type pg from 'pg';
import type { ApplyOutput } from '../../shared/contract/admin';

/** SQLSTATE warnings of a GRANT / REVOKE that changed nothing (or not everything). */
const PRIVILEGE_NOT_GRANTED = '01007';
const PRIVILEGE_NOT_REVOKED = '01006';
/** What a server notice carries that matters here. */
interface Notice {
  readonly code?: string | undefined;
  readonly message?: string | undefined;
}

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
  // GRANT/REVOKE without the grant option only warn and change nothing: treat that as a refusal.
  let ungranted: Notice | undefined;
  const onNotice = (n: Notice) => {
    if (n.code === PRIVILEGE_NOT_GRANTED || n.code === PRIVILEGE_NOT_REVOKED) ungranted ??= n;
  };
  client.on('notice', onNotice);
  try {
    await client.query('BEGIN');
    for (index = 0; index < statements.length; index++) {
      await runOne(client, statements[index]!);
      if (ungranted) {
        const who = (await client.query<{ u: string }>('SELECT current_user AS u')).rows[0]?.u ?? 'this login';
        throw Object.assign(new Error(ungranted.message ?? 'Nothing was granted or revoked.'), {
          code: ungranted.code,
          hint: `Only the object's owner, or a role holding the privilege WITH GRANT OPTION, may grant or revoke it; "${who}" is neither. Nothing was changed.`,
        });
      }
    }
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
    client.off('notice', onNotice);
    client.release();
  }
}
