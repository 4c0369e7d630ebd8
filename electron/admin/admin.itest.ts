import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { contract } from '../../shared/contract/contract';
import type { InputOf } from '../../shared/contract/contract';
import type { GrantChange, PolicyChangeInput } from '../../shared/contract/admin';
import { EMBEDDED_BRANCH, type Location } from '../../shared/contract/location';
import { createAdminHandlers, type AdminHandlers } from './createAdminHandlers';

const ID = 'user@example.com';
const OTHER = 'pier_admin_itest_other';

/** The Lakebase documentation's sample, as the embedded default seeds it (roles are cluster-wide and already exist). */
const SETUP = `
CREATE SCHEMA pgrst;
CREATE FUNCTION pgrst.pre_config() RETURNS void LANGUAGE sql AS $fn$
  SELECT set_config('pgrst.db_schemas', 'public', true), set_config('pgrst.db_aggregates_enabled', 'true', true);
$fn$;
GRANT USAGE ON SCHEMA pgrst TO authenticator;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pgrst TO authenticator;
CREATE TABLE clients (id serial PRIMARY KEY, name text NOT NULL, owner_email text);
INSERT INTO clients (name, owner_email) VALUES ('Acme Corp', 'user@example.com'), ('TechStart Inc', 'someone@else.com'), ('Global Solutions', 'user@example.com');
GRANT USAGE ON SCHEMA public TO "user@example.com";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "user@example.com";
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "user@example.com";
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${OTHER}') THEN CREATE ROLE ${OTHER} NOLOGIN; END IF;
END $$;
`;

let pool: pg.Pool;
let h: AdminHandlers;
const AT: Location = { kind: 'local', branch: EMBEDDED_BRANCH, database: 'pier_admin' };
/** Calls a handler with its input (at the test database) validated by the contract, as the RPC layer does. */
const call = async <C extends keyof AdminHandlers>(channel: C, input: Omit<InputOf<C>, 'at'>) =>
  h[channel](contract[channel].input.parse(channel === 'sql.cancel' ? input : { ...input, at: AT }) as never) as ReturnType<
    AdminHandlers[C]
  >;

const lakebaseExample: PolicyChangeInput = {
  kind: 'create',
  enableRls: true,
  policy: { name: 'restrict client access', command: 'SELECT', roles: [ID], using: 'id IN (1, 2)' },
};

beforeAll(async () => {
  const url = await createTestDatabase(inject('postgresUrl'), 'pier_admin', SETUP);
  pool = new pg.Pool({ connectionString: url, max: 4 });
  h = createAdminHandlers(
    { withAdminPool: (_at, fn) => fn(pool), schemaChanged: async () => undefined, reloadSchema: async () => undefined },
    { branchProtection: async () => false },
  );
});
afterAll(async () => {
  await pool.end();
});

async function namesAs(role: string): Promise<string[]> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query(`SELECT set_config('role', $1, true)`, [role]);
    const r = await c.query<{ name: string }>('SELECT name FROM clients ORDER BY id');
    return r.rows.map((x) => x.name);
  } finally {
    await c.query('ROLLBACK');
    c.release();
  }
}

