/**
 * The table designer against real Postgres: every statement it builds runs, reads back as asked,
 * and a drop lists what Postgres itself would drop with CASCADE.
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { contract, type InputOf } from '../../shared/contract/contract';
import type { TableChangeInput, TableDesign } from '../../shared/contract/tables';
import { EMBEDDED_BRANCH, type Location } from '../../shared/contract/location';
import { createTableHandlers, type TableHandlers } from './createTableHandlers';

const ID = 'user@example.com';

const SETUP = `
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
CREATE TABLE clients (id serial PRIMARY KEY, name text NOT NULL, owner_email text);
INSERT INTO clients (name, owner_email) VALUES ('Acme Corp', 'user@example.com'), ('TechStart Inc', 'someone@else.com');
GRANT USAGE ON SCHEMA public TO "user@example.com";
GRANT SELECT ON clients TO "user@example.com";
-- What ran, as the server received it: one row per DDL command (current_query() is the client's statement).
CREATE TABLE ddl_log (n serial, query text);
CREATE FUNCTION log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_query() NOT LIKE '%ddl_log%' THEN INSERT INTO ddl_log (query) VALUES (current_query()); END IF;
END $$;
CREATE EVENT TRIGGER log_ddl ON ddl_command_end EXECUTE FUNCTION log_ddl();
`;

let pool: pg.Pool;
let h: TableHandlers;
let reloads = 0;
const AT: Location = { kind: 'local', branch: EMBEDDED_BRANCH, database: 'pier_tables' };
const call = async <C extends keyof TableHandlers>(channel: C, input: Omit<InputOf<C>, 'at'>) =>
  h[channel](contract[channel].input.parse({ ...input, at: AT }) as never) as ReturnType<TableHandlers[C]>;

/** Plans, then applies exactly what the plan showed. */
async function planAndApply(change: TableChangeInput) {
  const plan = await call('tables.planChange', { change });
  const out = await call('tables.applyChange', { change, reviewed: plan.statements });
  return { plan, out };
}
const describeTable = (table: string, schema = 'public'): Promise<TableDesign> => call('tables.describe', { schema, table });
const q = async <T extends pg.QueryResultRow = Record<string, unknown>>(text: string, values: unknown[] = []) =>
  (await pool.query<T>(text, values)).rows;

beforeAll(async () => {
  const url = await createTestDatabase(inject('postgresUrl'), 'pier_tables', SETUP);
  pool = new pg.Pool({ connectionString: url, max: 4 });
  h = createTableHandlers({
    withAdminPool: (_at, fn) => fn(pool),
    schemaChanged: async () => {
      reloads++;
    },
  });
});
afterAll(async () => {
  await pool.end();
});
beforeEach(async () => {
  await pool.query('TRUNCATE ddl_log');
});

const NOTES: TableChangeInput = {
  kind: 'create',
  schema: 'public',
  table: {
    name: 'notes',
    comment: 'What people wrote',
    rlsEnabled: true,
    columns: [
      { name: 'id', type: { schema: 'pg_catalog', name: 'int8' }, identity: 'byDefault', comment: 'The key' },
      { name: 'title', type: { schema: 'pg_catalog', name: 'varchar', modifiers: [80] }, notNull: true, default: "'untitled'" },
      { name: 'price', type: { schema: 'pg_catalog', name: 'numeric', modifiers: [10, 2] } },
      { name: 'tags', type: { schema: 'pg_catalog', name: 'text', array: true }, default: "'{}'" },
      { name: 'mood', type: { schema: 'public', name: 'mood' }, default: "'ok'" },
      { name: 'author', type: { schema: 'public', name: 'email' } },
      { name: 'written_at', type: { schema: 'pg_catalog', name: 'timestamptz', modifiers: [3] }, notNull: true, default: 'now()' },
      { name: 'client_id', type: { schema: 'pg_catalog', name: 'int4' } },
      { name: 'parent_id', type: { schema: 'pg_catalog', name: 'int8' } },
    ],
    constraints: [
      { kind: 'primaryKey', columns: ['id'] },
      { kind: 'unique', name: 'notes_title_per_client', columns: ['client_id', 'title'] },
      { kind: 'check', name: 'price_positive', expression: 'price > 0' },
      {
        kind: 'foreignKey',
        columns: ['client_id'],
        refSchema: 'public',
        refTable: 'clients',
        refColumns: ['id'],
        onDelete: 'CASCADE',
        onUpdate: 'SET NULL',
      },
      { kind: 'foreignKey', name: 'notes_parent', columns: ['parent_id'], refSchema: 'public', refTable: 'notes', refColumns: ['id'] },
    ],
    indexes: [
      { name: 'notes_tags', columns: ['tags'], method: 'gin' },
      { columns: ['written_at'], where: "mood <> 'sad'" },
    ],
  },
};

