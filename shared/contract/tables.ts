import { z } from 'zod';
import { applyOutput } from './admin';
import { location } from './location';

/**
 * The table designer: read a table's structure, plan a structural change (the SQL, and what a drop
 * takes with it), apply it. The renderer sends a structured change, never DDL text; main builds
 * the statements from it and the catalog, for the plan and again for the apply.
 */

/** A name the user chose or the catalog has; quoted in main, so any text is just a name. */
const name = z.string().min(1).max(63);
/**
 * SQL the user writes (defaults, CHECK, USING, index predicates): shown before it runs, kept inside
 * its own parentheses (main refuses one that closes them) and run one statement at a time.
 */
const expression = z.string().trim().min(1).max(20_000);
/** COMMENT text; null removes the comment. */
const comment = z.string().max(10_000).nullable();

// ---------- types ----------

/** A type as the catalog names it; `modifiers` are the (length), (precision, scale) of e.g. varchar(40), numeric(10,2). */
export const typeRef = z
  .object({
    schema: name,
    name: name,
    modifiers: z.array(z.number().int().min(0).max(100_000_000)).max(2).default([]),
    array: z.boolean().default(false),
  })
  .strict();
export type TypeRef = z.output<typeof typeRef>;
export type TypeRefInput = z.input<typeof typeRef>;

export const TYPE_KINDS = ['base', 'enum', 'domain', 'composite', 'range'] as const;
export const typeKind = z.enum(TYPE_KINDS);
export type TypeKind = z.infer<typeof typeKind>;

export const listTypesInput = z.object({ at: location }).strict();
export const typeInfo = z.object({
  schema: z.string(),
  name: z.string(),
  /** Postgres' own rendering (format_type): `integer`, `character varying`, `public.mood`. */
  display: z.string(),
  kind: typeKind,
  /** Postgres' type category (N numeric, S string, D date/time, B boolean, U user-defined, …). */
  category: z.string(),
  /** Takes modifiers, e.g. varchar(n), numeric(p,s), timestamp(p). */
  takesModifiers: z.boolean(),
  /** Enum labels, in order. */
  labels: z.array(z.string()),
  /** A domain's base type. */
  baseType: z.string().nullable(),
});
export type TypeInfo = z.infer<typeof typeInfo>;
export const listTypesOutput = z.object({ types: z.array(typeInfo) });
export type ListTypesOutput = z.infer<typeof listTypesOutput>;

// ---------- a table as it is ----------

export const FK_ACTIONS = ['NO ACTION', 'RESTRICT', 'CASCADE', 'SET NULL', 'SET DEFAULT'] as const;
export const fkAction = z.enum(FK_ACTIONS);
export type FkAction = z.infer<typeof fkAction>;

export const IDENTITY_KINDS = ['none', 'always', 'byDefault'] as const;
export const identityKind = z.enum(IDENTITY_KINDS);
export type IdentityKind = z.infer<typeof identityKind>;

export const INDEX_METHODS = ['btree', 'hash', 'gin', 'gist', 'brin'] as const;
export const indexMethod = z.enum(INDEX_METHODS);
export type IndexMethod = z.infer<typeof indexMethod>;

export const tableDesignInput = z.object({ schema: name, table: name, at: location }).strict();

export const columnInfo = z.object({
  name: z.string(),
  /** Postgres' rendering of the type, with modifiers: `character varying(40)`, `integer[]`. */
  type: z.string(),
  /** The type, as a designer edits it. */
  typeRef: typeRef,
  notNull: z.boolean(),
  default: z.string().nullable(),
  identity: identityKind,
  /** A generated column's expression (read-only here). */
  generated: z.string().nullable(),
  comment: z.string().nullable(),
});
export type ColumnInfo = z.infer<typeof columnInfo>;

