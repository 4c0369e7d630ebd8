import { createHash } from 'node:crypto';
import { locationKey, type Location } from '../../../shared/contract/location';
import type { SqlRunOutput } from '../../../shared/contract/sql';
import type { SqlStatementInfo } from '../../../shared/contract/sqlStatements';

/**
 * The protected-branch guard, enforced in main whatever the renderer says: a run whose statements
 * destroy data or objects (as the parser reads them) runs on a protected branch, or one whose
 * protection cannot be told, only with the confirmation main gave for exactly this text on exactly
 * this database. Nothing runs until then.
 */
export function checkDestructive(
  at: Location,
  sql: string,
  statements: readonly SqlStatementInfo[],
  protectedBranch: boolean | null,
  confirmation: string | undefined,
): Extract<SqlRunOutput, { kind: 'confirm' }> | null {
  const destructive = statements.filter((s) => s.destructive.length > 0);
  if (destructive.length === 0 || protectedBranch === false) return null;
  const expected = confirmationOf(at, sql);
  if (confirmation === expected) return null;
  return {
    kind: 'confirm',
    protectedBranch,
    statements: destructive.map((s) => ({ start: s.start, end: s.end, reasons: s.destructive })),
    confirmation: expected,
  };
}

/** Names this text on this database; a confirmation for other text or another branch does not match. */
export function confirmationOf(at: Location, sql: string): string {
  return createHash('sha256')
    .update(JSON.stringify([locationKey(at), sql]))
    .digest('base64url');
}
