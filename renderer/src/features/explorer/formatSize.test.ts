import { describe, expect, it } from 'vitest';
import { formatSize } from './formatSize';

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
