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
const describeTable = async (table: string, schema = 'public'): Promise<TableDesign> => call('tables.describe', { schema, table });
const q = async <T extends pg.QueryResultRow = Record<string, unknown>>(text: string, values: unknown[] = []) =>
  (await pool.query<T>(text, values)).rows;

beforeAll(async () => {
  const url = await createTestDatabase(inject('postgresUrl'), 'pier_tables', SETUP);
  pool = new pg.Pool({ connectionString: url, max: 4 });
  h = createTableHandlers({
    withAdminPool: (_at, fn) => fn(pool),
    schemaChanged: async () => undefined,
    reloadSchema: async () => {
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

describe('alter', () => {
  beforeAll(async () => {
    await pool.query(`
      CREATE TABLE items (id int PRIMARY KEY, code text, qty text, note text DEFAULT 'n/a', extra int);
      INSERT INTO items VALUES (1, 'a', '10', 'x', 1), (2, 'b', '20', NULL, 2);`);
  });

  it('adds, renames and drops columns; changes a type with USING; sets and drops defaults and NOT NULL', async () => {
    const { plan, out } = await planAndApply({
      kind: 'alter',
      schema: 'public',
      table: 'items',
      steps: [
        {
          kind: 'addColumn',
          column: { name: 'added_at', type: { schema: 'pg_catalog', name: 'timestamptz' }, default: 'now()', notNull: true },
        },
        { kind: 'renameColumn', column: 'code', to: 'sku' },
        { kind: 'setType', column: 'qty', type: { schema: 'pg_catalog', name: 'int4' }, using: 'qty::integer * 2' },
        { kind: 'setDefault', column: 'qty', default: '1' },
        { kind: 'setDefault', column: 'note', default: null },
        { kind: 'setNotNull', column: 'sku', notNull: true },
        { kind: 'setColumnComment', column: 'sku', comment: 'Stock keeping unit' },
        { kind: 'dropColumn', column: 'extra' },
      ],
    });
    expect(out, JSON.stringify(out)).toMatchObject({ kind: 'applied' });
    expect(plan.statements).toEqual([
      'ALTER TABLE "public"."items" ADD COLUMN "added_at" timestamp with time zone NOT NULL DEFAULT (now())',
      'ALTER TABLE "public"."items" RENAME COLUMN "code" TO "sku"',
      'ALTER TABLE "public"."items" ALTER COLUMN "qty" TYPE integer USING (qty::integer * 2)',
      'ALTER TABLE "public"."items" ALTER COLUMN "qty" SET DEFAULT (1)',
      'ALTER TABLE "public"."items" ALTER COLUMN "note" DROP DEFAULT',
      'ALTER TABLE "public"."items" ALTER COLUMN "sku" SET NOT NULL',
      'COMMENT ON COLUMN "public"."items"."sku" IS $comment$Stock keeping unit$comment$',
      'ALTER TABLE "public"."items" DROP COLUMN "extra"',
    ]);
    expect(plan.drops).toEqual([{ what: 'column extra', cascade: false, dependents: [] }]);
    expect((await q<{ query: string }>('SELECT query FROM ddl_log ORDER BY n')).map((r) => r.query)).toEqual(plan.statements);
    const t = await describeTable('items');
    expect(t.columns.map((c) => [c.name, c.type, c.notNull, c.default, c.comment])).toEqual([
      ['id', 'integer', true, null, null],
      ['sku', 'text', true, null, 'Stock keeping unit'],
      ['qty', 'integer', false, '1', null],
      ['note', 'text', false, null, null],
      ['added_at', 'timestamp with time zone', true, 'now()', null],
    ]);
    expect(await q('SELECT id, sku, qty FROM items ORDER BY id')).toEqual([
      { id: 1, sku: 'a', qty: 20 },
      { id: 2, sku: 'b', qty: 40 },
    ]);
    // And back: NOT NULL dropped.
    expect(
      (
        await planAndApply({
          kind: 'alter',
          schema: 'public',
          table: 'items',
          steps: [{ kind: 'setNotNull', column: 'sku', notNull: false }],
        })
      ).out,
    ).toMatchObject({
      kind: 'applied',
    });
    expect((await describeTable('items')).columns.find((c) => c.name === 'sku')!.notNull).toBe(false);
  });

  it('adds and drops constraints and indexes, and renames them', async () => {
    const { plan, out } = await planAndApply({
      kind: 'alter',
      schema: 'public',
      table: 'items',
      steps: [
        { kind: 'addConstraint', constraint: { kind: 'check', name: 'qty_positive', expression: 'qty > 0' } },
        { kind: 'addConstraint', constraint: { kind: 'unique', name: 'items_sku', columns: ['sku'] } },
        { kind: 'addColumn', column: { name: 'client_id', type: { schema: 'pg_catalog', name: 'int4' } } },
        {
          kind: 'addConstraint',
          constraint: {
            kind: 'foreignKey',
            columns: ['client_id'],
            refSchema: 'public',
            refTable: 'clients',
            refColumns: ['id'],
            onDelete: 'SET NULL',
          },
        },
        { kind: 'addIndex', index: { name: 'items_note', columns: ['note'], method: 'hash' } },
        { kind: 'addIndex', index: { name: 'items_qty_sku', columns: ['qty', 'sku'], unique: true } },
      ],
    });
    expect(out, JSON.stringify(out)).toMatchObject({ kind: 'applied' });
    expect(plan.statements).toEqual([
      'ALTER TABLE "public"."items" ADD CONSTRAINT "qty_positive" CHECK (qty > 0)',
      'ALTER TABLE "public"."items" ADD CONSTRAINT "items_sku" UNIQUE ("sku")',
      'ALTER TABLE "public"."items" ADD COLUMN "client_id" integer',
      'ALTER TABLE "public"."items" ADD FOREIGN KEY ("client_id") REFERENCES "public"."clients" ("id") ON DELETE SET NULL',
      'CREATE INDEX "items_note" ON "public"."items" USING hash ("note")',
      'CREATE UNIQUE INDEX "items_qty_sku" ON "public"."items" ("qty", "sku")',
    ]);
    let t = await describeTable('items');
    expect(t.constraints.map((c) => c.name)).toEqual(['items_pkey', 'items_sku', 'items_client_id_fkey', 'qty_positive']);
    expect(t.indexes.map((i) => i.name)).toEqual(['items_note', 'items_pkey', 'items_qty_sku', 'items_sku']);
    await expect(pool.query('UPDATE items SET qty = 0')).rejects.toThrow(/qty_positive/);

    const second = await planAndApply({
      kind: 'alter',
      schema: 'public',
      table: 'items',
      steps: [
        { kind: 'renameConstraint', name: 'qty_positive', to: 'qty_above_zero' },
        { kind: 'dropConstraint', name: 'items_client_id_fkey' },
        { kind: 'renameIndex', name: 'items_note', to: 'items_note_hash' },
        { kind: 'dropIndex', name: 'items_qty_sku' },
        { kind: 'dropConstraint', name: 'items_sku' },
      ],
    });
    expect(second.out, JSON.stringify(second.out)).toMatchObject({ kind: 'applied' });
    expect(second.plan.statements).toEqual([
      'ALTER TABLE "public"."items" RENAME CONSTRAINT "qty_positive" TO "qty_above_zero"',
      'ALTER TABLE "public"."items" DROP CONSTRAINT "items_client_id_fkey"',
      'ALTER INDEX "public"."items_note" RENAME TO "items_note_hash"',
      'DROP INDEX "public"."items_qty_sku"',
      'ALTER TABLE "public"."items" DROP CONSTRAINT "items_sku"',
    ]);
    t = await describeTable('items');
    expect(t.constraints.map((c) => c.name)).toEqual(['items_pkey', 'qty_above_zero']);
    expect(t.indexes.map((i) => i.name)).toEqual(['items_note_hash', 'items_pkey']);
  });

  it("refuses to drop a constraint's index directly, and names the constraint to drop instead", async () => {
    await expect(
      call('tables.planChange', {
        change: { kind: 'alter', schema: 'public', table: 'items', steps: [{ kind: 'dropIndex', name: 'items_pkey' }] },
      }),
    ).rejects.toMatchObject({
      message: 'Index items_pkey belongs to constraint items_pkey.',
      hint: expect.stringMatching(/Drop the constraint/),
    });
  });

  it('a step that fails rolls the whole change back and says which statement failed', async () => {
    const change: TableChangeInput = {
      kind: 'alter',
      schema: 'public',
      table: 'items',
      steps: [
        { kind: 'addColumn', column: { name: 'doomed', type: { schema: 'pg_catalog', name: 'text' } } },
        { kind: 'setType', column: 'sku', type: { schema: 'pg_catalog', name: 'int4' }, using: 'sku::integer' },
      ],
    };
    const { out } = await planAndApply(change);
    expect(out).toMatchObject({
      kind: 'failed',
      failedStatement: 1,
      message: expect.stringMatching(/invalid input syntax for type integer/),
    });
    expect((await describeTable('items')).columns.map((c) => c.name)).not.toContain('doomed');
  });

  it('runs nothing when the table changed after the review', async () => {
    const change: TableChangeInput = {
      kind: 'alter',
      schema: 'public',
      table: 'items',
      steps: [{ kind: 'renameColumn', column: 'note', to: 'remark' }],
    };
    const plan = await call('tables.planChange', { change });
    await pool.query('ALTER TABLE items RENAME COLUMN note TO memo');
    await expect(call('tables.applyChange', { change, reviewed: plan.statements })).rejects.toThrow(/Column note does not exist/);
    await pool.query('ALTER TABLE items RENAME COLUMN memo TO note');
    // Reviewed statements that are not the ones the change builds are refused too.
    await expect(call('tables.applyChange', { change, reviewed: ['DROP TABLE clients'] })).rejects.toThrow(/changed since you reviewed/);
    expect((await describeTable('items')).columns.map((c) => c.name)).toContain('note');
    expect(await q('SELECT count(*)::int AS n FROM clients')).toEqual([{ n: 2 }]);
  });
});

describe('renames keep grants and policies', () => {
  it('renames a table and its columns with ALTER … RENAME: grants, column grants and policies follow', async () => {
    await pool.query(`
      CREATE TABLE tasks (id int PRIMARY KEY, owner_email text, title text);
      INSERT INTO tasks VALUES (1, '${ID}', 'mine'), (2, 'someone@else', 'theirs');
      GRANT SELECT ON tasks TO "${ID}";
      GRANT UPDATE (title) ON tasks TO "${ID}";
      ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
      CREATE POLICY own_tasks ON tasks FOR SELECT TO "${ID}" USING (owner_email = current_user);`);
    const oid = (await q<{ oid: string }>(`SELECT 'tasks'::regclass::oid::text AS oid`))[0]!.oid;
    const { plan, out } = await planAndApply({
      kind: 'alter',
      schema: 'public',
      table: 'tasks',
      steps: [
        { kind: 'renameTable', to: 'todos' },
        { kind: 'renameColumn', column: 'owner_email', to: 'owner' },
        { kind: 'renameColumn', column: 'title', to: 'summary' },
      ],
    });
    expect(out).toMatchObject({ kind: 'applied' });
    expect(plan.statements).toEqual([
      'ALTER TABLE "public"."tasks" RENAME TO "todos"',
      'ALTER TABLE "public"."todos" RENAME COLUMN "owner_email" TO "owner"',
      'ALTER TABLE "public"."todos" RENAME COLUMN "title" TO "summary"',
    ]);
    // The same table (no drop and re-create), with its grants and its policy, which now reads the renamed column.
    expect((await q<{ oid: string }>(`SELECT 'todos'::regclass::oid::text AS oid`))[0]!.oid).toBe(oid);
    expect(
      await q(
        `SELECT has_table_privilege($1, 'todos', 'SELECT') AS sel, has_column_privilege($1, 'todos', 'summary', 'UPDATE') AS upd,
                has_column_privilege($1, 'todos', 'owner', 'UPDATE') AS upd_owner`,
        [ID],
      ),
    ).toEqual([{ sel: true, upd: true, upd_owner: false }]);
    expect(await q(`SELECT polname, pg_get_expr(polqual, polrelid) AS using FROM pg_policy WHERE polrelid = 'todos'::regclass`)).toEqual([
      { polname: 'own_tasks', using: '(owner = CURRENT_USER)' },
    ]);
    // As the identity: the policy still filters.
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await c.query(`SELECT set_config('role', $1, true)`, [ID]);
      expect((await c.query('SELECT id, summary FROM todos')).rows).toEqual([{ id: 1, summary: 'mine' }]);
    } finally {
      await c.query('ROLLBACK');
      c.release();
    }
  });
});

describe('dropping shows what depends on it', () => {
  beforeAll(async () => {
    await pool.query(`
      CREATE TABLE owners (id int PRIMARY KEY, name text, nick text, age int);
      CREATE TABLE pets (id int PRIMARY KEY, owner_id int REFERENCES owners (id), name text);
      CREATE VIEW owner_names AS SELECT id, name FROM owners;
      CREATE VIEW owner_names_upper AS SELECT upper(name) AS name FROM owner_names;
      CREATE INDEX owners_nick ON owners (nick);
      ALTER TABLE owners ADD CONSTRAINT age_sane CHECK (age BETWEEN 0 AND 150);
      CREATE POLICY nick_rule ON owners USING (nick IS NOT NULL);
      CREATE POLICY has_owner ON pets USING (EXISTS (SELECT 1 FROM owners o WHERE o.id = owner_id));
      CREATE FUNCTION owner_count() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM owners; END;
      CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      CREATE TRIGGER owners_touch BEFORE UPDATE ON owners FOR EACH ROW EXECUTE FUNCTION touch();`);
  });

  /** What Postgres itself says CASCADE drops ("drop cascades to …"), from a rolled-back run. */
  async function postgresCascade(statement: string): Promise<string[]> {
    const c = await pool.connect();
    const notices: string[] = [];
    const onNotice = (n: { detail?: string; message?: string }) => notices.push(n.detail ?? n.message ?? '');
    c.on('notice', onNotice);
    try {
      await c.query('BEGIN');
      await c.query(statement);
    } finally {
      await c.query('ROLLBACK');
      c.off('notice', onNotice);
      c.release();
    }
    return notices
      .flatMap((n) => n.split('\n'))
      .map((l) => l.replace(/^drop cascades to /, ''))
      .sort();
  }
  const blocking = (deps: { description: string; blocksDrop: boolean }[]) =>
    deps
      .filter((d) => d.blocksDrop)
      .map((d) => d.description)
      .sort();

  it('a column: the views that read it (and views on those), its policy, its index and check; the views need CASCADE', async () => {
    const { dependents } = await call('tables.dependents', {
      schema: 'public',
      table: 'owners',
      target: { kind: 'column', column: 'name' },
    });
    expect(dependents).toEqual([
      { kind: 'view', description: 'view owner_names', blocksDrop: true },
      { kind: 'view', description: 'view owner_names_upper', blocksDrop: true },
    ]);
    expect(blocking(dependents)).toEqual(await postgresCascade('ALTER TABLE owners DROP COLUMN name CASCADE'));

    const nick = await call('tables.dependents', { schema: 'public', table: 'owners', target: { kind: 'column', column: 'nick' } });
    expect(nick.dependents).toEqual([
      { kind: 'policy', description: 'policy nick_rule on table owners', blocksDrop: true },
      { kind: 'index', description: 'index owners_nick', blocksDrop: false },
    ]);
    expect(blocking(nick.dependents)).toEqual(await postgresCascade('ALTER TABLE owners DROP COLUMN nick CASCADE'));
    const age = await call('tables.dependents', { schema: 'public', table: 'owners', target: { kind: 'column', column: 'age' } });
    expect(age.dependents).toEqual([{ kind: 'constraint', description: 'constraint age_sane on table owners', blocksDrop: false }]);
  });

  it('the table: foreign keys, views, policies elsewhere, functions; its own index, policy and trigger go with it', async () => {
    const { dependents } = await call('tables.dependents', { schema: 'public', table: 'owners', target: { kind: 'table' } });
    expect(dependents).toEqual(
      expect.arrayContaining([
        { kind: 'foreignKey', description: 'constraint pets_owner_id_fkey on table pets', blocksDrop: true },
        { kind: 'view', description: 'view owner_names', blocksDrop: true },
        { kind: 'view', description: 'view owner_names_upper', blocksDrop: true },
        { kind: 'policy', description: 'policy has_owner on table pets', blocksDrop: true },
        { kind: 'function', description: 'function owner_count()', blocksDrop: true },
        { kind: 'index', description: 'index owners_nick', blocksDrop: false },
        { kind: 'policy', description: 'policy nick_rule on table owners', blocksDrop: false },
        { kind: 'trigger', description: 'trigger owners_touch on table owners', blocksDrop: false },
      ]),
    );
    expect(blocking(dependents)).toEqual(await postgresCascade('DROP TABLE owners CASCADE'));
  });

  it("a primary key: the other tables' foreign keys that need its index", async () => {
    const { dependents } = await call('tables.dependents', {
      schema: 'public',
      table: 'owners',
      target: { kind: 'constraint', name: 'owners_pkey' },
    });
    expect(dependents).toEqual([{ kind: 'foreignKey', description: 'constraint pets_owner_id_fkey on table pets', blocksDrop: true }]);
    expect(blocking(dependents)).toEqual(await postgresCascade('ALTER TABLE owners DROP CONSTRAINT owners_pkey CASCADE'));
  });

  it('the plan of a drop lists its dependents; without CASCADE Postgres refuses and nothing changes; with it, they go', async () => {
    const change: TableChangeInput = { kind: 'alter', schema: 'public', table: 'owners', steps: [{ kind: 'dropColumn', column: 'name' }] };
    const { plan, out } = await planAndApply(change);
    expect(plan.drops).toEqual([
      {
        what: 'column name',
        cascade: false,
        dependents: [
          { kind: 'view', description: 'view owner_names', blocksDrop: true },
          { kind: 'view', description: 'view owner_names_upper', blocksDrop: true },
        ],
      },
    ]);
    expect(out).toMatchObject({ kind: 'failed', message: expect.stringMatching(/other objects depend on it/) });
    expect((await describeTable('owners')).columns.map((c) => c.name)).toContain('name');

    const cascaded = await planAndApply({ ...change, steps: [{ kind: 'dropColumn', column: 'name', cascade: true }] });
    expect(cascaded.plan.statements).toEqual(['ALTER TABLE "public"."owners" DROP COLUMN "name" CASCADE']);
    expect(cascaded.out).toMatchObject({ kind: 'applied' });
    expect(await q(`SELECT relname FROM pg_class WHERE relname IN ('owner_names', 'owner_names_upper')`)).toEqual([]);
  });
});

describe('names are names', () => {
  const EVIL_TABLE = 'x"; DROP TABLE clients; --';
  const EVIL_COLUMN = 'a" int); DROP TABLE clients; --';

  it('an injection attempt in any name creates exactly that name and nothing else', async () => {
    const { plan, out } = await planAndApply({
      kind: 'create',
      schema: 'public',
      table: {
        name: EVIL_TABLE,
        columns: [
          { name: EVIL_COLUMN, type: { schema: 'pg_catalog', name: 'int4' }, comment: "$comment$'; DROP TABLE clients; --" },
          { name: "b'); DROP TABLE clients; --", type: { schema: 'pg_catalog', name: 'text' }, default: `'); DROP TABLE clients; --'` },
        ],
        constraints: [{ kind: 'primaryKey', name: 'p"; DROP TABLE clients; --', columns: [EVIL_COLUMN] }],
        indexes: [{ name: 'i"; DROP TABLE clients; --', columns: ["b'); DROP TABLE clients; --"] }],
        comment: '$comment1$ $comment$',
      },
    });
    expect(out, JSON.stringify(out)).toMatchObject({ kind: 'applied' });
    expect(plan.statements[0]).toContain('CREATE TABLE "public"."x""; DROP TABLE clients; --" (');
    const t = await describeTable(EVIL_TABLE);
    expect(t.comment).toBe('$comment1$ $comment$');
    expect(t.columns.map((c) => [c.name, c.default, c.comment])).toEqual([
      [EVIL_COLUMN, null, "$comment$'; DROP TABLE clients; --"],
      ["b'); DROP TABLE clients; --", `'); DROP TABLE clients; --'::text`, null],
    ]);
    expect(t.constraints.map((c) => c.name)).toEqual(['p"; DROP TABLE clients; --']);
    expect(t.indexes.map((i) => i.name).sort()).toEqual(['i"; DROP TABLE clients; --', 'p"; DROP TABLE clients; --']);
    expect(await q('SELECT count(*)::int AS n FROM clients')).toEqual([{ n: 2 }]);

    // And the same names through ALTER: rename, drop.
    const alter = await planAndApply({
      kind: 'alter',
      schema: 'public',
      table: EVIL_TABLE,
      steps: [
        { kind: 'renameColumn', column: EVIL_COLUMN, to: 'c"; DROP TABLE clients; --' },
        { kind: 'dropIndex', name: 'i"; DROP TABLE clients; --' },
      ],
    });
    expect(alter.out).toMatchObject({ kind: 'applied' });
    expect(await q('SELECT count(*)::int AS n FROM clients')).toEqual([{ n: 2 }]);
  });

  it('an expression cannot close its parentheses or end the statement', async () => {
    for (const expression of [
      '1); DROP TABLE clients; --',
      '1) , CONSTRAINT x CHECK (true',
      "1; SELECT 'x'",
      '(1',
      "'unterminated",
      '1 /* open',
    ]) {
      await expect(
        call('tables.planChange', {
          change: {
            kind: 'alter',
            schema: 'public',
            table: 'items',
            steps: [{ kind: 'setDefault', column: 'note', default: expression }],
          },
        }),
      ).rejects.toMatchObject({ code: 'PG22023' });
    }
    expect(await q('SELECT count(*)::int AS n FROM clients')).toEqual([{ n: 2 }]);
  });

  it('refuses a name longer than Postgres keeps, instead of cutting it short', async () => {
    await expect(
      call('tables.planChange', {
        change: {
          kind: 'create',
          schema: 'public',
          table: { name: 'é'.repeat(40), columns: [{ name: 'a', type: { schema: 'pg_catalog', name: 'text' } }] },
        },
      }),
    ).rejects.toThrow(/longer than 63 bytes/);
  });
});
