/**
 * The admin tools and the SQL editor on a cloud branch: Pier's own server added to itself as a
 * PAT workspace, so every call runs on the branch's read-write endpoint as the signed-in identity
 * (owner@pier.local: a member of databricks_superuser, no superuser), not as the local superuser.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROD, rpc, startCloudTestServer, type CloudTestServer } from './cloudBranchData.testing';

const BRANCH = 'projects/local/branches/admintest';
const DB = 'databricks_postgres';
const OWNER = 'owner@pier.local';
const USER = 'user@example.com';

describe('admin tools and SQL on a cloud branch', () => {
  let t: CloudTestServer;
  const call = (channel: string, input: Record<string, unknown>) =>
    rpc(t.server, channel, { at: { kind: 'cloud', workspaceId: t.workspaceId, branch: BRANCH, database: DB }, ...input });
  const sql = async (text: string, extra: Record<string, unknown> = {}) => {
    const r = await call('sql.run', { runId: `run-${Math.random()}`, sql: text, viewAs: { kind: 'admin' }, ...extra });
    expect(r.ok, JSON.stringify(r.error)).toBe(true);
    return r.value;
  };
  const sqlOk = async (text: string) => {
    const out = await sql(text);
    expect(out.kind, out.message).toBe('ok');
    return out;
  };

  beforeAll(async () => {
    t = await startCloudTestServer();
    await t.manage('POST', 'projects/local/branches?branch_id=admintest', { spec: { source_branch: PROD, no_expiry: true } });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('runs SQL on the cloud branch as the signed-in identity', async () => {
    const out = await sql('SELECT current_user AS who, (SELECT count(*) FROM public.clients) AS clients');
    expect(out.kind).toBe('ok');
    expect(out.results[0].rows).toEqual([[OWNER, '3']]);
  });

  it('creates a table there that the local branch of the same name does not get', async () => {
    const out = await sqlOk(
      "CREATE SCHEMA notes; CREATE TABLE notes.items (id serial PRIMARY KEY, body text, author text); INSERT INTO notes.items (body, author) VALUES ('one', 'user@example.com'), ('two', 'someone@else')",
    );
    expect(out.kind).toBe('ok');
    const cloud = await rpc(t.server, 'catalog.listSchemas', {
      at: { kind: 'cloud', workspaceId: t.workspaceId, branch: BRANCH, database: DB },
    });
    expect(cloud.value.schemas.map((s: { name: string }) => s.name)).toContain('notes');
    const production = await rpc(t.server, 'catalog.listSchemas', {
      at: { kind: 'cloud', workspaceId: t.workspaceId, branch: PROD, database: DB },
    });
    expect(production.value.schemas.map((s: { name: string }) => s.name)).not.toContain('notes');
  });

  it('refuses to run as a role the identity is not a member of, and says what to GRANT', async () => {
    const out = await sql('SELECT 1', { viewAs: { kind: 'identity', role: USER } });
    expect(out.kind).toBe('error');
    expect(out.message).toMatch(/permission denied to set role "user@example.com"/);
    expect(out.hint).toContain(`GRANT "${USER}" TO "${OWNER}"`);
  });

  it("lists the branch's roles, as the identity sees them", async () => {
    const r = await call('admin.roles', {});
    expect(r.ok).toBe(true);
    const names = r.value.roles.map((x: { name: string }) => x.name);
    expect(names).toEqual(expect.arrayContaining([OWNER, USER, 'authenticator']));
    expect(r.value.authenticatorMembers).toContain(USER);
  });

  it('runs the Data API set-up checks as the identity', async () => {
    const r = await call('admin.setupChecks', {});
    expect(r.ok, JSON.stringify(r.error)).toBe(true);
    const checks = r.value.checks as { id: string; ok: boolean }[];
    expect(checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['authenticator', 'pgrst-schema', 'pre-config', 'identities', `tables:public:${USER}`]),
    );
    expect(checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('stages and applies a GRANT on a table the identity owns', async () => {
    const before = await call('admin.grants', { schema: 'notes' });
    expect(before.ok).toBe(true);
    const items = before.value.tables.find((x: { name: string }) => x.name === 'items');
    expect(items.owner).toBe(OWNER);
    expect(items.grants.find((g: { grantee: string }) => g.grantee === USER)).toBeUndefined();
    const changes = [
      { kind: 'schemaUsage', role: USER, grant: true },
      { kind: 'table', table: 'items', role: USER, privilege: 'SELECT', grant: true },
    ];
    const plan = await call('admin.planGrantChanges', { schema: 'notes', changes });
    expect(plan.value.statements).toEqual([
      'GRANT USAGE ON SCHEMA "notes" TO "user@example.com"',
      'GRANT SELECT ON TABLE "notes"."items" TO "user@example.com"',
    ]);
    expect((await call('admin.applyGrantChanges', { schema: 'notes', changes })).value).toMatchObject({ kind: 'applied' });
    const after = await call('admin.grants', { schema: 'notes' });
    const granted = after.value.tables
      .find((x: { name: string }) => x.name === 'items')
      .grants.find((g: { grantee: string }) => g.grantee === USER);
    expect(granted.privileges).toEqual(['SELECT']);
    expect(after.value.schemaUsage).toContain(USER);
  });

  it('refuses a GRANT the identity may not give, instead of reporting a change that did not happen', async () => {
    const r = await call('admin.applyGrantChanges', {
      schema: 'public',
      changes: [{ kind: 'table', table: 'clients', role: USER, privilege: 'TRUNCATE', grant: true }],
    });
    expect(r.ok, JSON.stringify(r.error)).toBe(true);
    expect(r.value).toMatchObject({
      kind: 'failed',
      failedStatement: 0,
      message: expect.stringMatching(/no privileges were granted for "clients"/),
    });
    expect(r.value.hint).toContain(`"${OWNER}" is neither`);
    const after = await call('admin.grants', { schema: 'public' });
    const clients = after.value.tables.find((x: { name: string }) => x.name === 'clients');
    expect(clients.grants.find((g: { grantee: string }) => g.grantee === USER).privileges).not.toContain('TRUNCATE');
  });

  it('creates a policy, and the preview says what the identity cannot show', async () => {
    const change = {
      kind: 'create',
      enableRls: true,
      policy: { name: 'own_items', command: 'SELECT', roles: [USER], using: 'author = current_user' },
    };
    const applied = await call('admin.applyPolicyChange', { schema: 'notes', table: 'items', change });
    expect(applied.value, JSON.stringify(applied.value)).toMatchObject({ kind: 'applied' });
    const policies = await call('admin.tablePolicies', { schema: 'notes', table: 'items' });
    expect(policies.value.rlsEnabled).toBe(true);
    expect(policies.value.policies).toEqual([
      expect.objectContaining({ name: 'own_items', roles: [USER], using: '(author = CURRENT_USER)' }),
    ]);

    // The identity owns the table (sees every row, may switch RLS off) but is not a member of USER.
    const preview = await call('admin.previewPolicy', { schema: 'notes', table: 'items', change: null, identities: [USER] });
    expect(preview.ok, JSON.stringify(preview.error)).toBe(true);
    expect(preview.value.totalRows).toBe(2);
    expect(preview.value.whyHiddenUnavailable).toBeNull();
    expect(preview.value.identities[0].error).toContain(`GRANT "${USER}" TO "${OWNER}"`);
  });

  it('says what the preview cannot show on a table with RLS the identity does not own, instead of failing', async () => {
    // production's clients, owned by the superuser, with RLS on and no policy the identity passes.
    const superuser = new pg.Client({ connectionString: t.server.readyInfo().postgres });
    await superuser.connect();
    await superuser.query('ALTER TABLE public.clients ENABLE ROW LEVEL SECURITY');
    try {
      const r = await rpc(t.server, 'admin.previewPolicy', {
        at: { kind: 'cloud', workspaceId: t.workspaceId, branch: PROD, database: DB },
        schema: 'public',
        table: 'clients',
        change: null,
        identities: [USER],
      });
      expect(r.ok, JSON.stringify(r.error)).toBe(true);
      expect(r.value.kind).toBe('preview');
      expect(r.value.whyHiddenUnavailable).toMatch(/only the table's owner or a superuser may do; "owner@pier.local" is neither/);
      expect(r.value.limitations).toEqual([
        expect.stringMatching(/rows listed are those "owner@pier.local" may read itself/),
        r.value.whyHiddenUnavailable,
      ]);
      // The identity reads no row itself under RLS without a policy for it: the preview shows that, not an error.
      expect(r.value.rows).toEqual([]);
    } finally {
      await superuser.query('ALTER TABLE public.clients DISABLE ROW LEVEL SECURITY');
      await superuser.end();
    }
  });

  it('reloads the Data API engine of the branch after a change made in the SQL editor', async () => {
    const columns = async () => {
      const d = await call('dataApi.describe', { schema: 'notes', table: 'items' });
      expect(d.ok, JSON.stringify(d.error)).toBe(true);
      return d.value.columns.map((c: { name: string }) => c.name);
    };
    expect(await columns()).toEqual(['id', 'body', 'author']);
    await sqlOk('ALTER TABLE notes.items ADD COLUMN tag text');
    expect(await columns()).toEqual(['id', 'body', 'author', 'tag']);
  });
});

describe('an endpoint recreated under the same name', () => {
  let t: CloudTestServer;
  const BR = 'projects/local/branches/moving';
  beforeAll(async () => {
    t = await startCloudTestServer();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('is found again on the next call instead of failing with the old host', async () => {
    const createBranch = () =>
      t.manage('POST', 'projects/local/branches?branch_id=moving', { spec: { source_branch: PROD, no_expiry: true } });
    // Every local endpoint shares Pier's proxy host (as Lakebase's share a region's); a recreated one is told apart by its uid.
    const hostOf = async () => (await t.manage('GET', `${BR}/endpoints`)).endpoints[0].uid as string;
    const at = { at: { kind: 'cloud', workspaceId: t.workspaceId, branch: BR, database: DB } };
    const read = () =>
      rpc(t.server, 'dataApi.request', {
        ...at,
        method: 'GET',
        path: '/public/clients',
        rawQuery: 'select=name&id=eq.1',
        headers: {},
        viewAs: { kind: 'admin' },
      });
    const run = () =>
      rpc(t.server, 'sql.run', {
        ...at,
        runId: `r-${Math.random()}`,
        sql: 'SELECT count(*) FROM public.clients',
        viewAs: { kind: 'admin' },
      });

    await createBranch();
    const oldHost = await hostOf();
    expect(JSON.parse((await read()).value.body)).toEqual([{ name: 'Acme Corp' }]);
    // Each path (SQL/admin pool, Data API engine and its transactions, catalog connection) meets the moved endpoint first once.
    const firstCalls: [string, () => Promise<void>][] = [
      [
        'sql.run',
        async () => {
          const ran = await run();
          expect(ran.ok, JSON.stringify(ran.error)).toBe(true);
          expect(ran.value.results[0].rows).toEqual([['3']]);
        },
      ],
      [
        'dataApi.request',
        async () => {
          const again = await read();
          expect(again.value.status, again.value.body).toBe(200);
          expect(JSON.parse(again.value.body)).toEqual([{ name: 'Acme Corp' }]);
        },
      ],
      [
        'dataApi.transaction',
        async () => {
          // A previewed (rolled-back) write, as the grid's staged edits are previewed.
          const write = {
            method: 'PATCH',
            path: '/public/clients',
            rawQuery: 'id=eq.1&select=name',
            headers: { prefer: 'return=representation' },
            body: JSON.stringify({ name: 'Acme (preview)' }),
          };
          const tx = await rpc(t.server, 'dataApi.transaction', { ...at, viewAs: { kind: 'admin' }, rollback: true, requests: [write] });
          expect(tx.ok, JSON.stringify(tx.error)).toBe(true);
          expect(tx.value.responses[0].status, tx.value.responses[0].body).toBe(200);
          expect(JSON.parse(tx.value.responses[0].body)).toEqual([{ name: 'Acme (preview)' }]);
        },
      ],
      [
        'catalog.listSchemas',
        async () => {
          const schemas = await rpc(t.server, 'catalog.listSchemas', at);
          expect(schemas.ok, JSON.stringify(schemas.error)).toBe(true);
        },
      ],
    ];
    let previousHost = oldHost;
    for (const [, first] of firstCalls) {
      // Warm every cache on the current endpoint, then recreate the branch (and its endpoint).
      expect((await read()).value.status).toBe(200);
      expect((await run()).ok).toBe(true);
      expect((await rpc(t.server, 'catalog.listSchemas', at)).ok).toBe(true);
      await t.manage('DELETE', `${BR}?purge=true`);
      await createBranch();
      const host = await hostOf();
      expect(host).not.toBe(previousHost);
      previousHost = host;
      await first();
    }
  }, 120_000);

  it('still reports a branch that is really gone', async () => {
    await t.manage('DELETE', `${BR}?purge=true`);
    const r = await rpc(t.server, 'sql.run', {
      at: { kind: 'cloud', workspaceId: t.workspaceId, branch: BR, database: DB },
      runId: 'gone',
      sql: 'SELECT 1',
      viewAs: { kind: 'admin' },
    });
    expect(r.ok).toBe(false);
    expect(r.error.message).toMatch(/moving/);
  });
});
