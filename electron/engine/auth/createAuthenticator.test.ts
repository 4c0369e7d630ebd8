import { describe, expect, it } from 'vitest';
import { parseClaimPath } from './createAuthenticator';

describe('parseClaimPath', () => {
  it.each([
    ['.sub', ['sub']],
    ['.role', ['role']],
    ['.app_metadata.role', ['app_metadata', 'role']],
    ['.roles[0]', ['roles', 0]],
    ['."https://example.com/claims".role', ['https://example.com/claims', 'role']],
    ['.a."b\\"c"', ['a', 'b"c']],
  ])('%s', (key, steps) => {
    expect(parseClaimPath(key)).toEqual(steps);
  });
  it.each(['', 'sub', '.', '.a..b', '.a[x]'])('rejects %j', (key) => {
    expect(parseClaimPath(key)).toBeUndefined();
  });
});
