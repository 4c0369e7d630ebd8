import { describe, expect, it } from 'vitest';
import { policyChange, type PolicyChangeInput } from '../../shared/contract/admin';
import { buildPolicyChange, type TablePolicies } from './policies';

const table: TablePolicies = {
  oid: 1,
  schema: 'public',
  table: 'clients',
  rlsEnabled: false,
  rlsForced: false,
  columns: [{ name: 'id', type: 'integer' }],
  policies: [{ name: 'old one', permissive: true, command: 'SELECT', roles: ['PUBLIC'], using: 'true', withCheck: null }],
};
const roles = new Set(['user@example.com', 'authenticator', 'we"ird']);
const build = (change: PolicyChangeInput, t = table) => buildPolicyChange(policyChange.parse(change), t, roles);

describe('buildPolicyChange', () => {
  it.each<[string, PolicyChangeInput, string[]]>([
    [
      'the Lakebase documentation example, enabling RLS first',
      {
        kind: 'create',
        enableRls: true,
        policy: { name: 'restrict client access', command: 'SELECT', roles: ['user@example.com'], using: 'id IN (1, 2)' },
      },
      [
        'ALTER TABLE "public"."clients" ENABLE ROW LEVEL SECURITY',
        'CREATE POLICY "restrict client access" ON "public"."clients"\n  AS PERMISSIVE\n  FOR SELECT\n  TO "user@example.com"\n  USING (id IN (1, 2))',
      ],
    ],
    [
      'restrictive insert for PUBLIC and a role with a quote',
      {
        kind: 'create',
        policy: { name: 'p', permissive: false, command: 'INSERT', roles: ['public', 'we"ird'], withCheck: 'user_email = current_user' },
      },
      [
        'CREATE POLICY "p" ON "public"."clients"\n  AS RESTRICTIVE\n  FOR INSERT\n  TO PUBLIC, "we""ird"\n  WITH CHECK (user_email = current_user)',
      ],
    ],
    [
      'replace drops and recreates in one go',
      { kind: 'replace', name: 'old one', policy: { name: 'new', command: 'ALL', roles: ['authenticator'], using: 'a', withCheck: 'b' } },
      [
        'DROP POLICY "old one" ON "public"."clients"',
        'CREATE POLICY "new" ON "public"."clients"\n  AS PERMISSIVE\n  FOR ALL\n  TO "authenticator"\n  USING (a)\n  WITH CHECK (b)',
      ],
    ],
    ['drop', { kind: 'drop', name: 'old one' }, ['DROP POLICY "old one" ON "public"."clients"']],
    [
      'enable and force',
      { kind: 'setRls', enabled: true, forced: true },
      ['ALTER TABLE "public"."clients" ENABLE ROW LEVEL SECURITY', 'ALTER TABLE "public"."clients" FORCE ROW LEVEL SECURITY'],
    ],
    ['no change, no statement', { kind: 'setRls', enabled: false, forced: false }, []],
  ])('%s', (_label, change, statements) => {
    expect(build(change)).toEqual(statements);
  });

  it('does not enable RLS twice', () => {
    const change: PolicyChangeInput = { kind: 'create', enableRls: true, policy: { name: 'x', roles: ['PUBLIC'], using: 'true' } };
    expect(build(change, { ...table, rlsEnabled: true })).toHaveLength(1);
  });

  it.each<[string, PolicyChangeInput, RegExp]>([
    ['an unknown role', { kind: 'create', policy: { name: 'x', roles: ['nobody'], using: 'true' } }, /Role nobody does not exist/],
    ['an unknown policy', { kind: 'drop', name: 'nope' }, /Policy nope does not exist/],
    ['a duplicate name', { kind: 'create', policy: { name: 'old one', roles: ['PUBLIC'], using: 'true' } }, /already exists/],
    [
      'USING on INSERT',
      { kind: 'create', policy: { name: 'x', command: 'INSERT', roles: ['PUBLIC'], using: 'true' } },
      /INSERT policy has no USING/,
    ],
    [
      'WITH CHECK on SELECT',
      { kind: 'create', policy: { name: 'x', command: 'SELECT', roles: ['PUBLIC'], withCheck: 'true' } },
      /SELECT policy has no WITH CHECK/,
    ],
    ['no expression at all', { kind: 'create', policy: { name: 'x', roles: ['PUBLIC'] } }, /needs a USING or a WITH CHECK/],
  ])('refuses %s', (_label, change, error) => {
    expect(() => build(change)).toThrow(error);
  });
});
