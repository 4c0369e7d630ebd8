import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { readyInfo } from './support/ready';

const DEV = 'projects/local/branches/dev';

/** The owner on a branch's read-write endpoint, as Lakebase's clients connect: its host, TLS, a credential as the password. */
async function branchClient(branch: string): Promise<pg.Client> {
  const info = readyInfo();
  const auth = { authorization: `Bearer ${info.tokens.owner}` };
  const res = await fetch(`${info.managementApi}/${branch}/endpoints`, { headers: auth });
  const body = (await res.json()) as { endpoints: { name?: string; status?: { endpoint_type?: string; hosts?: { host?: string } } }[] };
  const endpoint = body.endpoints.find((e) => e.status?.endpoint_type === 'ENDPOINT_TYPE_READ_WRITE');
  const [host, port] = (endpoint?.status?.hosts?.host ?? '').split(':');
  const cred = await fetch(`${info.managementApi}/credentials`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ endpoint: endpoint?.name }),
  });
  const client = new pg.Client({
    host,
    port: Number(port ?? 5432),
    user: 'owner@pier.local',
    password: ((await cred.json()) as { token: string }).token,
    database: 'databricks_postgres',
    ssl: { ca: readFileSync(info.postgresCa ?? '', 'utf8') },
  });
  await client.connect();
  return client;
}

test.afterEach(async ({ page }, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) await page.screenshot({ path: testInfo.outputPath('failure.png') });
});

async function expandItem(page: Page, item: ReturnType<Page['getByRole']>) {
  await expect(item).toBeVisible();
  if ((await item.getAttribute('aria-expanded')) === 'false') await item.click();
  await expect(item).toHaveAttribute('aria-expanded', 'true');
}

