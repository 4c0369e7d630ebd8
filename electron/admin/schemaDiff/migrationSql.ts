import { quoteIdent } from '../quoteIdent';
import type {
  ColumnInfo,
  FunctionInfo,
  GrantTarget,
  PolicyInfo,
  RoleInfo,
  SequenceInfo,
  TableInfo,
  TriggerInfo,
  ViewInfo,
} from './SchemaSnapshot';
import { columnType, grantSetKey, grantTargetKey, keyOf, tableKey, type GrantSet, type SchemaComparison } from './diffSnapshots';

const q = quoteIdent;
const qn = (schema: string, name: string): string => `${q(schema)}.${q(name)}`;
/** A catalog-printed value (VALID UNTIL) as a string literal. */
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;
const relKey = (t: { schema: string; name: string }): string => keyOf(t.schema, t.name);

function roleOptions(r: RoleInfo, only?: ReadonlySet<string>): string {
  const flag = (name: string, on: boolean, attr: string): string | null => (only && !only.has(attr) ? null : on ? name : `NO${name}`);
  const parts = [
    flag('SUPERUSER', r.superuser, 'superuser'),
    flag('INHERIT', r.inherit, 'inherit'),
    flag('CREATEROLE', r.createRole, 'create role'),
    flag('CREATEDB', r.createDb, 'create database'),
    flag('LOGIN', r.login, 'login'),
    flag('REPLICATION', r.replication, 'replication'),
    flag('BYPASSRLS', r.bypassRls, 'bypass RLS'),
    only && !only.has('connection limit') ? null : `CONNECTION LIMIT ${r.connectionLimit}`,
    only && !only.has('valid until') ? null : `VALID UNTIL ${literal(r.validUntil ?? 'infinity')}`,
  ];
  return parts.filter((p) => p !== null).join(' ');
}

