import { describe, expect, it } from 'vitest';
import type { RoleChange, RoleInfo } from '../../shared/contract/admin';
import { buildRoleChange } from './roles';

const plain = { login: false, inherit: true, bypassrls: false, createdb: false, createrole: false };
const role = (name: string, extra: Partial<RoleInfo> = {}): RoleInfo => ({
  name,
  attributes: plain,
  superuser: false,
  memberOf: [],
  ownsObjects: false,
  ...extra,
});
const roles = [
  role('authenticator', { attributes: { ...plain, login: true, inherit: false }, memberOf: [{ role: 'user@example.com', admin: false }] }),
  role('user@example.com'),
  role('owner', { ownsObjects: true }),
  role('postgres', { superuser: true }),
];

describe('buildRoleChange', () => {
  it.each<[string, RoleChange, string]>([
    [
      'create',
      { kind: 'create', name: 'alice@example.com', attributes: plain },
      'CREATE ROLE "alice@example.com" NOLOGIN INHERIT NOBYPASSRLS NOCREATEDB NOCREATEROLE',
    ],
    [
      'create with a quote',
      { kind: 'create', name: 'a"b', attributes: { ...plain, login: true } },
      'CREATE ROLE "a""b" LOGIN INHERIT NOBYPASSRLS NOCREATEDB NOCREATEROLE',
    ],
    [
      'alter',
      { kind: 'alter', name: 'owner', attributes: { ...plain, createdb: true } },
      'ALTER ROLE "owner" NOLOGIN INHERIT NOBYPASSRLS CREATEDB NOCREATEROLE',
    ],
    ['drop', { kind: 'drop', name: 'user@example.com' }, 'DROP ROLE "user@example.com"'],
    [
      'grant membership',
      { kind: 'grantMembership', role: 'user@example.com', member: 'authenticator' },
      'GRANT "user@example.com" TO "authenticator"',
    ],
    [
      'revoke membership',
      { kind: 'revokeMembership', role: 'user@example.com', member: 'authenticator' },
      'REVOKE "user@example.com" FROM "authenticator"',
    ],
  ])('%s', (_label, change, sql) => {
    expect(buildRoleChange(change, roles)).toEqual({ statements: [sql], warnings: expect.any(Array) });
  });

  it('warns before granting an owner role to authenticator, and explains what to do instead', () => {
    const plan = buildRoleChange({ kind: 'grantMembership', role: 'owner', member: 'authenticator' }, roles);
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toMatch(/owns tables.*Instead create a plain NOLOGIN identity role/);
  });

  it.each<[string, RoleChange, RegExp]>([
    ['creating an existing role', { kind: 'create', name: 'owner', attributes: plain }, /already exists/],
    ['altering a superuser', { kind: 'alter', name: 'postgres', attributes: plain }, /superuser/],
    ['dropping an unknown role', { kind: 'drop', name: 'ghost' }, /Role ghost does not exist/],
  ])('refuses %s', (_label, change, error) => {
    expect(() => buildRoleChange(change, roles)).toThrow(error);
  });
});