export const constraintInfo = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('primaryKey'), name: z.string(), columns: z.array(z.string()) }),
  z.object({ kind: z.literal('unique'), name: z.string(), columns: z.array(z.string()) }),
  z.object({ kind: z.literal('check'), name: z.string(), expression: z.string() }),
  z.object({
    kind: z.literal('foreignKey'),
    name: z.string(),
    columns: z.array(z.string()),
    refSchema: z.string(),
    refTable: z.string(),
    refColumns: z.array(z.string()),
    onDelete: fkAction,
    onUpdate: fkAction,
  }),
  /** Exclusion constraints and others the designer shows but does not build. */
  z.object({ kind: z.literal('other'), name: z.string(), definition: z.string() }),
]);
export type ConstraintInfo = z.infer<typeof constraintInfo>;

export const indexInfo = z.object({
  name: z.string(),
  /** pg_get_indexdef. */
  definition: z.string(),
  unique: z.boolean(),
  method: z.string(),
  /** Plain column keys (empty when an index key is an expression). */
  columns: z.array(z.string()),
  /** The index belongs to a primary key or unique constraint (drop the constraint instead). */
  constraint: z.string().nullable(),
});
export type IndexInfo = z.infer<typeof indexInfo>;

export const tableDesign = z.object({
  schema: z.string(),
  table: z.string(),
  owner: z.string(),
  comment: z.string().nullable(),
  rlsEnabled: z.boolean(),
  columns: z.array(columnInfo),
  constraints: z.array(constraintInfo),
  indexes: z.array(indexInfo),
});
export type TableDesign = z.infer<typeof tableDesign>;

// ---------- changes ----------

export const columnDefinition = z
  .object({
    name,
    type: typeRef,
    notNull: z.boolean().default(false),
    default: expression.nullable().default(null),
    identity: identityKind.default('none'),
    comment: comment.default(null),
  })
  .strict();
export type ColumnDefinition = z.output<typeof columnDefinition>;
export type ColumnDefinitionInput = z.input<typeof columnDefinition>;

const columns = z.array(name).min(1).max(32);
export const constraintDefinition = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('primaryKey'), name: name.nullable().default(null), columns }).strict(),
  z.object({ kind: z.literal('unique'), name: name.nullable().default(null), columns }).strict(),
  z.object({ kind: z.literal('check'), name: name.nullable().default(null), expression }).strict(),
  z
    .object({
      kind: z.literal('foreignKey'),
      name: name.nullable().default(null),
      columns,
      refSchema: name,
      refTable: name,
      refColumns: columns,
      onDelete: fkAction.default('NO ACTION'),
      onUpdate: fkAction.default('NO ACTION'),
    })
    .strict(),
]);
export type ConstraintDefinition = z.output<typeof constraintDefinition>;
export type ConstraintDefinitionInput = z.input<typeof constraintDefinition>;

export const indexDefinition = z
  .object({
    name: name.nullable().default(null),
    columns,
    unique: z.boolean().default(false),
    method: indexMethod.default('btree'),
    /** A partial index's predicate. */
    where: expression.nullable().default(null),
  })
  .strict();
export type IndexDefinition = z.output<typeof indexDefinition>;
export type IndexDefinitionInput = z.input<typeof indexDefinition>;

export const tableDefinition = z
  .object({
    name,
    columns: z.array(columnDefinition).min(1).max(1600),
    constraints: z.array(constraintDefinition).max(200).default([]),
    indexes: z.array(indexDefinition).max(200).default([]),
    comment: comment.default(null),
    rlsEnabled: z.boolean().default(false),
  })
  .strict();
export type TableDefinition = z.output<typeof tableDefinition>;
export type TableDefinitionInput = z.input<typeof tableDefinition>;

