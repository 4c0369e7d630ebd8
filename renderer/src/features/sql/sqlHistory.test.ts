import { describe, expect, it } from 'vitest';
import { addToHistory, parseHistory } from './sqlHistory';

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
