/**
 * Lexical pieces of PostgREST's query-string syntax shared by the parser and the serializer:
 * which names may go unquoted, and how quoted names and values are written.
 */
import { RESERVED_KEYS } from './ast';

const NAME_CHAR = /[\p{L}\p{N}_$]/u;

/**
 * True for characters an unquoted name may hold when reading; `-` only when not the start of
 * `->`. PostgREST also reads spaces inside unquoted names (and trims the ends).
 */
export function isNameChar(s: string, i: number): boolean {
  const c = s[i];
  if (c === undefined) return false;
  if (c === '-') return s[i + 1] !== '>';
  return c === ' ' || NAME_CHAR.test(c);
}

const RESERVED = new Set<string>([...RESERVED_KEYS, 'asc', 'desc', 'nullsfirst', 'nullslast', 'inner', 'left', 'count']);

/** Writes a name, quoting it when it would not read back as the same single name. */
export function writeName(name: string): string {
  let plain = name.length > 0 && !RESERVED.has(name.toLowerCase());
  // Written names quote any space, so no reader has to guess where a name ends.
  for (let i = 0; plain && i < name.length; i++) {
    if (name[i] === ' ' || !isNameChar(name, i)) plain = false;
  }
  // A trailing '-' would pair with a following '->' arrow.
  if (plain && name.endsWith('-')) plain = false;
  return plain ? name : quote(name);
}

/** PostgREST's double-quoted form: backslash escapes `"` and `\`. */
export function quote(text: string): string {
  return '"' + text.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

/** List items (`in.(…)`) need quotes when they hold list syntax or are empty. */
export function writeListItem(value: string): string {
  return value === '' || /[,()"\\]/.test(value) || value.trim() !== value ? quote(value) : value;
}

/** Values inside `or=(…)` / `and=(…)` need quotes when they hold tree syntax. */
export function writeTreeValue(value: string): string {
  return /[,()"\\{}]/.test(value) || value.trim() !== value ? quote(value) : value;
}
