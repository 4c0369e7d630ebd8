import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import type { EngineRequest, TrustedCaller } from './engine';
import { fixtureSql, startEngineServer, type EngineServer } from './test/startEngineServer';

const SQL = `
CREATE TABLE parts (id int PRIMARY KEY, name text NOT NULL UNIQUE, qty int NOT NULL DEFAULT 0 CHECK (qty >= 0));
GRANT SELECT, INSERT, UPDATE, DELETE ON parts TO "user@example.com";
CREATE TABLE audit_only (id int PRIMARY KEY);
GRANT SELECT ON audit_only TO "user@example.com";
`;

let api: EngineServer;
let admin: pg.Client;
const as: TrustedCaller = { role: 'user@example.com' };

beforeAll(async () => {
  const url = await createTestDatabase(inject('postgresUrl'), 'pier_engine_transaction', (await fixtureSql()) + SQL);
  api = await startEngineServer(url);
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await api?.close();
});
beforeEach(async () => {
  await admin.query(`TRUNCATE parts; INSERT INTO parts VALUES (1, 'bolt', 10), (2, 'nut', 5)`);
});

const parts = async () =>
  (await admin.query<{ id: number; name: string; qty: number }>('SELECT id, name, qty FROM parts ORDER BY id')).rows;
const json = (method: string, path: string, rawQuery: string, body?: unknown): EngineRequest => ({
  method,
  path,
  rawQuery,
  headers: { 'content-type': 'application/json', prefer: 'return=representation' },
  ...(body !== undefined && { body: Buffer.from(JSON.stringify(body)) }),
});
const statuses = (r: { responses: readonly ({ status: number } | null)[] }) => r.responses.map((x) => x?.status ?? null);

describe('requests in one transaction', () => {
  const edits = [
    json('POST', '/parts', '', { id: 3, name: 'washer', qty: 7 }),
    json('PATCH', '/parts', 'id=eq.1', { qty: 9 }),
    json('DELETE', '/parts', 'id=eq.2'),
  ];

  it('commit together', async () => {
    const r = await api.engine.handleInOneTransaction(edits, as, { rollback: false });
    expect({ committed: r.committed, statuses: statuses(r) }).toEqual({ committed: true, statuses: [201, 200, 200] });
    expect(JSON.parse(r.responses[1]!.body as string)).toEqual([{ id: 1, name: 'bolt', qty: 9 }]);
    expect(await parts()).toEqual([
      { id: 1, name: 'bolt', qty: 9 },
      { id: 3, name: 'washer', qty: 7 },
    ]);
  });

  it('leave nothing behind when one fails, and say which', async () => {
    const failing = [edits[0]!, json('PATCH', '/parts', 'id=eq.1', { qty: -1 }), edits[2]!];
    const r = await api.engine.handleInOneTransaction(failing, as, { rollback: false });
    expect({ committed: r.committed, statuses: statuses(r) }).toEqual({ committed: false, statuses: [201, 400, null] });
    expect(JSON.parse(r.responses[1]!.body as string)).toMatchObject({ code: '23514' });
    expect(await parts()).toEqual([
      { id: 1, name: 'bolt', qty: 10 },
      { id: 2, name: 'nut', qty: 5 },
    ]);
  });

  it('run nothing when one cannot be planned', async () => {
    const r = await api.engine.handleInOneTransaction([edits[0]!, json('PATCH', '/parts', 'id=eq.1', { colour: 'red' })], as, {
      rollback: false,
    });
    expect({ committed: r.committed, statuses: statuses(r) }).toEqual({ committed: false, statuses: [null, 400] });
    expect(await parts()).toHaveLength(2);
  });

  it('roll back a failed check (max-affected) with the rest', async () => {
    const strict = { ...json('DELETE', '/parts', 'qty=gte.0'), headers: { prefer: 'handling=strict, max-affected=1' } };
    const r = await api.engine.handleInOneTransaction([edits[0]!, strict], as, { rollback: false });
    expect({ committed: r.committed, statuses: statuses(r) }).toEqual({ committed: false, statuses: [201, 400] });
    expect(await parts()).toHaveLength(2);
  });

  it('preview the whole set with rollback: the later ones see the earlier ones, nothing stays', async () => {
    const r = await api.engine.handleInOneTransaction([edits[0]!, json('PATCH', '/parts', 'id=eq.3', { qty: 8 })], as, { rollback: true });
    expect({ committed: r.committed, statuses: statuses(r) }).toEqual({ committed: false, statuses: [201, 200] });
    expect(JSON.parse(r.responses[1]!.body as string)).toEqual([{ id: 3, name: 'washer', qty: 8 }]);
    expect(await parts()).toHaveLength(2);
  });

  it('run as the caller: a write the role may not make refuses the set', async () => {
    const r = await api.engine.handleInOneTransaction([edits[0]!, json('POST', '/audit_only', '', { id: 1 })], as, { rollback: false });
    expect({ committed: r.committed, statuses: statuses(r) }).toEqual({ committed: false, statuses: [201, 403] });
    expect(await parts()).toHaveLength(2);
  });
});
