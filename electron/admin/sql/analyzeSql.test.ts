import { describe, expect, it } from 'vitest';
import { statementAtOffset } from '../../../shared/contract/sqlStatements';
import { analyzeSql } from './analyzeSql';

async function statements(sql: string) {
  const a = await analyzeSql(sql);
  if (a.kind !== 'ok') throw new Error(`${a.message} at ${a.position}`);
  return a.statements;
}
const texts = async (sql: string) => (await statements(sql)).map((s) => sql.slice(s.start, s.end));

describe('splitting, as the server reads the text', () => {
  it.each([
    ['select 1; select 2', ['select 1', 'select 2']],
    ["select ';'; select 2;", ["select ';'", 'select 2']],
    ['select 1 -- ; not here\n; select 2', ['select 1 -- ; not here', 'select 2']],
    [
      'create function f() returns int as $fn$ select 1; $fn$ language sql; select f()',
      ['create function f() returns int as $fn$ select 1; $fn$ language sql', 'select f()'],
    ],
    // A tag with a digit, and `$$` inside a tagged body: the hand-written splitter ended the body early.
    ['create function f() returns text as $fn1$ select $$a;b$$ $fn1$ language sql; select 2', null],
    ["select E'it\\'s; fine'; select 3", ["select E'it\\'s; fine'", 'select 3']],
    ["select 'it''s; fine'; select 3", ["select 'it''s; fine'", 'select 3']],
    ['/* outer /* inner ; */ still comment; */ select 4; select 5', ['select 4', 'select 5']],
    [
      'create function g() returns int language sql begin atomic select 1; select 2; end; select 6',
      ['create function g() returns int language sql begin atomic select 1; select 2; end', 'select 6'],
    ],
    ['select "a;b" from t', ['select "a;b" from t']],
    [';;  ;', []],
    ["select 'ça; va' as \"é\"; select 'ü'", ['select \'ça; va\' as "é"', "select 'ü'"]],
    ["select '😀;'; select 2", ["select '😀;'", 'select 2']],
  ])('%s', async (sql, out) => {
    const got = await texts(sql);
    if (out) expect(got).toEqual(out);
    else expect(got).toHaveLength(2);
  });

  it('reports a syntax error with its 1-based position', async () => {
    expect(await analyzeSql('select 1; select * from')).toEqual({
      kind: 'syntaxError',
      message: 'syntax error at end of input',
      position: 24,
    });
    // Positions count characters as JavaScript does, whatever the bytes.
    expect(await analyzeSql("select 'é' frm t")).toMatchObject({ kind: 'syntaxError', position: 16 });
    expect(await analyzeSql("select '😀' frm t")).toMatchObject({ kind: 'syntaxError', position: 17 });
  });

  it('finds the statement at the cursor', async () => {
    const sql = 'select 1;\nselect 2;\n\nselect 3';
    const s = await statements(sql);
    expect([0, 9, 12, 20, sql.length].map((o) => sql.slice(statementAtOffset(s, o)!.start, statementAtOffset(s, o)!.end))).toEqual([
      'select 1',
      'select 1',
      'select 2',
      'select 2',
      'select 3',
    ]);
  });
});

