import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { cascadePreviewInput, type CascadePreviewInput } from '../../shared/contract/tableData';
import { EMBEDDED_BRANCH } from '../../shared/contract/location';
import { previewCascades } from './cascadePreview';

const ID = 'user@example.com';
// The Lakebase sample's chain (clients → projects → tasks, ON DELETE CASCADE), a SET NULL
// reference, an ON UPDATE CASCADE one, and a RESTRICT one.
const SETUP = `
CREATE TABLE clients (id serial PRIMARY KEY, name text NOT NULL, code text UNIQUE);
CREATE TABLE projects (id serial PRIMARY KEY, client_id int NOT NULL REFERENCES clients(id) ON DELETE CASCADE, name text);
CREATE TABLE tasks (id serial PRIMARY KEY, project_id int NOT NULL REFERENCES projects(id) ON DELETE CASCADE, title text);
CREATE TABLE "notes, misc" (id serial PRIMARY KEY, client_id int REFERENCES clients(id) ON DELETE SET NULL, "client code" text REFERENCES clients(code) ON UPDATE CASCADE ON DELETE SET NULL);
CREATE TABLE invoices (id serial PRIMARY KEY, client_id int REFERENCES clients(id));
INSERT INTO clients (name, code) VALUES ('Acme', 'AC'), ('TechStart', 'TS'), ('Global', 'GL');
INSERT INTO projects (client_id, name) VALUES (1, 'a'), (1, 'b'), (2, 'c');
INSERT INTO tasks (project_id, title) VALUES (1, 'x'), (1, 'y'), (2, 'z'), (3, 'w');
INSERT INTO "notes, misc" (client_id, "client code") VALUES (1, NULL), (1, NULL), (NULL, 'AC'), (2, 'TS');
INSERT INTO invoices (client_id) VALUES (3);
GRANT USAGE ON SCHEMA public TO "${ID}";
GRANT SELECT, UPDATE ON clients TO "${ID}";
`;

let pool: pg.Pool;
beforeAll(async () => {
  const url = await createTestDatabase(inject('postgresUrl'), 'pier_cascades', SETUP);
  pool = new pg.Pool({ connectionString: url, max: 2 });
});
afterAll(async () => {
  await pool.end();
});

const AT = { kind: 'local', branch: EMBEDDED_BRANCH, database: 'pier_cascades' } as const;
const preview = (input: Omit<CascadePreviewInput, 'at'>) => previewCascades(pool, cascadePreviewInput.parse({ ...input, at: AT }));
const count = async (table: string) => Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

describe('what staged edits would do to other rows', () => {
  it('deleting a client names the projects and tasks that go with it, and the notes it empties', async () => {
    const r = await preview({ viewAs: { kind: 'admin' }, schema: 'public', table: 'clients', edits: [{ kind: 'delete', key: { id: 1 } }] });
    expect(r.refused).toBeNull();
    expect(r.tables).toEqual([
      { schema: 'public', name: 'notes, misc', deleted: 0, updated: 3, inserted: 0 },
      { schema: 'public', name: 'projects', deleted: 2, updated: 0, inserted: 0 },
      { schema: 'public', name: 'tasks', deleted: 3, updated: 0, inserted: 0 },
    ]);
    // Rolled back: nothing is gone.
    expect(await count('projects')).toBe(3);
    expect(await count('tasks')).toBe(4);
  });

  it('an update of a referenced key counts the rows that follow it; other updates reach nothing', async () => {
    const r = await preview({
      viewAs: { kind: 'admin' },
      schema: 'public',
      table: 'clients',
      edits: [
        { kind: 'update', key: { id: 2 }, changes: { code: 'T2' } },
        { kind: 'update', key: { id: 3 }, changes: { name: 'Global Ltd' } },
      ],
    });
    expect(r.tables).toEqual([{ schema: 'public', name: 'notes, misc', deleted: 0, updated: 1, inserted: 0 }]);
    expect((await pool.query(`SELECT code FROM clients WHERE id = 2`)).rows[0].code).toBe('TS');
  });

  it('a delete the database refuses (RESTRICT) comes back as a reason, with nothing counted', async () => {
    const r = await preview({ viewAs: { kind: 'admin' }, schema: 'public', table: 'clients', edits: [{ kind: 'delete', key: { id: 3 } }] });
    expect(r.tables).toEqual([]);
    expect(r.refused).toMatch(/invoices/);
  });

  it('runs as the identity viewed as: a delete it may not make is refused', async () => {
    const r = await preview({
      viewAs: { kind: 'identity', role: ID },
      schema: 'public',
      table: 'clients',
      edits: [{ kind: 'delete', key: { id: 1 } }],
    });
    expect(r.refused).toMatch(/permission denied/);
    expect(await count('projects')).toBe(3);
  });

  it('names an unknown column or table rather than guessing', async () => {
    await expect(
      preview({
        viewAs: { kind: 'admin' },
        schema: 'public',
        table: 'clients',
        edits: [{ kind: 'update', key: { id: 1 }, changes: { nope: 1 } }],
      }),
    ).rejects.toThrow(/"nope"/);
    await expect(
      preview({ viewAs: { kind: 'admin' }, schema: 'public', table: 'client"s', edits: [{ kind: 'delete', key: { id: 1 } }] }),
    ).rejects.toThrow(/not found|no table/i);
  });
});
