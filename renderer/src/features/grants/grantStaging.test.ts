import { describe, expect, it } from 'vitest';
import type { GrantChange } from '../../../../shared/contract/admin';
import { effectiveGrant, toggleStaged } from './grantStaging';

const select: GrantChange = { kind: 'table', table: 'clients', role: 'user@example.com', privilege: 'SELECT', grant: true };
const insert: GrantChange = { ...select, privilege: 'INSERT' };

describe('grant staging', () => {
  it('stages a GRANT for a cell without the privilege and a REVOKE for one with it', () => {
    expect(toggleStaged([], select, false)).toEqual([{ ...select, grant: true }]);
    expect(toggleStaged([], select, true)).toEqual([{ ...select, grant: false }]);
  });

  it('toggling back unstages', () => {
    const once = toggleStaged([], select, false);
    expect(toggleStaged(once, select, false)).toEqual([]);
  });

  it('keeps other cells', () => {
    const two = toggleStaged(toggleStaged([], select, false), insert, false);
    expect(two).toHaveLength(2);
    expect(effectiveGrant(two, insert, false)).toEqual({ granted: true, staged: true });
    expect(effectiveGrant(two, { ...select, privilege: 'DELETE' }, true)).toEqual({ granted: true, staged: false });
  });
});