/** One step of an ALTER; steps run in the order given, in one transaction. */
export const alterStep = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('renameTable'), to: name }).strict(),
  z.object({ kind: z.literal('setComment'), comment }).strict(),
  z.object({ kind: z.literal('setRls'), enabled: z.boolean() }).strict(),
  z.object({ kind: z.literal('addColumn'), column: columnDefinition }).strict(),
  z.object({ kind: z.literal('dropColumn'), column: name, cascade: z.boolean().default(false) }).strict(),
  z.object({ kind: z.literal('renameColumn'), column: name, to: name }).strict(),
  /** `using` converts existing values (e.g. `price::numeric`); null lets Postgres cast. */
  z.object({ kind: z.literal('setType'), column: name, type: typeRef, using: expression.nullable().default(null) }).strict(),
  z.object({ kind: z.literal('setDefault'), column: name, default: expression.nullable() }).strict(),
  z.object({ kind: z.literal('setNotNull'), column: name, notNull: z.boolean() }).strict(),
  z.object({ kind: z.literal('setColumnComment'), column: name, comment }).strict(),
  z.object({ kind: z.literal('addConstraint'), constraint: constraintDefinition }).strict(),
  z.object({ kind: z.literal('dropConstraint'), name, cascade: z.boolean().default(false) }).strict(),
  z.object({ kind: z.literal('renameConstraint'), name, to: name }).strict(),
  z.object({ kind: z.literal('addIndex'), index: indexDefinition }).strict(),
  z.object({ kind: z.literal('dropIndex'), name, cascade: z.boolean().default(false) }).strict(),
  z.object({ kind: z.literal('renameIndex'), name, to: name }).strict(),
]);
export type AlterStep = z.output<typeof alterStep>;
export type AlterStepInput = z.input<typeof alterStep>;

export const tableChange = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('create'), schema: name, table: tableDefinition }).strict(),
  z.object({ kind: z.literal('alter'), schema: name, table: name, steps: z.array(alterStep).min(1).max(500) }).strict(),
  z.object({ kind: z.literal('drop'), schema: name, table: name, cascade: z.boolean().default(false) }).strict(),
]);
export type TableChange = z.output<typeof tableChange>;
export type TableChangeInput = z.input<typeof tableChange>;

export const planTableChangeInput = z.object({ change: tableChange, at: location }).strict();

// ---------- what a drop takes with it ----------

export const DEPENDENT_KINDS = [
  'view',
  'materializedView',
  'foreignKey',
  'constraint',
  'policy',
  'function',
  'trigger',
  'index',
  'sequence',
  'default',
  'column',
  'table',
  'other',
] as const;
export const dependentKind = z.enum(DEPENDENT_KINDS);
export type DependentKind = z.infer<typeof dependentKind>;

export const dependent = z.object({
  kind: dependentKind,
  /** Postgres' own description (pg_describe_object), e.g. `view client_names`. */
  description: z.string(),
  /**
   * True: it stops the drop unless CASCADE (a view, another table's foreign key, a policy
   * elsewhere); false: it goes with the object anyway (its own indexes, sequences, triggers).
   */
  blocksDrop: z.boolean(),
});
export type Dependent = z.infer<typeof dependent>;

export const dropTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('table') }).strict(),
  z.object({ kind: z.literal('column'), column: name }).strict(),
  z.object({ kind: z.literal('constraint'), name }).strict(),
  z.object({ kind: z.literal('index'), name }).strict(),
]);
export type DropTarget = z.infer<typeof dropTarget>;

export const dependentsInput = z.object({ schema: name, table: name, target: dropTarget, at: location }).strict();
export const dependentsOutput = z.object({ dependents: z.array(dependent) });
export type DependentsOutput = z.infer<typeof dependentsOutput>;

export const tableChangePlan = z.object({
  statements: z.array(z.string()),
  warnings: z.array(z.string()),
  /** For each drop in the change, what depends on the dropped object (from the catalog). */
  drops: z.array(z.object({ what: z.string(), cascade: z.boolean(), dependents: z.array(dependent) })),
});
export type TableChangePlan = z.infer<typeof tableChangePlan>;

/**
 * Apply takes the statements the user reviewed: main rebuilds them from the change and the catalog
 * and refuses to run anything else (the table changed since the review: review again).
 */
export const applyTableChangeInput = z.object({ change: tableChange, reviewed: z.array(z.string()).max(2000), at: location }).strict();
export const applyTableChangeOutput = applyOutput;

export const tablesContract = {
  'tables.types': { input: listTypesInput, output: listTypesOutput },
  'tables.describe': { input: tableDesignInput, output: tableDesign },
  'tables.dependents': { input: dependentsInput, output: dependentsOutput },
  'tables.planChange': { input: planTableChangeInput, output: tableChangePlan },
  'tables.applyChange': { input: applyTableChangeInput, output: applyTableChangeOutput },
} as const;
