import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readyInfo } from './support/ready';

async function openClients(page: Page, query: string) {
  await page.goto(readyInfo().ui);
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  await expect(tree.getByRole('treeitem').first()).toBeVisible({ timeout: 30_000 });
  const item = tree.getByRole('treeitem', { name: /^clients\b/ }).first();
  for (let i = 0; i < 40 && !(await item.isVisible()); i++) {
    const collapsed = tree.locator('[role="treeitem"][aria-expanded="false"]').first();
    if (await collapsed.isVisible()) await collapsed.click();
    else await page.waitForTimeout(200);
  }
  await item.click();
  const grid = page.getByRole('grid', { name: 'public.clients rows' });
  await expect(grid).toBeVisible();
  const url = page.getByLabel('Data API URL');
  await url.fill(query);
  await url.press('Enter');
  return grid;
}

async function axe(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
  expect(bad, bad.join('\n')).toEqual([]);
}

for (const size of [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
]) {
  test(`a to-many embed opens as a nested grid (${size.width}×${size.height})`, async ({ page }) => {
    await page.setViewportSize(size);
    const grid = await openClients(page, 'clients?select=id,name,projects(id,name,budget)');
    const techStart = grid.getByRole('row').filter({ hasText: 'TechStart Inc' });
    // The cell is a count, not JSON text.
    const summary = techStart.getByRole('button', { name: /^1 project\b/ });
    await expect(summary).toBeVisible();
    await expect(grid.getByRole('gridcell', { name: /"name":/ })).toHaveCount(0);
    await summary.click();

    const dialog = page.getByRole('dialog', { name: 'projects of row 2' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('read-only');
    const nested = dialog.getByRole('grid', { name: 'projects of row 2 rows' });
    await expect(nested).toBeFocused();
    // Typed columns from the schema cache, in the embed's order.
    await expect(nested.getByRole('columnheader')).toHaveText([/^id\s*integer/, /^name\s*text/, /^budget\s*numeric\(10,2\)/]);
    await expect(nested.getByRole('row')).toHaveCount(2);
    const row = nested.getByRole('row').nth(1);
    await expect(row.getByRole('gridcell').nth(1)).toHaveText('Database Migration');
    // Numbers right-aligned, as in the main grid.
    await expect(row.getByRole('gridcell').nth(2)).toHaveText(/^15000(\.0+)?$/);
    await expect(row.getByRole('gridcell').nth(2)).toHaveCSS('text-align', 'right');
    await page.screenshot({ path: `e2e/screenshots/nested-grid-${size.width}.png` });
    await axe(page);

    // Esc closes it and gives focus back to the grid, on the cell it opened from.
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(grid).toBeFocused();
    const activeId = await grid.getAttribute('aria-activedescendant');
    expect(activeId).toBeTruthy();
    await expect(techStart.locator(`[id="${activeId}"]`)).toContainText('1 project');

    // The keyboard opens it too: Enter on the active cell.
    await page.keyboard.press('Enter');
    await expect(dialog).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(grid).toBeFocused();
  });
}

test('nested embeds open the same way, NULL shows as in the grid, an empty embed says so', async ({ page }) => {
  const grid = await openClients(page, 'clients?select=id,name,projects(id,name,tasks(id,title,actual_hours))&id=eq.1');
  await grid.getByRole('button', { name: /^2 projects\b/ }).click();
  const projects = page.getByRole('dialog', { name: 'projects of row 1' });
  const website = projects.getByRole('row').filter({ hasText: 'Website Redesign' });
  await website.getByRole('button', { name: /^3 tasks\b/ }).click();
  const tasks = page.getByRole('dialog', { name: 'tasks of projects row 1' });
  await expect(tasks).toBeVisible();
  const testing = tasks.getByRole('row').filter({ hasText: 'User Testing' });
  await expect(testing.getByText('NULL', { exact: true })).toBeVisible();
  await expect(tasks.getByRole('columnheader', { name: /^actual_hours/ })).toBeVisible();
  await page.screenshot({ path: 'e2e/screenshots/nested-grid-deeper.png' });
  await axe(page);
  // Esc closes only the top one; focus returns to the grid it opened from.
  await page.keyboard.press('Escape');
  await expect(tasks).toHaveCount(0);
  await expect(projects).toBeVisible();
  await expect(projects.getByRole('grid')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(projects).toHaveCount(0);
  await expect(grid).toBeFocused();

  const url = page.getByLabel('Data API URL');
  await url.fill('clients?select=id,name,projects(id,name)&projects.budget=gt.1000000');
  await url.press('Enter');
  await expect(grid.getByText('no projects', { exact: true })).toHaveCount(3);
});
