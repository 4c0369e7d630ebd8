import type {
  AlterStep,
  ColumnDefinition,
  ConstraintDefinition,
  DropTarget,
  IndexDefinition,
  TableChange,
  TableDefinition,
  TypeRef,
} from '../../shared/contract/tables';
import { assertNever } from '../../shared/contract/result';
import { invalidInput, notFound } from '../errors/PierError';
import { quoteIdent } from './quoteIdent';
import { checkExpression, checkNewName, commentLiteral } from './sqlText';
import { tableKey, typeKey, type TableStructure } from './tableCatalog';

/** What the builder needs from the catalog, read just before (for the plan, and again for the apply). */
export interface TableChangeContext {
  /** The table being altered or dropped, as the catalog has it; null for a create. */
  readonly table: TableStructure | null;
  /** SQL text of every type the change names (see renderTypes). */
  readonly types: ReadonlyMap<string, string>;
  /** Columns of every other table a foreign key references (see readColumnNames). */
  readonly refColumns: ReadonlyMap<string, readonly string[]>;
}

/** A drop in the change, named as the catalog has it now, for the dependents read. */
export interface PlannedDrop {
  readonly what: string;
  readonly target: DropTarget;
  readonly cascade: boolean;
}

export interface BuiltTableChange {
  readonly statements: string[];
  readonly warnings: string[];
  readonly drops: PlannedDrop[];
}

/**
 * The statements of a table change, in the order they run (one transaction). Pure: every existing
 * name is looked up in the catalog's table and written as the catalog spells it; new names are
 * the user's, quoted by quoteIdent, so any text is just a name. Expressions (defaults, CHECK,
 * USING, index predicates) are the user's SQL, shown before they run, placed inside parentheses
 * they cannot close (checkExpression), and each statement runs alone (extended protocol).
 */
export function buildTableChange(change: TableChange, ctx: TableChangeContext): BuiltTableChange {
  switch (change.kind) {
    case 'create':
      return buildCreate(change.schema, change.table, ctx);
    case 'alter':
      return buildAlter(requireTable(ctx), change.steps, ctx);
    case 'drop': {
      const table = requireTable(ctx);
      return {
        statements: [`DROP TABLE ${qualified(table.schema, table.table)}${change.cascade ? ' CASCADE' : ''}`],
        warnings: [`Dropping ${table.table} deletes the table and all its rows.`],
        drops: [{ what: `table ${table.table}`, target: { kind: 'table' }, cascade: change.cascade }],
      };
    }
    default:
      return assertNever(change, 'table change');
  }
}

function requireTable(ctx: TableChangeContext): TableStructure {
  if (!ctx.table) throw new Error('buildTableChange: the table was not read');
  return ctx.table;
}

