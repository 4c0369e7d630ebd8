import { describe, expect, it } from 'vitest';
import { formatExpiry, formatRowEstimate, formatSize } from './treeFormat';

describe('formatRowEstimate', () => {
  it.each([
    [-1, null],
    [0, '0'],
    [3, '3'],
    [999, '999'],
    [1000, '1k'],
    [1250, '1.3k'],
    [250_000, '250k'],
    [1_000_000, '1M'],
    [12_345_678, '12.3M'],
    [2_500_000_000, '2.5B'],
  ])('%d → %s', (n, want) => {
    expect(formatRowEstimate(n)).toBe(want);
  });
});

describe('formatExpiry', () => {
  const now = Date.parse('2026-11-21T12:00:00Z');
  it.each([
    ['2026-11-21T11:00:00Z', 'expired'],
    ['2026-11-21T12:20:00Z', 'expires in 20 min'],
    ['2026-11-21T15:00:00Z', 'expires in 3 h'],
    ['2026-11-28T12:00:00Z', 'expires in 7 d'],
    ['not a time', null],
  ])('%s → %s', (at, want) => expect(formatExpiry(at, now)).toBe(want));
});

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [812_345, '812 kB'],
    [9_400_000, '9.4 MB'],
    [42_500_000, '43 MB'],
    [1_234_567_890, '1.2 GB'],
    [-1, ''],
  ])('%d bytes reads %s', (bytes, text) => expect(formatSize(bytes)).toBe(text));
});
