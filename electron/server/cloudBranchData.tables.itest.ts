/**
 * The table designer on a cloud branch: Pier's own server added to itself as a PAT workspace, so
 * every plan and apply runs on the branch's read-write endpoint as the signed-in identity
 * (owner@pier.local: a member of databricks_superuser, no superuser), whose rights Postgres enforces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpc, startCloudTestServer, PROD, type CloudTestServer } from './cloudBranchData.testing';

const BRANCH = 'projects/local/branches/tablestest';
const DB = 'databricks_postgres';
const OWNER = 'owner@pier.local';

describe('the table designer on a cloud branch', () => {
  let t: CloudTestServer;
  const at = () => ({ kind: 'cloud', workspaceId: t.workspaceId, branch: BRANCH, database: DB });
  const call = (channel: string, input: Record<string, unknown>) => rpc(t.server, channel, { at: at(), ...input });
  const planAndApply = async (change: Record<string, unknown>) => {
    const plan = await call('tables.planChange', { change });
    expect(plan.ok, JSON.stringify(plan.error)).toBe(true);
    const out = await call('tables.applyChange', { change, reviewed: plan.value.statements });
    expect(out.ok, JSON.stringify(out.error)).toBe(true);
    return { plan: plan.value, out: out.value };
  };
  const get = (path: string, rawQuery = '') => call('dataApi.request', { viewAs: { kind: 'admin' }, path, rawQuery });

  beforeAll(async () => {
    t = await startCloudTestServer();
    await t.manage('POST', 'projects/local/branches?branch_id=tablestest', { spec: { source_branch: PROD, no_expiry: true } });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const CARDS = {
    kind: 'create',
    schema: 'public',
    table: {
      name: 'cards',
      columns: [
        { name: 'id', type: { schema: 'pg_catalog', name: 'int8' }, identity: 'byDefault' },
        { name: 'title', type: { schema: 'pg_catalog', name: 'text' }, notNull: true },
      ],
      constraints: [{ kind: 'primaryKey', columns: ['id'] }],
    },
  };

  it('is refused where the identity may not create, and says which GRANT would allow it', async () => {
    // A schema the local superuser made and granted nothing on: the identity may not create there.
    const made = await rpc(t.server, 'sql.run', {
      at: { kind: 'local', branch: BRANCH, database: DB },
      runId: 'locked',
      sql: 'CREATE SCHEMA locked',
      viewAs: { kind: 'admin' },
    });
    expect(made.value.kind, JSON.stringify(made.value)).toBe('ok');
    const { out } = await planAndApply({ ...CARDS, schema: 'locked' });
    expect(out).toMatchObject({ kind: 'failed', failedStatement: 0, message: 'permission denied for schema locked' });
    expect(out.hint).toBe(
      `Pier runs this as "${OWNER}", and Postgres enforces that role's rights: creating a table in locked needs CREATE on that schema (its owner can run GRANT CREATE ON SCHEMA "locked" TO "${OWNER}"). Nothing was changed.`,
    );
  });

  it('creates a table as the signed-in identity, and the Data API serves it at once', async () => {
    // No GRANT needed in public: the project owner may create there, as on Lakebase where the owner
    // owns the database (databricks_superuser has CREATE on public; see ownerCreatesInPublic.itest.ts).
    // An engine is already open on the branch: it must see the new table without waiting for a NOTIFY.
    expect((await get('/public/clients')).value.status).toBe(200);
    const types = await call('tables.types', {});
    expect(types.value.types.map((x: { name: string }) => x.name)).toEqual(expect.arrayContaining(['int8', 'text', 'timestamptz']));

    const { plan, out } = await planAndApply(CARDS);
    expect(out, JSON.stringify(out)).toMatchObject({ kind: 'applied' });
    expect(plan.statements[0]).toContain('CREATE TABLE "public"."cards"');
    const served = await get('/public/cards');
    expect(served.value.status).toBe(200);
    expect(JSON.parse(served.value.body)).toEqual([]);
    const design = await call('tables.describe', { schema: 'public', table: 'cards' });
    expect(design.value.owner).toBe(OWNER);
    // Only on the cloud branch: the local production branch has no such table.
    const local = await rpc(t.server, 'tables.describe', {
      at: { kind: 'local', branch: PROD, database: DB },
      schema: 'public',
      table: 'cards',
    });
    expect(local.error).toMatchObject({ code: 'PIER404' });
  });

  it('alters its own table: a column, a foreign key, a rename; a drop lists its dependents', async () => {
    const { out } = await planAndApply({
      kind: 'alter',
      schema: 'public',
      table: 'cards',
      steps: [
        { kind: 'addColumn', column: { name: 'parent_id', type: { schema: 'pg_catalog', name: 'int8' } } },
        {
          kind: 'addConstraint',
          constraint: {
            kind: 'foreignKey',
            columns: ['parent_id'],
            refSchema: 'public',
            refTable: 'cards',
            refColumns: ['id'],
            onDelete: 'CASCADE',
          },
        },
        { kind: 'renameColumn', column: 'title', to: 'heading' },
      ],
    });
    expect(out, JSON.stringify(out)).toMatchObject({ kind: 'applied' });
    const design = await call('tables.describe', { schema: 'public', table: 'cards' });
    expect(design.value.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'heading', 'parent_id']);
    expect(design.value.constraints).toContainEqual(
      expect.objectContaining({ kind: 'foreignKey', onDelete: 'CASCADE', refTable: 'cards' }),
    );
    expect((await get('/public/cards', 'select=heading')).value.status).toBe(200);

    const ran = await call('sql.run', {
      runId: 'view',
      sql: 'CREATE VIEW public.card_headings AS SELECT heading FROM public.cards',
      viewAs: { kind: 'admin' },
    });
    expect(ran.value.kind).toBe('ok');
    const deps = await call('tables.dependents', { schema: 'public', table: 'cards', target: { kind: 'column', column: 'heading' } });
    expect(deps.value.dependents).toEqual([{ kind: 'view', description: 'view card_headings', blocksDrop: true }]);
  });

  it('is refused on a table the identity does not own, and says whose rights those are', async () => {
    const { out } = await planAndApply({
      kind: 'alter',
      schema: 'public',
      table: 'clients',
      steps: [{ kind: 'addColumn', column: { name: 'nickname', type: { schema: 'pg_catalog', name: 'text' } } }],
    });
    expect(out).toMatchObject({ kind: 'failed', failedStatement: 0, message: 'must be owner of table clients' });
    expect(out.hint).toContain(`Pier runs this as "${OWNER}", and Postgres enforces that role's rights`);
    const design = await call('tables.describe', { schema: 'public', table: 'clients' });
    expect(design.value.columns.map((c: { name: string }) => c.name)).not.toContain('nickname');
  });
});
