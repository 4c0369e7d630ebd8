import { describe, expect, it } from 'vitest';
import { defaultOtherBranch, defaultOtherDatabase } from './otherSide';

const P = 'projects/p/branches/';
describe('the side a comparison starts with', () => {
  it.each([
    [
      'the parent of a branch',
      [
        { name: `${P}main`, isDefault: true },
        { name: `${P}dev`, isDefault: false, sourceBranch: `${P}qa` },
        { name: `${P}qa`, isDefault: false },
      ],
      `${P}dev`,
      `${P}qa`,
    ],
    [
      'the default branch when there is no parent',
      [
        { name: `${P}main`, isDefault: true },
        { name: `${P}dev`, isDefault: false },
      ],
      `${P}dev`,
      `${P}main`,
    ],
    [
      'another branch from the default one',
      [
        { name: `${P}main`, isDefault: true },
        { name: `${P}dev`, isDefault: false },
      ],
      `${P}main`,
      `${P}dev`,
    ],
    ['the same branch when it is the only one', [{ name: `${P}main`, isDefault: true }], `${P}main`, `${P}main`],
  ])('%s', (_, branches, current, expected) => {
    expect(defaultOtherBranch(branches, current)).toBe(expected);
  });

  it('keeps the database name on another branch, and picks another database on the same branch', () => {
    expect(defaultOtherDatabase(['a', 'shop'], 'shop', false)).toBe('shop');
    expect(defaultOtherDatabase(['a', 'shop'], 'shop', true)).toBe('a');
    expect(defaultOtherDatabase(['a'], 'shop', false)).toBe('a');
    expect(defaultOtherDatabase([], 'shop', false)).toBeUndefined();
  });
});