test('create a branch in the tree, watch its operation finish, open a table on it: an edit there stays off production', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(readyInfo().ui);
  const tree = page.getByRole('tree', { name: 'Database explorer' });

  // The branch's row menu (right click; Shift+F10 from the keyboard) → New branch…
  const production = tree.getByRole('treeitem', { name: 'production', exact: true });
  await expect(production).toBeVisible();
  await expect(production).toHaveAttribute('aria-description', /default/);
  await production.click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions for production' }).getByRole('menuitem', { name: 'New branch…' }).click();

  const dialog = page.getByRole('dialog', { name: 'New branch' });
  await expect(dialog.getByLabel('Source branch')).toHaveValue('projects/local/branches/production');
  // A name the server would refuse is caught in the form, in words.
  await dialog.getByLabel('Branch name').fill('Dev');
  await dialog.getByRole('button', { name: 'Create branch' }).click();
  await expect(dialog.getByText(/lowercase letters/)).toBeVisible();
  await dialog.getByLabel('Branch name').fill('dev');
  await page.screenshot({ path: 'e2e/screenshots/tree-create-branch.png' });
  await dialog.getByRole('button', { name: 'Create branch' }).click();
  await expect(dialog).toBeHidden();

  // The operation runs in the panel and succeeds; the tree then shows dev under production.
  const operations = page.getByRole('region', { name: 'Operations' });
  await expect(operations.getByRole('listitem', { name: /^Create branch dev/ })).toBeVisible();
  await expect(operations.getByRole('listitem', { name: 'Create branch dev: Succeeded' })).toBeVisible({ timeout: 90_000 });
  const dev = tree.getByRole('treeitem', { name: 'dev', exact: true });
  await expect(dev).toBeVisible();
  await expect(dev).toHaveAttribute('aria-level', '4'); // nested under its source, production (level 3)
  await expandItem(page, dev);
  // dev's own endpoint, database and schema sit one level below it.
  await expect(tree.locator('[role="treeitem"][aria-level="5"]', { hasText: 'primary' })).toBeVisible();
  await expandItem(page, tree.locator('[role="treeitem"][aria-level="5"]', { hasText: 'databricks_postgres' }));
  await expandItem(page, tree.locator('[role="treeitem"][aria-level="6"]', { hasText: 'public' }));
  await page.screenshot({ path: 'e2e/screenshots/tree-branch-created.png' });
  await tree.locator('[role="treeitem"][aria-level="7"]', { hasText: /^clients/ }).click();

  // The table opens on dev in a tab of its own.
  await expect(page.getByRole('tab', { name: /clients · dev/ })).toBeVisible();
  const grid = page.getByRole('grid', { name: 'public.clients rows' });
  await expect(grid.getByRole('gridcell', { name: 'Acme Corp', exact: true })).toBeVisible();

  // An edit there, through the grid: staged, then applied to dev.
  await grid.getByRole('gridcell', { name: 'Acme Corp', exact: true }).dblclick();
  const editor = grid.getByLabel('Edit name');
  await editor.fill('Acme (on dev)');
  await editor.press('Enter');
  await page.getByRole('region', { name: 'Staged changes' }).getByRole('button', { name: 'Apply all' }).click();
  await expect(page.getByRole('region', { name: 'Staged changes' })).toHaveCount(0);
  await expect(grid.getByRole('gridcell', { name: 'Acme (on dev)', exact: true })).toBeVisible();
  await page.screenshot({ path: 'e2e/screenshots/tree-branch-table.png' });

  // dev has it; production (the ready file's superuser URL) does not.
  const onDev = await branchClient(DEV);
  const onProduction = new pg.Client({ connectionString: readyInfo().postgres });
  await onProduction.connect();
  try {
    expect((await onDev.query(`SELECT name FROM clients WHERE id = 1`)).rows[0]?.name).toBe('Acme (on dev)');
    expect((await onProduction.query(`SELECT name FROM clients WHERE id = 1`)).rows[0]?.name).toBe('Acme Corp');
  } finally {
    await onDev.end();
    await onProduction.end();
  }

  // And the console agrees: production's clients, opened from production's part of the tree, is unchanged.
  await tree.locator('[role="treeitem"][aria-level="6"]', { hasText: /^clients/ }).click();
  await expect(page.getByRole('tab', { name: /^clients$/ })).toHaveAttribute('aria-selected', 'true');
  const productionGrid = page.getByRole('grid', { name: 'public.clients rows' });
  await expect(productionGrid.getByRole('gridcell', { name: 'Acme Corp', exact: true })).toBeVisible();
  await expect(productionGrid.getByText('Acme (on dev)')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('deleting the default branch asks for its name and shows the server’s refusal', async ({ page }) => {
  await page.goto(readyInfo().ui);
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  const production = tree.getByRole('treeitem', { name: 'production', exact: true });
  await expect(production).toBeVisible();
  await production.focus();
  await page.keyboard.press('Shift+F10');
  await page.getByRole('menu', { name: 'Actions for production' }).getByRole('menuitem', { name: 'Delete branch…' }).click();

  const dialog = page.getByRole('dialog', { name: 'Delete branch production?' });
  const remove = dialog.getByRole('button', { name: 'Delete branch' });
  await expect(remove).toBeDisabled();
  await dialog.getByLabel('Type “production” to confirm').fill('production');
  await remove.click();
  await expect(dialog.getByRole('alert')).toContainText('The server refused to delete the branch');
  await page.screenshot({ path: 'e2e/screenshots/tree-delete-refused.png' });
  await dialog.getByRole('button', { name: /Cancel|Close/ }).click();
  await expect(tree.getByRole('treeitem', { name: 'production', exact: true })).toBeVisible();
});

test('a read-only endpoint on dev: created, suspended and resumed from the tree', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(readyInfo().ui);
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  const operations = page.getByRole('region', { name: 'Operations' });
  const dev = tree.getByRole('treeitem', { name: 'dev', exact: true });
  await expandItem(page, dev);
  await expect(tree.getByRole('treeitem', { name: 'primary' }).nth(1)).toBeVisible();
  await dev.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'New endpoint…' }).click();

  const dialog = page.getByRole('dialog', { name: 'New endpoint on dev' });
  // dev already has its read-write endpoint, so a replica is proposed.
  await expect(dialog.getByRole('radio', { name: 'Read-only replica' })).toBeChecked();
  await dialog.getByLabel('Endpoint id').fill('replica');
  await dialog.getByRole('button', { name: 'Create endpoint' }).click();
  await expect(dialog).toBeHidden();
  await expect(operations.getByRole('listitem', { name: /endpoint replica: Succeeded$/ })).toBeVisible({ timeout: 90_000 });

  const replica = tree.getByRole('treeitem', { name: 'replica', exact: true });
  await expect(replica).toHaveAttribute('aria-description', /read-only/);
  await replica.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Suspend endpoint' }).click();
  await expect(operations.getByRole('listitem', { name: /Suspend endpoint replica: Succeeded$/ })).toBeVisible({ timeout: 60_000 });
  await expect(replica).toHaveAttribute('aria-description', /idle/);
  await page.screenshot({ path: 'e2e/screenshots/tree-endpoint-suspended.png' });

  await replica.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Resume endpoint' }).click();
  await expect(operations.getByRole('listitem', { name: /Resume endpoint replica: Succeeded$/ })).toBeVisible({ timeout: 60_000 });
  await expect(replica).toHaveAttribute('aria-description', /active/);
});

