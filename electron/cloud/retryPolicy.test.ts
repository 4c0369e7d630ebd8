import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, parseRetryAfter } from './retryPolicy';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each<[string | null, number | undefined]>([
    ['0', 0],
    ['3', 3000],
    [' 12 ', 12000],
    ['Thu, 01 Jan 2026 00:00:05 GMT', 5000],
    ['Wed, 31 Dec 2025 23:00:00 GMT', 0],
    ['-1', undefined],
    ['soon', undefined],
    [null, undefined],
  ])('%j → %j ms', (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });
});

describe('backoffDelayMs', () => {
  it.each<[number, number | undefined, number, number]>([
    [1, undefined, 0, 1050],
    [1, undefined, 1, 1750],
    [3, undefined, 0, 3050],
    [50, undefined, 0, 10050],
    [2, 7000, 0.5, 7000],
  ])('attempt %i, Retry-After %j, random %f → %i ms', (attempt, retryAfter, random, ms) => {
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, attempt, retryAfter, () => random)).toBe(ms);
  });
});
