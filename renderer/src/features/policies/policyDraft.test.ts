import { describe, expect, it } from 'vitest';
import { draftToChange, expressionErrorOffset, newDraft, type PolicyDraft } from './policyDraft';

const base: PolicyDraft = { ...newDraft(['user@example.com'], false), name: 'restrict client access', using: ' id IN (1, 2) ' };

describe('draftToChange', () => {
  it('turns the Lakebase example into a create that also enables RLS', () => {
    expect(draftToChange(base)).toEqual({
      kind: 'change',
      change: {
        kind: 'create',
        enableRls: true,
        policy: {
          name: 'restrict client access',
          permissive: true,
          command: 'SELECT',
          roles: ['user@example.com'],
          using: 'id IN (1, 2)',
          withCheck: null,
        },
      },
    });
  });

  it('edits replace the original policy', () => {
    const r = draftToChange({ ...base, original: 'old', enableRls: false });
    expect(r.kind === 'change' && r.change).toMatchObject({ kind: 'replace', name: 'old' });
  });

  it('drops expressions the command does not take', () => {
    const r = draftToChange({ ...base, command: 'INSERT', withCheck: 'true' });
    expect(r.kind === 'change' && r.change.kind === 'create' && r.change.policy).toMatchObject({ using: null, withCheck: 'true' });
  });

  it.each<[string, Partial<PolicyDraft>, RegExp]>([
    ['no name', { name: ' ' }, /name/],
    ['no role', { roles: [] }, /role/],
    ['no USING', { using: '' }, /USING/],
    ['no WITH CHECK on INSERT', { command: 'INSERT', using: 'x' }, /WITH CHECK/],
  ])('says what is missing: %s', (_l, patch, reason) => {
    const r = draftToChange({ ...base, ...patch });
    expect(r.kind).toBe('incomplete');
    if (r.kind === 'incomplete') expect(r.reason).toMatch(reason);
  });
});

describe('expressionErrorOffset', () => {
  const statement =
    'CREATE POLICY "p" ON "public"."clients"\n  AS PERMISSIVE\n  FOR ALL\n  TO PUBLIC\n  USING (id IN (1,, 2))\n  WITH CHECK (true)';
  const position = statement.indexOf(',,') + 2; // Postgres points at the second comma (1-based)
  it('maps a position inside USING onto the editor text', () => {
    expect(expressionErrorOffset(statement, position, 'USING', 'id IN (1,, 2)')).toBe('id IN (1,, 2)'.indexOf(',,') + 2);
  });
  it('accounts for leading whitespace the statement trimmed', () => {
    expect(expressionErrorOffset(statement, position, 'USING', '\n  id IN (1,, 2)')).toBe('\n  id IN (1,, 2)'.indexOf(',,') + 2);
  });
  it('is null for the other clause', () => {
    expect(expressionErrorOffset(statement, position, 'WITH CHECK', 'true')).toBeNull();
  });
});