describe('policy live preview', () => {
  it('shows 2 of 3 clients for the Lakebase example before it is applied, and leaves the table untouched', async () => {
    const preview = await call('admin.previewPolicy', {
      schema: 'public',
      table: 'clients',
      change: lakebaseExample,
      identities: [ID, OTHER],
    });
    if (preview.kind !== 'preview') throw new Error(JSON.stringify(preview));
    expect(preview.rows).toHaveLength(3);
    expect(preview.rlsEnabled).toBe(true);
    const [me, other] = preview.identities;
    const visibleIds = preview.rows.filter((r) => me!.visibleKeys.includes(r.key)).map((r) => r.values[0]);
    expect(visibleIds).toEqual([1, 2]);
    // Why is client 3 hidden? The one applicable policy evaluates to false on it.
    expect(me!.evaluations).toEqual([{ policy: 'restrict client access', permissive: true, values: [true, true, false], error: null }]);
    // A role without SELECT privilege sees nothing and is told why.
    expect(other!.error).toMatch(/permission denied/);
    // Rolled back: no policy, RLS still off, everything visible.
    const after = await call('admin.tablePolicies', { schema: 'public', table: 'clients' });
    expect(after.policies).toEqual([]);
    expect(after.rlsEnabled).toBe(false);
    expect(await namesAs(ID)).toHaveLength(3);
  });

  it('reports an error in the expression with its position instead of a preview', async () => {
    const preview = await call('admin.previewPolicy', {
      schema: 'public',
      table: 'clients',
      change: { kind: 'create', policy: { name: 'bad', roles: [ID], using: 'no_such_column = 1' } },
      identities: [ID],
    });
    expect(preview).toMatchObject({ kind: 'invalid', failedStatement: 0, message: expect.stringMatching(/no_such_column/) });
  });

  it('cannot smuggle a second statement into an expression', async () => {
    const preview = await call('admin.previewPolicy', {
      schema: 'public',
      table: 'clients',
      change: { kind: 'create', policy: { name: 'evil', roles: [ID], using: 'true); DROP TABLE clients; --' } },
      identities: [ID],
    });
    expect(preview.kind).toBe('invalid');
    expect(await namesAs(ID)).toHaveLength(3);
  });

  it('an insert the policy allows but a constraint rejects is not reported as a refusal', async () => {
    const preview = await call('admin.previewPolicy', {
      schema: 'public',
      table: 'clients',
      change: {
        kind: 'create',
        enableRls: true,
        policy: { name: 'anyone inserts', command: 'INSERT', roles: ['PUBLIC'], withCheck: 'true' },
      },
      identities: [ID],
      sampleInsert: { owner_email: ID },
    });
    if (preview.kind !== 'preview') throw new Error(JSON.stringify(preview));
    expect(preview.identities[0]!.insert).toMatchObject({ kind: 'error', message: expect.stringMatching(/null value in column "name"/) });
  });

  it('tries sample writes: an ownership policy refuses an insert for someone else and allows updates of own rows only', async () => {
    const preview = await call('admin.previewPolicy', {
      schema: 'public',
      table: 'clients',
      change: {
        kind: 'create',
        enableRls: true,
        policy: {
          name: 'own rows',
          command: 'ALL',
          roles: [ID],
          using: 'owner_email = current_user',
          withCheck: 'owner_email = current_user',
        },
      },
      identities: [ID],
      sampleInsert: { name: 'Not mine', owner_email: 'x@y.z' },
      sampleUpdate: true,
    });
    if (preview.kind !== 'preview') throw new Error(JSON.stringify(preview));
    const me = preview.identities[0]!;
    expect(me.visibleKeys).toHaveLength(2);
    expect(me.insert).toMatchObject({ kind: 'refused', message: expect.stringMatching(/row-level security/) });
    expect(me.updates?.map((u) => u.kind)).toEqual(['allowed', 'noRow', 'allowed']);
    expect(preview.defaultedColumns).toEqual(['id']);
    expect(await namesAs(ID)).toHaveLength(3);
  });
});

describe('applying policy changes', () => {
  it('applies the Lakebase example in one transaction; the identity then sees clients 1 and 2', async () => {
    const plan = await call('admin.planPolicyChange', { schema: 'public', table: 'clients', change: lakebaseExample });
    expect(plan.statements).toHaveLength(2);
    const result = await call('admin.applyPolicyChange', { schema: 'public', table: 'clients', change: lakebaseExample });
    expect(result).toEqual({ kind: 'applied', statements: plan.statements });
    expect(await namesAs(ID)).toEqual(['Acme Corp', 'TechStart Inc']);
    const policies = await call('admin.tablePolicies', { schema: 'public', table: 'clients' });
    expect(policies.policies).toMatchObject([
      { name: 'restrict client access', command: 'SELECT', roles: [ID], using: '(id = ANY (ARRAY[1, 2]))' },
    ]);
  });

  it('a failing change changes nothing and says why', async () => {
    const result = await call('admin.applyPolicyChange', {
      schema: 'public',
      table: 'clients',
      change: {
        kind: 'replace',
        name: 'restrict client access',
        policy: { name: 'restrict client access', command: 'SELECT', roles: [ID], using: '1 / 0 = nope' },
      },
    });
    expect(result).toMatchObject({ kind: 'failed', failedStatement: 1, message: expect.stringMatching(/nope/) });
    expect(await namesAs(ID)).toEqual(['Acme Corp', 'TechStart Inc']);
  });

  it('drops the policy and turns RLS off again', async () => {
    await call('admin.applyPolicyChange', { schema: 'public', table: 'clients', change: { kind: 'drop', name: 'restrict client access' } });
    await call('admin.applyPolicyChange', {
      schema: 'public',
      table: 'clients',
      change: { kind: 'setRls', enabled: false, forced: false },
    });
    expect(await namesAs(ID)).toHaveLength(3);
  });
});

