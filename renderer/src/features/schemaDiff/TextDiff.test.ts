import { describe, expect, it } from 'vitest';
import { sideBySide } from './TextDiff';

describe('sideBySide', () => {
  it('keeps equal lines opposite each other and pairs a changed line with its new version', () => {
    expect(sideBySide('SELECT id,\n    name\n   FROM app.clients;', 'SELECT id,\n    name,\n    email\n   FROM app.clients;')).toEqual([
      { left: 'SELECT id,', right: 'SELECT id,', kind: 'same' },
      { left: '    name', right: '    name,', kind: 'changed' },
      { left: null, right: '    email', kind: 'changed' },
      { left: '   FROM app.clients;', right: '   FROM app.clients;', kind: 'same' },
    ]);
  });

  it('shows lines only one side has against a gap', () => {
    expect(sideBySide('a\nb', 'a')).toEqual([
      { left: 'a', right: 'a', kind: 'same' },
      { left: 'b', right: null, kind: 'removed' },
    ]);
    expect(sideBySide('a', 'a\nb')).toEqual([
      { left: 'a', right: 'a', kind: 'same' },
      { left: null, right: 'b', kind: 'added' },
    ]);
  });
});
