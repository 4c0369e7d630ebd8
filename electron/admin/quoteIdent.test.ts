import { describe, expect, it } from 'vitest';
import { quoteIdent } from './quoteIdent';

describe('quoteIdent', () => {
  it.each([
    ['clients', '"clients"'],
    ['user@example.com', '"user@example.com"'],
    ['we"ird', '"we""ird"'],
    ['a; DROP TABLE x; --', '"a; DROP TABLE x; --"'],
    ['Ünïcødé', '"Ünïcødé"'],
  ])('quotes %s as %s', (name, quoted) => {
    expect(quoteIdent(name)).toBe(quoted);
  });

  it('refuses a NUL byte', () => {
    expect(() => quoteIdent('a\0b')).toThrow(/NUL/);
  });
});
