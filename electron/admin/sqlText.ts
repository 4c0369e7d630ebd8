import { invalidInput } from '../errors/PierError';

/**
 * What the table designer puts around SQL the user wrote (a default, a CHECK, a USING, an index
 * predicate): the expression goes inside parentheses, and must stay there. Postgres parses it;
 * this only makes sure it cannot close those parentheses early or end the statement, so the
 * statement the user reviews has the shape the designer built. Quotes, dollar quotes and comments
 * are skipped as Postgres' lexer skips them (an unterminated one is refused).
 */
export function checkExpression(text: string, what: string): string {
  const refuse = (why: string) =>
    invalidInput(`The ${what} ${why}.`, 'Write one SQL expression, e.g. now(), 0, or price > 0; it is placed inside parentheses.');
  if (text.includes('\0')) throw refuse('contains a NUL character');
  let depth = 0;
  let i = 0;
  const skipTo = (close: string, from: number, name: string) => {
    const end = text.indexOf(close, from);
    if (end < 0) throw refuse(`has an unterminated ${name}`);
    return end + close.length;
  };
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === "'") {
      // '' inside a literal is a quote; E'…' also has backslash escapes.
      const escapes = i > 0 && /[eE]/.test(text[i - 1]!) && !/[A-Za-z0-9_$]/.test(text[i - 2] ?? ' ');
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw refuse('has an unterminated string literal');
        if (escapes && text[j] === '\\') j += 2;
        else if (text[j] === "'" && text[j + 1] === "'") j += 2;
        else if (text[j] === "'") break;
        else j++;
      }
      i = j + 1;
    } else if (c === '"') {
      i = skipTo('"', i + 1, 'quoted name');
    } else if (c === '-' && next === '-') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (c === '/' && next === '*') {
      // Block comments nest in Postgres.
      let level = 1;
      let j = i + 2;
      while (level > 0) {
        if (j >= text.length) throw refuse('has an unterminated comment');
        const pair = text.slice(j, j + 2);
        if (pair === '/*' || pair === '*/') {
          level += pair === '/*' ? 1 : -1;
          j += 2;
        } else j++;
      }
      i = j;
    } else if (c === '$' && !/[A-Za-z0-9_$]/.test(text[i - 1] ?? ' ')) {
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(i))?.[0];
      i = tag ? skipTo(tag, i + tag.length, 'dollar-quoted string') : i + 1;
    } else {
      if (c === '(') depth++;
      else if (c === ')' && --depth < 0) throw refuse('closes a parenthesis it did not open');
      else if (c === ';') throw refuse('contains a semicolon outside a string: it must be one expression, not a statement');
      i++;
    }
  }
  if (depth !== 0) throw refuse('leaves a parenthesis open');
  return text;
}

/**
 * COMMENT ON … IS takes no parameters (utility statements have none), so the comment text is a
 * literal: dollar-quoted with a tag the text does not contain, which ends only at that exact tag
 * whatever the text holds (and, unlike '…', does not depend on standard_conforming_strings).
 */
export function commentLiteral(text: string | null): string {
  if (text === null) return 'NULL';
  if (text.includes('\0')) throw invalidInput('A comment cannot contain a NUL character.');
  // The literal must end at the closing tag and nowhere before (nor across the text's last characters).
  let tag = '$comment$';
  for (let n = 1; (text + tag).indexOf(tag) !== text.length; n++) tag = `$comment${n}$`;
  return `${tag}${text}${tag}`;
}

/** Postgres truncates longer names (NAMEDATALEN 64, in bytes) with only a NOTICE; refuse them instead. */
export function checkNewName(name: string, what: string): string {
  if (Buffer.byteLength(name, 'utf8') > 63)
    throw invalidInput(`The ${what} name "${name}" is longer than 63 bytes.`, 'Postgres would cut it short; choose a shorter name.');
  if (name.includes('\0')) throw invalidInput(`The ${what} name contains a NUL character.`);
  return name;
}