test('the Data API of dev’s database: settings edited in a dialog and read back', async ({ page }) => {
  await page.goto(readyInfo().ui);
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  await expandItem(page, tree.getByRole('treeitem', { name: 'dev', exact: true }));
  const devDb = tree.locator('[role="treeitem"][aria-level="5"]', { hasText: 'databricks_postgres' });
  await devDb.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Data API…' }).click();

  const dialog = page.getByRole('dialog', { name: 'Data API · databricks_postgres' });
  await expect(dialog.getByText(/^Enabled/)).toBeVisible();
  await expect(dialog.getByLabel('Exposed schemas')).toHaveValue(/public/);
  await dialog.getByLabel('Maximum rows per response (optional)').fill('-5');
  await dialog.getByRole('button', { name: 'Save settings' }).click();
  await expect(dialog.getByText('A whole number of rows, or empty for no limit.')).toBeVisible();
  await dialog.getByLabel('Maximum rows per response (optional)').fill('500');
  await page.screenshot({ path: 'e2e/screenshots/tree-data-api.png' });
  await dialog.getByRole('button', { name: 'Save settings' }).click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
  await expect(
    page.getByRole('region', { name: 'Operations' }).getByRole('listitem', { name: /Data API settings of .*: Succeeded$/ }),
  ).toBeVisible();

  await devDb.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Data API…' }).click();
  await expect(
    page.getByRole('dialog', { name: 'Data API · databricks_postgres' }).getByLabel('Maximum rows per response (optional)'),
  ).toHaveValue('500');
});