describe('grants', () => {
  it('shows table, column and sequence privileges and applies a toggle', async () => {
    const before = await call('admin.grants', { schema: 'public' });
    const clients = before.tables.find((t) => t.name === 'clients')!;
    expect(clients.grants.find((g) => g.grantee === ID)?.privileges).toEqual(['DELETE', 'INSERT', 'SELECT', 'UPDATE']);
    expect(before.sequences).toEqual([{ name: 'clients_id_seq', usage: expect.arrayContaining([ID]) }]);
    expect(before.schemaUsage).toContain(ID);

    const changes: GrantChange[] = [
      { kind: 'table', table: 'clients', role: OTHER, privilege: 'SELECT', grant: true },
      { kind: 'column', table: 'clients', column: 'name', role: OTHER, privilege: 'UPDATE', grant: true },
    ];
    const plan = await call('admin.planGrantChanges', { schema: 'public', changes });
    expect(plan.statements).toEqual([
      'GRANT SELECT ON TABLE "public"."clients" TO "pier_admin_itest_other"',
      'GRANT UPDATE ("name") ON TABLE "public"."clients" TO "pier_admin_itest_other"',
    ]);
    expect(await call('admin.applyGrantChanges', { schema: 'public', changes })).toMatchObject({ kind: 'applied' });
    const after = await call('admin.grants', { schema: 'public' });
    const t = after.tables.find((x) => x.name === 'clients')!;
    expect(t.grants.find((g) => g.grantee === OTHER)?.privileges).toEqual(['SELECT']);
    expect(t.columns.find((c) => c.name === 'name')?.grants).toEqual([{ grantee: OTHER, privileges: ['UPDATE'] }]);
    await call('admin.applyGrantChanges', {
      schema: 'public',
      changes: changes.map((c) => ({ ...c, grant: false })),
    });
  });

  it('shows default privileges', async () => {
    await pool.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO ${OTHER}`);
    try {
      const g = await call('admin.grants', { schema: 'public' });
      expect(g.defaultPrivileges).toContainEqual(
        expect.objectContaining({ schema: 'public', objectType: 'tables', grantee: OTHER, privileges: ['SELECT'] }),
      );
    } finally {
      await pool.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT ON TABLES FROM ${OTHER}`);
    }
  });
});

describe('roles', () => {
  it('lists attributes and who is granted to authenticator', async () => {
    const roles = await call('admin.roles', {});
    expect(roles.authenticatorMembers).toContain(ID);
    expect(roles.roles.find((r) => r.name === 'authenticator')?.attributes).toMatchObject({ login: true, inherit: false });
  });

  it('creates, grants to authenticator, and drops a role', async () => {
    const name = 'pier itest "identity"';
    await call('admin.applyRoleChange', {
      change: { kind: 'create', name, attributes: { login: false, inherit: true, bypassrls: false, createdb: false, createrole: false } },
    });
    try {
      await call('admin.applyRoleChange', { change: { kind: 'grantMembership', role: name, member: 'authenticator' } });
      expect((await call('admin.roles', {})).authenticatorMembers).toContain(name);
    } finally {
      await call('admin.applyRoleChange', { change: { kind: 'revokeMembership', role: name, member: 'authenticator' } });
      expect(await call('admin.applyRoleChange', { change: { kind: 'drop', name } })).toMatchObject({ kind: 'applied' });
    }
    expect((await call('admin.roles', {})).roles.map((r) => r.name)).not.toContain(name);
  });
});

