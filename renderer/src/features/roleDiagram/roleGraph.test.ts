import { describe, expect, it } from 'vitest';
import type { ListRolesOutput, RoleInfo, SetupCheck } from '../../../../shared/contract/admin';
import { checkRole, layoutRoles } from './roleGraph';

const role = (name: string, over: Partial<RoleInfo> & { inherit?: boolean; login?: boolean } = {}): RoleInfo => ({
  name,
  attributes: { login: over.login ?? false, inherit: over.inherit ?? true, bypassrls: false, createdb: false, createrole: false },
  superuser: over.superuser ?? false,
  memberOf: over.memberOf ?? [],
  ownsObjects: over.ownsObjects ?? false,
});

/** The Lakebase set-up: authenticator (LOGIN NOINHERIT) may become each identity; one identity is in a group. */
const ROLES: ListRolesOutput = {
  roles: [
    role('authenticator', {
      login: true,
      inherit: false,
      memberOf: [
        { role: 'user@example.com', admin: false },
        { role: 'app_owner', admin: false },
      ],
    }),
    role('user@example.com', { memberOf: [{ role: 'readers', admin: true }] }),
    role('readers', { memberOf: [{ role: 'pg_read_all_data', admin: false }] }),
    role('app_owner', { ownsObjects: true }),
    role('loner'),
  ],
  authenticatorMembers: ['user@example.com', 'app_owner'],
};
const check = (id: string, ok: boolean, title = id): SetupCheck => ({ id, title, ok, detail: '', fix: [] });

describe('layoutRoles', () => {
  const layout = layoutRoles(ROLES, [
    check('identities', false, 'Identity roles are granted to authenticator (and no elevated ones)'),
    check('usage:public:user@example.com', false, 'user@example.com may use schema public'),
    check('tables:public:user@example.com', true),
  ]);
  const node = (name: string) => layout.nodes.find((n) => n.name === name)!;

  it('draws roles with memberships (and authenticator), not the unrelated ones', () => {
    expect(layout.nodes.map((n) => n.name).sort()).toEqual([
      'app_owner',
      'authenticator',
      'pg_read_all_data',
      'readers',
      'user@example.com',
    ]);
  });

  it('an edge per membership: authenticator only by SET ROLE (NOINHERIT), the identity inheriting its group', () => {
    expect(
      layout.edges.map((e) => `${e.member} → ${e.role} ${e.inherits ? 'inherits' : 'SET ROLE only'}${e.admin ? ' admin' : ''}`),
    ).toEqual([
      'authenticator → user@example.com SET ROLE only',
      'authenticator → app_owner SET ROLE only',
      'user@example.com → readers inherits admin',
      'readers → pg_read_all_data inherits',
    ]);
    // Postgres' predefined roles are not in the roles list; they are named as what they are.
    expect(node('pg_read_all_data').tags).toEqual(['predefined role']);
    expect(node('authenticator').tags).toEqual(['LOGIN', 'NOINHERIT']);
    // Who can become whom reads left to right.
    expect(node('authenticator').x).toBeLessThan(node('user@example.com').x);
    expect(node('user@example.com').x).toBeLessThan(node('readers').x);
  });

  it('marks an owner granted to authenticator (the Lakebase pitfall), and places the failing checks on their role', () => {
    expect(layout.edges.filter((e) => e.risky).map((e) => e.role)).toEqual(['app_owner']);
    expect(node('app_owner').tags).toContain('owns objects');
    expect(node('authenticator').findings).toEqual(['Identity roles are granted to authenticator (and no elevated ones)']);
    expect(node('user@example.com').findings).toEqual(['user@example.com may use schema public']);
    expect(node('readers').findings).toEqual([]);
  });

  it('reads the role out of a check id, whatever the identity contains', () => {
    expect(checkRole({ id: 'usage:public:a:b@x.com' })).toBe('a:b@x.com');
    expect(checkRole({ id: 'sequences:my schema:bob' })).toBe('bob');
    expect(checkRole({ id: 'pre-config' })).toBe('authenticator');
    expect(checkRole({ id: 'schema:api' })).toBe('authenticator');
  });
});