test('adding a workspace: each sign-in method asks for what it needs, and a bad host is explained in place', async ({ page }) => {
  await page.goto(readyInfo().ui);
  await page.getByRole('button', { name: 'Add workspace' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a Databricks workspace' });
  await expect(dialog.getByRole('radio', { name: 'Sign in with the browser (OAuth)' })).toBeChecked();
  await dialog.getByRole('radio', { name: 'Personal access token' }).check();
  await dialog.getByRole('button', { name: 'Add workspace' }).click();
  await expect(dialog.getByText(/Enter the workspace URL/)).toBeVisible();
  await expect(dialog.getByText(/Paste a personal access token/)).toBeVisible();

  await dialog.getByLabel('Workspace URL').fill('https://no-such-workspace.invalid');
  await dialog.getByLabel('Access token', { exact: true }).fill('dapi0000000000000000');
  await dialog.getByRole('button', { name: 'Add workspace' }).click();
  const refusal = dialog.getByRole('alert');
  await expect(refusal).toContainText('The workspace was not added', { timeout: 45_000 });
  await expect(refusal).toContainText(/CLOUD_/);
  await page.screenshot({ path: 'e2e/screenshots/tree-add-workspace-error.png' });
  // The token never shows up in the page, and nothing was added.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('body')).not.toContainText('dapi0000000000000000');
  await expect(page.getByRole('tree', { name: 'Database explorer' }).getByRole('treeitem', { level: 1 })).toHaveCount(1);
});

test('a branch from an LSN with a time to live holds the data as of that LSN', async ({ page }) => {
  test.setTimeout(120_000);
  const production = new pg.Client({ connectionString: readyInfo().postgres });
  await production.connect();
  let lsn: string;
  try {
    await production.query(`UPDATE clients SET company = 'Before LSN' WHERE id = 3`);
    lsn = (await production.query<{ lsn: string }>(`SELECT pg_current_wal_insert_lsn()::text AS lsn`)).rows[0]!.lsn;
    await production.query(`UPDATE clients SET company = 'After LSN' WHERE id = 3`);
  } finally {
    await production.end();
  }

  await page.goto(readyInfo().ui);
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  const productionItem = tree.getByRole('treeitem', { name: 'production', exact: true });
  await productionItem.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'New branch…' }).click();
  const dialog = page.getByRole('dialog', { name: 'New branch' });
  await dialog.getByLabel('Branch name').fill('as-of-lsn');
  await dialog.getByRole('radio', { name: 'A log sequence number (LSN)' }).check();
  await dialog.getByLabel('LSN', { exact: true }).fill(lsn);
  await dialog.getByRole('radio', { name: 'Expires after a while' }).check();
  await dialog.getByLabel('Time to live').fill('3');
  await dialog.getByLabel('Unit').selectOption('hours');
  await dialog.getByRole('button', { name: 'Create branch' }).click();
  await expect(dialog).toBeHidden();
  await expect(
    page.getByRole('region', { name: 'Operations' }).getByRole('listitem', { name: 'Create branch as-of-lsn: Succeeded' }),
  ).toBeVisible({ timeout: 90_000 });

  const branch = tree.getByRole('treeitem', { name: 'as-of-lsn', exact: true });
  await expect(branch).toHaveAttribute('aria-description', /expires in 3 h/);
  const onBranch = await branchClient('projects/local/branches/as-of-lsn');
  try {
    expect((await onBranch.query(`SELECT company FROM clients WHERE id = 3`)).rows[0]?.company).toBe('Before LSN');
  } finally {
    await onBranch.end();
  }
});

test('a protected branch: deleting it needs its name and the server refuses until it is unprotected', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(readyInfo().ui);
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  const operations = page.getByRole('region', { name: 'Operations' });
  const dev = tree.getByRole('treeitem', { name: 'dev', exact: true });
  await dev.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Protect branch' }).click();
  await expect(operations.getByRole('listitem', { name: 'Protect branch dev: Succeeded' })).toBeVisible({ timeout: 60_000 });
  await expect(dev).toHaveAttribute('aria-description', /protected/);

  await dev.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Delete branch…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete branch dev?' });
  await expect(dialog.getByRole('button', { name: 'Delete branch' })).toBeDisabled();
  await dialog.getByLabel('Type “dev” to confirm').fill('dev');
  await dialog.getByRole('button', { name: 'Delete branch' }).click();
  await expect(dialog.getByRole('alert')).toContainText('The server refused to delete the branch', { timeout: 60_000 });
  await expect(dialog.getByRole('alert')).toContainText(/protected/i);
  await page.screenshot({ path: 'e2e/screenshots/tree-delete-protected.png' });
  await dialog.getByRole('button', { name: 'Close' }).click();

  await dev.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Unprotect branch' }).click();
  await expect(operations.getByRole('listitem', { name: 'Unprotect branch dev: Succeeded' })).toBeVisible({ timeout: 60_000 });
  await expect(dev).not.toHaveAttribute('aria-description', /protected/);
});

