import type pg from 'pg';
import type { Channel } from '../../shared/contract/channels';
import type { OutputOf, ParsedInputOf } from '../../shared/contract/contract';
import type { ApplyOutput } from '../../shared/contract/admin';
import type { Location } from '../../shared/contract/location';
import type { TableChange, TableChangePlan } from '../../shared/contract/tables';
import { invalidInput, notFound } from '../errors/PierError';
import { applyStatements } from './applyStatements';
import { quoteIdent } from './quoteIdent';
import type { IAdminDatabases } from './createAdminHandlers';
import { listTypes, readColumnNames, readTable, relationExists, renderTypes, schemaExists } from './tableCatalog';
import { buildTableChange, referencedTables, typesOf } from './tableDdl';
import { readDependents } from './tableDependents';

type TablesChannel = Extract<Channel, `tables.${string}`>;
export type TableHandlers = { [C in TablesChannel]: (input: ParsedInputOf<C>) => Promise<OutputOf<C>> };

/**
 * The table designer's channels. Plan and apply take the same structured change and build the
 * statements from it and the catalog each time; apply runs only the statements the user reviewed.
 * On a cloud branch it all runs as the signed-in identity, whose rights Postgres enforces.
 */
export interface ITableDatabases extends IAdminDatabases {
  /** Reloads the location's open Data API engines now (NOTIFY reaches local ones too, but only some time after the commit). */
  reloadSchema(at: Location): Promise<void>;
}

export function createTableHandlers(db: ITableDatabases): TableHandlers {
  return {
    'tables.types': (input) => db.withAdminPool(input.at, async (pool) => ({ types: await listTypes(pool) })),
    'tables.describe': (input) =>
      db.withAdminPool(input.at, async (pool) => {
        const { oid: _oid, attnums: _a, constraintOids: _c, indexOids: _i, ...table } = await readTable(pool, input.schema, input.table);
        return table;
      }),
    'tables.dependents': (input) =>
      db.withAdminPool(input.at, async (pool) => ({
        dependents: await readDependents(pool, await readTable(pool, input.schema, input.table), input.target),
      })),
    'tables.planChange': (input) => db.withAdminPool(input.at, (pool) => planTableChange(pool, input.change)),
    'tables.applyChange': async (input) => {
      const out = await db.withAdminPool(input.at, async (pool) => {
        const plan = await planTableChange(pool, input.change);
        if (!sameStatements(plan.statements, input.reviewed))
          throw invalidInput(
            'The table changed since you reviewed this SQL; nothing was run.',
            'Review the change again: the SQL shown then is what will run.',
          );
        return explainRefusal(pool, await applyStatements(pool, plan.statements));
      });
      // Every engine reloads at commit (NOTIFY); the location's own ones are reloaded before answering, so the grid opens the table at once.
      if (out.kind === 'applied') await db.reloadSchema(input.at);
      return out;
    },
  };
}

/** The SQL of a change and what its drops take with them, from the catalog as it is now. */
export async function planTableChange(pool: pg.Pool | pg.ClientBase, change: TableChange): Promise<TableChangePlan> {
  const table = change.kind === 'create' ? null : await readTable(pool, change.schema, change.table);
  if (change.kind === 'create') {
    if (!(await schemaExists(pool, change.schema))) throw notFound(`Schema ${change.schema} does not exist.`);
    if (await relationExists(pool, change.schema, change.table.name))
      throw invalidInput(`${change.schema}.${change.table.name} already exists.`, 'Pick another name, or open that table to alter it.');
  }
  const built = buildTableChange(change, {
    table,
    types: await renderTypes(pool, typesOf(change)),
    refColumns: await readColumnNames(pool, referencedTables(change)),
  });
  const drops = [];
  for (const drop of built.drops) {
    drops.push({ what: drop.what, cascade: drop.cascade, dependents: await readDependents(pool, table!, drop.target) });
  }
  return { statements: built.statements, warnings: built.warnings, drops };
}

function sameStatements(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/**
 * On a cloud branch the designer runs as the signed-in identity, which may not own the table or
 * may not create in the schema: Postgres refuses, and the user is told whose rights those are and
 * what would allow it.
 */
async function explainRefusal(pool: pg.Pool | pg.ClientBase, out: ApplyOutput): Promise<ApplyOutput> {
  if (out.kind !== 'failed' || out.hint !== null || !/^(must be owner|permission denied)/.test(out.message)) return out;
  const who = (await pool.query<{ u: string }>('SELECT current_user AS u')).rows[0]?.u ?? 'this login';
  const schema = /^permission denied for schema (.+)$/.exec(out.message)?.[1];
  const what = schema
    ? `creating a table in ${schema} needs CREATE on that schema (its owner can run GRANT CREATE ON SCHEMA ${quoteIdent(schema)} TO ${quoteIdent(who)})`
    : out.message.startsWith('must be owner')
      ? `only the table's owner (or a member of the owning role) may change its structure`
      : `it lacks a privilege this change needs (${out.message})`;
  return { ...out, hint: `Pier runs this as "${who}", and Postgres enforces that role's rights: ${what}. Nothing was changed.` };
}
