/**
 * A client's mistake is a 4xx that says what was wrong, never a 500 or a 503 that blames the
 * server (and makes clients retry): preference names that are JavaScript prototype members, a
 * text-search language Postgres would read as an object id, NUL in an output name, an invalid
 * time zone.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { fixtureSql, startEngineServer, type EngineServer } from './test/startEngineServer';

let api: EngineServer;
let admin: pg.Client;

beforeAll(async () => {
  const url = await createTestDatabase(
    inject('postgresUrl'),
    'pier_engine_mistakes',
    (await fixtureSql()) + 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO pier_engine_anon;',
  );
  api = await startEngineServer(url);
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await api?.close();
});

const snapshot = async () => (await admin.query('SELECT id, title, status FROM tasks ORDER BY id')).rows;

describe('preferences', () => {
  const prototypeNames = ['toString', 'constructor=x', '__proto__=1', 'valueOf', 'hasOwnProperty=count', 'isPrototypeOf'];

  it.each(prototypeNames)('Prefer: %s is an unknown preference: 400 PGRST122 naming it, nothing written', async (prefer) => {
    const before = await snapshot();
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { status: 'x' }],
    ] as const) {
      const r = await api.send(method, '/tasks?id=eq.1', body, { prefer });
      expect(r.status, r.text).toBe(400);
      expect(r.json).toMatchObject({ code: 'PGRST122', details: `Invalid preferences: ${prefer}` });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('handling=lenient ignores what it does not know, as PostgREST does, and says what it applied', async () => {
    const r = await api.get('/tasks?id=eq.1&select=id', { prefer: 'handling=lenient, toString, count=exact' });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toEqual([{ id: 1 }]);
    expect(r.headers.get('preference-applied')).toBe('count=exact, handling=lenient');
  });

  it('a time zone outside pg_timezone_names is an invalid preference: 400 PGRST122 naming it, ignored with handling=lenient', async () => {
    // PostgREST accepts the names in pg_timezone_names (its docs, "Timezone"); an offset is not one of them.
    for (const prefer of ['timezone=Invalid/Timezone', 'handling=strict, timezone=Mars', 'timezone=+05:30']) {
      const r = await api.get('/request_info?select=tz', { prefer });
      expect(r.status, prefer).toBe(400);
      expect(r.json).toMatchObject({ code: 'PGRST122', details: `Invalid preferences: ${prefer.replace('handling=strict, ', '')}` });
    }
    const lenient = await api.get('/request_info?select=tz', { prefer: 'handling=lenient, timezone=Invalid/Timezone' });
    expect(lenient.status, lenient.text).toBe(200);
    expect(lenient.headers.get('preference-applied')).toBe('handling=lenient');
  });

  it('a time zone of pg_timezone_names is applied and echoed', async () => {
    for (const tz of ['America/Los_Angeles', 'Asia/Kolkata']) {
      const r = await api.get('/request_info?select=tz', { prefer: `timezone=${tz}` });
      expect(r.status, r.text).toBe(200);
      expect(r.json).toEqual([{ tz }]);
      expect(r.headers.get('preference-applied')).toBe(`timezone=${tz}`);
    }
  });

  it('a write with an invalid time zone changes nothing', async () => {
    const before = await snapshot();
    const r = await api.send('PATCH', '/tasks?id=eq.1', { status: 'moved' }, { prefer: 'timezone=Nowhere/Atall' });
    expect(r.status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });
});

describe('filters and names', () => {
  it('a text-search language of digits is 400 PGRST100, not a 500', async () => {
    for (const op of ['fts', 'plfts', 'phfts', 'wfts']) {
      const r = await api.get(`/documents?body=${op}(0).cat`);
      expect(r.status, op).toBe(400);
      expect(r.json).toMatchObject({ code: 'PGRST100' });
    }
    const named = await api.get('/documents?select=id&body=plfts(english).cats');
    expect(named.json).toEqual([{ id: 1 }]);
  });

  it('NUL in a JSON key that names an output column is 400, not a 503 with Retry-After', async () => {
    for (const path of [
      'documents?select=data->>"a%00b"',
      'documents?select=data->"a%00b"',
      'documents?select=x:data->>a,data->"%00"',
      'documents?select="k%00":data->>a',
      'clients?select=id,"p%00":projects(id)',
    ]) {
      const r = await api.get(`/${path}`);
      expect(r.status, path).toBe(400);
      expect(r.headers.get('retry-after')).toBeNull();
      expect(r.json).toMatchObject({ code: 'PGRST100' });
    }
  });

  it('NUL in a JSON key of a filter or an order is a 400 from Postgres, and the engine keeps serving', async () => {
    for (const q of ['data->>"a%00b"=eq.x', 'order=data->>"a%00b"', 'select=k:data->>"a%00b"']) {
      const r = await api.get(`/documents?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.headers.get('retry-after')).toBeNull();
    }
    expect((await api.get('/documents?select=id&id=eq.1')).json).toEqual([{ id: 1 }]);
  });

  it('a write to a view Postgres cannot write through is 405, not its 500 55000', async () => {
    for (const [method, body] of [
      ['DELETE', undefined],
      ['PATCH', { probe: 'x' }],
      ['POST', { probe: 'x' }],
    ] as const) {
      const r = await api.send(method, '/request_info', body);
      expect(r.status, `${method} ${r.text}`).toBe(405);
      expect(r.json).toMatchObject({ code: 'PGRST117', hint: expect.stringContaining('INSTEAD OF') });
    }
  });
});
