/**
 * The one function that writes identifiers into SQL. Callers pass names taken from the schema
 * cache only; quoting is what keeps even odd catalog names (quotes, spaces, case) exact.
 */
export function quoteIdent(name: string): string {
  // The planner refuses such names; NUL would end the statement's text on the wire.
  if (name.includes('\0')) throw new Error('An identifier cannot contain NUL');
  return '"' + name.replace(/"/g, '""') + '"';
}

export function quoteQualified(schema: string, name: string): string {
  return quoteIdent(schema) + '.' + quoteIdent(name);
}
