import { describe, expect, it } from 'vitest';
import { addToHistory, destructiveStatements, parseHistory, statementAt, statementRangeAt } from './sqlText';

describe('statementAt', () => {
  const sql = 'select 1;\nselect 2;\nselect 3';
  it.each([
    [0, 'select 1'],
    [12, 'select 2'],
    [sql.length, 'select 3'],
  ])('at %i is %s', (offset, out) => {
    expect(statementAt(sql, offset)).toBe(out);
  });
  it('knows where the statement starts', () => {
    expect(statementRangeAt(sql, 12)).toEqual({ text: 'select 2', start: 10 });
  });
});

describe('destructiveStatements', () => {
  it.each([
    ['drop table clients', true],
    ['TRUNCATE tasks', true],
    ['delete from clients', true],
    ['delete from clients where id = 1', false],
    ['update clients set name = 1', true],
    ['update clients set name = 1 where id = 2', false],
    ['alter table clients drop column phone', true],
    ['select * from clients -- drop table x', false],
    ["select 'drop table x'", false],
  ])('%s → %s', (sql, destructive) => {
    expect(destructiveStatements(sql).length > 0).toBe(destructive);
  });
});

describe('history', () => {
  const e = (sql: string) => ({ sql, at: '2026-01-01T00:00:00Z', as: 'admin', ok: true });
  it('puts the newest first and does not repeat', () => {
    expect(addToHistory([e('a'), e('b')], e('b')).map((h) => h.sql)).toEqual(['b', 'a']);
  });
  it('drops malformed storage', () => {
    expect(parseHistory('{"x":1}')).toEqual([]);
    expect(parseHistory('not json')).toEqual([]);
    expect(parseHistory(JSON.stringify([e('a'), { sql: 1 }]))).toEqual([e('a')]);
  });
});
