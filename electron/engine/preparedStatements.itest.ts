/**
 * Named prepared statements (execute/PreparedStatements): reused per connection, safe across
 * failed batches, DDL and schema reloads.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { runQuery, type RequestContext } from './execute/runQuery';
import {
  ANON_ROLE,
  AUTHENTICATOR,
  AUTHENTICATOR_PASSWORD,
  fixtureSql,
  startEngineServer,
  type EngineServer,
} from './test/startEngineServer';

let url: string;
let api: EngineServer;
let admin: pg.Client;
/** One connection, so consecutive requests meet the statements the previous ones prepared. */
let single: pg.Pool;

beforeAll(async () => {
  url = await createTestDatabase(inject('postgresUrl'), 'pier_engine_prepared', await fixtureSql());
  api = await startEngineServer(url);
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE TABLE prepared_probe (id int PRIMARY KEY, label text); INSERT INTO prepared_probe VALUES (1, 'one'), (2, 'two');
    GRANT SELECT ON prepared_probe TO ${ANON_ROLE};`);
  const u = new URL(url);
  u.username = AUTHENTICATOR;
  u.password = AUTHENTICATOR_PASSWORD;
  single = new pg.Pool({ connectionString: u.toString(), max: 1, pipeline: true } as pg.PoolConfig);
});
afterAll(async () => {
  await api?.close();
  await admin?.end();
  await single?.end();
});

const ctx = (epoch: object, role = ANON_ROLE): RequestContext => ({
  role,
  claims: { role },
  method: 'GET',
  path: '/public/prepared_probe',
  headers: {},
  preparedEpoch: epoch,
  // No privilege check: only the settings statement and the probe (see privileges.itest.ts for the checks).
  privileges: { kind: 'rowSecurityOff', relations: [] },
});
const probe = (id: number) => ({
  main: {
    text: `SELECT NULL::bigint AS total_result_set, 1 AS page_total, (SELECT row_to_json(p)::text FROM prepared_probe p WHERE id = $1) AS body`,
    values: [id],
  },
});
const preparedCount = async (epoch: object) => {
  const r = await runQuery(
    single,
    {
      main: {
        text: `SELECT NULL::bigint AS total_result_set, 0 AS page_total, count(*)::text AS body FROM pg_prepared_statements`,
        values: [],
      },
    },
    ctx(epoch),
  );
  if (!r.ok) throw new Error(r.error.message);
  return Number(r.value.body);
};

describe('prepared statements', () => {
  it('prepares a statement shape once per connection, whatever the values', async () => {
    const epoch = {};
    for (let id = 1; id <= 20; id++) {
      const r = await runQuery(single, probe(1 + (id % 2)), ctx(epoch));
      expect(r.ok && r.value.body).toBe(JSON.stringify({ id: 1 + (id % 2), label: 1 + (id % 2) === 1 ? 'one' : 'two' }));
    }
    // The settings statement, the probe and this count.
    expect(await preparedCount(epoch)).toBe(3);
  });

  it('a new schema cache (epoch) closes the old statements', async () => {
    const before = {};
    await runQuery(single, probe(1), ctx(before));
    const after = {};
    const r = await runQuery(single, probe(2), ctx(after));
    expect(r.ok && r.value.body).toContain('"two"');
    expect(await preparedCount(after)).toBe(3);
  });

  it('a batch that fails before its statements are parsed does not break the next request', async () => {
    const epoch = {};
    // The role switch fails, so Postgres skips the Parse of the (new) statement after it.
    const denied = await runQuery(single, probe(1), ctx(epoch, 'pier_no_such_role'));
    expect(denied.ok).toBe(false);
    const text = { main: { ...probe(1).main, text: probe(1).main.text + ' ' } };
    const failedFirst = await runQuery(single, text, ctx(epoch, 'pier_no_such_role'));
    expect(failedFirst.ok).toBe(false);
    const r = await runQuery(single, text, ctx(epoch));
    expect(r.ok && r.value.body).toContain('"one"');
  });

  it('a statement whose result columns changed under it (DDL) is prepared again and answers', async () => {
    const epoch = {};
    const star = {
      main: {
        text: `SELECT *, NULL::bigint AS total_result_set, 1 AS page_total, NULL::text AS body FROM prepared_probe WHERE id = $1`,
        values: [1],
      },
    };
    expect((await runQuery(single, star, ctx(epoch))).ok).toBe(true);
    await admin.query(`ALTER TABLE prepared_probe ADD COLUMN extra int`);
    const r = await runQuery(single, star, ctx(epoch));
    expect(r.ok ? 'ok' : r.error.message).toBe('ok');
  });

  it('through the engine: the same request before and after DDL and a schema reload', async () => {
    await api.engine.reloadSchema();
    const first = await api.get('/public/prepared_probe?id=eq.2&select=id,label');
    expect(first.json).toEqual([{ id: 2, label: 'two' }]);
    await admin.query(
      `ALTER TABLE prepared_probe ALTER COLUMN label TYPE varchar(10); UPDATE prepared_probe SET label = 'deux' WHERE id = 2`,
    );
    await api.engine.reloadSchema();
    const second = await api.get('/public/prepared_probe?id=eq.2&select=id,label');
    expect(second.json).toEqual([{ id: 2, label: 'deux' }]);
  });

  it('without an epoch nothing is prepared (prepareStatements: false)', async () => {
    const u = new URL(url);
    u.username = AUTHENTICATOR;
    u.password = AUTHENTICATOR_PASSWORD;
    const fresh = new pg.Pool({ connectionString: u.toString(), max: 1, pipeline: true } as pg.PoolConfig);
    try {
      const plain: RequestContext = { role: ANON_ROLE, claims: {}, method: 'GET', path: '/', headers: {} };
      expect((await runQuery(fresh, probe(1), plain)).ok).toBe(true);
      const r = await runQuery(
        fresh,
        {
          main: {
            text: `SELECT NULL::bigint AS total_result_set, 0 AS page_total, count(*)::text AS body FROM pg_prepared_statements`,
            values: [],
          },
        },
        plain,
      );
      expect(r.ok && r.value.body).toBe('0');
    } finally {
      await fresh.end();
    }
  });
});
