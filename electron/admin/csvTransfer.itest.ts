import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { exportCsvStartInput, importCsvInput } from '../../shared/contract/tableData';
import { EMBEDDED_BRANCH } from '../../shared/contract/location';
import { CsvExports } from './csvExport';
import { importCsv } from './csvImport';

const SETUP = `
CREATE TABLE awkward (id int PRIMARY KEY, "a,b" text, "say ""hi""" text, n numeric, at timestamptz, tags text[], doc jsonb);
INSERT INTO awkward VALUES
  (1, 'C:\\temp\\x', 'line one
line two', 1.50, '2024-01-02 03:04:05+00', '{a,"b c"}', '{"k": "v\\\\w"}'),
  (2, '', NULL, NULL, NULL, '{}', 'null'),
  (3, NULL, 'quote " and comma ,', -0.001, '2024-12-31 23:59:59+00', NULL, '[1, "two"]'),
  (4, 'ça va ✓', '\\N', 1e20, NULL, '{NULL}', '{}');
CREATE TABLE copy_of (LIKE awkward);
CREATE TABLE typed (id int PRIMARY KEY, born date NOT NULL);
`;

let pool: pg.Pool;
const AT = { kind: 'local', branch: EMBEDDED_BRANCH, database: 'pier_csv' } as const;
beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await createTestDatabase(inject('postgresUrl'), 'pier_csv', SETUP), max: 3 });
});
afterAll(async () => {
  await pool.end();
});

const exports = () => new CsvExports((_at, fn) => fn(pool));
async function exportAll(
  table: string,
  columns: string[] = [],
  order: { column: string; descending: boolean }[] = [],
  filters?: unknown[],
): Promise<string> {
  const e = exports();
  const { exportId } = await e.start(
    exportCsvStartInput.parse({ at: AT, viewAs: { kind: 'admin' }, schema: 'public', table, columns, order, ...(filters && { filters }) }),
  );
  let text = '';
  for (;;) {
    const r = await e.next(exportId);
    text += r.chunk;
    if (r.done) return text;
  }
}
const importInto = (table: string, csv: string, commit: boolean) =>
  importCsv(pool, importCsvInput.parse({ at: AT, viewAs: { kind: 'admin' }, schema: 'public', table, csv, commit }));
const rows = async (table: string) => (await pool.query(`SELECT * FROM ${table} ORDER BY id`)).rows;

