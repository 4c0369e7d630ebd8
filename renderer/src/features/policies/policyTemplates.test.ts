import { describe, expect, it } from 'vitest';
import { POLICY_TEMPLATES, sqlName } from './policyTemplates';

const build = (id: string, values: Record<string, string>, table = 'clients') =>
  POLICY_TEMPLATES.find((t) => t.id === id)!.build(values, table);

describe('policy templates', () => {
  it.each([
    ['ownership', { column: 'user_email' }, 'user_email = current_user'],
    ['ownership', { column: 'Owner' }, '"Owner" = current_user'],
    [
      'tenant',
      { tenantColumn: 'org_id', lookupTable: 'org_users', lookupTenant: 'org_id', lookupUser: 'email' },
      'org_id IN (SELECT org_id FROM org_users WHERE email = current_user)',
    ],
    [
      'team',
      { teamColumn: 'team_id', membershipTable: 'team_members', memberTeam: 'team_id', memberUser: 'user_email' },
      'EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = clients.team_id AND m.user_email = current_user)',
    ],
    ['role', { role: "o'brien" }, "pg_has_role(current_user, 'o''brien', 'MEMBER')"],
  ])('%s builds %j', (id, values, using) => {
    expect(build(id, values).using).toBe(using);
  });

  it.each([
    ['clients', 'clients'],
    ['user@example.com', '"user@example.com"'],
    ['Mixed', '"Mixed"'],
    ['a"b', '"a""b"'],
  ])('sqlName(%s) = %s', (name, out) => {
    expect(sqlName(name)).toBe(out);
  });
});
