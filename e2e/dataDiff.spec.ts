import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import { readyInfo } from './support/ready';
import { expand } from './support/workspaces';

/**
 * Comparing a table's data between two branches as a user does it: a table on production, branch
 * `diffcheck` copied from it, then rows added, removed and changed on production; "Compare data…"
 * (the explorer's table menu, the grid's toolbar) opens a tab that counts and lists the differences.
 */
test.slow();
// One branch for both tests: a failure skips the rest rather than making the branch again.
test.describe.configure({ mode: 'serial' });
const BRANCH = 'projects/local/branches/diffcheck';

async function sql(text: string): Promise<void> {
  const db = new pg.Client({ connectionString: readyInfo().postgres });
  await db.connect();
  try {
    await db.query(text);
  } finally {
    await db.end();
  }
}

async function manage(method: string, route: string, body?: unknown): Promise<unknown> {
  const info = readyInfo();
  const headers = { authorization: `Bearer ${info.tokens.owner}`, 'content-type': 'application/json' };
  let op = (await (
    await fetch(`${info.managementApi}/${route}`, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) })
  ).json()) as { name?: string; done?: boolean; error?: unknown; error_code?: string };
  if (op?.error_code) throw new Error(`${method} ${route}: ${JSON.stringify(op)}`);
  for (let i = 0; i < 900 && op?.name?.includes('/operations/') && !op.done; i++) {
    await new Promise((r) => setTimeout(r, 100));
    op = (await (await fetch(`${info.managementApi}/${op.name}`, { headers })).json()) as typeof op;
  }
  if (op?.error) throw new Error(`${method} ${route}: ${JSON.stringify(op.error)}`);
  return op;
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  await sql(`DROP TABLE IF EXISTS public.diff_items;
    CREATE TABLE public.diff_items (id int PRIMARY KEY, name text, price numeric(10,2), note text);
    INSERT INTO public.diff_items SELECT g, 'item ' || g, g * 2, CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' || g END FROM generate_series(1, 400) g;
    CHECKPOINT;`);
  await manage('POST', `projects/local/branches?branch_id=diffcheck`, {
    spec: { source_branch: 'projects/local/branches/production', no_expiry: true },
  });
  // Production moves on after the copy: the branch keeps the table as it was.
  await sql(`DELETE FROM public.diff_items WHERE id IN (7, 250);
    INSERT INTO public.diff_items VALUES (401, 'new café', 9.5, NULL), (402, 'newer', NULL, 'x');
    UPDATE public.diff_items SET price = 99.99 WHERE id = 10;
    UPDATE public.diff_items SET note = 'now set' WHERE id = 3;
    UPDATE public.diff_items SET name = NULL, note = NULL WHERE id = 20;
    NOTIFY pgrst, 'reload schema';`);
});
test.afterAll(async () => {
  await manage('DELETE', `${BRANCH}?purge=true`).catch(() => undefined);
  await sql(`DROP TABLE IF EXISTS public.diff_items; NOTIFY pgrst, 'reload schema'`);
});

async function tableItem(page: Page) {
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  const production = tree.getByRole('treeitem', { name: 'production', exact: false }).first();
  await expect(production).toBeVisible({ timeout: 60_000 });
  for (const name of ['Local workspace', 'databricks_postgres']) await expand(tree.getByRole('treeitem', { name, exact: false }).first());
  return tree.getByRole('treeitem', { name: /^diff_items/ }).first();
}

async function axe(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
  expect(bad, bad.join('\n')).toEqual([]);
}

async function compareWithBranch(page: Page) {
  const tab = page.getByRole('tabpanel');
  await tab.getByLabel('Other branch').selectOption(BRANCH);
  await expect(tab.getByLabel('Database')).toHaveValue('databricks_postgres');
  await expect(tab.getByText('Base diffcheck / databricks_postgres → compared production / databricks_postgres')).toBeVisible();
  await tab.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(tab.getByRole('button', { name: /Added/ })).toContainText('2', { timeout: 60_000 });
  return tab;
}

