import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../../test/postgres';
import { dataDiffPageInput, dataDiffStartInput, type DataDiffRow } from '../../../shared/contract/dataDiff';
import { EMBEDDED_BRANCH, type Location } from '../../../shared/contract/location';
import { DataDiffs } from './DataDiffs';

// Two databases of one cluster stand for two branches: the diff only sees two admin pools.
const SHARED = `
CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(10,2), tags text[], seen timestamptz);
INSERT INTO items SELECT g, 'item ' || g, g * 1.5, ARRAY['a', 'b'], '2026-01-01T00:00:00Z'::timestamptz + g * interval '1 hour' FROM generate_series(1, 3000) g;
CREATE TABLE same (id int PRIMARY KEY, v text);
INSERT INTO same SELECT g, md5(g::text) FROM generate_series(1, 500) g;
CREATE TABLE pairs (tenant text, n int, note text, PRIMARY KEY (tenant, n));
INSERT INTO pairs VALUES ('a', 1, 'x'), ('a', 2, 'y'), ('b', 1, 'z');
CREATE TABLE words (word text PRIMARY KEY, meaning text);
INSERT INTO words VALUES ('café', 'coffee'), ('naïve', 'innocent'), ('日本', 'Japan'), ('Straße', 'street');
CREATE TABLE wide (id int PRIMARY KEY, a int, b text);
INSERT INTO wide VALUES (1, 1, 'one'), (2, 2, 'two');
CREATE TABLE keyed (id int PRIMARY KEY, v text);
CREATE TABLE many (id int PRIMARY KEY, v int);
INSERT INTO many SELECT g, g FROM generate_series(1, 20000) g;
ANALYZE many;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE odd (id int PRIMARY KEY, doc json, m mood, p point, r int4range);
INSERT INTO odd SELECT g, json_build_object('g', g), 'ok', point(g, g), int4range(g, g + 1) FROM generate_series(1, 200) g;
`;
const BASE_ONLY = `
CREATE TABLE "Mixed ""Case""" (id bigint PRIMARY KEY, v text);
`;
const TARGET_CHANGES = `
DELETE FROM items WHERE id IN (5, 1500, 2999);
INSERT INTO items VALUES (3001, 'new', 1, NULL, NULL), (3002, 'newer', NULL, '{}', NULL);
UPDATE items SET name = NULL WHERE id = 10;
UPDATE items SET price = 99.99 WHERE id = 20;
UPDATE items SET tags = NULL, name = 'renamed' WHERE id = 30;
UPDATE pairs SET note = 'changed' WHERE tenant = 'a' AND n = 2;
INSERT INTO pairs VALUES ('b', 2, 'new');
DELETE FROM pairs WHERE tenant = 'a' AND n = 1;
UPDATE words SET meaning = 'café au lait' WHERE word = 'café';
DELETE FROM words WHERE word = 'naïve';
INSERT INTO words VALUES ('Ünïcode ✓', 'added');
ALTER TABLE wide DROP COLUMN b, ADD COLUMN c text;
UPDATE wide SET a = 20 WHERE id = 2;
DELETE FROM many WHERE id % 17 = 0;
UPDATE many SET v = -v WHERE id % 13 = 0;
INSERT INTO many SELECT g, g FROM generate_series(20001, 20500) g;
UPDATE odd SET doc = '{"g": "x"}' WHERE id = 7;
UPDATE odd SET m = 'happy' WHERE id = 8;
UPDATE odd SET p = point(0, 0), r = NULL WHERE id = 9;
ALTER TABLE keyed DROP CONSTRAINT keyed_pkey, ADD PRIMARY KEY (id, v);
`;
// The other side's NULL → value change on a row the base has NULL in.
const BASE_EXTRA = `UPDATE items SET seen = NULL WHERE id = 40;`;

const BASE: Location = { kind: 'local', branch: EMBEDDED_BRANCH, database: 'pier_diff_base' };
const TARGET: Location = { kind: 'local', branch: 'projects/local/branches/dev', database: 'pier_diff_target' };
const pools = new Map<string, pg.Pool>();
let diffs: DataDiffs;

