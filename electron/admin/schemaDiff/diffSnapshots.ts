import type { AttributeChange, SchemaDiffEntry, SchemaObjectKind } from '../../../shared/contract/schemaDiff';
import type {
  ColumnInfo,
  ConstraintInfo,
  FunctionInfo,
  GrantInfo,
  GrantTarget,
  IndexInfo,
  PolicyInfo,
  RoleInfo,
  SchemaSnapshot,
  SequenceInfo,
  TableInfo,
  TriggerInfo,
  ViewInfo,
} from './SchemaSnapshot';
import { migrationSql } from './migrationSql';

/** Keys of user-named objects: JSON of the name parts, so no name can collide with another. */
export const keyOf = (...parts: readonly string[]): string => JSON.stringify(parts);

/** How a person reads a name: bare when Postgres would not quote it, else double-quoted. */
export function displayIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : '"' + name.replace(/"/g, '""') + '"';
}
const display = (...parts: readonly string[]): string => parts.map(displayIdent).join('.');

/** One kind's objects on both sides, matched by key. */
export interface Matched<T> {
  readonly added: T[];
  readonly removed: T[];
  readonly changed: { before: T; after: T; changes: AttributeChange[] }[];
  readonly left: Map<string, T>;
  readonly right: Map<string, T>;
}

function match<T>(
  left: readonly T[],
  right: readonly T[],
  key: (t: T) => string,
  attributes: (t: T) => Record<string, string>,
): Matched<T> {
  const l = new Map(left.map((t) => [key(t), t]));
  const r = new Map(right.map((t) => [key(t), t]));
  const out: Matched<T> = { added: [], removed: [], changed: [], left: l, right: r };
  for (const [k, before] of l) {
    const after = r.get(k);
    if (after === undefined) {
      out.removed.push(before);
      continue;
    }
    const a = attributes(before);
    const b = attributes(after);
    const changes = Object.keys({ ...a, ...b })
      .filter((name) => a[name] !== b[name])
      .map((name) => ({ name, before: a[name] ?? null, after: b[name] ?? null }));
    if (changes.length > 0) out.changed.push({ before, after, changes });
  }
  for (const [k, after] of r) if (!l.has(k)) out.added.push(after);
  return out;
}

const yes = (b: boolean): string => (b ? 'yes' : 'no');
const orNone = (s: string | null): string => s ?? '(none)';

export const tableKey = (t: { schema: string; table: string }): string => keyOf(t.schema, t.table);
const relKey = (t: { schema: string; name: string }): string => keyOf(t.schema, t.name);

const roleAttributes = (r: RoleInfo): Record<string, string> => ({
  superuser: yes(r.superuser),
  inherit: yes(r.inherit),
  'create role': yes(r.createRole),
  'create database': yes(r.createDb),
  login: yes(r.login),
  replication: yes(r.replication),
  'bypass RLS': yes(r.bypassRls),
  'connection limit': String(r.connectionLimit),
  'valid until': orNone(r.validUntil),
  'member of': r.memberOf.map((m) => m.role + (m.admin ? ' (with admin option)' : '')).join(', ') || '(none)',
});
const sequenceAttributes = (s: SequenceInfo): Record<string, string> => ({
  type: s.type,
  start: s.start,
  increment: s.increment,
  minimum: s.min,
  maximum: s.max,
  cache: s.cache,
  cycle: yes(s.cycle),
  'owned by': s.ownedBy ? display(s.ownedBy.schema, s.ownedBy.table, s.ownedBy.column) : '(none)',
});
export const columnType = (c: ColumnInfo): string => c.type + (c.collation ? ` COLLATE ${c.collation}` : '');
const columnAttributes = (c: ColumnInfo): Record<string, string> => ({
  type: columnType(c),
  'not null': yes(c.notNull),
  default: orNone(c.default),
  identity: c.identity ? `generated ${c.identity}` : '(none)',
  generated: c.generated ? `always as (${c.generated}) stored` : '(none)',
});
const tableFlags = (t: TableInfo): Record<string, string> => ({
  'partition by': orNone(t.partitionBy),
  'row level security': yes(t.rowSecurity),
  'force row level security': yes(t.forceRowSecurity),
});
/** A new or dropped table lists its columns; a changed one has column entries instead. */
const tableAttributes =
  (columns: readonly ColumnInfo[]) =>
  (t: TableInfo): Record<string, string> => ({
    ...tableFlags(t),
    columns: columns
      .filter((c) => c.schema === t.schema && c.table === t.name)
      .map((c) => `${displayIdent(c.name)} ${columnType(c)}`)
      .join(', '),
  });
