import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planTree, rowEstimate, walk, type PlanTree, type PlanTreeNode } from './planTree';

/** Plans PostgreSQL 18 wrote for test/planTree.itest.ts (re-captured with PIER_WRITE_PLAN_FIXTURES=1). */
function fixture(name: string): PlanTree {
  const json: unknown = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', `${name}.json`), 'utf8'));
  const tree = planTree(json);
  if (!tree.ok) throw new Error(tree.error);
  return tree.value;
}

function nodes(tree: PlanTree): PlanTreeNode[] {
  const out: PlanTreeNode[] = [];
  walk(tree.root, (n) => out.push(n));
  return out;
}

describe('rowEstimate', () => {
  it.each([
    // estimated, actual, factor, direction, flagged
    [1, 100, 100, 'under', true],
    [1000, 10, 100, 'over', true],
    [10, 100, 10, 'under', true],
    [10, 99, 9.9, 'under', false],
    [5, 5, 1, 'exact', false],
    // No rows at all is as good as the planner's floor of one.
    [1, 0, 1, 'exact', false],
    [50, 0, 50, 'over', true],
  ] as const)('estimated %d, actual %d → ×%d %s', (estimated, actual, factor, direction, flagged) => {
    expect(rowEstimate(estimated, actual)).toEqual({ factor, direction, flagged });
  });
});

describe('planTree', () => {
  it('refuses what is not EXPLAIN JSON, saying so', () => {
    for (const bad of [null, [], [{}], [{ Plan: { 'Node Type': 'Seq Scan' } }], 'Seq Scan on x', { Plan: {} }]) {
      const r = planTree(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^This is not the JSON of EXPLAIN \(FORMAT JSON\)/);
    }
  });

  it('EXPLAIN (no ANALYZE): titles, conditions and costs; nothing actual', () => {
    const tree = fixture('misestimate.explain');
    expect(tree.analyzed).toBe(false);
    expect(tree.planningMs).toBeNull();
    expect(nodes(tree).map((n) => n.title)).toEqual(['Sort', 'Nested Loop', 'Seq Scan on tasks t', 'Seq Scan on clients c']);
    expect(tree.root.details).toEqual(['Sort Key: c.name']);
    expect(nodes(tree)[2]!.details).toEqual(['Filter: ((a = 1) AND (b = 1))']);
    for (const n of nodes(tree)) {
      expect(n.actualRows).toBeNull();
      expect(n.selfMs).toBeNull();
      expect(n.estimate).toBeNull();
    }
    // Self costs add back up to the root's total.
    expect(nodes(tree).reduce((s, n) => s + n.selfCost, 0)).toBeCloseTo(tree.root.totalCost, 5);
    expect(tree.maxSelfCost).toBe(Math.max(...nodes(tree).map((n) => n.selfCost)));
    expect(tree.misestimates).toBe(0);
  });

  it('EXPLAIN ANALYZE: the 1-row guess that returned 100 is flagged, with the rows the filter removed', () => {
    const tree = fixture('misestimate.explainAnalyze');
    expect(tree.analyzed).toBe(true);
    expect(tree.executionMs).toBeGreaterThan(0);
    const scan = nodes(tree).find((n) => n.title === 'Seq Scan on tasks t')!;
    expect(scan).toMatchObject({
      estimatedRows: 1,
      actualRows: 100,
      loops: 1,
      estimate: { factor: 100, direction: 'under', flagged: true },
    });
    expect(scan.details).toContain('Rows removed by filter: 9900');
    expect(scan.details.some((d) => /^Buffers: shared hit \d+, read \d+$/.test(d))).toBe(true);
    // Inclusive times turn into self times that add up to the root's, so the bars never count twice.
    const self = nodes(tree).reduce((s, n) => s + (n.selfMs ?? 0), 0);
    expect(self).toBeCloseTo(tree.root.totalMs!, 6);
    expect(tree.maxSelfMs).toBe(Math.max(...nodes(tree).map((n) => n.selfMs ?? 0)));
    expect(tree.misestimates).toBe(nodes(tree).filter((n) => n.estimate?.flagged).length);
  });

  it('a SubPlan is charged for all its loops and named as the parent uses it', () => {
    const tree = fixture('nestedLoop.explainAnalyze');
    const sub = nodes(tree).find((n) => n.parentRelationship === 'SubPlan 1')!;
    expect(sub.title).toBe('Aggregate');
    expect(sub.loops).toBe(5);
    const json = readFileSync(path.join(import.meta.dirname, 'fixtures', 'nestedLoop.explainAnalyze.json'), 'utf8');
    const perLoopMs = (JSON.parse(json) as [{ Plan: { Plans: [{ 'Actual Total Time': number }] } }])[0].Plan.Plans[0]['Actual Total Time'];
    // Over all 5 loops, not the per-loop average Postgres prints.
    expect(sub.totalMs).toBeCloseTo(perLoopMs * 5, 9);
  });

  it('a hashed Aggregate reads HashAggregate with its group key', () => {
    const tree = fixture('aggregate.explainAnalyze');
    expect(tree.root.title).toBe('HashAggregate');
    expect(tree.root.details[0]).toBe('Group Key: client_id');
    expect(tree.root.estimate).toMatchObject({ direction: 'exact', flagged: false });
  });

  it('a DELETE reads as what it modifies', () => {
    const tree = fixture('delete.explainAnalyze');
    expect(tree.root.title).toBe('Delete on tasks');
    expect(tree.root.children[0]!.actualRows).toBe(100);
  });

  it('a node the executor never reached is marked, not counted as a misestimate', () => {
    const tree = planTree([
      {
        Plan: {
          'Node Type': 'Nested Loop',
          'Total Cost': 10,
          'Plan Rows': 5,
          'Actual Total Time': 0.1,
          'Actual Rows': 0,
          'Actual Loops': 1,
          Plans: [
            {
              'Node Type': 'Seq Scan',
              'Relation Name': 'a',
              'Total Cost': 4,
              'Plan Rows': 0,
              'Actual Total Time': 0.05,
              'Actual Rows': 0,
              'Actual Loops': 1,
            },
            {
              'Node Type': 'Seq Scan',
              'Relation Name': 'b',
              'Total Cost': 5,
              'Plan Rows': 1000,
              'Actual Total Time': 0,
              'Actual Rows': 0,
              'Actual Loops': 0,
            },
          ],
        },
        'Execution Time': 0.2,
      },
    ]);
    if (!tree.ok) throw new Error(tree.error);
    const b = tree.value.root.children[1]!;
    expect(b).toMatchObject({ title: 'Seq Scan on b', neverExecuted: true, estimate: null, totalMs: 0 });
    expect(tree.value.misestimates).toBe(0);
  });
});
