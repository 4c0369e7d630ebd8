import { text } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../../test/postgres';
import { contract, type InputOf } from '../../../shared/contract/contract';
import { EMBEDDED_BRANCH, type Location } from '../../../shared/contract/location';
import type { SqlRunOutput } from '../../../shared/contract/sql';
import { createAdminHandlers, type AdminHandlers } from '../createAdminHandlers';
import { SqlRunner } from '../SqlRunner';
import { SqlExports } from './SqlExports';

const ID = 'user@example.com';
const AT: Location = { kind: 'local', branch: EMBEDDED_BRANCH, database: 'pier_sql_editor' };
const SETUP = `
CREATE TABLE big AS SELECT g AS id, 'row ' || g AS label FROM generate_series(1, 10000) g;
CREATE TABLE tasks (id int PRIMARY KEY, title text);
INSERT INTO tasks VALUES (1, 'one'), (2, 'two');
CREATE TABLE odd ("a,b" text, "x""y" text, "ça va" text, n numeric, j jsonb, t timestamptz);
INSERT INTO odd VALUES
  (E'C:\\\\temp\\\\x', 'say "hi"', E'two\\nlines', 1.50, '{"k": [1, "two"]}', '2026-01-02 03:04:05+00'),
  ('', NULL, ',;''', -0.001, 'null', NULL);
GRANT SELECT ON big, tasks, odd TO "${ID}";
`;

let pool: pg.Pool;
let runner: SqlRunner;
let h: AdminHandlers;
let protection: boolean | null = false;
let exports: SqlExports;

const call = <C extends keyof AdminHandlers>(channel: C, input: Omit<InputOf<C>, 'at'>) =>
  h[channel](
    contract[channel].input.parse(channel === 'sql.run' || channel === 'sql.export' ? { ...input, at: AT } : input) as never,
  ) as ReturnType<AdminHandlers[C]>;
const run = (sql: string, extra: Partial<InputOf<'sql.run'>> = {}): Promise<SqlRunOutput> =>
  call('sql.run', { runId: `r${Math.random()}`, sql, viewAs: { kind: 'admin' }, ...extra });
const ok = (r: SqlRunOutput) => {
  if (r.kind !== 'ok') throw new Error(JSON.stringify(r));
  return r;
};

