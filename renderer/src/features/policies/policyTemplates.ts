/**
 * Starting points for the common RLS patterns. Each asks for the columns and tables it needs and
 * produces expressions the user then sees and may edit in the editor before anything runs.
 */
export interface TemplateParam {
  readonly key: string;
  readonly label: string;
  /** Where the choices come from: this table's columns, or the schema's tables, or free text. */
  readonly source: 'column' | 'table' | 'text';
  readonly defaultValue?: string;
}

export interface PolicyTemplate {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly params: readonly TemplateParam[];
  readonly command: 'ALL' | 'SELECT';
  build(values: Readonly<Record<string, string>>, table: string): { using: string; withCheck: string };
}

/** An identifier as it would be typed: bare when that is unambiguous, double-quoted otherwise. */
export function sqlName(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : '"' + name.replace(/"/g, '""') + '"';
}

/** A string literal for expression text the user will read and may edit. */
function sqlString(value: string): string {
  return "'" + value.replace(/'/g, "''") + "'";
}

export const POLICY_TEMPLATES: readonly PolicyTemplate[] = [
  {
    id: 'ownership',
    title: 'User ownership',
    description: 'Each row belongs to the identity named in one of its columns.',
    params: [{ key: 'column', label: 'Owner column (holds the identity, e.g. an email)', source: 'column', defaultValue: 'user_email' }],
    command: 'ALL',
    build: (v) => {
      const e = `${sqlName(v.column ?? '')} = current_user`;
      return { using: e, withCheck: e };
    },
  },
  {
    id: 'tenant',
    title: 'Tenant isolation',
    description: 'Rows of the tenants the identity belongs to, through a lookup table of (tenant, user).',
    params: [
      { key: 'tenantColumn', label: 'Tenant column of this table', source: 'column', defaultValue: 'tenant_id' },
      { key: 'lookupTable', label: 'Lookup table', source: 'table', defaultValue: 'tenant_users' },
      { key: 'lookupTenant', label: 'Its tenant column', source: 'text', defaultValue: 'tenant_id' },
      { key: 'lookupUser', label: 'Its user column', source: 'text', defaultValue: 'user_email' },
    ],
    command: 'ALL',
    build: (v) => {
      const e = `${sqlName(v.tenantColumn ?? '')} IN (SELECT ${sqlName(v.lookupTenant ?? '')} FROM ${sqlName(v.lookupTable ?? '')} WHERE ${sqlName(v.lookupUser ?? '')} = current_user)`;
      return { using: e, withCheck: e };
    },
  },
  {
    id: 'team',
    title: 'Team membership',
    description: 'Rows of a team the identity is a member of, through a membership table.',
    params: [
      { key: 'teamColumn', label: 'Team column of this table', source: 'column', defaultValue: 'team_id' },
      { key: 'membershipTable', label: 'Membership table', source: 'table', defaultValue: 'team_members' },
      { key: 'memberTeam', label: 'Its team column', source: 'text', defaultValue: 'team_id' },
      { key: 'memberUser', label: 'Its user column', source: 'text', defaultValue: 'user_email' },
    ],
    command: 'ALL',
    build: (v, table) => {
      const e =
        `EXISTS (SELECT 1 FROM ${sqlName(v.membershipTable ?? '')} m WHERE m.${sqlName(v.memberTeam ?? '')} = ${sqlName(table)}.${sqlName(v.teamColumn ?? '')}` +
        ` AND m.${sqlName(v.memberUser ?? '')} = current_user)`;
      return { using: e, withCheck: e };
    },
  },
  {
    id: 'role',
    title: 'Role-based access',
    description: 'Everything, for identities that are members of a given role.',
    params: [{ key: 'role', label: 'Role', source: 'text', defaultValue: 'support' }],
    command: 'SELECT',
    build: (v) => ({ using: `pg_has_role(current_user, ${sqlString(v.role ?? '')}, 'MEMBER')`, withCheck: '' }),
  },
];