describe('SQL runner', () => {
  it('runs as an identity so RLS filters the result, and as admin sees all', async () => {
    await call('admin.applyPolicyChange', { schema: 'public', table: 'clients', change: lakebaseExample });
    try {
      const asId = await call('sql.run', {
        runId: 'a',
        sql: 'SELECT id, name FROM clients ORDER BY id',
        viewAs: { kind: 'identity', role: ID },
      });
      expect(asId).toMatchObject({
        kind: 'ok',
        results: [
          {
            command: 'SELECT',
            rows: [
              ['1', 'Acme Corp'],
              ['2', 'TechStart Inc'],
            ],
            columns: [
              { name: 'id', type: 'integer' },
              { name: 'name', type: 'text' },
            ],
          },
        ],
      });
      const asAdmin = await call('sql.run', {
        runId: 'b',
        sql: 'SELECT count(*) FROM clients; SELECT current_user',
        viewAs: { kind: 'admin' },
      });
      expect(asAdmin.kind === 'ok' && asAdmin.results.map((r) => r.rows)).toEqual([[['3']], [[expect.any(String)]]]);
    } finally {
      await call('admin.applyPolicyChange', {
        schema: 'public',
        table: 'clients',
        change: { kind: 'drop', name: 'restrict client access' },
      });
      await call('admin.applyPolicyChange', {
        schema: 'public',
        table: 'clients',
        change: { kind: 'setRls', enabled: false, forced: false },
      });
    }
  });

  it('reports errors with a position and rolls back', async () => {
    const r = await call('sql.run', {
      runId: 'c',
      sql: "INSERT INTO clients (name) VALUES ('x'); SELECT nope FROM clients",
      viewAs: { kind: 'admin' },
    });
    expect(r).toMatchObject({ kind: 'error', code: '42703', cancelled: false });
    if (r.kind === 'error') expect(r.position).toBeGreaterThan(40);
    expect(await namesAs(ID)).toHaveLength(3);
  });

  it('an identity runs a script statement by statement and cannot step out of its role', async () => {
    const asId = { kind: 'identity', role: ID } as const;
    const two = await call('sql.run', { runId: 'i1', sql: 'SELECT current_user; SELECT count(*) FROM clients', viewAs: asId });
    expect(two.kind === 'ok' && two.results.map((r) => r.rows)).toEqual([[[ID]], [['3']]]);
    const escape = await call('sql.run', { runId: 'i2', sql: 'SELECT 1;\nCOMMIT; DROP TABLE clients', viewAs: asId });
    expect(escape).toMatchObject({ kind: 'error', message: expect.stringMatching(/not run as an identity/), position: 11 });
    const reset = await call('sql.run', { runId: 'i3', sql: "SELECT set_config('role', 'postgres', true)", viewAs: asId });
    expect(reset.kind).toBe('error');
    expect(await namesAs(ID)).toHaveLength(3);
    const bad = await call('sql.run', { runId: 'i4', sql: 'SELECT 1; SELECT nope FROM clients', viewAs: asId });
    expect(bad).toMatchObject({ kind: 'error', code: '42703', position: 'SELECT 1; SELECT nope'.indexOf('nope') + 1 });
  });

  it('cancels a running query', async () => {
    const running = call('sql.run', { runId: 'slow', sql: 'SELECT pg_sleep(30)', viewAs: { kind: 'admin' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(await call('sql.cancel', { runId: 'slow' })).toEqual({ cancelled: true });
    expect(await running).toMatchObject({ kind: 'error', code: '57014', cancelled: true });
    expect(await call('sql.cancel', { runId: 'slow' })).toEqual({ cancelled: false });
  });

  it('asks the Data API engines to reload their schema cache after DDL, not after reads', async () => {
    const listener = await pool.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(`${n.channel}:${n.payload}`));
    try {
      await listener.query('LISTEN pgrst');
      await call('sql.run', { runId: 'r1', sql: 'SELECT 1', viewAs: { kind: 'admin' } });
      await call('sql.run', { runId: 'r2', sql: 'CREATE TABLE notes (id int PRIMARY KEY); DROP TABLE notes', viewAs: { kind: 'admin' } });
      await new Promise((r) => setTimeout(r, 200));
      expect(heard).toEqual(['pgrst:reload schema']);
    } finally {
      await listener.query('UNLISTEN pgrst');
      listener.release();
    }
  });

  it('EXPLAIN ANALYZE returns the plan and undoes the statement', async () => {
    const r = await call('sql.run', { runId: 'd', sql: 'DELETE FROM clients', viewAs: { kind: 'admin' }, mode: 'explainAnalyze' });
    if (r.kind !== 'ok') throw new Error(JSON.stringify(r));
    expect(JSON.stringify(r.plan)).toMatch(/"Actual Rows"|"Actual Total Time"/);
    expect(await namesAs(ID)).toHaveLength(3);
  });
});

describe('locations', () => {
  it('each call runs on the pool of the location it names', async () => {
    const asked: Location[] = [];
    const routed = createAdminHandlers(
      {
        withAdminPool: (at, fn) => {
          asked.push(at);
          return fn(pool);
        },
        schemaChanged: async () => undefined,
        reloadSchema: async () => undefined,
      },
      { branchProtection: async () => false },
    );
    const dev: Location = { kind: 'local', branch: 'projects/local/branches/dev', database: 'pier_admin' };
    const cloud: Location = { kind: 'cloud', workspaceId: 'ws1', branch: 'projects/p/branches/main', database: 'app' };
    await routed['admin.roles'](contract['admin.roles'].input.parse({ at: dev }));
    await routed['sql.run'](contract['sql.run'].input.parse({ runId: 'x', sql: 'SELECT 1', viewAs: { kind: 'admin' }, at: cloud }));
    await routed['admin.grants'](contract['admin.grants'].input.parse({ schema: 'public', at: AT }));
    expect(asked).toEqual([dev, cloud, AT]);
    expect(contract['admin.roles'].input.safeParse({ at: { kind: 'local', branch: 'not a branch', database: 'x' } }).success).toBe(false);
    // Nothing is implied by absence: a call without its location is refused.
    expect(contract['admin.roles'].input.safeParse({}).success).toBe(false);
    expect(
      contract['admin.roles'].input.safeParse({ at: { kind: 'cloud', workspaceId: 'local', branch: dev.branch, database: 'x' } }).success,
    ).toBe(false);
  });
});

describe('Data API set-up assistant', () => {
  it('is green on a prepared database, turns red when a grant is missing, and its fix makes it green again', async () => {
    // A database Pier did not seed has no schema watch: the assistant offers its SQL for review.
    const unwatched = (await call('admin.setupChecks', {})).checks.filter((c) => !c.ok);
    expect(unwatched.map((c) => c.id)).toEqual(['schema-watch']);
    expect(unwatched[0]!.fix.join('\n')).toMatch(/CREATE EVENT TRIGGER pgrst_watch_ddl ON ddl_command_end[\s\S]*ON sql_drop/);
    expect(await call('admin.setupFix', { checkId: 'schema-watch' })).toMatchObject({ kind: 'applied' });
    const green = await call('admin.setupChecks', {});
    expect(green.checks.filter((c) => !c.ok)).toEqual([]);
    expect(green.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['authenticator', 'pgrst-schema', 'pre-config', 'identities', `usage:public:${ID}`]),
    );
    await pool.query(`REVOKE USAGE ON ALL SEQUENCES IN SCHEMA public FROM "user@example.com"`);
    const red = (await call('admin.setupChecks', {})).checks.find((c) => c.id === `sequences:public:${ID}`)!;
    expect(red).toMatchObject({ ok: false, fix: ['GRANT USAGE ON ALL SEQUENCES IN SCHEMA "public" TO "user@example.com"'] });
    expect(await call('admin.setupFix', { checkId: red.id })).toMatchObject({ kind: 'applied' });
    expect((await call('admin.setupChecks', {})).checks.every((c) => c.ok)).toBe(true);
  });
});
