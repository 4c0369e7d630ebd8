import type {
  AlterStepInput,
  ColumnDefinitionInput,
  ConstraintDefinitionInput,
  ConstraintInfo,
  IdentityKind,
  IndexDefinitionInput,
  IndexInfo,
  TableChangeInput,
  TableDesign,
  TypeRef,
} from '../../../../shared/contract/tables';
import { assertNever } from '../../../../shared/contract/result';

/**
 * The designer's editable copy of a table. Existing columns, constraints and indexes remember what
 * the catalog had, so the change sent to main is the difference: renames stay renames (ALTER …
 * RENAME keeps grants and policies), and only what the user touched is altered.
 */
export interface ColumnDraft {
  readonly key: string;
  /** The column as the catalog has it; null for a new one. */
  readonly original: TableDesign['columns'][number] | null;
  readonly name: string;
  readonly type: TypeRef;
  readonly notNull: boolean;
  /** An SQL expression; empty for none. */
  readonly default: string;
  readonly identity: IdentityKind;
  readonly comment: string;
  /** How existing values become the new type (ALTER … TYPE … USING); empty lets Postgres cast. */
  readonly using: string;
  /** New tables only: the primary key and single-column UNIQUE are ticked on the column. */
  readonly primaryKey: boolean;
  readonly unique: boolean;
  readonly dropped: boolean;
  readonly cascade: boolean;
}

export type ConstraintDraft =
  | {
      readonly key: string;
      readonly kind: 'existing';
      readonly original: ConstraintInfo;
      readonly dropped: boolean;
      readonly cascade: boolean;
    }
  | { readonly key: string; readonly kind: 'new'; readonly definition: ConstraintDefinitionInput };

export type IndexDraft =
  | { readonly key: string; readonly kind: 'existing'; readonly original: IndexInfo; readonly dropped: boolean; readonly cascade: boolean }
  | { readonly key: string; readonly kind: 'new'; readonly definition: IndexDefinitionInput };

export interface TableDraft {
  /** The table as the catalog has it; null for a new table. */
  readonly original: TableDesign | null;
  readonly name: string;
  readonly comment: string;
  readonly rlsEnabled: boolean;
  readonly columns: readonly ColumnDraft[];
  readonly constraints: readonly ConstraintDraft[];
  readonly indexes: readonly IndexDraft[];
}

let counter = 0;
export const draftKey = (prefix: string) => `${prefix}-${++counter}`;

const builtin = (name: string, modifiers: number[] = []): TypeRef => ({ schema: 'pg_catalog', name, modifiers, array: false });

export function newColumn(name = '', type: TypeRef = builtin('text')): ColumnDraft {
  return {
    key: draftKey('col'),
    original: null,
    name,
    type,
    notNull: false,
    default: '',
    identity: 'none',
    comment: '',
    using: '',
    primaryKey: false,
    unique: false,
    dropped: false,
    cascade: false,
  };
}

/** A new table starts as Supabase Studio's does: an identity key and a creation time. */
export function newTableDraft(): TableDraft {
  return {
    original: null,
    name: '',
    comment: '',
    rlsEnabled: false,
    columns: [
      { ...newColumn('id', builtin('int8')), identity: 'byDefault', primaryKey: true, notNull: true },
      { ...newColumn('created_at', builtin('timestamptz')), notNull: true, default: 'now()' },
    ],
    constraints: [],
    indexes: [],
  };
}

export function draftFromDesign(design: TableDesign): TableDraft {
  return {
    original: design,
    name: design.table,
    comment: design.comment ?? '',
    rlsEnabled: design.rlsEnabled,
    columns: design.columns.map((c) => ({
      key: draftKey('col'),
      original: c,
      name: c.name,
      type: c.typeRef,
      notNull: c.notNull,
      default: c.default ?? '',
      identity: c.identity,
      comment: c.comment ?? '',
      using: '',
      primaryKey: false,
      unique: false,
      dropped: false,
      cascade: false,
    })),
    constraints: design.constraints.map((c) => ({ key: draftKey('con'), kind: 'existing', original: c, dropped: false, cascade: false })),
    indexes: design.indexes.map((i) => ({ key: draftKey('idx'), kind: 'existing', original: i, dropped: false, cascade: false })),
  };
}

const sameType = (a: TypeRef, b: TypeRef) =>
  a.schema === b.schema && a.name === b.name && a.array === b.array && a.modifiers.join(',') === b.modifiers.join(',');
const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

function columnDefinition(c: ColumnDraft): ColumnDefinitionInput {
  return {
    name: c.name.trim(),
    type: c.type,
    notNull: c.notNull,
    default: c.identity === 'none' ? orNull(c.default) : null,
    identity: c.identity,
    comment: orNull(c.comment),
  };
}

