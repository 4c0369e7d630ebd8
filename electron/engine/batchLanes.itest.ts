/**
 * Requests pipelined on shared connections (execute/BatchLanes): each batch is its own
 * transaction, so roles, settings and failures never cross from one request to another.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { BatchLanes } from './execute/BatchLanes';
import { runQuery, type RequestContext } from './execute/runQuery';
import { ANON_ROLE, AUTHENTICATOR, AUTHENTICATOR_PASSWORD, fixtureSql } from './test/startEngineServer';

let pool: pg.Pool;

beforeAll(async () => {
  const url = new URL(await createTestDatabase(inject('postgresUrl'), 'pier_engine_lanes', await fixtureSql()));
  url.username = AUTHENTICATOR;
  url.password = AUTHENTICATOR_PASSWORD;
  pool = new pg.Pool({ connectionString: url.toString(), max: 3, pipeline: true } as pg.PoolConfig);
});
afterAll(async () => {
  await pool?.end();
});

const whoAmI = {
  main: {
    text: `SELECT NULL::bigint AS total_result_set, 1 AS page_total, json_build_array(current_user, current_setting('request.path'), $1::text)::text AS body`,
    values: ['x'],
  },
};
const ctx = (role: string, path: string, readWrite = false): RequestContext => ({
  role,
  claims: { role },
  method: 'GET',
  path,
  headers: {},
  readWrite,
  preparedEpoch: whoAmI,
});

describe('shared connections', () => {
  it('concurrent requests on one connection each see their own role and settings; a failing one fails alone', async () => {
    const lanes = new BatchLanes(pool, 1);
    const roles = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? ANON_ROLE : i % 3 === 1 ? 'user@example.com' : 'pier_no_such_role'));
    const results = await Promise.all(roles.map((role, i) => runQuery(pool, whoAmI, ctx(role, `/p${i}`), lanes)));
    results.forEach((r, i) => {
      if (roles[i] === 'pier_no_such_role') expect(r.ok ? 'ok' : r.error.sqlState).toBe('22023');
      else expect(r.ok && JSON.parse(r.value.body!)).toEqual([roles[i], `/p${i}`, 'x']);
    });
    // Settings were transaction-local: the pool's connections are clean for the next user.
    const c = await pool.connect();
    try {
      const r = await c.query(`SELECT current_user AS u, coalesce(current_setting('request.path', true), '') AS p`);
      expect(r.rows[0]).toEqual({ u: AUTHENTICATOR, p: '' });
    } finally {
      c.release();
    }
  });

  it('a failing first use of a statement does not fail the requests pipelined behind it', async () => {
    const lanes = new BatchLanes(pool, 1);
    const fresh = { main: { ...whoAmI.main, text: whoAmI.main.text + ' -- fresh' } };
    const epoch = {};
    const c = (role: string): RequestContext => ({ ...ctx(role, '/f'), preparedEpoch: epoch });
    const [denied, ...rest] = await Promise.all([
      runQuery(pool, fresh, c('pier_no_such_role'), lanes),
      ...Array.from({ length: 5 }, () => runQuery(pool, fresh, c(ANON_ROLE), lanes)),
    ]);
    expect(denied!.ok).toBe(false);
    expect(rest.map((r) => (r.ok ? 'ok' : r.error.message))).toEqual(Array(5).fill('ok'));
  });
});