function columnDefinition(c: ColumnInfo): string {
  let text = `${q(c.name)} ${columnType(c)}`;
  if (c.generated !== null) text += ` GENERATED ALWAYS AS (${c.generated}) STORED`;
  if (c.identity !== null) text += ` GENERATED ${c.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
  if (c.default !== null) text += ` DEFAULT ${c.default}`;
  if (c.notNull) text += ' NOT NULL';
  return text;
}

function sequenceOptions(s: SequenceInfo): string {
  return `AS ${s.type} INCREMENT BY ${s.increment} MINVALUE ${s.min} MAXVALUE ${s.max} START WITH ${s.start} CACHE ${s.cache} ${s.cycle ? 'CYCLE' : 'NO CYCLE'}`;
}

const routineRef = (f: { schema: string; name: string; identityArguments: string }): string =>
  `${qn(f.schema, f.name)}(${f.identityArguments})`;

/** pg_get_viewdef ends its query with a semicolon; the CREATE adds its own. */
const viewBody = (v: ViewInfo): string => v.definition.trim().replace(/;$/, '');
const createView = (v: ViewInfo): string =>
  `CREATE ${v.materialized ? 'MATERIALIZED ' : ''}VIEW ${qn(v.schema, v.name)}${v.options.length ? ` WITH (${v.options.join(', ')})` : ''} AS\n${viewBody(v)};`;

function createPolicy(p: PolicyInfo): string {
  const roles = p.roles.map((r) => (r === 'public' ? 'PUBLIC' : q(r))).join(', ');
  return (
    `CREATE POLICY ${q(p.name)} ON ${qn(p.schema, p.table)} AS ${p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${p.command} TO ${roles}` +
    (p.using !== null ? ` USING (${p.using})` : '') +
    (p.withCheck !== null ? ` WITH CHECK (${p.withCheck})` : '') +
    ';'
  );
}

const TRIGGER_ENABLE: Record<string, string> = { O: 'ENABLE', D: 'DISABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' };
function createTrigger(t: TriggerInfo): string[] {
  const out = [`${t.definition};`];
  if (t.enabled !== 'O') out.push(`ALTER TABLE ${qn(t.schema, t.table)} ${TRIGGER_ENABLE[t.enabled] ?? 'ENABLE'} TRIGGER ${q(t.name)};`);
  return out;
}

function grantObject(t: GrantTarget): { on: string; columns: string } {
  switch (t.kind) {
    case 'schema':
      return { on: `SCHEMA ${q(t.name)}`, columns: '' };
    case 'table':
      return { on: `TABLE ${qn(t.schema, t.name)}`, columns: '' };
    case 'sequence':
      return { on: `SEQUENCE ${qn(t.schema, t.name)}`, columns: '' };
    case 'column':
      return { on: `TABLE ${qn(t.schema, t.name)}`, columns: ` (${q(t.column)})` };
    case 'function':
      return { on: `FUNCTION ${routineRef(t)}`, columns: '' };
    case 'procedure':
      return { on: `PROCEDURE ${routineRef(t)}`, columns: '' };
  }
}

/** Views in an order where each comes after the views it reads (`deps` maps key → keys). */
function dependencyOrder(views: readonly ViewInfo[]): ViewInfo[] {
  const byKey = new Map(views.map((v) => [relKey(v), v]));
  const done = new Set<string>();
  const out: ViewInfo[] = [];
  const visit = (v: ViewInfo, path: Set<string>): void => {
    const k = relKey(v);
    if (done.has(k) || path.has(k)) return;
    path.add(k);
    for (const d of v.dependsOn) {
      const dep = byKey.get(d);
      if (dep) visit(dep, path);
    }
    done.add(k);
    out.push(v);
  };
  for (const v of views) visit(v, new Set());
  return out;
}

/**
 * Statements that turn the left database into the right one, in dependency order: roles and
 * schemas first; dependants (policies, triggers, views, foreign keys) dropped before what they
 * depend on; functions, sequences, tables and columns next; then keys, indexes, views, triggers,
 * RLS, policies and grants; dropped roles and schemas last. Every name is quoted by quoteIdent;
 * expressions and definitions are Postgres' own printing of the right side's catalog.
 */
export function migrationSql(c: SchemaComparison): string {
  const out: string[] = [];
  const section = (title: string, statements: readonly string[]): void => {
    if (statements.length > 0) out.push(`-- ${title}`, ...statements, '');
  };

  const removedTables = new Set(c.tables.removed.map(relKey));
  const removedSchemas = new Set(c.schemas.removed);

  // Views to drop on the left: removed or changed, those reading a table whose columns are
  // dropped or retyped, and (transitively) those reading a view that is dropped.
  const reshapedTables = new Set<string>([...removedTables]);
  for (const col of c.columns.removed) reshapedTables.add(tableKey(col));
  for (const ch of c.columns.changed) {
    if (ch.changes.some((x) => x.name === 'type' || x.name === 'generated')) reshapedTables.add(tableKey(ch.before));
  }
  const droppedViews = new Set<string>([...c.views.removed.map(relKey), ...c.views.changed.map((ch) => relKey(ch.before))]);
  for (let grew = true; grew;) {
    grew = false;
    for (const v of c.views.left.values()) {
      const k = relKey(v);
      if (!droppedViews.has(k) && v.dependsOn.some((d) => droppedViews.has(d) || reshapedTables.has(d))) {
        droppedViews.add(k);
        grew = true;
      }
    }
  }
  const recreatedViews = new Set([...droppedViews].filter((k) => c.views.right.has(k)));
  const viewsToCreate = dependencyOrder(
    [...c.views.right.values()].filter((v) => !c.views.left.has(relKey(v)) || recreatedViews.has(relKey(v))),
  );

  // Functions: CREATE OR REPLACE keeps dependants, but cannot change the result, kind or arguments.
  const functionsToDrop: FunctionInfo[] = [...c.functions.removed];
  const functionsToCreate: FunctionInfo[] = [...c.functions.added];
  const recreatedRoutines = new Set<string>();
  for (const ch of c.functions.changed) {
    if (ch.changes.some((x) => x.name === 'kind' || x.name === 'returns' || x.name === 'arguments')) {
      functionsToDrop.push(ch.before);
      recreatedRoutines.add(keyOf('routine', ch.after.schema, ch.after.name, ch.after.identityArguments));
    }
    functionsToCreate.push(ch.after);
  }

  // Columns whose generation expression changes are dropped and added again.
  const recreatedColumns = new Set(
    c.columns.changed
      .filter((ch) => ch.changes.some((x) => x.name === 'generated'))
      .map((ch) => keyOf(ch.after.schema, ch.after.table, ch.after.name)),
  );

  const onKeptTable = (o: { schema: string; table: string }): boolean => !removedTables.has(tableKey(o)) && !droppedViews.has(tableKey(o));

  // 1. Roles and memberships, schemas.
  const roleStatements: string[] = [];
  for (const r of c.roles.added) roleStatements.push(`CREATE ROLE ${q(r.name)} WITH ${roleOptions(r)};`);
  for (const ch of c.roles.changed) {
    const attrs = new Set(ch.changes.map((x) => x.name).filter((n) => n !== 'member of'));
    if (attrs.size > 0) roleStatements.push(`ALTER ROLE ${q(ch.after.name)} WITH ${roleOptions(ch.after, attrs)};`);
  }
  const membershipGrants: string[] = [];
  const membershipRevokes: string[] = [];
  for (const r of c.roles.right.values()) {
    const before = new Map((c.roles.left.get(keyOf(r.name))?.memberOf ?? []).map((m) => [m.role, m.admin]));
    for (const m of r.memberOf) {
      const had = before.get(m.role);
      if (had === undefined || (m.admin && !had)) {
        membershipGrants.push(`GRANT ${q(m.role)} TO ${q(r.name)}${m.admin ? ' WITH ADMIN OPTION' : ''};`);
      } else if (!m.admin && had) {
        membershipRevokes.push(`REVOKE ADMIN OPTION FOR ${q(m.role)} FROM ${q(r.name)};`);
      }
    }
    const now = new Set(r.memberOf.map((m) => m.role));
    for (const role of before.keys()) {
      if (!now.has(role) && c.roles.right.has(keyOf(role))) membershipRevokes.push(`REVOKE ${q(role)} FROM ${q(r.name)};`);
    }
  }
  section('Roles', [...roleStatements, ...membershipGrants]);
  section(
    'Schemas',
    c.schemas.added.map((s) => `CREATE SCHEMA ${q(s)};`),
  );

  // 2. Drop dependants before what they depend on.
  section('Drop policies', [
    ...c.policies.removed.filter(onKeptTable).map((p) => `DROP POLICY ${q(p.name)} ON ${qn(p.schema, p.table)};`),
    ...c.policies.changed.map((ch) => `DROP POLICY ${q(ch.before.name)} ON ${qn(ch.before.schema, ch.before.table)};`),
  ]);
  const triggerChanged = (ch: { changes: { name: string }[] }): boolean => ch.changes.some((x) => x.name === 'definition');
  section('Drop triggers', [
    ...c.triggers.removed.filter(onKeptTable).map((t) => `DROP TRIGGER ${q(t.name)} ON ${qn(t.schema, t.table)};`),
    ...c.triggers.changed
      .filter((ch) => triggerChanged(ch) && onKeptTable(ch.before))
      .map((ch) => `DROP TRIGGER ${q(ch.before.name)} ON ${qn(ch.before.schema, ch.before.table)};`),
  ]);
  section(
    'Drop views',
    dependencyOrder([...c.views.left.values()].filter((v) => droppedViews.has(relKey(v))))
      .reverse()
      .map((v) => `DROP ${v.materialized ? 'MATERIALIZED ' : ''}VIEW ${qn(v.schema, v.name)};`),
  );
  const constraintsToDrop = [...c.constraints.removed.filter(onKeptTable), ...c.constraints.changed.map((ch) => ch.before)];
  const dropConstraint = (k: { schema: string; table: string; name: string }): string =>
    `ALTER TABLE ${qn(k.schema, k.table)} DROP CONSTRAINT ${q(k.name)};`;
  section('Drop foreign keys', constraintsToDrop.filter((k) => k.type === 'foreign key').map(dropConstraint));
  section('Drop constraints and indexes', [
    ...constraintsToDrop.filter((k) => k.type !== 'foreign key').map(dropConstraint),
    ...[...c.indexes.removed, ...c.indexes.changed.map((ch) => ch.before)]
      .filter(onKeptTable)
      .map((i) => `DROP INDEX ${qn(i.schema, i.name)};`),
  ]);
  section(
    'Drop tables',
    c.tables.removed.map((t) => `DROP TABLE ${qn(t.schema, t.name)};`),
  );
  section(
    'Drop functions',
    functionsToDrop.map((f) => `DROP ${f.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${routineRef(f)};`),
  );

  // 3. Functions (bodies checked at call time, as pg_dump does), sequences, tables, columns.
  if (functionsToCreate.length > 0) {
    section('Functions', ['SET LOCAL check_function_bodies = false;', ...functionsToCreate.map((f) => `${f.definition.trim()};`)]);
  }
  section(
    'Sequences',
    c.sequences.added.map((s) => `CREATE SEQUENCE ${qn(s.schema, s.name)} ${sequenceOptions(s)};`),
  );
  const columnsOf = (t: TableInfo): ColumnInfo[] =>
    [...c.columns.right.values()].filter((col) => col.schema === t.schema && col.table === t.name).sort((a, b) => a.position - b.position);
  section(
    'Tables',
    c.tables.added.map(
      (t) =>
        `CREATE TABLE ${qn(t.schema, t.name)} (\n${columnsOf(t)
          .map((col) => `  ${columnDefinition(col)}`)
          .join(',\n')}\n)${t.partitionBy ? ` PARTITION BY ${t.partitionBy}` : ''};`,
    ),
  );
  const columnStatements: string[] = [];
  const alter = (col: { schema: string; table: string; name: string }, action: string): string =>
    `ALTER TABLE ${qn(col.schema, col.table)} ALTER COLUMN ${q(col.name)} ${action};`;
  for (const col of c.columns.removed) {
    if (!removedTables.has(tableKey(col))) columnStatements.push(`ALTER TABLE ${qn(col.schema, col.table)} DROP COLUMN ${q(col.name)};`);
  }
  for (const ch of c.columns.changed) {
    const { before: l, after: r } = ch;
    if (recreatedColumns.has(keyOf(r.schema, r.table, r.name))) {
      columnStatements.push(
        `ALTER TABLE ${qn(l.schema, l.table)} DROP COLUMN ${q(l.name)};`,
        `ALTER TABLE ${qn(r.schema, r.table)} ADD COLUMN ${columnDefinition(r)};`,
      );
      continue;
    }
    const changed = new Set(ch.changes.map((x) => x.name));
    const defaultGoes = l.default !== null && (changed.has('default') || changed.has('type') || changed.has('identity'));
    if (defaultGoes) columnStatements.push(alter(l, 'DROP DEFAULT'));
    if (l.identity !== null && r.identity === null) columnStatements.push(alter(l, 'DROP IDENTITY'));
    if (changed.has('type')) {
      columnStatements.push(alter(r, `TYPE ${columnType(r)} USING ${q(r.name)}::${r.type}`));
    }
    if (l.notNull !== r.notNull && !(r.identity !== null && l.identity === null)) {
      columnStatements.push(alter(r, r.notNull ? 'SET NOT NULL' : 'DROP NOT NULL'));
    }
    if (r.default !== null && (defaultGoes || l.default === null)) columnStatements.push(alter(r, `SET DEFAULT ${r.default}`));
    if (r.identity !== null && l.identity === null) {
      columnStatements.push(alter(r, `ADD GENERATED ${r.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`));
    } else if (r.identity !== null && l.identity !== null && r.identity !== l.identity) {
      columnStatements.push(alter(r, `SET GENERATED ${r.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'}`));
    }
  }
  for (const col of c.columns.added) {
    if (c.tables.left.has(tableKey(col)))
      columnStatements.push(`ALTER TABLE ${qn(col.schema, col.table)} ADD COLUMN ${columnDefinition(col)};`);
  }
  section('Columns', columnStatements);

  const sequenceStatements: string[] = [];
  const ownedBy = (s: SequenceInfo): string =>
    `ALTER SEQUENCE ${qn(s.schema, s.name)} OWNED BY ${s.ownedBy ? `${qn(s.ownedBy.schema, s.ownedBy.table)}.${q(s.ownedBy.column)}` : 'NONE'};`;
  for (const s of c.sequences.added) if (s.ownedBy) sequenceStatements.push(ownedBy(s));
  for (const ch of c.sequences.changed) {
    if (ch.changes.some((x) => x.name !== 'owned by'))
      sequenceStatements.push(`ALTER SEQUENCE ${qn(ch.after.schema, ch.after.name)} ${sequenceOptions(ch.after)};`);
    if (ch.changes.some((x) => x.name === 'owned by')) sequenceStatements.push(ownedBy(ch.after));
  }
  // A serial's sequence goes with its column or table; IF EXISTS for those.
  for (const s of c.sequences.removed) sequenceStatements.push(`DROP SEQUENCE IF EXISTS ${qn(s.schema, s.name)};`);
  section('Sequence options and owners', sequenceStatements);

  // 4. Keys, indexes, views, triggers, RLS, policies.
  const constraintsToAdd = [...c.constraints.added, ...c.constraints.changed.map((ch) => ch.after)];
  const addConstraint = (k: { schema: string; table: string; name: string; definition: string }): string =>
    `ALTER TABLE ${qn(k.schema, k.table)} ADD CONSTRAINT ${q(k.name)} ${k.definition};`;
  // A materialized view's indexes come after it; a recreated one's went with it.
  const indexesToCreate = [
    ...c.indexes.added,
    ...c.indexes.changed.map((ch) => ch.after).filter((i) => !recreatedViews.has(tableKey(i))),
    ...[...c.indexes.right.values()].filter((i) => recreatedViews.has(tableKey(i)) && c.indexes.left.has(keyOf(i.schema, i.name))),
  ];
  section('Constraints and indexes', [
    ...constraintsToAdd.filter((k) => k.type === 'primary key' || k.type === 'unique' || k.type === 'exclusion').map(addConstraint),
    ...constraintsToAdd.filter((k) => k.type === 'check').map(addConstraint),
    ...indexesToCreate.filter((i) => !c.views.right.has(tableKey(i))).map((i) => `${i.definition};`),
  ]);
  section('Foreign keys', constraintsToAdd.filter((k) => k.type === 'foreign key').map(addConstraint));
  section('Views', [
    ...viewsToCreate.map(createView),
    ...indexesToCreate.filter((i) => c.views.right.has(tableKey(i))).map((i) => `${i.definition};`),
  ]);
  const triggersToCreate = [
    ...c.triggers.added,
    ...[...c.triggers.right.values()].filter(
      (t) => recreatedViews.has(tableKey(t)) && c.triggers.left.has(keyOf(t.schema, t.table, t.name)),
    ),
  ];
  const triggerStatements = triggersToCreate.flatMap(createTrigger);
  for (const ch of c.triggers.changed) {
    if (recreatedViews.has(tableKey(ch.after))) continue;
    if (triggerChanged(ch)) triggerStatements.push(...createTrigger(ch.after));
    else
      triggerStatements.push(
        `ALTER TABLE ${qn(ch.after.schema, ch.after.table)} ${TRIGGER_ENABLE[ch.after.enabled] ?? 'ENABLE'} TRIGGER ${q(ch.after.name)};`,
      );
  }
  section('Triggers', triggerStatements);
  const rls: string[] = [];
  for (const t of c.tables.right.values()) {
    const l = c.tables.left.get(relKey(t));
    if ((l?.rowSecurity ?? false) !== t.rowSecurity)
      rls.push(`ALTER TABLE ${qn(t.schema, t.name)} ${t.rowSecurity ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY;`);
    if ((l?.forceRowSecurity ?? false) !== t.forceRowSecurity)
      rls.push(`ALTER TABLE ${qn(t.schema, t.name)} ${t.forceRowSecurity ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY;`);
  }
  section('Row level security', rls);
  section('Policies', [...c.policies.added, ...c.policies.changed.map((ch) => ch.after)].map(createPolicy));

  // 5. Grants: on objects that exist on the right; a created or recreated object starts from
  // Postgres' defaults (routines: EXECUTE to PUBLIC; everything else: nothing but the owner).
  section('Grants', grantStatements(c, recreatedViews, recreatedRoutines, recreatedColumns));

  // 6. Last: revoked memberships, dropped roles, dropped schemas (CASCADE takes what the diff does not model, e.g. types).
  section('Memberships revoked', membershipRevokes);
  section(
    'Drop roles',
    c.roles.removed.map((r) => `DROP ROLE ${q(r.name)};`),
  );
  section(
    'Drop schemas',
    [...removedSchemas].map((s) => `DROP SCHEMA ${q(s)} CASCADE;`),
  );

  if (out.length === 0) return '-- The two sides have the same schema: nothing to change.\n';
  // No BEGIN/COMMIT: Pier's SQL editor runs a script as one transaction (psql: --single-transaction).
  return [
    '-- Turns the left database into the right one. Review before running.',
    "-- Run it as one transaction (Pier's SQL editor does; psql: --single-transaction).",
    '',
    ...out,
  ].join('\n');
}

function grantStatements(
  c: SchemaComparison,
  recreatedViews: ReadonlySet<string>,
  recreatedRoutines: ReadonlySet<string>,
  recreatedColumns: ReadonlySet<string>,
): string[] {
  const existsOnLeft = (t: GrantTarget): boolean => {
    switch (t.kind) {
      case 'schema':
        return c.schemas.left.has(keyOf(t.name));
      case 'table':
      case 'sequence': {
        const k = keyOf(t.schema, t.name);
        if (recreatedViews.has(k)) return false;
        return c.tables.left.has(k) || c.views.left.has(k) || c.sequences.left.has(k);
      }
      case 'column': {
        const k = keyOf(t.schema, t.name);
        return (
          (c.tables.left.has(k) || (c.views.left.has(k) && !recreatedViews.has(k))) &&
          !recreatedColumns.has(keyOf(t.schema, t.name, t.column))
        );
      }
      case 'function':
      case 'procedure':
        return c.functions.left.has(keyOf(t.schema, t.name, t.identityArguments)) && !recreatedRoutines.has(grantTargetKey(t));
    }
  };
  const defaultsOf = (t: GrantTarget, grantee: string | null): Map<string, boolean> =>
    (t.kind === 'function' || t.kind === 'procedure') && grantee === null ? new Map([['EXECUTE', false]]) : new Map();

  const left = new Map(c.leftGrants.map((g) => [grantSetKey(g), g]));
  const right = new Map(c.rightGrants.map((g) => [grantSetKey(g), g]));
  // Objects created by the migration carry default grants on the left side of the comparison.
  const sets = new Map<string, GrantSet>(right);
  for (const [k, g] of left) if (!sets.has(k)) sets.set(k, g);
  // A created routine grants EXECUTE to PUBLIC unless the right side revoked it.
  for (const f of c.functions.right.values()) {
    const target: GrantTarget = { kind: f.kind, schema: f.schema, name: f.name, identityArguments: f.identityArguments };
    const k = grantSetKey({ target, grantee: null });
    if (!existsOnLeft(target) && !sets.has(k)) sets.set(k, { target, grantee: null, privileges: new Map() });
  }
  const out: string[] = [];
  for (const [k, g] of sets) {
    if (!existsOnRight(c, g.target)) continue;
    const before = existsOnLeft(g.target) ? (left.get(k)?.privileges ?? new Map<string, boolean>()) : defaultsOf(g.target, g.grantee);
    const after = right.get(k)?.privileges ?? new Map<string, boolean>();
    const { on, columns } = grantObject(g.target);
    const grantee = g.grantee === null ? 'PUBLIC' : q(g.grantee);
    for (const [privilege, grantable] of after) {
      const had = before.get(privilege);
      if (had === undefined || (grantable && !had)) {
        out.push(`GRANT ${privilege}${columns} ON ${on} TO ${grantee}${grantable ? ' WITH GRANT OPTION' : ''};`);
      } else if (!grantable && had) {
        out.push(`REVOKE GRANT OPTION FOR ${privilege}${columns} ON ${on} FROM ${grantee};`);
      }
    }
    for (const privilege of before.keys()) {
      if (!after.has(privilege)) out.push(`REVOKE ${privilege}${columns} ON ${on} FROM ${grantee};`);
    }
  }
  return out;
}

function existsOnRight(c: SchemaComparison, t: GrantTarget): boolean {
  switch (t.kind) {
    case 'schema':
      return c.schemas.right.has(keyOf(t.name));
    case 'table':
    case 'sequence':
    case 'column': {
      const k = keyOf(t.schema, t.name);
      const relation = c.tables.right.has(k) || c.views.right.has(k) || c.sequences.right.has(k);
      return t.kind === 'column' ? relation && (c.columns.right.has(keyOf(t.schema, t.name, t.column)) || c.views.right.has(k)) : relation;
    }
    case 'function':
    case 'procedure':
      return c.functions.right.has(keyOf(t.schema, t.name, t.identityArguments));
  }
}