describe('create', () => {
  it('creates a table with every kind of column and constraint, reads back as designed, and runs exactly what was reviewed', async () => {
    const before = reloads;
    const { plan, out } = await planAndApply(NOTES);
    expect(out, JSON.stringify(out)).toEqual({ kind: 'applied', statements: plan.statements });
    expect(plan.statements[0]).toBe(
      [
        'CREATE TABLE "public"."notes" (',
        '  "id" bigint GENERATED BY DEFAULT AS IDENTITY,',
        `  "title" character varying(80) NOT NULL DEFAULT ('untitled'),`,
        '  "price" numeric(10,2),',
        `  "tags" text[] DEFAULT ('{}'),`,
        `  "mood" "public"."mood" DEFAULT ('ok'),`,
        '  "author" "public"."email",',
        '  "written_at" timestamp(3) with time zone NOT NULL DEFAULT (now()),',
        '  "client_id" integer,',
        '  "parent_id" bigint,',
        '  PRIMARY KEY ("id"),',
        '  CONSTRAINT "notes_title_per_client" UNIQUE ("client_id", "title"),',
        '  CONSTRAINT "price_positive" CHECK (price > 0),',
        '  FOREIGN KEY ("client_id") REFERENCES "public"."clients" ("id") ON DELETE CASCADE ON UPDATE SET NULL,',
        '  CONSTRAINT "notes_parent" FOREIGN KEY ("parent_id") REFERENCES "public"."notes" ("id")',
        ')',
      ].join('\n'),
    );
    // The SQL review equals what ran: the server received these statements, in this order, and nothing else.
    expect((await q<{ query: string }>('SELECT query FROM ddl_log ORDER BY n')).map((r) => r.query)).toEqual(plan.statements);
    expect(plan.warnings.join(' ')).toMatch(/no policies yet/);
    expect(reloads).toBe(before + 1);

    const t = await describeTable('notes');
    expect(t.comment).toBe('What people wrote');
    expect(t.rlsEnabled).toBe(true);
    expect(t.columns.map((c) => [c.name, c.type, c.notNull, c.default, c.identity])).toEqual([
      ['id', 'bigint', true, null, 'byDefault'],
      ['title', 'character varying(80)', true, "'untitled'::character varying", 'none'],
      ['price', 'numeric(10,2)', false, null, 'none'],
      ['tags', 'text[]', false, "'{}'::text[]", 'none'],
      ['mood', 'mood', false, "'ok'::mood", 'none'],
      ['author', 'email', false, null, 'none'],
      ['written_at', 'timestamp(3) with time zone', true, 'now()', 'none'],
      ['client_id', 'integer', false, null, 'none'],
      ['parent_id', 'bigint', false, null, 'none'],
    ]);
    expect(t.columns.find((c) => c.name === 'id')!.comment).toBe('The key');
    expect(t.columns.find((c) => c.name === 'title')!.typeRef).toEqual({
      schema: 'pg_catalog',
      name: 'varchar',
      modifiers: [80],
      array: false,
    });
    expect(t.columns.find((c) => c.name === 'tags')!.typeRef).toEqual({ schema: 'pg_catalog', name: 'text', modifiers: [], array: true });
    expect(t.constraints).toEqual([
      { kind: 'primaryKey', name: 'notes_pkey', columns: ['id'] },
      { kind: 'unique', name: 'notes_title_per_client', columns: ['client_id', 'title'] },
      {
        kind: 'foreignKey',
        name: 'notes_client_id_fkey',
        columns: ['client_id'],
        refSchema: 'public',
        refTable: 'clients',
        refColumns: ['id'],
        onDelete: 'CASCADE',
        onUpdate: 'SET NULL',
      },
      {
        kind: 'foreignKey',
        name: 'notes_parent',
        columns: ['parent_id'],
        refSchema: 'public',
        refTable: 'notes',
        refColumns: ['id'],
        onDelete: 'NO ACTION',
        onUpdate: 'NO ACTION',
      },
      { kind: 'check', name: 'price_positive', expression: '(price > (0)::numeric)' },
    ]);
    expect(t.indexes.map((i) => [i.name, i.method, i.unique, i.columns, i.constraint])).toEqual([
      ['notes_pkey', 'btree', true, ['id'], 'notes_pkey'],
      ['notes_tags', 'gin', false, ['tags'], null],
      ['notes_title_per_client', 'btree', true, ['client_id', 'title'], 'notes_title_per_client'],
      ['notes_written_at_idx', 'btree', false, ['written_at'], null],
    ]);
    expect(t.indexes.find((i) => i.name === 'notes_written_at_idx')!.definition).toMatch(/WHERE \(mood <> 'sad'::mood\)/);

    // The constraints hold: the domain, the check, the enum, the foreign key with its ON DELETE.
    await pool.query(`INSERT INTO notes (title, price, author, client_id, tags) VALUES ('a', 1.5, 'x@y', 1, '{red}')`);
    await expect(pool.query(`INSERT INTO notes (price) VALUES (-1)`)).rejects.toThrow(/price_positive/);
    await expect(pool.query(`INSERT INTO notes (author) VALUES ('nobody')`)).rejects.toThrow(/email/);
    await expect(pool.query(`INSERT INTO notes (mood) VALUES ('angry')`)).rejects.toThrow(/enum mood/);
    await expect(pool.query(`INSERT INTO notes (client_id) VALUES (99)`)).rejects.toThrow(/notes_client_id_fkey/);
  });

  it('refuses a table that exists, a type that does not, a column named twice, and a foreign key to nowhere, running nothing', async () => {
    await expect(call('tables.planChange', { change: NOTES })).rejects.toThrow(/public.notes already exists/);
    const base = { kind: 'create' as const, schema: 'public' };
    const col = { name: 'a', type: { schema: 'pg_catalog', name: 'text' } };
    await expect(
      call('tables.planChange', {
        change: { ...base, table: { name: 'x1', columns: [{ name: 'a', type: { schema: 'public', name: 'nope' } }] } },
      }),
    ).rejects.toThrow(/Type public.nope does not exist/);
    await expect(call('tables.planChange', { change: { ...base, table: { name: 'x1', columns: [col, col] } } })).rejects.toThrow(
      /appears twice/,
    );
    await expect(
      call('tables.planChange', {
        change: {
          ...base,
          table: {
            name: 'x1',
            columns: [col],
            constraints: [{ kind: 'foreignKey', columns: ['a'], refSchema: 'public', refTable: 'ghosts', refColumns: ['id'] }],
          },
        },
      }),
    ).rejects.toThrow(/Table public.ghosts does not exist/);
    await expect(
      call('tables.planChange', {
        change: {
          ...base,
          table: { name: 'x1', columns: [{ name: 'v', type: { schema: 'pg_catalog', name: 'varchar', modifiers: [0] } }] },
        },
      }),
    ).rejects.toThrow(/varchar\(0\).*at least 1/);
    await expect(
      call('tables.planChange', {
        change: { ...base, table: { name: 'x1', columns: [{ name: 'v', type: { schema: 'pg_catalog', name: 'text', modifiers: [3] } }] } },
      }),
    ).rejects.toThrow(/takes no length/);
    expect(await q('SELECT query FROM ddl_log')).toEqual([]);
  });

  it('lists the types the catalog has: built-in, enums with their labels, domains with their base type', async () => {
    const { types } = await call('tables.types', {});
    const find = (schema: string, name: string) => types.find((t) => t.schema === schema && t.name === name);
    expect(find('pg_catalog', 'int4')).toMatchObject({ display: 'integer', kind: 'base', takesModifiers: false });
    expect(find('pg_catalog', 'varchar')).toMatchObject({ display: 'character varying', takesModifiers: true });
    expect(find('pg_catalog', 'jsonb')).toBeDefined();
    expect(find('public', 'mood')).toMatchObject({ kind: 'enum', labels: ['sad', 'ok', 'happy'] });
    expect(find('public', 'email')).toMatchObject({ kind: 'domain', baseType: 'text' });
    // Not offered: catalog bookkeeping, pseudo-types, array types (arrays are a flag), table row types.
    for (const name of ['oid', 'regclass', 'anyelement', '_int4', 'pg_node_tree']) expect(find('pg_catalog', name)).toBeUndefined();
    expect(find('public', 'clients')).toBeUndefined();
  });
});