/** Backends of the test database inside a transaction: each open result holds one. */
async function openTransactions(): Promise<number> {
  const r = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()`,
  );
  return r.rows[0]!.n;
}

beforeAll(async () => {
  const url = await createTestDatabase(inject('postgresUrl'), AT.database, SETUP);
  pool = new pg.Pool({ connectionString: url, max: 8 });
  // Idle closing after 3 s: long enough that a busy machine's slow steps do not count as idle.
  runner = new SqlRunner({ maxOpen: 2, idleCloseMs: 3000 });
  exports = new SqlExports('http://127.0.0.1:1', (_at, fn) => fn(pool));
  h = createAdminHandlers(
    { withAdminPool: (_at, fn) => fn(pool), schemaChanged: async () => undefined, reloadSchema: async () => undefined },
    { branchProtection: async () => protection, runner, exports },
  );
});
afterAll(async () => {
  await runner.dispose();
  await pool.end();
});

describe('results through a cursor', () => {
  it('sends the first page, keeps the rest in Postgres, and fetches more on demand', async () => {
    const r = ok(await run('SELECT id, label FROM big ORDER BY id', { pageSize: 100 }));
    expect(r.transaction).toBe('open');
    const [set] = r.results;
    expect(set).toMatchObject({
      command: 'SELECT',
      rowCount: null,
      more: true,
      columns: [{ name: 'id' }, { name: 'label', type: 'text' }],
    });
    expect(set!.rows).toHaveLength(100);
    expect(set!.rows[99]).toEqual(['100', 'row 100']);
    expect(await openTransactions()).toBe(1);
    const next = await call('sql.fetch', { resultId: set!.resultId!, count: 5000 });
    expect(next).toMatchObject({ kind: 'rows', more: true, rowCount: null });
    if (next.kind === 'rows') expect(next.rows[0]).toEqual(['101', 'row 101']);
    const rest = await call('sql.fetch', { resultId: set!.resultId!, count: 5000 });
    expect(rest).toMatchObject({ kind: 'rows', more: false, rowCount: 10000 });
    // Complete: the cursor and its transaction are gone.
    expect(await openTransactions()).toBe(0);
    expect(await call('sql.fetch', { resultId: set!.resultId!, count: 10 })).toMatchObject({ kind: 'closed' });
  });

  it('computes only the rows it sends: an error past the first page comes only when those rows are fetched', async () => {
    const r = ok(await run('SELECT 1 / (500 - g) AS x FROM generate_series(1, 1000) g', { pageSize: 100 }));
    const id = r.results[0]!.resultId!;
    expect(await call('sql.fetch', { resultId: id, count: 300 })).toMatchObject({ kind: 'rows', more: true });
    expect(await call('sql.fetch', { resultId: id, count: 300 })).toMatchObject({ kind: 'error', code: '22012' });
    expect(await openTransactions()).toBe(0);
  });

  it('closes on request, on cancel, when idle, and when too many are open', async () => {
    const a = ok(await run('SELECT * FROM big', { pageSize: 10 })).results[0]!.resultId!;
    expect(await call('sql.close', { resultId: a })).toEqual({ closed: true });
    expect(await call('sql.fetch', { resultId: a, count: 10 })).toMatchObject({ kind: 'closed' });

    const b = ok(await run('SELECT * FROM big', { pageSize: 10, runId: 'to-cancel' })).results[0]!.resultId!;
    expect(await call('sql.cancel', { runId: 'to-cancel' })).toEqual({ cancelled: true });
    expect(await call('sql.fetch', { resultId: b, count: 10 })).toMatchObject({
      kind: 'closed',
      message: expect.stringMatching(/cancelled/),
    });

    // The cap is 2: a third result closes the least recently used.
    const first = ok(await run('SELECT * FROM big', { pageSize: 10 })).results[0]!.resultId!;
    const second = ok(await run('SELECT * FROM big', { pageSize: 10 })).results[0]!.resultId!;
    const third = ok(await run('SELECT * FROM big', { pageSize: 10 })).results[0]!.resultId!;
    await new Promise((r) => setTimeout(r, 50));
    expect(await call('sql.fetch', { resultId: first, count: 1 })).toMatchObject({
      kind: 'closed',
      message: expect.stringMatching(/room/),
    });
    expect(await openTransactions()).toBe(2);
    // Idle for longer than 3 s: closed by Pier (its sweep runs every 750 ms).
    await expect.poll(openTransactions, { timeout: 10_000, interval: 250 }).toBe(0);
    expect(await call('sql.fetch', { resultId: second, count: 1 })).toMatchObject({
      kind: 'closed',
      message: expect.stringMatching(/nobody read from it for 3 s/),
    });
    expect(await call('sql.fetch', { resultId: third, count: 1 })).toMatchObject({ kind: 'closed' });
    expect(await openTransactions()).toBe(0);
  });

  it('a run that writes commits at once: each result sends its first page, none stays open', async () => {
    try {
      const r = ok(await run("INSERT INTO tasks VALUES (3, 'three'); SELECT * FROM big", { pageSize: 10 }));
      expect(r.transaction).toBe('committed');
      expect(r.results.map((s) => [s.command, s.rowCount, s.more, s.resultId])).toEqual([
        ['INSERT', 1, false, null],
        ['SELECT', null, true, null],
      ]);
      expect(await openTransactions()).toBe(0);
      expect((await pool.query('SELECT title FROM tasks WHERE id = 3')).rows).toEqual([{ title: 'three' }]);
    } finally {
      await pool.query('DELETE FROM tasks WHERE id = 3');
    }
  });

  it('a small result is complete and closed at once; an identity reads through its own grants', async () => {
    const r = ok(await run('SELECT id, title FROM tasks ORDER BY id', { viewAs: { kind: 'identity', role: ID } }));
    expect(r).toMatchObject({
      transaction: 'committed',
      results: [
        {
          rowCount: 2,
          more: false,
          resultId: null,
          rows: [
            ['1', 'one'],
            ['2', 'two'],
          ],
        },
      ],
    });
  });

  it('maps positions into the script, for syntax errors found by the parser and for errors of the server', async () => {
    expect(await run('select 1;\nselect * fro tasks')).toMatchObject({
      kind: 'error',
      code: '42601',
      position: 'select 1;\nselect * '.length + 1,
    });
    expect(await run('select 1;\nselect nope from tasks')).toMatchObject({
      kind: 'error',
      code: '42703',
      position: 'select 1;\nselect '.length + 1,
    });
  });
});

describe('the destructive-statement guard, in main', () => {
  it('runs nothing destructive on a protected branch until the text is confirmed', async () => {
    protection = true;
    try {
      await pool.query('CREATE TABLE doomed (id int)');
      for (const sql of [
        'DROP TABLE doomed',
        'do $$ begin drop table doomed; end $$',
        'with d as (delete from doomed returning *) select * from d',
      ]) {
        const asked = await run(sql);
        expect(asked).toMatchObject({ kind: 'confirm', protectedBranch: true });
        expect((await pool.query(`SELECT to_regclass('doomed') AS t`)).rows[0].t).toBe('doomed');
      }
      const asked = await run('DROP TABLE doomed');
      if (asked.kind !== 'confirm') throw new Error('expected a question');
      // A confirmation is for its own text only.
      expect((await run('DROP TABLE tasks', { confirmation: asked.confirmation })).kind).toBe('confirm');
      expect(ok(await run('DROP TABLE doomed', { confirmation: asked.confirmation })).results[0]!.command).toBe('DROP');
      protection = null;
      expect((await run('TRUNCATE tasks')).kind).toBe('confirm');
      protection = false;
      expect(ok(await run('CREATE TABLE doomed (id int); DROP TABLE doomed')).results).toHaveLength(2);
    } finally {
      protection = false;
      await pool.query('DROP TABLE IF EXISTS doomed');
    }
  });
});

describe('analysis and completion catalog', () => {
  it('splits with the server grammar', async () => {
    const a = await h['sql.analyze']({ sql: "select E'\\';'; /* a /* b; */ c; */ select 2" });
    expect(a).toMatchObject({ kind: 'ok', statements: [{ kind: 'read' }, { kind: 'read' }] });
  });
  it('lists relations with their columns', async () => {
    const c = await h['sql.catalog']({ at: AT });
    expect(c.relations.find((r) => r.name === 'tasks')).toEqual({
      schema: 'public',
      name: 'tasks',
      kind: 'r',
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'title', type: 'text' },
      ],
    });
  });
});

describe('export', () => {
  const download = async (sql: string, format: 'csv' | 'json', viewAs: InputOf<'sql.export'>['viewAs'] = { kind: 'admin' }) => {
    const { url } = await call('sql.export', { sql, format, viewAs });
    const ticket = url.split('/').pop()!;
    const d = exports.open(ticket)!;
    expect(exports.open(ticket)).toBeNull();
    return text(d.body);
  };

  it('CSV round-trips any value and any column name through Postgres COPY', async () => {
    const csv = await download('SELECT * FROM odd -- all of it', 'csv');
    expect(csv.split('\n')[0]).toBe('"a,b","x""y",ça va,n,j,t');
    expect(csv).toContain('C:\\temp\\x');
    // Read back by Postgres itself: every value, NULL and '' included, is what was exported.
    const c = await pool.connect();
    try {
      await c.query('CREATE TEMP TABLE back (LIKE odd)');
      await pipeline(Readable.from([csv]), c.query(copyFrom('COPY back FROM STDIN (FORMAT csv, HEADER)')));
      const diff = await c.query('(SELECT * FROM odd EXCEPT SELECT * FROM back) UNION ALL (SELECT * FROM back EXCEPT SELECT * FROM odd)');
      expect(diff.rows).toEqual([]);
      expect((await c.query('SELECT count(*)::int AS n FROM back WHERE "x""y" IS NULL')).rows[0].n).toBe(1);
    } finally {
      c.release();
    }
  });

  it('JSON keeps types and names', async () => {
    const rows = JSON.parse(await download('SELECT * FROM odd ORDER BY n DESC', 'json')) as Record<string, unknown>[];
    expect(rows[0]).toEqual({
      'a,b': 'C:\\temp\\x',
      'x"y': 'say "hi"',
      'ça va': 'two\nlines',
      n: 1.5,
      j: { k: [1, 'two'] },
      t: '2026-01-02T03:04:05+00:00',
    });
    expect(rows[1]).toMatchObject({ 'a,b': '', 'x"y': null, j: null });
    expect(JSON.parse(await download('SELECT id FROM big WHERE id > 9998', 'json'))).toEqual([{ id: 9999 }, { id: 10000 }]);
  });

  it('exports one reading statement only, as the identity chosen', async () => {
    await expect(call('sql.export', { sql: 'select 1; select 2', format: 'csv', viewAs: { kind: 'admin' } })).rejects.toThrow(
      /one statement/,
    );
    await expect(call('sql.export', { sql: 'delete from tasks returning *', format: 'csv', viewAs: { kind: 'admin' } })).rejects.toThrow(
      /reading SELECT/,
    );
    expect(await download('SELECT current_user', 'csv', { kind: 'identity', role: ID })).toBe(`current_user\n${ID}\n`);
  });
});