test('a new project appears with its production branch; the default branch can be moved and moved back', async ({ page }) => {
  test.setTimeout(150_000);
  await page.goto(readyInfo().ui);
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  const operations = page.getByRole('region', { name: 'Operations' });
  await tree.getByRole('treeitem', { level: 1 }).first().click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'New project…' }).click();
  const dialog = page.getByRole('dialog', { name: 'New project' });
  await dialog.getByLabel('Project id').fill('analytics');
  await dialog.getByLabel('Display name (optional)').fill('Analytics');
  await dialog.getByRole('button', { name: 'Create project' }).click();
  await expect(dialog).toBeHidden();
  await expect(operations.getByRole('listitem', { name: /^Create project .*: Succeeded$/ })).toBeVisible({ timeout: 120_000 });
  const project = tree.getByRole('treeitem', { name: 'Analytics', exact: true });
  await expandItem(page, project);
  await expect(tree.locator('[role="treeitem"][aria-level="3"]', { hasText: 'production' }).last()).toHaveAttribute(
    'aria-description',
    /default/,
  );

  // Move the local project's default to as-of-lsn and back.
  const asOf = tree.getByRole('treeitem', { name: 'as-of-lsn', exact: true });
  await asOf.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Set as default branch' }).click();
  await expect(asOf).toHaveAttribute('aria-description', /^default/, { timeout: 60_000 });
  const production = tree.getByRole('treeitem', { name: 'production', exact: true }).first();
  await expect(production).not.toHaveAttribute('aria-description', /^default/);
  await production.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Set as default branch' }).click();
  await expect(production).toHaveAttribute('aria-description', /^default/, { timeout: 60_000 });
  await page.screenshot({ path: 'e2e/screenshots/tree-projects.png' });
});

test('deleting an ordinary branch needs no typing; the dialog closes when it is gone and the tree drops it', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(readyInfo().ui);
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  const asOf = tree.getByRole('treeitem', { name: 'as-of-lsn', exact: true });
  await asOf.focus();
  await page.keyboard.press('Shift+F10');
  await page.getByRole('menuitem', { name: 'Delete branch…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete branch as-of-lsn?' });
  await expect(dialog.getByRole('textbox')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Delete branch' }).click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
  await expect(asOf).toHaveCount(0);
  await expect(
    page.getByRole('region', { name: 'Operations' }).getByRole('listitem', { name: 'Delete branch as-of-lsn: Succeeded' }),
  ).toBeVisible();
});

// The owner may create in the sample's public schema (PG 15+ took CREATE from PUBLIC; see OWNER_SCHEMA_RIGHTS_SQL).
test('reset sample data on dev: after a confirmation the documented rows are back, other tables untouched', async ({ page }) => {
  test.setTimeout(90_000);
  const db = await branchClient(DEV);
  try {
    await db.query(`UPDATE clients SET name = 'Changed in e2e' WHERE id = 1; DELETE FROM tasks; CREATE TABLE e2e_keep (id int)`);
    await page.goto(readyInfo().ui);
    const tree = page.getByRole('tree', { name: 'Database explorer' });
    const dev = tree.getByRole('treeitem', { name: 'dev', exact: true });
    await dev.click({ button: 'right' });
    await page.getByRole('menu', { name: 'Actions for dev' }).getByRole('menuitem', { name: 'Reset sample data…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset sample data' });
    await expect(dialog).toContainText('clients');
    await page.screenshot({ path: 'e2e/screenshots/tree-reset-sample.png' });
    await dialog.getByRole('button', { name: 'Reset sample data' }).click();
    await expect(dialog).toBeHidden({ timeout: 60_000 });
    await expect(page.getByText('The sample data of dev is as documented again.')).toBeVisible();
    expect((await db.query(`SELECT name FROM clients WHERE id = 1`)).rows).toEqual([{ name: 'Acme Corp' }]);
    expect((await db.query(`SELECT count(*)::int AS n FROM tasks`)).rows).toEqual([{ n: 6 }]);
    expect((await db.query(`SELECT count(*)::int AS n FROM e2e_keep`)).rows).toEqual([{ n: 0 }]);
  } finally {
    await db.query(`DROP TABLE IF EXISTS e2e_keep`).catch(() => undefined);
    await db.end();
  }
});
