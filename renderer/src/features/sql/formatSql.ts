/**
 * Format SQL with sql-formatter's PostgreSQL dialect (a maintained formatter that knows dollar
 * quotes, E'' strings, casts and Postgres operators). Loaded on first use, and only that dialect,
 * so the editor's first load does not carry it.
 */
export async function formatSql(sql: string): Promise<string> {
  const { formatDialect, postgresql } = await import('sql-formatter');
  return formatDialect(sql, { dialect: postgresql, keywordCase: 'upper', tabWidth: 2, linesBetweenQueries: 1 });
}
