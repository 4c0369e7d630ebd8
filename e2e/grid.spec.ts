import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import { readyInfo } from './support/ready';

async function openTable(page: Page, table: string) {
  await page.goto(readyInfo().ui);
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  // Generous: on a loaded machine the first catalog call can take a while.
  await expect(tree.getByRole('treeitem').first()).toBeVisible({ timeout: 30_000 });
  // Expand whatever is collapsed until the table shows: independent of how the tree nests it.
  const item = tree.getByRole('treeitem', { name: new RegExp(`^${table}\\b`) }).first();
  for (let i = 0; i < 40 && !(await item.isVisible()); i++) {
    const collapsed = tree.locator('[role="treeitem"][aria-expanded="false"]').first();
    if (await collapsed.isVisible()) await collapsed.click();
    else await page.waitForTimeout(200);
  }
  await item.click();
  const grid = page.getByRole('grid', { name: `public.${table} rows` });
  await expect(grid).toBeVisible();
  return grid;
}

test("the documentation's query, built with the mouse", async ({ page }) => {
  test.slow(); // some twenty steps through the builder, the URL bar and its errors
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const grid = await openTable(page, 'clients');
  const builder = page.getByRole('region', { name: 'Query builder' });

  // Columns: keep id and name.
  for (const column of ['email', 'company', 'phone', 'created_at']) {
    await builder.getByRole('checkbox', { name: column, exact: true }).uncheck();
  }
  // Filter id ≥ 2.
  await builder.getByRole('button', { name: '+ Filter' }).click();
  await builder.getByLabel('Filter 1 column').selectOption({ label: 'id' });
  await builder.getByLabel('Filter 1 operator').selectOption('gte');
  await builder.getByLabel('Filter 1 value').fill('2');
  await builder.getByLabel('Filter 1 value').press('Enter');
  // Embed projects(id, name).
  await builder.getByRole('checkbox', { name: 'Embed projects' }).check();
  const projectColumns = builder.getByRole('group', { name: 'projects columns' });
  await expect(projectColumns.getByRole('checkbox', { name: 'projects.id' })).toBeVisible();
  for (const box of await projectColumns.getByRole('checkbox').all()) {
    const name = await box.getAttribute('aria-label');
    if (name !== 'projects.id' && name !== 'projects.name') await box.uncheck();
  }

  const url = page.getByLabel('Data API URL');
  await expect(url).toHaveValue(/\/public\/clients\?select=id,name,projects\(id,name\)&id=gte\.2$/);
  await expect(grid.getByRole('row')).toHaveCount(3);
  await expect(grid.getByText('TechStart Inc', { exact: true }).first()).toBeVisible();
  await expect(grid.getByText('Global Solutions', { exact: true })).toBeVisible();
  await expect(grid.getByText('Acme Corp', { exact: true })).toHaveCount(0);
  // The to-many embed is one column whose cells count the rows (they open as a nested grid).
  await expect(grid.getByRole('columnheader', { name: /projects/ })).toBeVisible();
  await expect(grid.getByRole('gridcell', { name: /^1 project\b/ }).first()).toBeVisible();
  // The whole value, pretty-printed, beside the grid.
  await grid
    .getByRole('gridcell', { name: /^1 project\b/ })
    .first()
    .click({ position: { x: 4, y: 4 } });
  await expect(page.getByRole('region', { name: 'Value of projects' })).toContainText('"name": "Database Migration"');

  // The code for this view says the same thing.
  await expect(page.getByRole('tabpanel', { name: 'curl code' })).toContainText('select=id,name,projects(id,name)&id=gte.2');
  await expect(page.getByRole('tabpanel', { name: 'curl code' })).toContainText('Authorization: Bearer $TOKEN');
  await page.getByRole('tab', { name: 'postgrest-js' }).click();
  await expect(page.getByRole('tabpanel', { name: 'postgrest-js code' })).toContainText(".filter('id', 'gte', '2')");
  await page.screenshot({ path: 'e2e/screenshots/grid-docs-query.png' });

  // Two-way: an edited URL updates the builder; an invalid one shows the error in place.
  await url.fill(`clients?select=id,name&id=lte.1`);
  await url.press('Enter');
  await expect(grid.getByRole('row')).toHaveCount(2);
  await expect(grid.getByText('Acme Corp', { exact: true })).toBeVisible();
  await expect(builder.getByLabel('Filter 1 operator')).toHaveValue('lte');
  await expect(builder.getByRole('checkbox', { name: 'email', exact: true })).not.toBeChecked();

  // A filter without an operator is not a filter: the error says so, naming it, and the grid keeps
  // the rows it showed (PostgREST answers 400 PGRST100; the engine used to return every row).
  await url.fill(`clients?select=id,name&id=3`);
  await url.press('Enter');
  await expect(page.getByRole('alert')).toContainText('failed to parse filter (3)');
  await expect(page.getByRole('alert')).toContainText("'id'");
  await expect(page.getByRole('alert')).toContainText('PGRST100');
  await expect(grid.getByRole('row')).toHaveCount(2);
  await expect(grid.getByText('Global Solutions', { exact: true })).toHaveCount(0);

  await url.fill(`clients?select=id,nope`);
  await url.press('Enter');
  await expect(page.getByRole('alert')).toContainText(/nope/);
  await url.fill('projects?select=id');
  await url.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'This URL is for "projects"' })).toBeVisible();
  await url.fill('clients');
  await url.press('Enter');
  await builder.getByLabel('Count mode').selectOption('planned');
  await expect(page.getByText(/^≈ \d+ rows? · 6 columns$/)).toBeVisible();
  await page.screenshot({ path: 'e2e/screenshots/grid-engine-error.png' });
  expect(errors).toEqual([]);
});

