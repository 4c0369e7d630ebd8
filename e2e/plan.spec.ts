import { expect, test } from '@playwright/test';
import pg from 'pg';
import { readyInfo } from './support/ready';
import { typeInto } from './support/editor';

/**
 * The plan view as a user meets it in the SQL editor: Explain draws the plan with cost bars;
 * Explain analyze adds self-time bars and marks the row guess that was 100× off; EXPLAIN ANALYZE
 * of a DELETE on a protected branch asks first, and never deletes.
 */
test.use({ viewport: { width: 1280, height: 720 } });

// a and b are always equal: the planner guesses ~1 row for `a = 1 AND b = 1`; 100 come back.
const SETUP = `
DROP TABLE IF EXISTS plan_tasks;
CREATE TABLE plan_tasks (id int PRIMARY KEY, a int NOT NULL, b int NOT NULL, title text);
INSERT INTO plan_tasks SELECT i, i % 100, i % 100, 'task ' || i FROM generate_series(1, 10000) i;
ANALYZE plan_tasks;
NOTIFY pgrst, 'reload schema'`;
const QUERY = 'SELECT title FROM plan_tasks WHERE a = 1 AND b = 1 ORDER BY title';

async function sql<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const db = new pg.Client({ connectionString: readyInfo().postgres });
  await db.connect();
  try {
    return (await db.query<T>(text)).rows;
  } finally {
    await db.end();
  }
}

/** Protects or unprotects the local production branch through the management API, as the workspace owner. */
async function protectProduction(isProtected: boolean): Promise<void> {
  const info = readyInfo();
  const auth = { authorization: `Bearer ${info.tokens.owner}` };
  let op = (await (
    await fetch(`${info.managementApi}/projects/local/branches/production?update_mask=spec.is_protected`, {
      method: 'PATCH',
      headers: auth,
      body: JSON.stringify({ spec: { is_protected: isProtected } }),
    })
  ).json()) as { name: string; done?: boolean; error?: unknown };
  for (let i = 0; i < 300 && !op.done; i++) {
    await new Promise((r) => setTimeout(r, 100));
    op = (await (await fetch(`${info.managementApi}/${op.name}`, { headers: auth })).json()) as typeof op;
  }
  expect(op.error).toBeUndefined();
}

test.beforeAll(async () => {
  await sql(SETUP);
});
test.afterAll(async () => {
  await protectProduction(false);
  await sql(`DROP TABLE IF EXISTS plan_tasks; NOTIFY pgrst, 'reload schema'`);
});

test('Explain draws the plan tree with cost bars; Explain analyze marks the 100× row misestimate', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(readyInfo().ui);
  await page.getByRole('group', { name: 'Admin tools' }).getByRole('button', { name: 'SQL editor' }).click();
  await typeInto(page, 'SQL', QUERY);
  const toolbar = page.getByRole('toolbar', { name: 'SQL editor' });
  const results = page.getByRole('region', { name: 'Results' });

  await toolbar.getByRole('button', { name: 'Explain', exact: true }).click();
  const plan = results.getByRole('tree', { name: 'Plan nodes' });
  const sort = plan.getByRole('treeitem', { name: 'Sort', exact: true });
  const scan = plan.getByRole('treeitem', { name: 'Seq Scan on plan_tasks' });
  await expect(sort).toHaveAttribute('aria-level', '1');
  await expect(scan).toHaveAttribute('aria-level', '2');
  await expect(scan).toContainText('Filter: ((a = 1) AND (b = 1))');
  await expect(results).toContainText('EXPLAIN · estimates only');
  await expect(results.getByText('Self cost', { exact: true })).toBeVisible();
  // Without ANALYZE nothing is known to be off.
  await expect(plan.locator('.plan-node__badge')).toHaveCount(0);
  await page.screenshot({ path: 'e2e/screenshots/plan-explain-1280x720.png' });

  await toolbar.getByRole('button', { name: 'Explain analyze' }).click();
  await expect(results).toContainText('EXPLAIN ANALYZE · the statement ran in a transaction that was rolled back');
  // The scan guessed 1 row and returned 100, and so did the Sort it feeds: both marked, and counted.
  await expect(results.getByRole('status')).toHaveText('2 row estimates off by 10× or more');
  await expect(plan.locator('.plan-node--misestimate')).toHaveCount(2);
  await expect(scan.locator(':scope > .plan-node__row')).toContainText('1 → 100');
  await expect(scan.locator(':scope > .plan-node__row')).toContainText('▲ 100× more');
  await expect(scan).toContainText('Rows removed by filter: 9900');
  // Bars by self time first; cost is one click away.
  await expect(page.getByRole('button', { name: 'Self time' })).toHaveAttribute('aria-pressed', 'true');
  const timeBar = scan.locator(':scope > .plan-node__row .plan-node__fill');
  await expect(timeBar).toHaveAttribute('style', /width: (?!0%)/);
  await page.screenshot({ path: 'e2e/screenshots/plan-explain-analyze-1280x720.png' });

  // Collapsing the root hides its children.
  await sort.getByRole('button', { name: 'Collapse Sort' }).click();
  await expect(scan).toHaveCount(0);
  await sort.getByRole('button', { name: 'Expand Sort' }).click();
  await expect(scan).toBeVisible();
  await page.getByRole('button', { name: 'Self cost' }).click();
  await expect(page.getByRole('button', { name: 'Self cost' })).toHaveAttribute('aria-pressed', 'true');
  expect(errors).toEqual([]);
});

test('Explain analyze of a DELETE on a protected branch shows the plan, and the rows stay (rolled back)', async ({ page }) => {
  await protectProduction(true);
  await page.goto(readyInfo().ui);
  await page.getByRole('group', { name: 'Admin tools' }).getByRole('button', { name: 'SQL editor' }).click();
  const toolbar = page.getByRole('toolbar', { name: 'SQL editor' });
  await expect(toolbar).toContainText('protected branch');
  await typeInto(page, 'SQL', 'DELETE FROM plan_tasks');
  const results = page.getByRole('region', { name: 'Results' });

  // EXPLAIN ANALYZE runs inside a transaction that is always rolled back, so main's destructive guard
  // (which asks before SQL that would change a protected branch) has nothing to ask about.
  await toolbar.getByRole('button', { name: 'Explain analyze' }).click();
  const plan = results.getByRole('tree', { name: 'Plan nodes' });
  await expect(plan.getByRole('treeitem', { name: 'Delete on plan_tasks' })).toBeVisible();
  await expect(plan.getByRole('treeitem', { name: 'Seq Scan on plan_tasks' })).toContainText('10,000 → 10,000');
  await page.screenshot({ path: 'e2e/screenshots/plan-delete-rolled-back-1280x720.png' });
  // ANALYZE executed the DELETE inside a transaction that was rolled back.
  expect(await sql<{ n: number }>('SELECT count(*)::int AS n FROM plan_tasks')).toEqual([{ n: 10000 }]);
});
