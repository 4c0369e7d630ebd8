import { describe, expect, it } from 'vitest';
import { checkExpression, checkNewName, commentLiteral } from './sqlText';

describe('checkExpression', () => {
  it.each([
    'now()',
    "'{}'",
    'price > 0 AND (qty IS NULL OR qty > 1)',
    "'a)b;c'",
    "E'it\\'s ) ;'",
    "E'\\' ) ; '",
    "'it''s );'",
    '"odd ) name" > 0',
    '$$ ) ; $$',
    '$x$ ) $y$ ; $x$',
    'a -- ) ;\n > 0',
    'a /* ) /* nested ; */ ( */ > 0',
    "gen_random_uuid()::text || ';'",
  ])('accepts %j', (text) => {
    expect(checkExpression(text, 'default')).toBe(text);
  });

  it.each([
    ['1); DROP TABLE t; --', /closes a parenthesis/],
    ['1) , CONSTRAINT x CHECK (true', /closes a parenthesis/],
    ['1; SELECT 2', /semicolon/],
    ['(1', /leaves a parenthesis open/],
    ["'open", /unterminated string/],
    ['"open', /unterminated quoted name/],
    ['$$ open', /unterminated dollar-quoted/],
    ['1 /* open', /unterminated comment/],
    ["E'ends in an escaped quote\\'", /unterminated string/],
    ['a\0', /NUL/],
  ])('refuses %j', (text, why) => {
    expect(() => checkExpression(text, 'default')).toThrow(why);
  });
});

describe('commentLiteral', () => {
  it.each([
    ['plain', '$comment$plain$comment$'],
    ["it's", "$comment$it's$comment$"],
    ['has $comment$ inside', '$comment1$has $comment$ inside$comment1$'],
    ['ends with $comment', '$comment1$ends with $comment$comment1$'],
    ['$comment$ and $comment1$', '$comment2$$comment$ and $comment1$$comment2$'],
  ])('quotes %j so that it ends only at its closing tag', (text, literal) => {
    expect(commentLiteral(text)).toBe(literal);
    const tag = /^\$[a-z0-9]*\$/.exec(literal)![0];
    expect(literal.indexOf(tag, tag.length)).toBe(literal.length - tag.length);
  });

  it('NULL removes a comment', () => {
    expect(commentLiteral(null)).toBe('NULL');
  });
});

describe('checkNewName', () => {
  it('keeps names up to 63 bytes, refuses longer ones (Postgres would truncate them)', () => {
    expect(checkNewName('a'.repeat(63), 'table')).toHaveLength(63);
    expect(() => checkNewName('é'.repeat(32), 'table')).toThrow(/longer than 63 bytes/);
  });
});
