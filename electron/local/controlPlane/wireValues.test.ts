import { describe, expect, it } from 'vitest';
import { ApiFailure } from './apiFailure';
import { pageOf, parseDuration, parseTimestamp, queryBoolean } from './wireValues';

describe('parseDuration', () => {
  it.each([
    ['300s', 300],
    ['1.5s', 1.5],
    ['0s', 0],
    ['604800s', 604800],
    ['300', undefined],
    ['5m', undefined],
    ['-1s', undefined],
    [' 300s', undefined],
    [300, undefined],
  ])('%j → %j', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });
});

describe('parseTimestamp', () => {
  it.each(['2026-01-31T12:00:00Z', '2026-01-31T12:00:00.123456Z', '2026-01-31T12:00:00+02:00'])('accepts %s', (t) => {
    expect(parseTimestamp('f', t).getTime()).toBe(Date.parse(t));
  });
  it.each(['2026-01-31', 'yesterday', '2026-13-45T99:00:00Z', 12])('refuses %j naming the field', (t) => {
    expect(() => parseTimestamp('spec.expire_time', t)).toThrow(/spec\.expire_time/);
  });
});

describe('queryBoolean', () => {
  it.each([
    ['purge=true', true],
    ['purge=false', false],
    ['', false],
    ['purge=', false],
  ])('%j → %s', (q, v) => {
    expect(queryBoolean(new URLSearchParams(q), 'purge')).toBe(v);
  });
  it('refuses anything else', () => {
    expect(() => queryBoolean(new URLSearchParams('purge=yes'), 'purge')).toThrow(ApiFailure);
  });
});

describe('pageOf', () => {
  const items = Array.from({ length: 5 }, (_, i) => i);
  const page = (q: string, max = 100) => pageOf(items, new URLSearchParams(q), max);

  it('walks the list with opaque tokens until the token is absent', () => {
    const seen: number[] = [];
    let q = 'page_size=2';
    for (;;) {
      const { page: p, next } = page(q);
      seen.push(...p);
      if (!next) break;
      q = `page_size=2&page_token=${next}`;
    }
    expect(seen).toEqual(items);
  });

  it.each([
    ['', [0, 1, 2, 3, 4]],
    ['page_size=0', [0, 1, 2, 3, 4]],
    ['page_size=10', [0, 1, 2, 3, 4]],
  ])('%j returns %j', (q, expected) => {
    expect(page(q).page).toEqual(expected);
  });

  it.each(['page_size=-1', 'page_size=1.5', 'page_size=abc', 'page_size=101', 'page_token=bogus'])('refuses %j with 400', (q) => {
    expect(() => page(q)).toThrow(expect.objectContaining({ errorCode: 'INVALID_PARAMETER_VALUE', httpStatus: 400 }));
  });
});
