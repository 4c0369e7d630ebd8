import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { globalShortcut, SHORTCUT_SECTIONS } from './shortcuts';

const press = (key: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey' | 'inTextField', boolean>> = {}) =>
  globalShortcut({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, inTextField: false, ...mods });

describe('globalShortcut', () => {
  it.each([
    ['Ctrl+K', press('k', { ctrlKey: true }), 'palette'],
    ['⌘K', press('k', { metaKey: true }), 'palette'],
    ['Ctrl+K in a text field', press('k', { ctrlKey: true, inTextField: true }), 'palette'],
    ['Ctrl+Shift+P', press('P', { ctrlKey: true, shiftKey: true }), 'palette'],
    ['⌘⇧P', press('p', { metaKey: true, shiftKey: true }), 'palette'],
    ['?', press('?', { shiftKey: true }), 'shortcuts'],
    ['? in a text field types a question mark', press('?', { shiftKey: true, inTextField: true }), null],
    ['Ctrl+P (the browser prints)', press('p', { ctrlKey: true }), null],
    ['Ctrl+Alt+K', press('k', { ctrlKey: true, altKey: true }), null],
    ['k alone', press('k'), null],
  ])('%s', (_, got, expected) => {
    expect(got).toBe(expected);
  });
});

describe('the README', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Keyboard shortcuts'));
  it('has a keyboard shortcuts section', () => {
    expect(readme).toContain('## Keyboard shortcuts');
  });
  it.each(SHORTCUT_SECTIONS.flatMap((s) => s.shortcuts.map((k) => [s.title, k.keys.join(' / '), k] as const)))(
    '%s: lists %s',
    (_, keys, shortcut) => {
      for (const key of shortcut.keys) expect(section).toContain(`<kbd>${key}</kbd>`);
      expect(section).toContain(shortcut.does);
    },
  );
});