describe('CSV through COPY', () => {
  it('exports any value and any column name as Postgres writes them', async () => {
    const csv = await exportAll('awkward', ['id', 'a,b'], [{ column: 'id', descending: true }]);
    expect(csv).toBe('id,"a,b"\n4,ça va ✓\n3,\n2,""\n1,C:\\temp\\x\n');
  });

  it('exports only the rows the view’s filters keep, with values that could break out of a literal', async () => {
    const eq = (column: string, value: string, negated = false) => ({ kind: 'condition', column, negated, operator: 'eq', value });
    // A value with quotes and a backslash matches itself only: it is a literal, not SQL.
    expect(await exportAll('awkward', ['id'], [], [eq('a,b', 'C:\\temp\\x')])).toBe('id\n1\n');
    expect(await exportAll('awkward', ['id'], [], [eq('a,b', "x' OR '1'='1")])).toBe('id\n');
    expect(await exportAll('awkward', ['id'], [{ column: 'id', descending: false }], [eq('id', '2', true)])).toBe('id\n1\n3\n4\n');
    const or = {
      kind: 'or',
      negated: false,
      children: [
        { kind: 'condition', column: 'say "hi"', negated: false, operator: 'like', value: '*comma*' },
        { kind: 'condition', column: 'a,b', negated: false, operator: 'is', value: 'null' },
        { kind: 'condition', column: 'a,b', negated: false, operator: 'in', value: ['ça va ✓', "x') OR ('1'='1"] },
      ],
    };
    expect(await exportAll('awkward', ['id'], [{ column: 'id', descending: false }], [or])).toBe('id\n3\n4\n');
    expect(
      await exportAll(
        'awkward',
        ['id'],
        [],
        [{ kind: 'condition', column: 'n', negated: false, operator: 'gt', value: '1' }, eq('id', '4')],
      ),
    ).toBe('id\n4\n');
  });

  it('refuses a filter it cannot apply, by name, and runs nothing', async () => {
    await expect(
      exportAll('awkward', ['id'], [], [{ kind: 'condition', column: 'nope', negated: false, operator: 'eq', value: '1' }]),
    ).rejects.toMatchObject({ message: expect.stringContaining('"nope"') });
    await expect(
      exportAll('awkward', ['id'], [], [{ kind: 'condition', column: 'id', negated: false, operator: 'is', value: 'maybe' }]),
    ).rejects.toMatchObject({ message: expect.stringContaining('"maybe"') });
    expect(() =>
      exportCsvStartInput.parse({
        at: AT,
        viewAs: { kind: 'admin' },
        schema: 'public',
        table: 'awkward',
        columns: [],
        order: [],
        filters: [{ kind: 'condition', column: 'id', negated: false, operator: 'fts', value: 'x' }],
      }),
    ).toThrow();
  });

  it('round-trips: what it exports imports back into the same rows', async () => {
    const csv = await exportAll('awkward');
    const preview = await importInto('copy_of', csv, false);
    expect(preview).toMatchObject({ rows: 4, failed: 0, errors: [], committed: false });
    expect(preview.columns).toEqual(['id', 'a,b', 'say "hi"', 'n', 'at', 'tags', 'doc']);
    expect(preview.sample[1]).toEqual(['2', '', null, null, null, '{}', 'null']);
    expect(await rows('copy_of')).toEqual([]);
    expect(await importInto('copy_of', csv, true)).toMatchObject({ committed: true, failed: 0 });
    expect(await rows('copy_of')).toEqual(await rows('awkward'));
  });

  it('a large table comes out in several pulls, in order', async () => {
    await pool.query(`CREATE TABLE big AS SELECT g AS id, repeat('x', 100) AS pad FROM generate_series(1, 20000) g`);
    const csv = await exportAll('big', [], [{ column: 'id', descending: false }]);
    const lines = csv.trimEnd().split('\n');
    expect(lines.length).toBe(20001);
    expect(lines[20000]).toBe(`20000,${'x'.repeat(100)}`);
  });

  it('an import with bad rows names each line and imports nothing', async () => {
    const r = await importInto('typed', 'id,born\n1,2024-01-02\n2,not a date\n3,\n1,2024-05-05\n4,2024-02-30,extra\n', true);
    expect(r.committed).toBe(false);
    expect(r.failed).toBe(4);
    expect(r.errors.map((e) => e.line)).toEqual([3, 4, 5, 6]);
    expect(r.errors[0]?.message).toMatch(/invalid input syntax for type date/);
    expect(r.errors[1]?.message).toMatch(/null value in column "born"/);
    expect(r.errors[2]?.message).toMatch(/duplicate key/);
    expect(r.errors[3]?.message).toMatch(/3 values for 2 columns/);
    expect(await rows('typed')).toEqual([]);
  });

  it('refuses a column the table does not have, by name, and a table that is not there', async () => {
    await expect(importInto('typed', 'id,nope\n1,x\n', false)).rejects.toThrow(/no column "nope"/);
    await expect(exportAll('nothere')).rejects.toThrow(/not found/);
  });

  it('a cancelled export lets its connection go', async () => {
    const e = exports();
    const { exportId } = await e.start(
      exportCsvStartInput.parse({ at: AT, viewAs: { kind: 'admin' }, schema: 'public', table: 'big', columns: [], order: [] }),
    );
    await e.next(exportId);
    e.cancel(exportId);
    await expect(async () => e.next(exportId)).rejects.toThrow(/over/);
    // The pool (max 3) still serves queries: the cancelled COPY's connection was returned or closed.
    await Promise.all([1, 2, 3].map(() => pool.query('SELECT 1')));
  });
});