beforeAll(async () => {
  const server = inject('postgresUrl');
  const base = await createTestDatabase(server, BASE.database, SHARED + BASE_ONLY + BASE_EXTRA);
  const target = await createTestDatabase(server, TARGET.database, SHARED + TARGET_CHANGES);
  pools.set(BASE.database, new pg.Pool({ connectionString: base, max: 3 }));
  pools.set(TARGET.database, new pg.Pool({ connectionString: target, max: 3 }));
  diffs = new DataDiffs((at, fn) => fn(pools.get(at.database)!));
});
afterAll(async () => {
  await Promise.all([...pools.values()].map((p) => p.end()));
});

const start = (table: string, schema = 'public') => diffs.start(dataDiffStartInput.parse({ base: BASE, target: TARGET, schema, table }));
async function allRows(diffId: string, kinds?: ('added' | 'removed' | 'changed')[], limit = 100): Promise<DataDiffRow[]> {
  const rows: DataDiffRow[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = await diffs.page(dataDiffPageInput.parse({ diffId, offset, limit, ...(kinds && { kinds }) }));
    rows.push(...page.rows);
    if (offset + limit >= page.total) return rows;
  }
}
const byKey = (rows: DataDiffRow[]) => new Map(rows.map((r) => [JSON.stringify(r.key), r]));