const constraintAttributes = (c: ConstraintInfo): Record<string, string> => ({ type: c.type, definition: c.definition });
const indexAttributes = (i: IndexInfo): Record<string, string> => ({ definition: i.definition });
const viewAttributes = (v: ViewInfo): Record<string, string> => ({
  materialized: yes(v.materialized),
  options: v.options.join(', ') || '(none)',
  definition: v.definition,
});
const functionAttributes = (f: FunctionInfo): Record<string, string> => ({
  kind: f.kind,
  arguments: f.arguments,
  returns: orNone(f.result),
  definition: f.definition,
});
const TRIGGER_STATES: Record<string, string> = { O: 'enabled', D: 'disabled', R: 'replica', A: 'always' };
const triggerAttributes = (t: TriggerInfo): Record<string, string> => ({
  definition: t.definition,
  enabled: TRIGGER_STATES[t.enabled] ?? t.enabled,
});
const policyAttributes = (p: PolicyInfo): Record<string, string> => ({
  permissive: p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE',
  command: p.command,
  roles: p.roles.join(', '),
  using: orNone(p.using),
  'with check': orNone(p.withCheck),
});

export const grantTargetKey = (t: GrantTarget): string => {
  switch (t.kind) {
    case 'schema':
      return keyOf('schema', t.name);
    case 'table':
    case 'sequence':
      return keyOf('relation', t.schema, t.name);
    case 'column':
      return keyOf('column', t.schema, t.name, t.column);
    case 'function':
    case 'procedure':
      return keyOf('routine', t.schema, t.name, t.identityArguments);
  }
};
export const grantTargetLabel = (t: GrantTarget): string => {
  switch (t.kind) {
    case 'schema':
      return `schema ${displayIdent(t.name)}`;
    case 'table':
    case 'sequence':
      return `${t.kind} ${display(t.schema, t.name)}`;
    case 'column':
      return `column ${display(t.schema, t.name, t.column)}`;
    case 'function':
    case 'procedure':
      return `${t.kind} ${display(t.schema, t.name)}(${t.identityArguments})`;
  }
};

/** Grants folded to one entry per object and grantee: the privileges, sorted, each with its grant option. */
export interface GrantSet {
  readonly target: GrantTarget;
  readonly grantee: string | null;
  /** privilege → grantable */
  readonly privileges: Map<string, boolean>;
}
export const grantSetKey = (g: { target: GrantTarget; grantee: string | null }): string => keyOf(grantTargetKey(g.target), g.grantee ?? '');
export function foldGrants(grants: readonly GrantInfo[]): GrantSet[] {
  const sets = new Map<string, GrantSet>();
  for (const g of grants) {
    const k = grantSetKey(g);
    let set = sets.get(k);
    if (!set) {
      set = { target: g.target, grantee: g.grantee, privileges: new Map() };
      sets.set(k, set);
    }
    set.privileges.set(g.privilege, g.grantable);
  }
  return [...sets.values()];
}
export const privilegeText = (p: ReadonlyMap<string, boolean>): string =>
  [...p.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, grantable]) => name + (grantable ? ' (with grant option)' : ''))
    .join(', ') || '(none)';

/** Every kind matched, for the entries and the migration. */
export interface SchemaComparison {
  readonly schemas: Matched<string>;
  readonly roles: Matched<RoleInfo>;
  readonly sequences: Matched<SequenceInfo>;
  readonly tables: Matched<TableInfo>;
  readonly columns: Matched<ColumnInfo>;
  readonly constraints: Matched<ConstraintInfo>;
  readonly indexes: Matched<IndexInfo>;
  readonly views: Matched<ViewInfo>;
  readonly functions: Matched<FunctionInfo>;
  readonly triggers: Matched<TriggerInfo>;
  readonly policies: Matched<PolicyInfo>;
  readonly leftGrants: readonly GrantSet[];
  readonly rightGrants: readonly GrantSet[];
  readonly left: SchemaSnapshot;
  readonly right: SchemaSnapshot;
}

export function compareSnapshots(left: SchemaSnapshot, right: SchemaSnapshot): SchemaComparison {
  return {
    schemas: match(
      left.schemas,
      right.schemas,
      (s) => keyOf(s),
      (s) => ({ name: s }),
    ),
    roles: match(left.roles, right.roles, (r) => keyOf(r.name), roleAttributes),
    sequences: match(left.sequences, right.sequences, relKey, sequenceAttributes),
    tables: match(left.tables, right.tables, relKey, tableFlags),
    columns: match(left.columns, right.columns, (c) => keyOf(c.schema, c.table, c.name), columnAttributes),
    constraints: match(left.constraints, right.constraints, (c) => keyOf(c.schema, c.table, c.name), constraintAttributes),
    indexes: match(left.indexes, right.indexes, (i) => keyOf(i.schema, i.name), indexAttributes),
    views: match(left.views, right.views, relKey, viewAttributes),
    functions: match(left.functions, right.functions, (f) => keyOf(f.schema, f.name, f.identityArguments), functionAttributes),
    triggers: match(left.triggers, right.triggers, (t) => keyOf(t.schema, t.table, t.name), triggerAttributes),
    policies: match(left.policies, right.policies, (p) => keyOf(p.schema, p.table, p.name), policyAttributes),
    leftGrants: foldGrants(left.grants),
    rightGrants: foldGrants(right.grants),
    left,
    right,
  };
}

