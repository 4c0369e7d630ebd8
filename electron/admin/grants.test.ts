import { describe, expect, it } from 'vitest';
import type { GrantChange, ListGrantsOutput } from '../../shared/contract/admin';
import { buildGrantChanges } from './grants';

const matrix: ListGrantsOutput = {
  schema: 'public',
  roles: ['PUBLIC', 'authenticator', 'user@example.com'],
  schemaUsage: [],
  tables: [{ name: 'clients', kind: 'r', owner: 'postgres', grants: [], columns: [{ name: 'email', grants: [] }] }],
  sequences: [{ name: 'clients_id_seq', usage: [] }],
  functions: [{ signature: 'add_them(a integer, b integer)', execute: [] }],
  defaultPrivileges: [],
};

describe('buildGrantChanges', () => {
  it.each<[string, GrantChange, string]>([
    [
      'table grant',
      { kind: 'table', table: 'clients', role: 'user@example.com', privilege: 'SELECT', grant: true },
      'GRANT SELECT ON TABLE "public"."clients" TO "user@example.com"',
    ],
    [
      'table revoke from PUBLIC',
      { kind: 'table', table: 'clients', role: 'PUBLIC', privilege: 'TRUNCATE', grant: false },
      'REVOKE TRUNCATE ON TABLE "public"."clients" FROM PUBLIC',
    ],
    [
      'column grant',
      { kind: 'column', table: 'clients', column: 'email', role: 'authenticator', privilege: 'UPDATE', grant: true },
      'GRANT UPDATE ("email") ON TABLE "public"."clients" TO "authenticator"',
    ],
    [
      'schema usage',
      { kind: 'schemaUsage', role: 'user@example.com', grant: true },
      'GRANT USAGE ON SCHEMA "public" TO "user@example.com"',
    ],
    [
      'sequence usage',
      { kind: 'sequenceUsage', sequence: 'clients_id_seq', role: 'user@example.com', grant: false },
      'REVOKE USAGE ON SEQUENCE "public"."clients_id_seq" FROM "user@example.com"',
    ],
    [
      'function execute',
      { kind: 'functionExecute', signature: 'add_them(a integer, b integer)', role: 'user@example.com', grant: true },
      'GRANT EXECUTE ON FUNCTION "public"."add_them"(a integer, b integer) TO "user@example.com"',
    ],
  ])('%s', (_label, change, sql) => {
    expect(buildGrantChanges([change], matrix)).toEqual([sql]);
  });

  it.each<[string, GrantChange, RegExp]>([
    [
      'an unknown table',
      { kind: 'table', table: 'clients; drop table x', role: 'PUBLIC', privilege: 'SELECT', grant: true },
      /does not exist/,
    ],
    ['an unknown role', { kind: 'schemaUsage', role: 'ghost', grant: true }, /Role ghost does not exist/],
    [
      'an unknown column',
      { kind: 'column', table: 'clients', column: 'nope', role: 'PUBLIC', privilege: 'SELECT', grant: true },
      /Column nope/,
    ],
    [
      'an unknown function',
      { kind: 'functionExecute', signature: 'pg_sleep(double precision)', role: 'PUBLIC', grant: true },
      /does not exist/,
    ],
  ])('refuses %s', (_label, change, error) => {
    expect(() => buildGrantChanges([change], matrix)).toThrow(error);
  });
});
