/** "PostgreSQL 18.1 on x86_64-pc-linux-gnu, compiled by …" → "18.1"; short strings pass through. */
export function shortVersion(version: string): string {
  const match = /^PostgreSQL\s+(\S+)/.exec(version);
  return match?.[1] ?? version;
}
