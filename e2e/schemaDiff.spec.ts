import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import { readyInfo } from './support/ready';

/**
 * Compare schema as a user meets it: from the branch's menu (and the palette), two databases of
 * the production branch picked, the differences of one schema grouped by kind with counts, a
 * changed view's definition side by side, the migration SQL copied and opened in the SQL editor;
 * at 1280×720 and 1440×900, with axe's check.
 */
const PROD = 'projects/local/branches/production';
const TARGET = 'sd_target';

/** The same schema, different in each kind the issue names (roles are the cluster's: equal here). */
const LEFT = `
CREATE SCHEMA sd_app;
CREATE TABLE sd_app.items (id int PRIMARY KEY, title text NOT NULL, old_note text);
CREATE VIEW sd_app.item_titles AS SELECT id, title FROM sd_app.items;
CREATE FUNCTION sd_app.label(i int) RETURNS text LANGUAGE sql AS 'SELECT ''#'' || i';
`;
const RIGHT = `
CREATE SCHEMA sd_app;
CREATE TABLE sd_app.items (id int PRIMARY KEY, title varchar(200), price numeric(10,2) DEFAULT 0 CHECK (price >= 0));
CREATE TABLE sd_app."order lines" (item_id int REFERENCES sd_app.items ON DELETE CASCADE, "qty ü" int NOT NULL);
CREATE INDEX lines_item ON sd_app."order lines" (item_id);
CREATE VIEW sd_app.item_titles AS SELECT id, title, price FROM sd_app.items WHERE price > 0;
CREATE FUNCTION sd_app.label(i int) RETURNS text LANGUAGE sql AS 'SELECT ''item '' || i';
CREATE FUNCTION sd_app.label(t text) RETURNS text LANGUAGE sql AS 'SELECT t';
ALTER TABLE sd_app.items ENABLE ROW LEVEL SECURITY;
CREATE POLICY priced ON sd_app.items FOR SELECT USING (price IS NOT NULL);
`;

async function manage(method: string, path: string, body?: unknown): Promise<any> {
  const info = readyInfo();
  const headers = { authorization: `Bearer ${info.tokens.owner}` };
  let res = await (
    await fetch(`${info.managementApi}/${path}`, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) })
  ).json();
  for (let i = 0; i < 300 && res.name?.includes('/operations/') && !res.done; i++) {
    await new Promise((r) => setTimeout(r, 100));
    res = await (await fetch(`${info.managementApi}/${res.name}`, { headers })).json();
  }
  if (res.error || res.error_code) throw new Error(`${method} ${path}: ${JSON.stringify(res.error)}`);
  return res;
}

async function sql(database: string, text: string): Promise<void> {
  const url = new URL(readyInfo().postgres);
  url.pathname = `/${database}`;
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  try {
    await db.query(text);
  } finally {
    await db.end();
  }
}

test.describe.configure({ mode: 'serial', timeout: 180_000 });

// Each test starts from the left schema: the first one's migration has changed it.
test.beforeEach(async () => {
  await sql('databricks_postgres', `DROP SCHEMA IF EXISTS sd_app CASCADE; ${LEFT}`);
});
test.beforeAll(async () => {
  const roles = await manage('GET', `${PROD}/roles`);
  const owner = roles.roles.find((r: any) => (r.status?.postgres_role ?? r.spec?.postgres_role) === 'owner@pier.local');
  await manage('DELETE', `${PROD}/databases/sd-target`).catch(() => undefined);
  await manage('POST', `${PROD}/databases?database_id=sd-target`, { spec: { postgres_database: TARGET, role: owner.name } });
  await sql(TARGET, RIGHT);
});
test.afterAll(async () => {
  await sql('databricks_postgres', `DROP SCHEMA IF EXISTS sd_app CASCADE; NOTIFY pgrst, 'reload schema'`);
  await manage('DELETE', `${PROD}/databases/sd-target`);
});

async function openFromBranchMenu(page: Page) {
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  await tree
    .getByRole('treeitem', { name: /^production/ })
    .first()
    .click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Compare schema…' }).click();
  await expect(page.getByRole('tablist', { name: 'Open tables' }).getByRole('tab', { name: /Compare schema/ })).toHaveAttribute(
    'aria-selected',
    'true',
  );
}

