import { describe, expect, it } from 'vitest';
import { parseThemeChoice, resolveTheme } from './theme';

describe('parseThemeChoice', () => {
  it.each([
    ['light', 'light'],
    ['dark', 'dark'],
    ['system', 'system'],
    [null, 'system'],
    ['', 'system'],
    ['Dark', 'system'],
    ['solarized', 'system'],
  ] as const)('%j → %s', (stored, choice) => {
    expect(parseThemeChoice(stored)).toBe(choice);
  });
});

describe('resolveTheme', () => {
  it.each([
    ['system', false, 'light'],
    ['system', true, 'dark'],
    ['light', true, 'light'],
    ['dark', false, 'dark'],
  ] as const)('%s with the OS dark=%s → %s', (choice, osDark, resolved) => {
    expect(resolveTheme(choice, osDark)).toBe(resolved);
  });
});
