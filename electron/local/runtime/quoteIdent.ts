/**
 * The one function that turns a name into an SQL identifier. Used only for names that are
 * either checked against the catalog first or are being created (CREATE ROLE / DATABASE);
 * values never pass through here — they are `$n` parameters.
 */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\0')) throw new Error('An SQL identifier must be non-empty and free of NUL characters.');
  return '"' + name.replace(/"/g, '""') + '"';
}