test('view as an identity shows only the rows its RLS policy allows', async ({ page }) => {
  const client = new pg.Client({ connectionString: readyInfo().postgres });
  await client.connect();
  try {
    await client.query(`ALTER TABLE public.clients ENABLE ROW LEVEL SECURITY`);
    await client.query(`DROP POLICY IF EXISTS e2e_grid_view_as ON public.clients`);
    await client.query(`CREATE POLICY e2e_grid_view_as ON public.clients FOR SELECT TO "user@example.com" USING (id = 1)`);

    const grid = await openTable(page, 'clients');
    await expect(grid.getByRole('row')).toHaveCount(4);
    await page.getByLabel('View as').selectOption('user@example.com');
    await expect(grid.getByRole('row')).toHaveCount(2);
    await expect(grid.getByText('Acme Corp', { exact: true })).toBeVisible();
    await expect(grid.getByText('TechStart Inc', { exact: true })).toHaveCount(0);
    await expect(page.getByText('1 row ·')).toBeVisible();
    await page.screenshot({ path: 'e2e/screenshots/grid-view-as.png' });

    await page.getByLabel('View as').selectOption({ label: 'admin (superuser)' });
    await expect(grid.getByRole('row')).toHaveCount(4);
  } finally {
    await client.query(`DROP POLICY IF EXISTS e2e_grid_view_as ON public.clients`);
    await client.query(`ALTER TABLE public.clients DISABLE ROW LEVEL SECURITY`);
    await client.end();
  }
});

/** Writes land in the engine separately; until then the engine refuses them and this flow waits. */
async function writesWork(): Promise<boolean> {
  const info = readyInfo();
  const token = info.tokens['user@example.com'];
  const res = await fetch(`${info.dataApi}/clients?id=eq.1`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', prefer: 'tx=rollback' },
    body: JSON.stringify({ phone: '+1-555-0101' }),
  });
  return res.status < 400;
}

test('an edit: staged, reviewed, previewed, applied, and still there after a reload', async ({ page }) => {
  test.skip(!(await writesWork()), 'the Data API engine does not accept writes yet');
  const client = new pg.Client({ connectionString: readyInfo().postgres });
  await client.connect();
  try {
    const grid = await openTable(page, 'clients');
    await grid.getByRole('gridcell', { name: 'TechStart Inc', exact: true }).first().dblclick();
    const editor = grid.getByLabel('Edit name');
    await editor.fill('TechStart GmbH');
    await editor.press('Enter');

    const review = page.getByRole('region', { name: 'Staged changes' });
    await expect(review).toContainText('PATCH');
    await expect(review).toContainText('/public/clients?id=eq.2');
    await expect(review).toContainText('{"name":"TechStart GmbH"}');
    await review.getByRole('button', { name: 'Preview (rollback)' }).click();
    await expect(review.getByRole('status')).toContainText('would succeed');
    expect((await client.query(`SELECT name FROM clients WHERE id = 2`)).rows[0]?.name).toBe('TechStart Inc');
    await page.screenshot({ path: 'e2e/screenshots/grid-edit-review.png' });

    await review.getByRole('button', { name: 'Apply all' }).click();
    await expect(page.getByRole('region', { name: 'Staged changes' })).toHaveCount(0);
    await page.reload();
    const reloaded = page.getByRole('grid', { name: 'public.clients rows' });
    await expect(reloaded.getByText('TechStart GmbH', { exact: true })).toBeVisible();
    expect((await client.query(`SELECT name FROM clients WHERE id = 2`)).rows[0]?.name).toBe('TechStart GmbH');
  } finally {
    await client.query(`UPDATE clients SET name = 'TechStart Inc' WHERE id = 2`);
    await client.end();
  }
});