const qualified = (schema: string, name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;
const columnList = (names: readonly string[]) => `(${names.map(quoteIdent).join(', ')})`;

function typeSql(type: TypeRef, ctx: TableChangeContext): string {
  const text = ctx.types.get(typeKey(type));
  if (text === undefined) throw new Error(`buildTableChange: type ${type.schema}.${type.name} was not rendered`);
  return text;
}

function columnSql(column: ColumnDefinition, ctx: TableChangeContext): string {
  const parts = [quoteIdent(checkNewName(column.name, 'column')), typeSql(column.type, ctx)];
  if (column.identity !== 'none') {
    if (column.default !== null) throw invalidInput(`Column ${column.name} cannot have both a default and an identity.`);
    parts.push(`GENERATED ${column.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`);
  }
  if (column.notNull) parts.push('NOT NULL');
  if (column.default !== null) parts.push(`DEFAULT (${checkExpression(column.default, `default of ${column.name}`)})`);
  return parts.join(' ');
}

/** Names of the table's columns as they stand at this point of the change. */
type Columns = { has(name: string): boolean };

function constraintSql(
  c: ConstraintDefinition,
  columns: Columns,
  self: { schema: string; names: readonly string[] },
  ctx: TableChangeContext,
): string {
  const known = (names: readonly string[]) => {
    for (const n of names) if (!columns.has(n)) throw notFound(`Column ${n} does not exist.`, 'Add the column first, or pick another.');
    return columnList(names);
  };
  const named = c.name === null ? '' : `CONSTRAINT ${quoteIdent(checkNewName(c.name, 'constraint'))} `;
  switch (c.kind) {
    case 'primaryKey':
      return `${named}PRIMARY KEY ${known(c.columns)}`;
    case 'unique':
      return `${named}UNIQUE ${known(c.columns)}`;
    case 'check':
      return `${named}CHECK (${checkExpression(c.expression, 'check expression')})`;
    case 'foreignKey': {
      if (c.columns.length !== c.refColumns.length)
        throw invalidInput(`A foreign key needs as many referenced columns as columns (${c.columns.length}, not ${c.refColumns.length}).`);
      const isSelf = c.refSchema === self.schema && self.names.includes(c.refTable);
      const refColumns = isSelf ? null : ctx.refColumns.get(tableKey(c.refSchema, c.refTable));
      if (!isSelf && !refColumns) throw notFound(`Table ${c.refSchema}.${c.refTable} does not exist.`);
      for (const n of c.refColumns) {
        if (isSelf ? !columns.has(n) : !refColumns!.includes(n)) throw notFound(`Column ${n} does not exist on ${c.refTable}.`);
      }
      const actions = [
        c.onDelete === 'NO ACTION' ? '' : ` ON DELETE ${c.onDelete}`,
        c.onUpdate === 'NO ACTION' ? '' : ` ON UPDATE ${c.onUpdate}`,
      ].join('');
      return `${named}FOREIGN KEY ${known(c.columns)} REFERENCES ${qualified(c.refSchema, c.refTable)} ${columnList(c.refColumns)}${actions}`;
    }
    default:
      return assertNever(c, 'constraint definition');
  }
}

function indexSql(index: IndexDefinition, schema: string, table: string, columns: Columns): string {
  for (const n of index.columns) if (!columns.has(n)) throw notFound(`Column ${n} does not exist.`);
  const name = index.name === null ? '' : `${quoteIdent(checkNewName(index.name, 'index'))} `;
  const using = index.method === 'btree' ? '' : ` USING ${index.method}`;
  const where = index.where === null ? '' : ` WHERE (${checkExpression(index.where, 'index predicate')})`;
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${name}ON ${qualified(schema, table)}${using} ${columnList(index.columns)}${where}`;
}

function buildCreate(schema: string, def: TableDefinition, ctx: TableChangeContext): BuiltTableChange {
  const name = checkNewName(def.name, 'table');
  const target = qualified(schema, name);
  const columns = new Set<string>();
  for (const c of def.columns) {
    if (columns.has(c.name)) throw invalidInput(`Column ${c.name} appears twice.`, 'Give each column its own name.');
    columns.add(c.name);
  }
  if (def.constraints.filter((c) => c.kind === 'primaryKey').length > 1) throw invalidInput('A table has at most one primary key.');
  const self = { schema, names: [name] };
  const lines = [...def.columns.map((c) => columnSql(c, ctx)), ...def.constraints.map((c) => constraintSql(c, columns, self, ctx))];
  const statements = [`CREATE TABLE ${target} (\n  ${lines.join(',\n  ')}\n)`];
  if (def.comment !== null) statements.push(`COMMENT ON TABLE ${target} IS ${commentLiteral(def.comment)}`);
  for (const c of def.columns) {
    if (c.comment !== null) statements.push(`COMMENT ON COLUMN ${target}.${quoteIdent(c.name)} IS ${commentLiteral(c.comment)}`);
  }
  for (const index of def.indexes) statements.push(indexSql(index, schema, name, columns));
  if (def.rlsEnabled) statements.push(`ALTER TABLE ${target} ENABLE ROW LEVEL SECURITY`);
  const warnings: string[] = [];
  if (!def.constraints.some((c) => c.kind === 'primaryKey'))
    warnings.push(`${name} has no primary key: the grid and the Data API cannot update or delete its rows one by one.`);
  if (def.rlsEnabled)
    warnings.push(
      `Row-level security is on and ${name} has no policies yet: only its owner sees rows until you add one (RLS policies on the table's menu).`,
    );
  return { statements, warnings, drops: [] };
}

/**
 * A name set that follows the change step by step (a rename, then a type change of the new name),
 * remembering each name's catalog spelling before the change (for the dependents read).
 */
class Names {
  private readonly origin = new Map<string, string | null>();
  constructor(existing: Iterable<string>) {
    for (const n of existing) this.origin.set(n, n);
  }
  has(name: string): boolean {
    return this.origin.has(name);
  }
  /** The name as it stands, or a not-found error naming what is missing. */
  existing(name: string, what: string): string {
    if (!this.origin.has(name)) throw notFound(`${what} ${name} does not exist.`);
    return name;
  }
  add(name: string, what: string): void {
    if (this.origin.has(name)) throw invalidInput(`${what} ${name} already exists.`, 'Pick another name.');
    this.origin.set(name, null);
  }
  rename(from: string, to: string, what: string): void {
    const original = this.origin.get(this.existing(from, what)) ?? null;
    if (from === to) return;
    this.add(to, what);
    this.origin.delete(from);
    this.origin.set(to, original);
  }
  /** Removes it; returns its name in the catalog, or null when the change itself made it. */
  remove(name: string, what: string): string | null {
    const original = this.origin.get(this.existing(name, what)) ?? null;
    this.origin.delete(name);
    return original;
  }
}

function buildAlter(table: TableStructure, steps: readonly AlterStep[], ctx: TableChangeContext): BuiltTableChange {
  const schema = table.schema;
  let name = table.table;
  const target = () => qualified(schema, name);
  const columns = new Names(table.columns.map((c) => c.name));
  const constraints = new Names(table.constraints.map((c) => c.name));
  const indexes = new Names(table.indexes.map((i) => i.name));
  const constraintIndex = new Map(table.indexes.filter((i) => i.constraint !== null).map((i) => [i.name, i.constraint!]));
  const statements: string[] = [];
  const warnings: string[] = [];
  const drops: PlannedDrop[] = [];
  const alter = (action: string) => statements.push(`ALTER TABLE ${target()} ${action}`);
  const self = () => ({ schema, names: [table.table, name] });

  for (const step of steps) {
    switch (step.kind) {
      case 'renameTable':
        if (step.to !== name) {
          alter(`RENAME TO ${quoteIdent(checkNewName(step.to, 'table'))}`);
          name = step.to;
        }
        break;
      case 'setComment':
        statements.push(`COMMENT ON TABLE ${target()} IS ${commentLiteral(step.comment)}`);
        break;
      case 'setRls':
        alter(`${step.enabled ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`);
        break;
      case 'addColumn':
        columns.add(step.column.name, 'Column');
        alter(`ADD COLUMN ${columnSql(step.column, ctx)}`);
        if (step.column.comment !== null)
          statements.push(`COMMENT ON COLUMN ${target()}.${quoteIdent(step.column.name)} IS ${commentLiteral(step.column.comment)}`);
        if (step.column.notNull && step.column.default === null && step.column.identity === 'none')
          warnings.push(`Adding ${step.column.name} as NOT NULL without a default fails if ${name} has rows.`);
        break;
      case 'dropColumn': {
        const original = columns.remove(step.column, 'Column');
        alter(`DROP COLUMN ${quoteIdent(step.column)}${step.cascade ? ' CASCADE' : ''}`);
        warnings.push(`Dropping ${step.column} deletes its data.`);
        if (original !== null)
          drops.push({ what: `column ${original}`, target: { kind: 'column', column: original }, cascade: step.cascade });
        break;
      }
      case 'renameColumn':
        columns.rename(step.column, checkNewName(step.to, 'column'), 'Column');
        if (step.column !== step.to) alter(`RENAME COLUMN ${quoteIdent(step.column)} TO ${quoteIdent(step.to)}`);
        break;
      case 'setType': {
        const column = quoteIdent(columns.existing(step.column, 'Column'));
        const using = step.using === null ? '' : ` USING (${checkExpression(step.using, `conversion of ${step.column}`)})`;
        alter(`ALTER COLUMN ${column} TYPE ${typeSql(step.type, ctx)}${using}`);
        if (step.using === null)
          warnings.push(
            `Existing values of ${step.column} are converted by Postgres' cast; where there is none, say how in USING (e.g. ${step.column}::integer).`,
          );
        break;
      }
      case 'setDefault': {
        const column = quoteIdent(columns.existing(step.column, 'Column'));
        alter(
          step.default === null
            ? `ALTER COLUMN ${column} DROP DEFAULT`
            : `ALTER COLUMN ${column} SET DEFAULT (${checkExpression(step.default, `default of ${step.column}`)})`,
        );
        break;
      }
      case 'setNotNull': {
        const column = quoteIdent(columns.existing(step.column, 'Column'));
        alter(`ALTER COLUMN ${column} ${step.notNull ? 'SET' : 'DROP'} NOT NULL`);
        if (step.notNull) warnings.push(`Setting ${step.column} NOT NULL fails if a row has no value in it.`);
        break;
      }
      case 'setColumnComment':
        statements.push(
          `COMMENT ON COLUMN ${target()}.${quoteIdent(columns.existing(step.column, 'Column'))} IS ${commentLiteral(step.comment)}`,
        );
        break;
      case 'addConstraint':
        if (step.constraint.name !== null) constraints.add(step.constraint.name, 'Constraint');
        alter(`ADD ${constraintSql(step.constraint, columns, self(), ctx)}`);
        break;
      case 'dropConstraint': {
        const original = constraints.remove(step.name, 'Constraint');
        alter(`DROP CONSTRAINT ${quoteIdent(step.name)}${step.cascade ? ' CASCADE' : ''}`);
        if (original !== null)
          drops.push({ what: `constraint ${original}`, target: { kind: 'constraint', name: original }, cascade: step.cascade });
        break;
      }
      case 'renameConstraint':
        constraints.rename(step.name, checkNewName(step.to, 'constraint'), 'Constraint');
        if (step.name !== step.to) alter(`RENAME CONSTRAINT ${quoteIdent(step.name)} TO ${quoteIdent(step.to)}`);
        break;
      case 'addIndex':
        if (step.index.name !== null) indexes.add(step.index.name, 'Index');
        statements.push(indexSql(step.index, schema, name, columns));
        break;
      case 'dropIndex': {
        const owner = constraintIndex.get(step.name);
        if (owner !== undefined)
          throw invalidInput(
            `Index ${step.name} belongs to constraint ${owner}.`,
            `Drop the constraint ${owner} instead; its index goes with it.`,
          );
        const original = indexes.remove(step.name, 'Index');
        statements.push(`DROP INDEX ${qualified(schema, step.name)}${step.cascade ? ' CASCADE' : ''}`);
        if (original !== null) drops.push({ what: `index ${original}`, target: { kind: 'index', name: original }, cascade: step.cascade });
        break;
      }
      case 'renameIndex':
        indexes.rename(step.name, checkNewName(step.to, 'index'), 'Index');
        if (step.name !== step.to) statements.push(`ALTER INDEX ${qualified(schema, step.name)} RENAME TO ${quoteIdent(step.to)}`);
        break;
      default:
        assertNever(step, 'alter step');
    }
  }
  return { statements, warnings, drops };
}

/** Every type a change names (to render them from the catalog first). */
export function typesOf(change: TableChange): TypeRef[] {
  switch (change.kind) {
    case 'create':
      return change.table.columns.map((c) => c.type);
    case 'alter':
      return change.steps.flatMap((s) => (s.kind === 'addColumn' ? [s.column.type] : s.kind === 'setType' ? [s.type] : []));
    case 'drop':
      return [];
    default:
      return assertNever(change, 'table change');
  }
}

/** Every table a change's foreign keys reference. */
export function referencedTables(change: TableChange): { schema: string; table: string }[] {
  const constraints =
    change.kind === 'create'
      ? change.table.constraints
      : change.kind === 'alter'
        ? change.steps.flatMap((s) => (s.kind === 'addConstraint' ? [s.constraint] : []))
        : [];
  return constraints.flatMap((c) => (c.kind === 'foreignKey' ? [{ schema: c.refSchema, table: c.refTable }] : []));
}