test.describe('at 1280×720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('the table menu opens Compare data; counts, changed cells old → new, filter by kind', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(readyInfo().ui);
    await (await tableItem(page)).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Compare data…' }).click();
    await expect(page.getByRole('tab', { name: /Compare data · public\.diff_items/ })).toHaveAttribute('aria-selected', 'true');
    const tab = await compareWithBranch(page);

    await expect(tab.getByRole('button', { name: /Removed/ })).toContainText('2');
    await expect(tab.getByRole('button', { name: /Changed/ })).toContainText('3');
    await expect(tab.getByText(/Unchanged/)).toContainText('395');
    const rows = tab.getByRole('table', { name: 'Differing rows' });
    await expect(tab.getByText('Rows 1–7 of 7')).toBeVisible();
    // A changed row shows the old and the new value of the changed cells only.
    const ten = rows.getByRole('row').filter({ has: page.getByRole('cell', { name: '10', exact: true }) });
    await expect(ten.getByLabel('price was 20.00')).toBeVisible();
    await expect(ten.getByLabel('price is now 99.99')).toBeVisible();
    // NULL → a value, and a value → NULL.
    const three = rows.getByRole('row').filter({ has: page.getByRole('cell', { name: '3', exact: true }) });
    await expect(three.getByLabel('note was NULL')).toBeVisible();
    await expect(three.getByLabel('note is now now set')).toBeVisible();
    const twenty = rows.getByRole('row').filter({ has: page.getByRole('cell', { name: '20', exact: true }) });
    await expect(twenty.getByLabel('name is now NULL')).toBeVisible();
    await expect(rows.getByRole('row').filter({ hasText: 'new café' })).toContainText('added');
    await page.screenshot({ path: 'e2e/screenshots/data-diff-1280x720.png' });
    await axe(page);

    // Only removed rows: switch the other kinds off.
    await tab.getByRole('button', { name: /Added/ }).click();
    await tab.getByRole('button', { name: /Changed/ }).click();
    await expect(tab.getByText('Rows 1–2 of 2')).toBeVisible();
    await expect(rows.getByRole('row').filter({ hasText: 'removed' })).toHaveCount(2);
    await expect(rows.getByRole('row').filter({ hasText: 'item 7' })).toBeVisible();
    await expect(rows.getByRole('row').filter({ hasText: 'item 250' })).toBeVisible();
    await page.screenshot({ path: 'e2e/screenshots/data-diff-removed-1280x720.png' });
    expect(errors).toEqual([]);
  });
});

test.describe('at 1440×900', () => {
  test.use({ viewport: { width: 1440, height: 900 } });

  test('the grid toolbar opens Compare data; swapping sides turns added into removed', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(readyInfo().ui);
    await (await tableItem(page)).click();
    await expect(page.getByRole('grid', { name: 'public.diff_items rows' })).toBeVisible();
    await page.getByRole('button', { name: 'Compare data…' }).click();
    const tab = await compareWithBranch(page);
    await page.screenshot({ path: 'e2e/screenshots/data-diff-1440x900.png' });
    await axe(page);

    // To the grid and back: the comparison is still there, not hashed again.
    const tabs = page.getByRole('tablist', { name: 'Open tables' });
    await tabs.getByRole('tab', { name: /^diff_items/ }).click();
    await expect(page.getByRole('grid', { name: 'public.diff_items rows' })).toBeVisible();
    await tabs.getByRole('tab', { name: /Compare data · public\.diff_items/ }).click();
    await expect(tab.getByRole('button', { name: /Added/ })).toContainText('2');
    await expect(tab.getByLabel('Other branch')).toHaveValue(BRANCH);
    await expect(tab.getByRole('button', { name: 'Compare again' })).toBeVisible();

    await tab.getByRole('button', { name: 'Swap sides' }).click();
    await expect(tab.getByText('Base production / databricks_postgres → compared diffcheck / databricks_postgres')).toBeVisible();
    await tab.getByRole('button', { name: 'Compare again' }).click();
    await expect(tab.getByRole('button', { name: /Removed/ })).toContainText('2');
    await expect(tab.getByRole('table', { name: 'Differing rows' }).getByRole('row').filter({ hasText: 'new café' })).toContainText(
      'removed',
    );
    expect(errors).toEqual([]);
  });
});