test('export the current view to CSV and JSON, all rows', async ({ page }) => {
  const grid = await openTable(page, 'clients');
  const url = page.getByLabel('Data API URL');
  await url.fill('clients?select=id,name&order=id.desc');
  await url.press('Enter');
  await expect(grid.getByRole('row').nth(1)).toContainText('Global Solutions');

  const csv = page.waitForEvent('download');
  await page.getByLabel('Export').selectOption('csv');
  const csvText = await streamText(await (await csv).createReadStream());
  // Postgres's COPY writes the CSV: the view's columns and order, quoting only where CSV needs it.
  expect(csvText.trim().split('\n')).toEqual(['id,name', '3,Global Solutions', '2,TechStart Inc', '1,Acme Corp']);
  await expect(page.getByText('3 rows → clients.csv')).toBeVisible();

  const json = page.waitForEvent('download');
  await page.getByLabel('Export').selectOption('json');
  expect(JSON.parse(await streamText(await (await json).createReadStream()))).toEqual([
    { id: 3, name: 'Global Solutions' },
    { id: 2, name: 'TechStart Inc' },
    { id: 1, name: 'Acme Corp' },
  ]);
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

test('a foreign-key cell shows the row it references; a row lists the tables that reference it', async ({ page }) => {
  const grid = await openTable(page, 'projects');
  await expect(grid.getByRole('columnheader', { name: /client_id.*→ clients/ })).toBeVisible();
  const url = page.getByLabel('Data API URL');
  await url.fill('projects?select=id,name,client_id&id=eq.1');
  await url.press('Enter');
  await expect(grid.getByRole('row')).toHaveCount(2);
  await grid.getByRole('row').nth(1).getByRole('gridcell').nth(2).click();

  const related = page.getByRole('region', { name: 'Related rows' });
  const client = related.getByRole('definition').filter({ hasText: /^Acme Corp$/ });
  await expect(client).toBeVisible();
  await expect(related.getByRole('listitem').filter({ hasText: 'tasks' })).toContainText(/\d+ rows?/);
  await page.screenshot({ path: 'e2e/screenshots/grid-references.png' });
});

test('columns reorder by drag and by keyboard; the active cell moves with arrows and copies', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const grid = await openTable(page, 'clients');
  const headers = grid.getByRole('columnheader');
  const names = async () => (await headers.allInnerTexts()).map((t) => t.split('\n')[0]?.trim());
  expect((await names()).slice(0, 4)).toEqual(['id', 'name', 'email', 'company']);

  await headers.filter({ hasText: /^email/ }).dragTo(headers.filter({ hasText: /^company/ }));
  expect((await names()).slice(0, 4)).toEqual(['id', 'name', 'company', 'email']);

  await grid.getByRole('gridcell', { name: 'Acme Corp', exact: true }).click();
  await page.keyboard.press('Alt+Shift+ArrowRight');
  expect((await names()).slice(0, 4)).toEqual(['id', 'company', 'name', 'email']);

  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Control+c');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('TechStart Inc');

  // Shift+arrows select a block; copy gives tab-separated rows.
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Control+c');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    'TechStart Inc\thello@techstart.com\nGlobal Solutions\tinfo@globalsolutions.com',
  );
});

test('a write the database refuses is not applied and says why on the row', async ({ page }) => {
  test.skip(!(await writesWork()), 'the Data API engine does not accept writes yet');
  const grid = await openTable(page, 'clients');
  // email is NOT NULL: Delete stages NULL for the active cell.
  await grid.getByRole('gridcell', { name: 'contact@acme.com', exact: true }).click();
  await page.keyboard.press('Delete');
  const review = page.getByRole('region', { name: 'Staged changes' });
  await expect(review).toContainText('{"email":null}');
  await review.getByRole('button', { name: 'Apply all' }).click();
  await expect(review.getByRole('status')).toContainText('Not applied');
  await expect(review.getByRole('listitem')).toContainText('A required column was left empty');
  await expect(grid.getByRole('row').nth(1)).toHaveClass(/grid__row--error/);
  await page.screenshot({ path: 'e2e/screenshots/grid-write-refused.png' });

  // Undo while staged: the change and its error go away, the cell shows what the database holds.
  await review.getByRole('button', { name: /^Undo PATCH/ }).click();
  await expect(page.getByRole('region', { name: 'Staged changes' })).toHaveCount(0);
  await expect(grid.getByRole('gridcell', { name: 'contact@acme.com', exact: true })).toBeVisible();
});