/** What is wrong with the draft before anything is asked of main (empty names, no columns). */
export function draftProblems(draft: TableDraft): string[] {
  const problems: string[] = [];
  if (!draft.name.trim()) problems.push('The table needs a name.');
  const live = draft.columns.filter((c) => !c.dropped);
  if (live.length === 0) problems.push('A table needs at least one column.');
  if (live.some((c) => !c.name.trim())) problems.push('Every column needs a name.');
  const names = live.map((c) => c.name.trim());
  const twice = names.find((n, i) => n && names.indexOf(n) !== i);
  if (twice) problems.push(`Column ${twice} appears twice.`);
  return problems;
}

/**
 * The structured change the draft stands for; null when nothing changed. Steps run in an order
 * that cannot trip over itself: drops of constraints and indexes, then column renames, alters and
 * drops, then new columns, then new constraints and indexes (which may use the new columns).
 */
export function draftToChange(schema: string, draft: TableDraft): TableChangeInput | null {
  const original = draft.original;
  if (original === null) {
    const live = draft.columns.filter((c) => !c.dropped);
    const pk = live.filter((c) => c.primaryKey).map((c) => c.name.trim());
    const constraints: ConstraintDefinitionInput[] = [
      ...(pk.length ? [{ kind: 'primaryKey' as const, columns: pk }] : []),
      ...live.filter((c) => c.unique && !c.primaryKey).map((c) => ({ kind: 'unique' as const, columns: [c.name.trim()] })),
      ...draft.constraints.flatMap((c) => (c.kind === 'new' ? [c.definition] : [])),
    ];
    return {
      kind: 'create',
      schema,
      table: {
        name: draft.name.trim(),
        comment: orNull(draft.comment),
        rlsEnabled: draft.rlsEnabled,
        columns: live.map(columnDefinition),
        constraints,
        indexes: draft.indexes.flatMap((i) => (i.kind === 'new' ? [i.definition] : [])),
      },
    };
  }

  const steps: AlterStepInput[] = [];
  if (draft.name.trim() !== original.table) steps.push({ kind: 'renameTable', to: draft.name.trim() });
  for (const c of draft.constraints) {
    if (c.kind === 'existing' && c.dropped) steps.push({ kind: 'dropConstraint', name: c.original.name, cascade: c.cascade });
  }
  for (const i of draft.indexes) {
    if (i.kind === 'existing' && i.dropped) steps.push({ kind: 'dropIndex', name: i.original.name, cascade: i.cascade });
  }
  for (const c of draft.columns) {
    const was = c.original;
    if (was === null) continue;
    if (c.dropped) {
      steps.push({ kind: 'dropColumn', column: was.name, cascade: c.cascade });
      continue;
    }
    const name = c.name.trim();
    if (name !== was.name) steps.push({ kind: 'renameColumn', column: was.name, to: name });
    if (!sameType(c.type, was.typeRef)) steps.push({ kind: 'setType', column: name, type: c.type, using: orNull(c.using) });
    if (was.identity === 'none' && orNull(c.default) !== (was.default === null ? null : was.default.trim()))
      steps.push({ kind: 'setDefault', column: name, default: orNull(c.default) });
    if (c.notNull !== was.notNull) steps.push({ kind: 'setNotNull', column: name, notNull: c.notNull });
    if (orNull(c.comment) !== was.comment) steps.push({ kind: 'setColumnComment', column: name, comment: orNull(c.comment) });
  }
  for (const c of draft.columns) {
    if (c.original === null && !c.dropped) steps.push({ kind: 'addColumn', column: columnDefinition(c) });
  }
  for (const c of draft.constraints) if (c.kind === 'new') steps.push({ kind: 'addConstraint', constraint: c.definition });
  for (const i of draft.indexes) if (i.kind === 'new') steps.push({ kind: 'addIndex', index: i.definition });
  if (orNull(draft.comment) !== original.comment) steps.push({ kind: 'setComment', comment: orNull(draft.comment) });
  if (draft.rlsEnabled !== original.rlsEnabled) steps.push({ kind: 'setRls', enabled: draft.rlsEnabled });
  return steps.length ? { kind: 'alter', schema, table: original.table, steps } : null;
}

/** How a constraint reads in the designer's list. */
export function constraintText(c: ConstraintInfo | ConstraintDefinitionInput): string {
  switch (c.kind) {
    case 'primaryKey':
      return `PRIMARY KEY (${c.columns.join(', ')})`;
    case 'unique':
      return `UNIQUE (${c.columns.join(', ')})`;
    case 'check':
      // The catalog's rendering is already parenthesised.
      return c.expression.startsWith('(') && c.expression.endsWith(')') ? `CHECK ${c.expression}` : `CHECK (${c.expression})`;
    case 'foreignKey': {
      const actions = [
        c.onDelete && c.onDelete !== 'NO ACTION' ? ` ON DELETE ${c.onDelete}` : '',
        c.onUpdate && c.onUpdate !== 'NO ACTION' ? ` ON UPDATE ${c.onUpdate}` : '',
      ].join('');
      return `(${c.columns.join(', ')}) → ${c.refSchema}.${c.refTable} (${c.refColumns.join(', ')})${actions}`;
    }
    case 'other':
      return c.definition;
    default:
      return assertNever(c, 'constraint');
  }
}