describe('the destructive-statement guard', () => {
  it.each([
    ['drop table clients', ['DROP TABLE clients']],
    ['drop table a, s.b cascade', ['DROP TABLE a, s.b']],
    ['TRUNCATE tasks', ['TRUNCATE tasks']],
    ['delete from clients', ['DELETE without WHERE on clients']],
    ['delete from clients where id = 1', []],
    ['update clients set name = 1', ['UPDATE without WHERE on clients']],
    ['update clients set name = 1 where id = 2', []],
    ['alter table clients drop column phone', ['DROP COLUMN phone']],
    ['alter table clients add column phone text', []],
    ['select * from clients -- drop table x', []],
    ["select 'drop table x'", []],
    ['/* drop table x; */ select 1', []],
    ['select $$drop table x$$', []],
    // A DELETE inside a CTE: the regex only looked at the statement's first word.
    ['with d as (delete from tasks returning *) select count(*) from d', ['DELETE without WHERE on tasks']],
    ['with d as (delete from tasks where id = 1 returning *) select * from d', []],
    // The WHERE belongs to a subquery, not to the DELETE: every row goes.
    ['delete from tasks using (select id from projects where id = 1) p', ['DELETE without WHERE on tasks']],
    ['with p as (select id from projects where id = 1) delete from tasks', ['DELETE without WHERE on tasks']],
    ['update tasks set title = (select name from projects where id = 1)', ['UPDATE without WHERE on tasks']],
    ['delete from tasks where project_id in (select id from projects where id = 1)', []],
    // A DROP inside DO runs now; inside a function body it is only defined.
    ['do $$ begin drop table tasks; end $$', ['DROP TABLE tasks']],
    ['do $do$ begin if true then delete from tasks; end if; end $do$', ['DELETE without WHERE on tasks']],
    ["do $$ begin execute 'drop table tasks'; end $$", ['DO block runs dynamic SQL (EXECUTE), which Pier cannot check']],
    ['do language plpython3u $$ x $$', ['DO block in plpython3u, which Pier cannot check']],
    ['create function f() returns void language plpgsql as $$ begin drop table tasks; end $$', []],
    ['create function f() returns void language sql begin atomic delete from tasks; end', []],
    ['explain delete from tasks', []],
    ['explain analyze delete from tasks', ['DELETE without WHERE on tasks']],
    ['merge into t using s on t.id = s.id when matched then delete', ['MERGE that deletes from t']],
    ['drop database x', ['DROP DATABASE x']],
    ['drop role x', ['DROP ROLE']],
  ])('%s', async (sql, destructive) => {
    expect((await statements(sql)).flatMap((s) => s.destructive)).toEqual(destructive);
  });
});

describe('classification', () => {
  it.each([
    ['select 1', 'read', 'SELECT'],
    ['values (1)', 'read', 'SELECT'],
    ['show search_path', 'read', 'SHOW'],
    ['explain select 1', 'read', 'EXPLAIN'],
    ['select * from t for update', 'write', 'SELECT'],
    ['with d as (delete from t returning *) select * from d', 'write', 'SELECT'],
    ['select 1 into t2', 'schema', 'SELECT'],
    ['insert into t values (1)', 'write', 'INSERT'],
    ['create table t (a int)', 'schema', 'CREATE'],
    ['drop view v', 'schema', 'DROP VIEW'],
    ['begin', 'transaction', 'BEGIN'],
    ['set search_path = x', 'session', 'SET'],
    ['vacuum t', 'other', 'VACUUM'],
  ])('%s is %s (%s)', async (sql, kind, command) => {
    expect((await statements(sql))[0]).toMatchObject({ kind, command });
  });
});

describe('stepping out of an identity run', () => {
  it.each([
    ['COMMIT', true],
    ['  -- done\nrollback', true],
    ['begin', true],
    ['RESET ROLE', true],
    ['reset all', true],
    ['set role postgres', true],
    ['SET LOCAL ROLE postgres', true],
    ['SET SESSION AUTHORIZATION postgres', true],
    ["select set_config('role', 'postgres', true)", true],
    ["select set_config('ROLE', 'postgres', true)", true],
    ["select pg_catalog.set_config($$role$$, 'postgres', true)", true],
    ["select set_config('search_path', 'x', true)", false],
    ["select set_config(current_setting('x'), 'postgres', true)", true],
    ['SAVEPOINT a', true],
    ['DISCARD ALL', true],
    ['do $$ begin reset role; end $$', true],
    ["do $$ begin perform set_config('role', 'postgres', true); end $$", true],
    ["do $$ begin execute 'select 1'; end $$", true],
    ['select * from clients', false],
    ["select 'commit'", false],
    ['update t set role = 1 where id = 2', false],
    ['set search_path = public', false],
  ])('%s → %s', async (sql, escapes) => {
    expect((await statements(sql)).some((s) => s.escapesIdentity !== null)).toBe(escapes);
  });
});