test('staged changes are applied together in one transaction, or not at all', async ({ page }) => {
  test.skip(!(await writesWork()), 'the Data API engine does not accept writes yet');
  const client = new pg.Client({ connectionString: readyInfo().postgres });
  await client.connect();
  const nameOf2 = async () => (await client.query(`SELECT name FROM clients WHERE id = 2`)).rows[0]?.name as string;
  try {
    const grid = await openTable(page, 'clients');
    // A good change first, then one the database refuses (email is NOT NULL).
    await grid.getByRole('gridcell', { name: 'TechStart Inc', exact: true }).first().dblclick();
    await grid.getByLabel('Edit name').fill('TechStart AG');
    await grid.getByLabel('Edit name').press('Enter');
    await grid.getByRole('gridcell', { name: 'contact@acme.com', exact: true }).click();
    await page.keyboard.press('Delete');
    const review = page.getByRole('region', { name: 'Staged changes' });
    await expect(review.getByRole('listitem')).toHaveCount(2);
    await review.getByRole('button', { name: 'Apply all' }).click();
    await expect(review.getByRole('status')).toContainText('Not applied, nothing was changed');
    expect(await nameOf2()).toBe('TechStart Inc');
    await page.screenshot({ path: 'e2e/screenshots/grid-apply-all-or-nothing.png' });

    // Without the refused change, the rest goes through.
    await review.getByRole('button', { name: /^Undo PATCH \/public\/clients\?id=eq\.1/ }).click();
    await review.getByRole('button', { name: 'Apply all' }).click();
    await expect(page.getByRole('region', { name: 'Staged changes' })).toHaveCount(0);
    expect(await nameOf2()).toBe('TechStart AG');
  } finally {
    await client.query(`UPDATE clients SET name = 'TechStart Inc' WHERE id = 2`);
    await client.end();
  }
});

test('a new row shows the defaults it will get, and is written with them', async ({ page }) => {
  test.skip(!(await writesWork()), 'the Data API engine does not accept writes yet');
  const client = new pg.Client({ connectionString: readyInfo().postgres });
  await client.connect();
  try {
    const grid = await openTable(page, 'clients');
    await page.getByRole('button', { name: 'Add row' }).click();
    const form = page.getByRole('form', { name: 'New row' });
    await expect(form.getByLabel('New id')).toHaveAttribute('placeholder', /default: nextval/);
    await form.getByLabel('New name').fill('E2E Row Co');
    await form.getByLabel('New email').fill('e2e@example.com');
    await form.getByRole('button', { name: 'Stage new row' }).click();
    const review = page.getByRole('region', { name: 'Staged changes' });
    await expect(review).toContainText('POST');
    await review.getByRole('button', { name: 'Apply all' }).click();
    await expect(grid.getByText('E2E Row Co', { exact: true })).toBeVisible();
    const row = await client.query(`SELECT created_at IS NOT NULL AS has_default FROM clients WHERE name = 'E2E Row Co'`);
    expect(row.rows[0]?.has_default).toBe(true);

    // And deleted again: the row is struck through while staged, gone once applied.
    await grid.getByText('E2E Row Co', { exact: true }).click();
    await page.getByRole('button', { name: 'Delete row' }).click();
    await expect(grid.getByRole('row').filter({ hasText: 'E2E Row Co' })).toHaveClass(/grid__row--deleted/);
    await expect(review).toContainText('DELETE');
    await review.getByRole('button', { name: 'Apply all' }).click();
    await expect(grid.getByText('E2E Row Co', { exact: true })).toHaveCount(0);
    expect((await client.query(`SELECT count(*)::int AS n FROM clients WHERE name = 'E2E Row Co'`)).rows[0]?.n).toBe(0);
  } finally {
    await client.query(`DELETE FROM clients WHERE name = 'E2E Row Co'`);
    await client.end();
  }
});

