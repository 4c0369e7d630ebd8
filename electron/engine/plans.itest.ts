/**
 * Query plans (Accept: application/vnd.pgrst.plan…) are off for Data API callers unless the
 * database turns them on with pgrst.db_plan_enabled in pgrst.pre_config(), as PostgREST's
 * db-plan-enabled: an analyzed plan counts the rows row-level security hid ("Rows Removed by
 * Filter"), enough to find other users' values. The console's admin view asks in process.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { fixtureSql, startEngineServer, type EngineServer } from './test/startEngineServer';

const SQL = `
GRANT INSERT, DELETE ON clients TO pier_engine_anon;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO pier_engine_anon;
CREATE POLICY "anon writes clients" ON clients FOR ALL TO pier_engine_anon USING (true) WITH CHECK (true);
CREATE FUNCTION client_names() RETURNS SETOF clients LANGUAGE sql STABLE AS $$ SELECT * FROM clients $$;
`;

const PLAN_JSON = 'application/vnd.pgrst.plan+json';
const ANALYZE = 'application/vnd.pgrst.plan+json; options=analyze';

let api: EngineServer;
let admin: pg.Client;

/** pgrst.pre_config() as the fixture has it, with or without db_plan_enabled. */
async function plans(enabled: boolean): Promise<void> {
  await admin.query(`CREATE OR REPLACE FUNCTION pgrst.pre_config() RETURNS void LANGUAGE sql AS $fn$
    SELECT set_config('pgrst.db_schemas', 'public, api', true),
           set_config('pgrst.db_aggregates_enabled', 'true', true),
           set_config('pgrst.db_plan_enabled', '${enabled}', true);
  $fn$`);
  await api.engine.reloadSchema();
}

const clientCount = async () => Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM clients')).rows[0]!.n);

beforeAll(async () => {
  const url = await createTestDatabase(inject('postgresUrl'), 'pier_engine_plans', (await fixtureSql()) + SQL);
  api = await startEngineServer(url);
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await api?.close();
});

describe('plans off (the default)', () => {
  beforeAll(() => plans(false));

  it.each([
    ['GET', '/clients?id=in.(1,2,3)'],
    ['GET', '/rpc/client_names?id=in.(1,2,3)'],
    ['HEAD', '/clients'],
    ['DELETE', '/clients?id=in.(1,2,3)'],
    ['POST', '/clients'],
  ])('%s %s asking for a plan is 406 PGRST107 and runs nothing', async (method, path) => {
    const before = await clientCount();
    const body = method === 'POST' ? { name: 'Planned', email: 'plan@example.com' } : undefined;
    for (const accept of [PLAN_JSON, ANALYZE, 'application/vnd.pgrst.plan', 'application/vnd.pgrst.plan+text; options=analyze|verbose']) {
      const r = await api.send(method, path, body, { accept });
      expect(r.status, `${accept}: ${r.text}`).toBe(406);
      if (method !== 'HEAD')
        expect(r.json).toMatchObject({ code: 'PGRST107', message: `None of these media types are available: ${accept}` });
    }
    expect(await clientCount()).toBe(before);
  });

  it('a role under row-level security learns nothing from an analyzed plan', async () => {
    const r = await api.engine.handle(
      { method: 'GET', path: '/clients', rawQuery: 'name=eq.Global%20Solutions', headers: { accept: ANALYZE } },
      { role: 'user@example.com' },
    );
    expect(r.status).toBe(406);
    expect(String(r.body)).not.toContain('Rows Removed');
  });

  it('an Accept that also lists JSON gets JSON, as PostgREST picks the first type it can produce', async () => {
    const r = await api.get('/clients?select=id&id=eq.1', { accept: `${PLAN_JSON}, application/json` });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toEqual([{ id: 1 }]);
  });

  it('the console’s admin view still gets the plan, asked for in process', async () => {
    const r = await api.engine.handle(
      { method: 'GET', path: '/clients', rawQuery: 'id=eq.1', headers: { accept: PLAN_JSON } },
      { role: 'pier_engine_anon', explain: true },
    );
    expect(r.status, String(r.body)).toBe(200);
    expect((JSON.parse(String(r.body)) as { Plan: { 'Node Type': string } }[])[0]!.Plan['Node Type']).toBeTruthy();
  });
});

describe('plans on (pgrst.db_plan_enabled)', () => {
  beforeAll(() => plans(true));
  afterAll(() => plans(false));

  it('returns the plan of the request as JSON or text', async () => {
    const json = await api.get('/clients?id=eq.1', { accept: PLAN_JSON });
    expect(json.status, json.text).toBe(200);
    expect(json.headers.get('content-type')).toContain('application/vnd.pgrst.plan+json');
    expect((json.json as { Plan: { 'Node Type': string } }[])[0]!.Plan['Node Type']).toBeTruthy();
    const text = await api.get('/clients?select=name,projects(name)', { accept: 'application/vnd.pgrst.plan' });
    expect(text.headers.get('content-type')).toContain('application/vnd.pgrst.plan+text');
    expect(text.text).toMatch(/Scan on clients/);
  });

  it('analyzes a write without keeping it', async () => {
    const before = await clientCount();
    const r = await api.send('POST', '/clients', { name: 'Planned', email: 'plan@example.com' }, { accept: ANALYZE });
    expect(r.status, r.text).toBe(200);
    expect((r.json as { 'Execution Time': number }[])[0]!['Execution Time']).toBeGreaterThan(0);
    expect(await clientCount()).toBe(before);
  });
});
