/** The ER diagram's catalog query against real Postgres: keys, foreign keys (composite, cross-schema), partitions, odd names. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { schemaGraphOutput } from '../../shared/contract/catalog';
import { readSchemaGraph } from './schemaGraph';

const SETUP = `
CREATE TABLE clients (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE);
CREATE TABLE projects (id serial PRIMARY KEY, client_id int NOT NULL REFERENCES clients ON DELETE CASCADE, title varchar(80));
CREATE TABLE tasks (
  project_id int NOT NULL, n int NOT NULL, title text, assignee int,
  PRIMARY KEY (project_id, n),
  CONSTRAINT tasks_project_fk FOREIGN KEY (project_id) REFERENCES projects (id) ON UPDATE SET NULL
);
CREATE TABLE task_links (from_project int, from_n int, to_project int, to_n int,
  FOREIGN KEY (from_project, from_n) REFERENCES tasks (project_id, n),
  FOREIGN KEY (to_project, to_n) REFERENCES tasks (project_id, n));
CREATE TABLE events (id bigint, at timestamptz NOT NULL, client_id int REFERENCES clients, tags text[], PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE VIEW client_names AS SELECT id, name FROM clients;
CREATE SCHEMA billing;
CREATE TABLE billing.invoices (id int PRIMARY KEY, client_id int REFERENCES public.clients);
CREATE SCHEMA "odd ""schema""";
CREATE TABLE "odd ""schema"""."a table" ("the id" int PRIMARY KEY);
`;

let pool: pg.Pool;
beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await createTestDatabase(inject('postgresUrl'), 'pier_er', SETUP), max: 2 });
});
afterAll(async () => {
  await pool.end();
});

describe('readSchemaGraph', () => {
  it('lists the schema’s relations with their columns and keys, partitions folded into their parent', async () => {
    const g = schemaGraphOutput.parse(await readSchemaGraph(pool, 'public'));
    expect(g.exists).toBe(true);
    expect(g.tables.map((t) => `${t.name}:${t.kind}`)).toEqual([
      'client_names:view',
      'clients:table',
      'events:partitioned_table',
      'projects:table',
      'task_links:table',
      'tasks:table',
    ]);
    const clients = g.tables.find((t) => t.name === 'clients')!;
    expect(clients.columns).toEqual([
      { name: 'id', type: 'integer', notNull: true, primaryKey: true, foreignKey: false, unique: false },
      { name: 'name', type: 'text', notNull: true, primaryKey: false, foreignKey: false, unique: false },
      { name: 'email', type: 'text', notNull: false, primaryKey: false, foreignKey: false, unique: true },
    ]);
    const tasks = g.tables.find((t) => t.name === 'tasks')!;
    expect(tasks.columns.filter((c) => c.primaryKey).map((c) => c.name)).toEqual(['project_id', 'n']);
    expect(tasks.columns.filter((c) => c.foreignKey).map((c) => c.name)).toEqual(['project_id']);
    expect(g.tables.find((t) => t.name === 'projects')!.columns[2]).toMatchObject({ name: 'title', type: 'character varying(80)' });
    expect(g.tables.find((t) => t.name === 'events')!.columns.map((c) => c.type)).toEqual([
      'bigint',
      'timestamp with time zone',
      'integer',
      'text[]',
    ]);
  });

  it('gives foreign keys in column order with their actions, including one from another schema', async () => {
    const g = await readSchemaGraph(pool, 'public');
    const edges = g.foreignKeys.map(
      (k) => `${k.from.schema}.${k.from.table}(${k.from.columns}) → ${k.to.schema}.${k.to.table}(${k.to.columns})`,
    );
    expect(edges).toEqual([
      'billing.invoices(client_id) → public.clients(id)',
      'public.events(client_id) → public.clients(id)',
      'public.projects(client_id) → public.clients(id)',
      'public.task_links(from_project,from_n) → public.tasks(project_id,n)',
      'public.task_links(to_project,to_n) → public.tasks(project_id,n)',
      'public.tasks(project_id) → public.projects(id)',
    ]);
    expect(g.foreignKeys.find((k) => k.from.table === 'projects')).toMatchObject({ onDelete: 'CASCADE', onUpdate: 'NO ACTION' });
    expect(g.foreignKeys.find((k) => k.name === 'tasks_project_fk')).toMatchObject({ onDelete: 'NO ACTION', onUpdate: 'SET NULL' });
  });

  it('the other schema sees the same key from its side', async () => {
    const g = await readSchemaGraph(pool, 'billing');
    expect(g.tables.map((t) => t.name)).toEqual(['invoices']);
    expect(g.foreignKeys).toHaveLength(1);
    expect(g.foreignKeys[0]).toMatchObject({ from: { schema: 'billing', table: 'invoices' }, to: { schema: 'public', table: 'clients' } });
  });

  it('a name is only a name: quotes and spaces read back, an unknown schema is reported and nothing runs', async () => {
    const odd = await readSchemaGraph(pool, 'odd "schema"');
    expect(odd.tables).toEqual([
      {
        name: 'a table',
        kind: 'table',
        estimatedRows: -1,
        columns: [{ name: 'the id', type: 'integer', notNull: true, primaryKey: true, foreignKey: false, unique: false }],
      },
    ]);
    const injected = await readSchemaGraph(pool, "public'; DROP TABLE clients; --");
    expect(injected).toEqual({ schema: "public'; DROP TABLE clients; --", exists: false, tables: [], foreignKeys: [] });
    expect((await pool.query("SELECT to_regclass('public.clients') IS NOT NULL AS ok")).rows[0]).toEqual({ ok: true });
  });
});