test('filters on an embedded table with !inner, a negated or-group, and a sort with nulls', async ({ page }) => {
  const grid = await openTable(page, 'clients');
  const builder = page.getByRole('region', { name: 'Query builder' });
  const url = page.getByLabel('Data API URL');

  await builder.getByRole('checkbox', { name: 'Embed projects' }).check();
  await builder.getByRole('button', { name: '+ Filter' }).click();
  await expect(builder.getByLabel('Filter 1 column').locator('option', { hasText: 'projects.status' })).toHaveCount(1);
  await builder.getByLabel('Filter 1 column').selectOption({ label: 'projects.status' });
  await builder.getByLabel('Filter 1 value').fill('active');
  await builder.getByLabel('Filter 1 value').press('Enter');
  await builder.getByText('Only rows that have a match (!inner)').click();
  await expect(url).toHaveValue(/clients\?select=\*,projects!inner\(\*\)&projects\.status=eq\.active$/);
  // Acme and TechStart have an active project; Global Solutions has none.
  await expect(grid.getByRole('row')).toHaveCount(3);
  await expect(grid.getByText('Global Solutions', { exact: true })).toHaveCount(0);

  // A negated group: not (name = Acme Corp or id = 3).
  await builder.getByRole('button', { name: '+ Group' }).click();
  await builder.getByLabel('Filter 2 not', { exact: true }).check();
  await builder.getByLabel('Filter 2.1 column').selectOption({ label: 'name' });
  await builder.getByLabel('Filter 2.1 value').fill('Acme Corp');
  await builder.getByLabel('Filter 2.1 value').press('Enter');
  await expect(url).toHaveValue(/&not\.or=\(name\.eq\.Acme%20Corp\)$/);
  await expect(grid.getByRole('row')).toHaveCount(2);
  await expect(grid.getByText('TechStart Inc', { exact: true }).first()).toBeVisible();

  await builder.getByRole('button', { name: '+ Sort' }).click();
  await builder.getByLabel('Sort 1 direction').selectOption('desc');
  await builder.getByLabel('Sort 1 nulls').selectOption('last');
  await expect(url).toHaveValue(/&order=id\.desc\.nullslast$/);
  await page.screenshot({ path: 'e2e/screenshots/grid-embedded-filter.png' });

  // The view survives a reload of the window (and a switch of tabs).
  await page.reload();
  await expect(page.getByLabel('Data API URL')).toHaveValue(/&order=id\.desc\.nullslast$/);
  await expect(page.getByRole('grid', { name: 'public.clients rows' }).getByRole('row')).toHaveCount(2);
});

test('a to-one embed shows as extra typed columns', async ({ page }) => {
  const grid = await openTable(page, 'projects');
  await page.getByRole('region', { name: 'Query builder' }).getByRole('checkbox', { name: 'Embed clients' }).check();
  await expect(grid.getByRole('columnheader', { name: /^clients\.name/ })).toBeVisible();
  await expect(grid.getByRole('columnheader', { name: /^clients\.created_at.*timestamp/ })).toBeVisible();
  await expect(grid.getByRole('row').nth(1)).toContainText('Acme Corp');
});

test('an RLS WITH CHECK refusal, viewed as the identity, shows on the row in words', async ({ page }) => {
  test.skip(!(await writesWork()), 'the Data API engine does not accept writes yet');
  const client = new pg.Client({ connectionString: readyInfo().postgres });
  await client.connect();
  try {
    await client.query(`ALTER TABLE public.clients ENABLE ROW LEVEL SECURITY`);
    await client.query(`DROP POLICY IF EXISTS e2e_grid_read ON public.clients`);
    await client.query(`DROP POLICY IF EXISTS e2e_grid_check ON public.clients`);
    await client.query(`CREATE POLICY e2e_grid_read ON public.clients FOR SELECT TO "user@example.com" USING (true)`);
    await client.query(
      `CREATE POLICY e2e_grid_check ON public.clients FOR UPDATE TO "user@example.com" USING (true) WITH CHECK (email LIKE '%@acme.com')`,
    );
    const grid = await openTable(page, 'clients');
    await page.getByLabel('View as').selectOption('user@example.com');
    await grid.getByRole('gridcell', { name: 'contact@acme.com', exact: true }).dblclick();
    await grid.getByLabel('Edit email').fill('contact@elsewhere.com');
    await grid.getByLabel('Edit email').press('Enter');
    const review = page.getByRole('region', { name: 'Staged changes' });
    await review.getByRole('button', { name: 'Apply all' }).click();
    await expect(review.getByRole('listitem')).toContainText('row-level security policy does not allow this row');
    await expect(grid.getByRole('row').nth(1)).toHaveClass(/grid__row--error/);
    await page.screenshot({ path: 'e2e/screenshots/grid-rls-with-check.png' });
    expect((await client.query(`SELECT email FROM clients WHERE id = 1`)).rows[0]?.email).toBe('contact@acme.com');
  } finally {
    await client.query(`DROP POLICY IF EXISTS e2e_grid_read ON public.clients`);
    await client.query(`DROP POLICY IF EXISTS e2e_grid_check ON public.clients`);
    await client.query(`ALTER TABLE public.clients DISABLE ROW LEVEL SECURITY`);
    await client.end();
  }
});
