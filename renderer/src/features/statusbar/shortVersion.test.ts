import { describe, expect, it } from 'vitest';
import { shortVersion } from './shortVersion';

describe('shortVersion', () => {
  it.each([
    ['PostgreSQL 18.1 on x86_64-pc-linux-gnu, compiled by gcc 12.2.0, 64-bit', '18.1'],
    ['PostgreSQL 17beta2', '17beta2'],
    ['18.1', '18.1'],
  ])('%s → %s', (version, want) => {
    expect(shortVersion(version)).toBe(want);
  });
});
