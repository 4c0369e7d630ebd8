/**
 * SQL text split into statements the way psql does it: on semicolons outside quotes, dollar
 * quotes and comments. Pure, shared by the editor (run the statement at the cursor) and main
 * (an identity's script runs one statement at a time).
 */

/** Statement ranges, ignoring semicolons inside quotes, dollar quotes and comments. */
export function splitStatements(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      i = close < 0 ? text.length : close + 1;
    } else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i))?.[0];
      if (tag) {
        const close = text.indexOf(tag, i + tag.length);
        i = close < 0 ? text.length : close + tag.length;
      } else i++;
    } else if (c === ';') {
      out.push({ start, end: i });
      start = i + 1;
      i++;
    } else i++;
  }
  if (text.slice(start).trim()) out.push({ start, end: text.length });
  return out.filter((r) => text.slice(r.start, r.end).trim() !== '');
}

/** The statements' texts, trimmed. */
export function statementTexts(text: string): string[] {
  return splitStatements(text).map((r) => text.slice(r.start, r.end).trim());
}

/**
 * Statements that would step out of an identity's run: ending or starting the transaction (the
 * role switch is transaction-local) or changing the role or session user.
 */
export function escapesIdentity(statement: string): boolean {
  const s = statement.replace(/^(\s|--[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '').toUpperCase();
  return (
    /^(BEGIN|COMMIT|ROLLBACK|END|START|ABORT|SAVEPOINT|RELEASE|PREPARE\s+TRANSACTION|RESET\s+(ROLE|SESSION|ALL)|SET\s+(LOCAL\s+|SESSION\s+)?(ROLE|SESSION\s+AUTHORIZATION)|DISCARD)\b/.test(
      s,
    ) || /\bSET_CONFIG\s*\(\s*'ROLE'/.test(s)
  );
}
