/**
 * schemaDiff.compare over the RPC, as the renderer calls it: two local branches (each its own
 * cluster), and the same branch reached as a cloud workspace (Pier added to itself with a PAT,
 * catalogs read as the signed-in identity, not a superuser). The migration, run in the SQL editor's
 * channel on the left branch, leaves nothing to compare.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpc, startCloudTestServer, PROD, type CloudTestServer } from './cloudBranchData.testing';

const BRANCH = 'projects/local/branches/difftest';
const DB = 'databricks_postgres';

describe('schema diff between branches, local and cloud', () => {
  let t: CloudTestServer;
  const local = (branch: string) => ({ kind: 'local', branch, database: DB });
  const cloud = (branch: string) => ({ kind: 'cloud', workspaceId: t.workspaceId, branch, database: DB });
  const compare = async (left: unknown, right: unknown, schemas: string[] = ['public']) => {
    const r = await rpc(t.server, 'schemaDiff.compare', { left, right, schemas });
    expect(r.ok, JSON.stringify(r.error)).toBe(true);
    return r.value as { entries: { kind: string; name: string; change: string }[]; sql: string };
  };
  const run = async (at: unknown, sql: string) => {
    const r = await rpc(t.server, 'sql.run', { at, runId: `run-${Math.random()}`, sql, viewAs: { kind: 'admin' } });
    expect(r.ok, JSON.stringify(r.error)).toBe(true);
    expect(r.value.kind, JSON.stringify(r.value)).toBe('ok');
  };

  beforeAll(async () => {
    t = await startCloudTestServer();
    await t.manage('POST', 'projects/local/branches?branch_id=difftest', { spec: { source_branch: PROD, no_expiry: true } });
    await run(
      local(BRANCH),
      `CREATE TABLE public.notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL, client_id int REFERENCES public.clients ON DELETE SET NULL);
       ALTER TABLE public.clients ADD COLUMN "tier ★" text DEFAULT 'free';
       CREATE VIEW public.client_tiers AS SELECT id, "tier ★" FROM public.clients`,
    );
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('a new branch compared with its parent shows what was changed on it', async () => {
    const d = await compare(local(PROD), local(BRANCH));
    const names = d.entries.map((e) => `${e.kind} ${e.change} ${e.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'table added public.notes',
        'column added public.clients."tier ★"',
        'constraint added public.notes notes_client_id_fkey',
        'view added public.client_tiers',
      ]),
    );
    expect(d.entries.filter((e) => e.kind === 'role')).toEqual([]);
  });

  it('a cloud branch compares the same as the local one, read as the signed-in identity', async () => {
    const fromLocal = await compare(local(PROD), local(BRANCH));
    const fromCloud = await compare(cloud(PROD), cloud(BRANCH));
    expect(fromCloud.entries).toEqual(fromLocal.entries);
    expect((await compare(local(BRANCH), cloud(BRANCH))).entries).toEqual([]);
  });

  it('the migration, run in the SQL editor on the parent, leaves no difference', async () => {
    const d = await compare(local(PROD), local(BRANCH));
    await run(local(PROD), d.sql);
    expect((await compare(local(PROD), local(BRANCH))).entries).toEqual([]);
  });
});