async function compare(page: Page) {
  const right = page.getByRole('group', { name: 'Right (the target)' });
  await expect(right.getByRole('combobox', { name: 'Database' })).toContainText(TARGET);
  await right.getByRole('combobox', { name: 'Database' }).selectOption(TARGET);
  await expect(
    page.getByRole('group', { name: 'Left (changed by the migration)' }).getByRole('combobox', { name: 'Database' }),
  ).toHaveValue('databricks_postgres');
  await page.getByRole('textbox', { name: 'Schemas' }).fill('sd_app');
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'differences in sd_app' })).toBeVisible();
}

for (const viewport of [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
]) {
  test.describe(`at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport });

    test('the branch menu compares two databases: grouped differences, side-by-side view, migration SQL into the SQL editor', async ({
      page,
      context,
    }) => {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await page.goto(readyInfo().ui);
      await openFromBranchMenu(page);
      await compare(page);

      const differences = page.getByRole('tabpanel', { name: 'Differences' });
      const group = (name: string) => differences.getByRole('region', { name: new RegExp(`^${name} `) });
      await expect(group('Tables')).toContainText('sd_app."order lines"');
      await expect(group('Columns')).toContainText('sd_app.items.price');
      await expect(group('Columns')).toContainText('sd_app.items.old_note');
      await expect(group('Constraints')).toContainText('items_price_check');
      await expect(group('Indexes')).toContainText('sd_app.lines_item');
      await expect(group('Functions')).toContainText('sd_app.label(t text)');
      await expect(group('Policies')).toContainText('sd_app.items priced');
      // Counts per kind: the Columns group has one added, one removed, one changed (title).
      await expect(group('Columns').getByRole('heading')).toContainText('3');
      await expect(group('Columns').getByRole('heading')).toContainText('+1');
      await expect(group('Columns').getByRole('heading')).toContainText('−1');
      // The changed view's definition, line against line.
      const view = group('Views').locator('details', { hasText: 'sd_app.item_titles' });
      await expect(view.getByRole('table')).toContainText('price');
      await expect(view.locator('.schema-diff__old').first()).toBeVisible();
      await view.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `e2e/screenshots/schema-diff-${viewport.width}x${viewport.height}.png` });

      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'heading-order');
      expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

      await page.getByRole('tab', { name: 'Migration SQL' }).click();
      const sqlText = page.getByRole('region', { name: 'Migration SQL text' }).or(page.getByLabel('Migration SQL text'));
      await expect(sqlText).toContainText('CREATE TABLE "sd_app"."order lines" (');
      await expect(sqlText).toContainText('ALTER TABLE "sd_app"."items" DROP COLUMN "old_note";');
      await page.screenshot({ path: `e2e/screenshots/schema-diff-sql-${viewport.width}x${viewport.height}.png` });
      await page.getByRole('button', { name: 'Copy' }).click();
      await expect(page.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('CREATE TABLE "sd_app"."order lines" (');

      await page.getByRole('button', { name: 'Open in SQL editor' }).click();
      await expect(page.getByRole('tablist', { name: 'Open tables' }).getByRole('tab', { name: /SQL/, selected: true })).toBeVisible();
      await expect(page.locator('.monaco-editor').first()).toContainText('Turns the left database into the right one', { timeout: 60_000 });
      // Run there (all of it), the migration makes the left like the right: comparing again finds nothing.
      await page.getByRole('toolbar', { name: 'SQL editor' }).getByRole('button', { name: 'Run all', exact: true }).click();
      await expect(page.getByRole('region', { name: 'Results' })).toContainText(/ALTER|CREATE|committed/i);
      await page
        .getByRole('tablist', { name: 'Open tables' })
        .getByRole('tab', { name: /Compare schema/ })
        .click();
      await page.getByRole('button', { name: 'Compare' }).click();
      await expect(page.getByRole('status').filter({ hasText: 'No differences in 1 schema' })).toBeVisible();
      expect(errors).toEqual([]);
    });
  });
}

test('the palette offers Compare schema on each branch', async ({ page }) => {
  await page.goto(readyInfo().ui);
  await expect(
    page
      .getByRole('tree', { name: 'Database explorer' })
      .getByRole('treeitem', { name: /^production/ })
      .first(),
  ).toBeVisible();
  await page.keyboard.press('Control+k');
  await page.keyboard.type('compare schema');
  const option = page.getByRole('dialog', { name: 'Command palette' }).getByRole('option', { name: 'Branch production: Compare schema…' });
  await expect(option).toBeVisible();
  await option.click();
  await expect(page.getByRole('group', { name: 'Left (changed by the migration)' })).toBeVisible();
});
