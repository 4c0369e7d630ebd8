/**
 * One database's structure as the schema diff compares it: names as the catalog spells them,
 * definitions as Postgres prints them (pg_get_*def with an empty search_path, so every name in
 * them is schema-qualified and the text means the same in another database).
 */
export interface SchemaSnapshot {
  readonly schemas: readonly string[];
  readonly roles: readonly RoleInfo[];
  readonly sequences: readonly SequenceInfo[];
  readonly tables: readonly TableInfo[];
  readonly columns: readonly ColumnInfo[];
  readonly constraints: readonly ConstraintInfo[];
  readonly indexes: readonly IndexInfo[];
  readonly views: readonly ViewInfo[];
  readonly functions: readonly FunctionInfo[];
  readonly triggers: readonly TriggerInfo[];
  readonly policies: readonly PolicyInfo[];
  readonly grants: readonly GrantInfo[];
}

export interface RoleInfo {
  readonly name: string;
  readonly superuser: boolean;
  readonly inherit: boolean;
  readonly createRole: boolean;
  readonly createDb: boolean;
  readonly login: boolean;
  readonly replication: boolean;
  readonly bypassRls: boolean;
  readonly connectionLimit: number;
  /** ISO text, or null for "no expiry". */
  readonly validUntil: string | null;
  /** Roles this role is a member of, with whether it may grant them on. */
  readonly memberOf: readonly { role: string; admin: boolean }[];
}

export interface SequenceInfo {
  readonly schema: string;
  readonly name: string;
  readonly type: string;
  readonly start: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly cache: string;
  readonly cycle: boolean;
  /** `"schema"."table"."column"` parts when OWNED BY a column (serial), else null. */
  readonly ownedBy: { schema: string; table: string; column: string } | null;
}

export interface TableInfo {
  readonly schema: string;
  readonly name: string;
  /** PARTITION BY clause text for a partitioned table, else null. */
  readonly partitionBy: string | null;
  readonly rowSecurity: boolean;
  readonly forceRowSecurity: boolean;
}

export interface ColumnInfo {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly position: number;
  readonly type: string;
  /** Quoted collation when it differs from the type's, else null. */
  readonly collation: string | null;
  readonly notNull: boolean;
  readonly default: string | null;
  /** 'always' | 'by default' identity, or null. */
  readonly identity: 'always' | 'by default' | null;
  /** The STORED generation expression, or null. */
  readonly generated: string | null;
}

export type ConstraintType = 'primary key' | 'unique' | 'check' | 'foreign key' | 'exclusion';

export interface ConstraintInfo {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly type: ConstraintType;
  readonly definition: string;
  /** For foreign keys: the referenced table, so keys are created after the keys they point at. */
  readonly references: { schema: string; table: string } | null;
}

export interface IndexInfo {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly definition: string;
}

export interface ViewInfo {
  readonly schema: string;
  readonly name: string;
  readonly materialized: boolean;
  readonly definition: string;
  /** reloptions (security_barrier, check_option, security_invoker), sorted. */
  readonly options: readonly string[];
  /** Relations the view reads (tables and views), as JSON `[schema, name]` keys. */
  readonly dependsOn: readonly string[];
}

export interface FunctionInfo {
  readonly schema: string;
  readonly name: string;
  /** pg_get_function_identity_arguments: what tells overloads apart. */
  readonly identityArguments: string;
  readonly kind: 'function' | 'procedure';
  readonly result: string | null;
  /** pg_get_function_arguments: with names and defaults (a change there needs DROP + CREATE). */
  readonly arguments: string;
  readonly definition: string;
}

export interface TriggerInfo {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly definition: string;
  /** pg_trigger.tgenabled: O origin (enabled), D disabled, R replica, A always. */
  readonly enabled: string;
}

export interface PolicyInfo {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly permissive: boolean;
  readonly command: string;
  /** Role names; "public" for PUBLIC. */
  readonly roles: readonly string[];
  readonly using: string | null;
  readonly withCheck: string | null;
}

/** What a grant is on: a relation, one of its columns, a schema or a routine. */
export type GrantTarget =
  | { kind: 'table' | 'sequence'; schema: string; name: string }
  | { kind: 'column'; schema: string; name: string; column: string }
  | { kind: 'schema'; name: string }
  | { kind: 'function' | 'procedure'; schema: string; name: string; identityArguments: string };

export interface GrantInfo {
  readonly target: GrantTarget;
  /** A role name, or null for PUBLIC. */
  readonly grantee: string | null;
  readonly privilege: string;
  readonly grantable: boolean;
}
