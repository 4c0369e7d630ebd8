import { expect, test } from '@playwright/test';
import { readyInfo } from './support/ready';

test('opens the sample clients table from the explorer tree', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(readyInfo().ui);

  const tree = page.getByRole('tree', { name: 'Database explorer' });
  await expect(tree).toBeVisible();
  // Walk the tree as a user would: workspace → database → schema → table.
  for (const name of ['Local workspace', 'databricks_postgres', 'public']) {
    const item = tree.getByRole('treeitem', { name, exact: false }).first();
    await expect(item).toBeVisible();
    if ((await item.getAttribute('aria-expanded')) === 'false') await item.click();
    await expect(item).toHaveAttribute('aria-expanded', 'true');
  }
  await tree.getByRole('treeitem', { name: /^clients/ }).click();

  const grid = page.getByRole('grid', { name: 'public.clients rows' });
  await expect(grid).toBeVisible();
  // Header row + the three sample clients.
  await expect(grid.getByRole('row')).toHaveCount(4);
  for (const name of ['Acme Corp', 'TechStart Inc', 'Global Solutions']) {
    // The documentation's sample: a client's company may repeat its name (TechStart Inc).
    await expect(grid.getByText(name, { exact: true }).first()).toBeVisible();
  }
  await expect(page.getByRole('status')).toContainText(/PostgreSQL\s*18/);
  await page.screenshot({ path: 'e2e/screenshots/clients.png' });
  expect(errors).toEqual([]);
});

test('the tree is operable from the keyboard', async ({ page }) => {
  await page.goto(readyInfo().ui);
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  const items = tree.getByRole('treeitem');
  // The first visit opens down to the default schema; wait for it so rows stop arriving.
  const clients = tree.getByRole('treeitem', { name: /^clients/ }).first();
  await expect(clients).toBeVisible();
  await items.first().focus();
  await page.keyboard.press('End');
  await expect(items.last()).toBeFocused();
  await page.keyboard.press('Home');
  await expect(items.first()).toBeFocused();

  // Down to the schema, collapse it with ArrowLeft and open it again with ArrowRight.
  const publicItem = tree.getByRole('treeitem', { name: 'public', exact: true }).first();
  for (let i = 0; i < 20 && !(await publicItem.evaluate((el) => el === document.activeElement)); i++)
    await page.keyboard.press('ArrowDown');
  await expect(publicItem).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(publicItem).toHaveAttribute('aria-expanded', 'false');
  await expect(clients).toBeHidden();
  await page.keyboard.press('ArrowRight');
  await expect(publicItem).toHaveAttribute('aria-expanded', 'true');

  // Into the schema and onto clients, then Enter opens it.
  await page.keyboard.press('ArrowDown');
  await expect(clients).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('grid', { name: 'public.clients rows' })).toBeVisible();
});

test('a page without the session key says how to get in', async ({ page }) => {
  const { origin } = new URL(readyInfo().ui);
  await page.goto(origin + '/');
  await expect(page.getByText(/npm run serve/)).toBeVisible();
});
