/**
 * The one way admin code turns a catalog name into SQL text: double-quoted, inner quotes
 * doubled. Callers pass names they have just read from the catalog, never raw user input.
 */
export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new Error('Identifier contains a NUL character');
  return '"' + name.replace(/"/g, '""') + '"';
}