function entriesOf<T>(
  kind: SchemaObjectKind,
  m: Matched<T>,
  name: (t: T) => string,
  attributes: (t: T) => Record<string, string>,
  listed: (t: T, side: 'added' | 'removed') => boolean = () => true,
): SchemaDiffEntry[] {
  const all = (t: T, side: 'before' | 'after'): AttributeChange[] =>
    Object.entries(attributes(t)).map(([n, v]) => ({ name: n, before: side === 'before' ? v : null, after: side === 'after' ? v : null }));
  return [
    ...m.added
      .filter((t) => listed(t, 'added'))
      .map((t) => ({ kind, name: name(t), change: 'added' as const, attributes: all(t, 'after') })),
    ...m.removed
      .filter((t) => listed(t, 'removed'))
      .map((t) => ({ kind, name: name(t), change: 'removed' as const, attributes: all(t, 'before') })),
    ...m.changed.map((c) => ({ kind, name: name(c.after), change: 'changed' as const, attributes: c.changes })),
  ];
}

/** The structured diff: added (right only), removed (left only), changed (attributes differ). */
export function diffEntries(c: SchemaComparison): SchemaDiffEntry[] {
  // A new or dropped table's columns are its "columns" attribute, not entries of their own.
  const tableOnBothSides = (col: ColumnInfo): boolean => c.tables.left.has(tableKey(col)) && c.tables.right.has(tableKey(col));
  const grantEntries: SchemaDiffEntry[] = [];
  const left = new Map(c.leftGrants.map((g) => [grantSetKey(g), g]));
  const right = new Map(c.rightGrants.map((g) => [grantSetKey(g), g]));
  for (const k of new Set([...left.keys(), ...right.keys()])) {
    const l = left.get(k);
    const r = right.get(k);
    const g = (r ?? l)!;
    const before = l ? privilegeText(l.privileges) : null;
    const after = r ? privilegeText(r.privileges) : null;
    if (before === after) continue;
    grantEntries.push({
      kind: 'grant',
      name: `${grantTargetLabel(g.target)} → ${g.grantee === null ? 'PUBLIC' : displayIdent(g.grantee)}`,
      change: l === undefined ? 'added' : r === undefined ? 'removed' : 'changed',
      attributes: [{ name: 'privileges', before, after }],
    });
  }
  return [
    ...entriesOf('role', c.roles, (r) => displayIdent(r.name), roleAttributes),
    ...entriesOf(
      'schema',
      c.schemas,
      (s) => displayIdent(s),
      (s) => ({ name: s }),
    ),
    ...entriesOf('sequence', c.sequences, (s) => display(s.schema, s.name), sequenceAttributes),
    ...entriesOf('table', c.tables, (t) => display(t.schema, t.name), tableAttributes([...c.left.columns, ...c.right.columns])),
    ...entriesOf('column', c.columns, (col) => display(col.schema, col.table, col.name), columnAttributes, tableOnBothSides),
    ...entriesOf('constraint', c.constraints, (k) => `${display(k.schema, k.table)} ${displayIdent(k.name)}`, constraintAttributes),
    ...entriesOf('index', c.indexes, (i) => display(i.schema, i.name), indexAttributes),
    ...entriesOf('view', c.views, (v) => display(v.schema, v.name), viewAttributes),
    ...entriesOf('function', c.functions, (f) => `${display(f.schema, f.name)}(${f.identityArguments})`, functionAttributes),
    ...entriesOf('trigger', c.triggers, (t) => `${display(t.schema, t.table)} ${displayIdent(t.name)}`, triggerAttributes),
    ...entriesOf('policy', c.policies, (p) => `${display(p.schema, p.table)} ${displayIdent(p.name)}`, policyAttributes),
    ...grantEntries,
  ];
}

/** The schema diff of two snapshots: entries and the migration SQL that turns left into right. */
export function diffSnapshots(left: SchemaSnapshot, right: SchemaSnapshot): { entries: SchemaDiffEntry[]; sql: string } {
  const c = compareSnapshots(left, right);
  return { entries: diffEntries(c), sql: migrationSql(c) };
}
