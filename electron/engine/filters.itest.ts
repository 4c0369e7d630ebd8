/**
 * Every parameter of a table or view request that is not reserved is a filter, read exactly as
 * PostgREST reads it: one that does not parse as `[not.]operator.value` is a 400 PGRST100 naming
 * the parameter, and nothing runs — a typo never widens a read or a write to the whole table.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { fixtureSql, startEngineServer, type EngineServer } from './test/startEngineServer';

const SQL = `
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO pier_engine_anon;
CREATE SEQUENCE calls;
GRANT USAGE ON SEQUENCE calls TO pier_engine_anon;
CREATE FUNCTION client_projects(client int) RETURNS SETOF projects LANGUAGE sql STABLE AS $$ SELECT * FROM projects WHERE client_id = client $$;
CREATE FUNCTION projects_below(id int) RETURNS SETOF projects LANGUAGE sql STABLE AS $$ SELECT * FROM projects WHERE projects.id < projects_below.id $$;
CREATE FUNCTION touch() RETURNS SETOF projects LANGUAGE sql VOLATILE AS $$ SELECT nextval('calls'); SELECT * FROM projects $$;
`;

let api: EngineServer;
let admin: pg.Client;

beforeAll(async () => {
  const url = await createTestDatabase(inject('postgresUrl'), 'pier_engine_filters', (await fixtureSql()) + SQL);
  api = await startEngineServer(url);
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await api?.close();
});

/** What the tasks table holds, to prove a refused request changed nothing. */
const snapshot = async () => (await admin.query('SELECT id, title, status FROM tasks ORDER BY id')).rows;

const typos: [string, string][] = [
  ['id=zz.1', 'id'],
  ['id=3', 'id'],
  ['id=eq3', 'id'],
  ['id=constructor.1', 'id'],
  ['id=__proto__.1', 'id'],
  ['id=toString.1', 'id'],
  ['__proto__=1', '__proto__'],
  ['constructor=x', 'constructor'],
  ['status=not.done', 'status'],
  ['id=in.1,2', 'id'],
  ['id', 'id'],
  ['id=eq.1&priority=high', 'priority'],
  ['projects.id=1', 'projects.id'],
];

describe('a query parameter that is not a filter', () => {
  it.each(typos)('GET ?%s → 400 PGRST100 naming "%s"', async (query, param) => {
    const r = await api.get(`/tasks?${query}`);
    expect(r.status, r.text).toBe(400);
    expect(r.json).toMatchObject({ code: 'PGRST100' });
    expect(JSON.stringify(r.json)).toContain(`'${param}'`);
  });

  it.each(typos)('HEAD ?%s → 400 without a body', async (query) => {
    const r = await api.get(`/tasks?${query}`, {}, 'HEAD');
    expect(r.status).toBe(400);
    expect(r.text).toBe('');
  });

  it.each(typos)('PATCH ?%s → 400 and no row changes', async (query) => {
    const before = await snapshot();
    const r = await api.send('PATCH', `/tasks?${query}`, { status: 'wiped' });
    expect(r.status, r.text).toBe(400);
    expect(r.json).toMatchObject({ code: 'PGRST100' });
    expect(await snapshot()).toEqual(before);
  });

  it.each(typos)('DELETE ?%s → 400 and no row goes', async (query) => {
    const before = await snapshot();
    const r = await api.send('DELETE', `/tasks?${query}`);
    expect(r.status, r.text).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it('the message reads like PostgREST and says how a filter is written', async () => {
    const r = await api.get('/tasks?id=zz.1');
    expect(r.json).toMatchObject({
      code: 'PGRST100',
      message: '"failed to parse filter (zz.1)" (line 1, column 1)',
      details: expect.stringContaining('unexpected "z" expecting'),
    });
    expect((r.json as { hint: string }).hint).toMatch(/'id'.*id=eq\./);
  });

  it('real filters, reserved parameters and embedded ones still work', async () => {
    const r = await api.get('/tasks?select=id,projects(id)&id=lt.3&projects.id=eq.1&order=id&limit=5&offset=0');
    expect(r.status, r.text).toBe(200);
    expect(r.json).toEqual([
      { id: 1, projects: { id: 1 } },
      { id: 2, projects: { id: 1 } },
    ]);
    const not = await api.get('/tasks?select=id&id=not.in.(1,2,3,4,5)');
    expect(not.json).toEqual([{ id: 6 }]);
  });
});

describe('functions, as PostgREST splits their parameters', () => {
  it('GET: a value that is no operator expression is an argument; the others filter the result', async () => {
    const r = await api.get('/rpc/client_projects?client=1&id=gt.1&select=id');
    expect(r.status, r.text).toBe(200);
    expect(r.json).toEqual([{ id: 2 }]);
    // PostgREST's own example: id=5 is the argument, id=gt.2 a filter on what the function returns.
    const both = await api.get('/rpc/projects_below?id=5&id=gt.2&select=id&order=id');
    expect(both.json).toEqual([{ id: 3 }, { id: 4 }]);
  });

  it('GET: a parameter that is neither an argument of the function nor a filter finds no function', async () => {
    const r = await api.get('/rpc/client_projects?client=1&id=zz.1');
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ code: 'PGRST202' });
  });

  it('GET: a value that starts an operator expression and breaks off is a 400', async () => {
    for (const q of ['client=1&id=not.zz', 'client=1&id=in.1,2', 'client=1&status=is.maybe']) {
      const r = await api.get(`/rpc/client_projects?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.json).toMatchObject({ code: 'PGRST100' });
    }
  });

  it('POST: every query parameter is a filter; a broken one is a 400 and the function does not run', async () => {
    const calls = async () => Number((await admin.query<{ n: string }>('SELECT last_value AS n FROM calls')).rows[0]!.n);
    const ok = await api.send('POST', '/rpc/touch?id=eq.2&select=id', {});
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json).toEqual([{ id: 2 }]);
    const before = await calls();
    for (const q of ['id=2', 'id=zz.1', 'constructor=x']) {
      const r = await api.send('POST', `/rpc/touch?${q}`, {});
      expect(r.status, q).toBe(400);
      expect(r.json).toMatchObject({ code: 'PGRST100' });
    }
    expect(await calls()).toBe(before);
  });
});
