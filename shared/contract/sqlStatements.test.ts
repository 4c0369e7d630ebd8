import { describe, expect, it } from 'vitest';
import { escapesIdentity, splitStatements } from './sqlStatements';

const texts = (sql: string) => splitStatements(sql).map((r) => sql.slice(r.start, r.end).trim());

describe('splitStatements', () => {
  it.each([
    ['select 1; select 2', ['select 1', 'select 2']],
    ["select ';'; select 2;", ["select ';'", 'select 2']],
    ['select 1 -- ; not here\n; select 2', ['select 1 -- ; not here', 'select 2']],
    [
      'create function f() returns int as $$ select 1; $$ language sql; select f()',
      ['create function f() returns int as $$ select 1; $$ language sql', 'select f()'],
    ],
    ['select "a;b" from t', ['select "a;b" from t']],
    [';;  ;', []],
  ])('%s', (sql, out) => {
    expect(texts(sql)).toEqual(out);
  });
});

describe('escapesIdentity', () => {
  it.each([
    ['COMMIT', true],
    ['  -- done\nrollback', true],
    ['begin', true],
    ['RESET ROLE', true],
    ['set role postgres', true],
    ['SET LOCAL ROLE postgres', true],
    ['SET SESSION AUTHORIZATION postgres', true],
    ["select set_config('role', 'postgres', true)", true],
    ['SAVEPOINT a', true],
    ['DISCARD ALL', true],
    ['select * from clients', false],
    ["select 'commit'", false],
    ['update t set role = 1', false],
  ])('%s → %s', (sql, escapes) => {
    expect(escapesIdentity(sql)).toBe(escapes);
  });
});
