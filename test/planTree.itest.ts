import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SqlRunner } from '../electron/admin/SqlRunner';
import { analyzeSql } from '../electron/admin/sql/analyzeSql';
import type { SqlRunMode } from '../shared/contract/sql';
import { planTree, walk, type PlanTree, type PlanTreeNode } from '../renderer/src/features/plan/planTree';
import { createTestDatabase } from './postgres';

/**
 * The plan view's model on plans a real Postgres writes, through the SQL editor's own runner.
 * `PIER_WRITE_PLAN_FIXTURES=1` also saves them as the unit tests' fixtures (planTree.test.ts).
 */

// a and b are equal on every row: the planner multiplies their selectivities and guesses ~1 row for
// `a = 1 AND b = 1`, where 100 come back (the classic correlated-columns misestimate).
const SETUP = `
CREATE TABLE clients (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE tasks (id int PRIMARY KEY, client_id int NOT NULL REFERENCES clients, a int NOT NULL, b int NOT NULL, title text);
INSERT INTO clients SELECT i, 'client ' || i FROM generate_series(1, 200) i;
INSERT INTO tasks SELECT i, 1 + i % 200, i % 100, i % 100, 'task ' || i FROM generate_series(1, 10000) i;
ANALYZE clients; ANALYZE tasks;
`;

const QUERIES = {
  misestimate: 'SELECT t.title, c.name FROM tasks t JOIN clients c ON c.id = t.client_id WHERE t.a = 1 AND t.b = 1 ORDER BY c.name',
  nestedLoop: 'SELECT c.name, (SELECT count(*) FROM tasks t WHERE t.client_id = c.id) FROM clients c WHERE c.id <= 5',
  aggregate: 'SELECT client_id, count(*) FROM tasks GROUP BY client_id',
  delete: 'DELETE FROM tasks WHERE a = 7',
} as const;

let pool: pg.Pool;
const runner = new SqlRunner();
const FIXTURES = path.join(import.meta.dirname, '../renderer/src/features/plan/fixtures');

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await createTestDatabase(inject('postgresUrl'), 'pier_plans', SETUP), max: 2 });
});
afterAll(async () => {
  await runner.dispose();
  await pool.end();
});

async function explain(name: keyof typeof QUERIES, mode: SqlRunMode): Promise<PlanTree> {
  const sql = QUERIES[name];
  const analysis = await analyzeSql(sql);
  if (analysis.kind !== 'ok') throw new Error(analysis.message);
  const out = await runner.run(pool, { runId: `${name}-${mode}`, sql, viewAs: { kind: 'admin' }, mode, pageSize: 10 }, analysis.statements);
  if (out.kind !== 'ok') throw new Error(JSON.stringify(out));
  if (process.env.PIER_WRITE_PLAN_FIXTURES) {
    await writeFile(path.join(FIXTURES, `${name}.${mode}.json`), JSON.stringify(out.plan, null, 2) + '\n');
  }
  const tree = planTree(out.plan);
  if (!tree.ok) throw new Error(tree.error);
  return tree.value;
}

function find(tree: PlanTree, test: (n: PlanTreeNode) => boolean): PlanTreeNode[] {
  const found: PlanTreeNode[] = [];
  walk(tree.root, (n) => {
    if (test(n)) found.push(n);
  });
  return found;
}

describe('plan tree from a real EXPLAIN', () => {
  it('EXPLAIN gives costs and estimates, no times', async () => {
    const tree = await explain('misestimate', 'explain');
    expect(tree.analyzed).toBe(false);
    expect(tree.executionMs).toBeNull();
    const scan = find(tree, (n) => n.title === 'Seq Scan on tasks t')[0]!;
    expect(scan.details.some((d) => d.startsWith('Filter: ') && d.includes('a = 1'))).toBe(true);
    expect(scan.actualRows).toBeNull();
    expect(scan.estimate).toBeNull();
    expect(tree.root.totalCost).toBeGreaterThan(0);
    expect(tree.maxSelfCost).toBeGreaterThan(0);
  });

  it('EXPLAIN ANALYZE marks the correlated-columns misestimate', async () => {
    const tree = await explain('misestimate', 'explainAnalyze');
    expect(tree.analyzed).toBe(true);
    expect(tree.executionMs).toBeGreaterThan(0);
    const scan = find(tree, (n) => n.nodeType === 'Seq Scan' && n.title.includes('tasks'))[0]!;
    expect(scan.actualRows).toBe(100);
    expect(scan.estimatedRows).toBeLessThanOrEqual(2);
    expect(scan.estimate).toMatchObject({ direction: 'under', flagged: true });
    expect(scan.details).toContain('Rows removed by filter: 9900');
    expect(tree.misestimates).toBeGreaterThanOrEqual(1);
    // Self times add up to the root's inclusive time (nothing counted twice).
    let self = 0;
    walk(tree.root, (n) => (self += n.selfMs ?? 0));
    expect(self).toBeCloseTo(tree.root.totalMs!, 1);
  });

  it('a SubPlan run once per outer row is charged for all its loops', async () => {
    const tree = await explain('nestedLoop', 'explainAnalyze');
    const sub = find(tree, (n) => n.parentRelationship?.startsWith('SubPlan') === true)[0]!;
    expect(sub.loops).toBe(5);
    expect(sub.actualRows).toBe(1);
    expect(sub.estimate).toMatchObject({ direction: 'exact', flagged: false });
  });

  it('aggregates read as the text format names them', async () => {
    const tree = await explain('aggregate', 'explainAnalyze');
    expect(tree.root.title).toBe('HashAggregate');
    expect(tree.root.details.some((d) => d.startsWith('Group Key: '))).toBe(true);
    expect(tree.root.actualRows).toBe(200);
  });

  it('EXPLAIN ANALYZE of a DELETE shows the plan and leaves the rows in place', async () => {
    const tree = await explain('delete', 'explainAnalyze');
    expect(tree.root.title).toBe('Delete on tasks');
    expect(tree.root.children[0]!.actualRows).toBe(100);
    const left = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM tasks WHERE a = 7');
    expect(left.rows[0]!.n).toBe(100);
  });
});