describe('data diff of one table between two databases', () => {
  it('counts and lists inserts, deletes and updates, including NULL to a value and back', async () => {
    const s = await start('items');
    expect(s.keyColumns).toEqual(['id']);
    expect(s.columns).toEqual(['id', 'name', 'price', 'tags', 'seen']);
    expect(s.counts).toEqual({ added: 2, removed: 3, changed: 4, unchanged: 3000 - 3 - 4 });
    expect(s.baseRows).toBe(3000);
    expect(s.targetRows).toBe(2999);

    const rows = byKey(await allRows(s.diffId));
    expect(rows.size).toBe(9);
    expect(rows.get('["5"]')).toMatchObject({
      kind: 'removed',
      target: null,
      base: ['5', 'item 5', '7.50', '{a,b}', '2026-01-01 05:00:00+00'],
    });
    expect(rows.get('["3002"]')).toMatchObject({ kind: 'added', base: null, target: ['3002', 'newer', null, '{}', null] });
    expect(rows.get('["10"]')).toMatchObject({ kind: 'changed', changedColumns: ['name'] });
    expect(rows.get('["10"]')?.base?.[1]).toBe('item 10');
    expect(rows.get('["10"]')?.target?.[1]).toBeNull();
    expect(rows.get('["20"]')).toMatchObject({ kind: 'changed', changedColumns: ['price'] });
    expect(rows.get('["30"]')).toMatchObject({ kind: 'changed', changedColumns: ['name', 'tags'] });
    // NULL on the base, a value on the other side.
    expect(rows.get('["40"]')).toMatchObject({ kind: 'changed', changedColumns: ['seen'] });
    expect(rows.get('["40"]')?.base?.[4]).toBeNull();
    expect(rows.get('["40"]')?.target?.[4]).toBe('2026-01-02 16:00:00+00');
  });

  it('filters by kind, and pages through every differing row once', async () => {
    const s = await start('items');
    const changed = await allRows(s.diffId, ['changed'], 2);
    expect(changed.map((r) => r.kind)).toEqual(['changed', 'changed', 'changed', 'changed']);
    expect(new Set(changed.map((r) => r.key[0]))).toEqual(new Set(['10', '20', '30', '40']));
    const addedOrRemoved = await allRows(s.diffId, ['added', 'removed'], 1);
    expect(addedOrRemoved.map((r) => r.key[0]).sort()).toEqual(['1500', '2999', '3001', '3002', '5']);
    const page = await diffs.page(dataDiffPageInput.parse({ diffId: s.diffId, offset: 3, limit: 4 }));
    expect(page.total).toBe(9);
    expect(page.rows).toHaveLength(4);
    const past = await diffs.page(dataDiffPageInput.parse({ diffId: s.diffId, offset: 9, limit: 4 }));
    expect(past.rows).toEqual([]);
  });

  it('lists each of thousands of scattered differences exactly once, page after page', async () => {
    const s = await start('many');
    const removed = Array.from({ length: 20000 }, (_, i) => i + 1).filter((id) => id % 17 === 0);
    const changed = Array.from({ length: 20000 }, (_, i) => i + 1).filter((id) => id % 13 === 0 && id % 17 !== 0);
    expect(s.counts).toEqual({
      added: 500,
      removed: removed.length,
      changed: changed.length,
      unchanged: 20000 - removed.length - changed.length,
    });
    const rows = await allRows(s.diffId, undefined, 137);
    const keys = rows.map((r) => `${r.kind}:${r.key[0]}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(500 + removed.length + changed.length);
    expect(rows.filter((r) => r.kind === 'changed').every((r) => r.changedColumns.join() === 'v' && r.target?.[1] === `-${r.key[0]}`)).toBe(
      true,
    );
    const onlyRemoved = await allRows(s.diffId, ['removed'], 250);
    expect(onlyRemoved.map((r) => Number(r.key[0])).sort((a, b) => a - b)).toEqual(removed);
  });

  it('matches composite keys on all their columns', async () => {
    const s = await start('pairs');
    expect(s.keyColumns).toEqual(['tenant', 'n']);
    expect(s.counts).toEqual({ added: 1, removed: 1, changed: 1, unchanged: 1 });
    const rows = byKey(await allRows(s.diffId));
    expect(rows.get('["a","1"]')?.kind).toBe('removed');
    expect(rows.get('["b","2"]')?.kind).toBe('added');
    expect(rows.get('["a","2"]')).toMatchObject({
      kind: 'changed',
      changedColumns: ['note'],
      base: ['a', '2', 'y'],
      target: ['a', '2', 'changed'],
    });
  });

  it('matches text keys with non-ASCII characters', async () => {
    const s = await start('words');
    expect(s.counts).toEqual({ added: 1, removed: 1, changed: 1, unchanged: 2 });
    const rows = byKey(await allRows(s.diffId));
    expect(rows.get('["café"]')).toMatchObject({ kind: 'changed', base: ['café', 'coffee'], target: ['café', 'café au lait'] });
    expect(rows.get('["naïve"]')?.kind).toBe('removed');
    expect(rows.get('["Ünïcode ✓"]')?.kind).toBe('added');
  });

  it('reports columns only one side has and compares the common ones', async () => {
    const s = await start('wide');
    expect(s.columns).toEqual(['id', 'a']);
    expect(s.onlyInBase).toEqual(['b']);
    expect(s.onlyInTarget).toEqual(['c']);
    expect(s.counts).toEqual({ added: 0, removed: 0, changed: 1, unchanged: 1 });
    const [row] = await allRows(s.diffId);
    expect(row).toMatchObject({ kind: 'changed', key: ['2'], base: ['2', '2'], target: ['2', '20'], changedColumns: ['a'] });
  });

  it('compares types without a portable hash (json, enums made in each database, point, ranges) by their text', async () => {
    const s = await start('odd');
    expect(s.counts).toEqual({ added: 0, removed: 0, changed: 3, unchanged: 197 });
    const rows = byKey(await allRows(s.diffId));
    expect(rows.get('["7"]')).toMatchObject({ changedColumns: ['doc'], target: ['7', '{"g": "x"}', 'ok', '(7,7)', '[7,8)'] });
    expect(rows.get('["8"]')).toMatchObject({ changedColumns: ['m'] });
    expect(rows.get('["9"]')).toMatchObject({ changedColumns: ['p', 'r'] });
  });

  it('finds nothing between identical tables', async () => {
    const s = await start('same');
    expect(s.counts).toEqual({ added: 0, removed: 0, changed: 0, unchanged: 500 });
    expect(await allRows(s.diffId)).toEqual([]);
  });

  it('refuses tables whose primary keys differ, naming both keys', async () => {
    await expect(start('keyed')).rejects.toMatchObject({
      code: 'PIER409',
      message:
        'The primary keys of public.keyed differ (base (id integer), other side (id integer, v text)), so rows cannot be matched by key.',
      details: 'base: (id integer); other side: (id integer, v text)',
    });
  });

  it('says which side lacks the table, with a quoted odd name', async () => {
    await expect(start('Mixed "Case"')).rejects.toMatchObject({
      code: 'PIER404',
      message: 'There is no table public.Mixed "Case" on the other side.',
    });
  });

  it('forgets a closed diff', async () => {
    const s = await start('same');
    expect(diffs.close(s.diffId)).toEqual({ closed: true });
    await expect(diffs.page(dataDiffPageInput.parse({ diffId: s.diffId, offset: 0 }))).rejects.toMatchObject({ code: 'PIER404' });
  });
});
