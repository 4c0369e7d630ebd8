import { expect, test, type Locator, type Page } from '@playwright/test';
import pg from 'pg';
import { readyInfo } from './support/ready';
import { expand } from './support/workspaces';

/**
 * The ER diagram as a user meets it: from the schema's menu in the explorer, the sample schema's
 * tables with their keys and foreign keys laid out left (referenced) to right (referencing), a
 * table of another schema drawn dashed; pan and zoom; a click opens the table in the grid.
 */
test.use({ viewport: { width: 1280, height: 720 } });

async function sql(text: string): Promise<void> {
  const db = new pg.Client({ connectionString: readyInfo().postgres });
  await db.connect();
  try {
    await db.query(text);
  } finally {
    await db.end();
  }
}

test.beforeAll(async () => {
  await sql(`CREATE SCHEMA IF NOT EXISTS er_billing;
    CREATE TABLE IF NOT EXISTS er_billing.invoices (id int PRIMARY KEY, client_id int NOT NULL REFERENCES public.clients ON DELETE RESTRICT, total numeric(10,2));`);
});
test.afterAll(async () => {
  await sql(`DROP SCHEMA IF EXISTS er_billing CASCADE; NOTIFY pgrst, 'reload schema'`);
});

async function openErDiagram(page: Page, schema: string) {
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  for (const name of ['Local workspace', 'databricks_postgres']) await expand(tree.getByRole('treeitem', { name, exact: false }).first());
  await tree.getByRole('treeitem', { name: schema, exact: true }).first().click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'ER diagram' }).click();
}

async function box(l: Locator) {
  const b = await l.boundingBox();
  if (!b) throw new Error('not drawn');
  return b;
}

test('the schema menu opens its ER diagram; keys, foreign keys, pan, zoom, and a click opens the table', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(readyInfo().ui);
  await openErDiagram(page, 'public');
  const tabs = page.getByRole('tablist', { name: 'Open tables' });
  await expect(tabs.getByRole('tab', { name: 'ER diagram · public' })).toHaveAttribute('aria-selected', 'true');

  const diagram = page.getByRole('group', { name: 'ER diagram of public' });
  const clients = diagram.getByRole('group', { name: 'Table clients' });
  const projects = diagram.getByRole('group', { name: 'Table projects' });
  const tasks = diagram.getByRole('group', { name: 'Table tasks' });
  const invoices = diagram.getByRole('group', { name: 'Table er_billing.invoices' });
  for (const t of [clients, projects, tasks, invoices]) await expect(t).toBeVisible();
  // Each table's header is the button that opens it, named with the name it shows.
  for (const name of ['clients', 'projects', 'tasks', 'er_billing.invoices']) {
    await expect(diagram.getByRole('button', { name: `Open table ${name}` })).toBeVisible();
  }
  await expect(page.getByRole('toolbar', { name: 'ER diagram' })).toContainText('public · 3 tables · 3 foreign keys');
  // Keys are marked: the primary key first, the foreign key next, the unique email.
  await expect(projects).toContainText('PKid');
  await expect(projects).toContainText('FKclient_id');
  await expect(clients).toContainText('Uemail');
  // Referenced tables to the left of those that reference them.
  const [c, p, t] = [await box(clients), await box(projects), await box(tasks)];
  expect(c.x + c.width).toBeLessThan(p.x);
  expect(p.x + p.width).toBeLessThan(t.x);
  await expect(diagram.getByLabel('projects_client_id_fkey: client_id → id')).toBeAttached();
  await expect(diagram.getByLabel('tasks_project_id_fkey: project_id → id')).toBeAttached();
  await expect(diagram.getByLabel('invoices_client_id_fkey: client_id → id')).toBeAttached();
  await page.screenshot({ path: 'e2e/screenshots/er-diagram-1280x720.png' });

  // Zoom: the buttons and the wheel change the scale around a point; the tables grow.
  const zoom = page.getByRole('toolbar', { name: 'ER diagram' }).getByLabel('Zoom', { exact: true });
  const before = await zoom.textContent();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect(zoom).not.toHaveText(before!);
  expect((await box(projects)).width).toBeGreaterThan(p.width * 1.1);
  const canvas = page.locator('.er-diagram__canvas');
  const cb = await box(canvas);
  await page.mouse.move(cb.x + cb.width / 2, cb.y + cb.height / 2);
  await page.mouse.wheel(0, 300);
  await expect.poll(async () => (await box(projects)).width).toBeLessThan(p.width);

  // Pan: dragging the background moves every table by the drag, and opens nothing.
  const start = await box(clients);
  await page.mouse.move(cb.x + 20, cb.y + cb.height - 20);
  await page.mouse.down();
  await page.mouse.move(cb.x + 120, cb.y + cb.height - 60, { steps: 5 });
  await page.mouse.up();
  const moved = await box(clients);
  expect(moved.x - start.x).toBeCloseTo(100, 0);
  expect(moved.y - start.y).toBeCloseTo(-40, 0);
  await expect(tabs.getByRole('tab')).toHaveCount(1);
  await page.screenshot({ path: 'e2e/screenshots/er-diagram-zoomed-panned-1280x720.png' });
  await page.getByRole('button', { name: 'Fit' }).click();

  // A click opens the table in the grid.
  await projects.click();
  await expect(tabs.getByRole('tab', { name: /^projects/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('grid', { name: 'public.projects rows' })).toContainText('Website Redesign');
  expect(errors).toEqual([]);
});

test('a schema without tables says so', async ({ page }) => {
  await sql(`CREATE SCHEMA IF NOT EXISTS er_empty; NOTIFY pgrst, 'reload schema'`);
  try {
    await page.goto(readyInfo().ui);
    await openErDiagram(page, 'er_empty');
    await expect(page.getByText('Schema er_empty has no tables yet.')).toBeVisible();
  } finally {
    await sql('DROP SCHEMA IF EXISTS er_empty');
  }
});
