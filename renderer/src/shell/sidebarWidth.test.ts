import { describe, expect, it } from 'vitest';
import { SIDEBAR_DEFAULT, SIDEBAR_MAX, SIDEBAR_MIN, clampSidebarWidth, parseStoredWidth, sidebarWidthForKey } from './sidebarWidth';

describe('sidebar width', () => {
  it.each([
    [100, SIDEBAR_MIN],
    [300.4, 300],
    [9999, SIDEBAR_MAX],
    [Number.NaN, SIDEBAR_DEFAULT],
  ])('clamps %d to %d', (px, want) => {
    expect(clampSidebarWidth(px)).toBe(want);
  });

  it.each([
    ['ArrowRight', 264, 280],
    ['ArrowLeft', 264, 248],
    ['ArrowLeft', SIDEBAR_MIN, SIDEBAR_MIN],
    ['Home', 300, SIDEBAR_MIN],
    ['End', 300, SIDEBAR_MAX],
    ['Enter', 400, SIDEBAR_DEFAULT],
    ['a', 300, null],
  ])('%s from %d → %s', (key, width, want) => {
    expect(sidebarWidthForKey(key, width)).toBe(want);
  });

  it.each([
    [null, SIDEBAR_DEFAULT],
    ['320', 320],
    ['garbage', SIDEBAR_DEFAULT],
    ['5000', SIDEBAR_MAX],
  ])('reads stored %s as %d', (stored, want) => {
    expect(parseStoredWidth(stored)).toBe(want);
  });
});
