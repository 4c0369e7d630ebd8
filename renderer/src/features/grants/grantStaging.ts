import type { GrantChange } from '../../../../shared/contract/admin';
import { assertNever } from '../../../../shared/contract/result';

/** Identifies the cell a change toggles, whatever its direction. */
export function cellKey(c: GrantChange): string {
  switch (c.kind) {
    case 'table':
      return JSON.stringify(['t', c.table, c.role, c.privilege]);
    case 'column':
      return JSON.stringify(['c', c.table, c.column, c.role, c.privilege]);
    case 'schemaUsage':
      return JSON.stringify(['n', c.role]);
    case 'sequenceUsage':
      return JSON.stringify(['s', c.sequence, c.role]);
    case 'functionExecute':
      return JSON.stringify(['f', c.signature, c.role]);
    default:
      return assertNever(c, 'grant change');
  }
}

/**
 * Toggling a cell stages a GRANT or REVOKE; toggling it back removes the staged change, so the
 * list only ever holds real differences from the catalog.
 */
export function toggleStaged(staged: readonly GrantChange[], change: GrantChange, currentlyGranted: boolean): GrantChange[] {
  const key = cellKey(change);
  const existing = staged.find((s) => cellKey(s) === key);
  if (existing) return staged.filter((s) => s !== existing);
  return [...staged, { ...change, grant: !currentlyGranted }];
}

/** What a cell shows: the catalog's answer unless a staged change flips it. */
export function effectiveGrant(
  staged: readonly GrantChange[],
  change: GrantChange,
  granted: boolean,
): { granted: boolean; staged: boolean } {
  const key = cellKey(change);
  const s = staged.find((x) => cellKey(x) === key);
  return s ? { granted: s.grant, staged: true } : { granted, staged: false };
}
