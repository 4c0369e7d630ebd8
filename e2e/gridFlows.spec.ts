import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import { readyInfo } from './support/ready';

// The grid's everyday flows (issue 16) at both window sizes the issue names; every flow runs at
// each (screenshots get the size in their name).
const VIEWPORTS = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
] as const;

async function openTable(page: Page, table: string) {
  await page.goto(readyInfo().ui);
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  await expect(tree.getByRole('treeitem').first()).toBeVisible({ timeout: 30_000 });
  const item = tree.getByRole('treeitem', { name: new RegExp(`^${table}\\b`) }).first();
  for (let i = 0; i < 40 && !(await item.isVisible()); i++) {
    const collapsed = tree.locator('[role="treeitem"][aria-expanded="false"]').first();
    if (await collapsed.isVisible()) await collapsed.click();
    else await page.waitForTimeout(200);
  }
  await item.click();
  const grid = page.getByRole('grid', { name: `public.${table} rows` });
  await expect(grid).toBeVisible();
  await expect(grid.getByRole('row').nth(1)).toBeVisible();
  return grid;
}

async function withDb<T>(run: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: readyInfo().postgres });
  await db.connect();
  try {
    return await run(db);
  } finally {
    await db.end();
  }
}

function gridFlows(size: string) {
  test('an empty filter row is not run; it runs once its value is typed', async ({ page }) => {
    const grid = await openTable(page, 'clients');
    const builder = page.getByRole('region', { name: 'Query builder' });
    const url = page.getByLabel('Data API URL');
    await builder.getByRole('button', { name: '+ Filter' }).click();
    await expect(builder.getByLabel('Filter 1 value')).toBeVisible();
    // id=eq. would be refused by Postgres ("invalid input syntax for type integer"): nothing runs.
    await expect(url).toHaveValue(/\/public\/clients$/);
    await expect(page.getByText('The Data API refused this view')).toHaveCount(0);
    await expect(grid.getByRole('row')).toHaveCount(4);
    await expect(builder).toContainText('A filter runs once its value is filled in.');
    await page.screenshot({ path: `e2e/screenshots/grid-flows-${size}-empty-filter.png` });

    await builder.getByLabel('Filter 1 value').fill('2');
    await builder.getByLabel('Filter 1 value').press('Enter');
    await expect(url).toHaveValue(/\/public\/clients\?id=eq\.2$/);
    await expect(grid.getByRole('row')).toHaveCount(2);
    // Emptied again, it stops running rather than erroring.
    await builder.getByLabel('Filter 1 value').fill('');
    await builder.getByLabel('Filter 1 value').press('Enter');
    await expect(url).toHaveValue(/\/public\/clients$/);
    await expect(grid.getByRole('row')).toHaveCount(4);
  });

  test('a header click sorts; shift-click adds a key; a third click unsorts', async ({ page }) => {
    const grid = await openTable(page, 'projects');
    const url = page.getByLabel('Data API URL');
    const header = (name: string) => grid.getByRole('columnheader').filter({ hasText: new RegExp(`^${name}`) });
    const firstNames = async () => (await grid.getByRole('row').allInnerTexts()).slice(1).map((t) => t.split('\n')[2]);

    await header('name').click();
    await expect(url).toHaveValue(/\?order=name\.asc$/);
    await expect(header('name')).toHaveAttribute('aria-sort', 'ascending');
    await expect.poll(firstNames).toEqual(['API Integration', 'Database Migration', 'Mobile App Development', 'Website Redesign']);
    await header('name').click();
    await expect(url).toHaveValue(/\?order=name\.desc$/);
    await expect.poll(firstNames).toEqual(['Website Redesign', 'Mobile App Development', 'Database Migration', 'API Integration']);

    await header('status').click();
    await expect(url).toHaveValue(/\?order=status\.asc$/);
    await header('budget').click({ modifiers: ['Shift'] });
    await expect(url).toHaveValue(/\?order=status\.asc,budget\.asc$/);
    await expect(header('budget')).toHaveAttribute('aria-sort', 'ascending');
    // Both active projects, cheaper first.
    await expect.poll(firstNames).toEqual(['Database Migration', 'Website Redesign', 'API Integration', 'Mobile App Development']);
    await expect(page.getByRole('region', { name: 'Query builder' }).getByLabel('Sort 2 column')).toHaveValue('budget');
    await page.screenshot({ path: `e2e/screenshots/grid-flows-${size}-header-sort.png` });

    await header('budget').click({ modifiers: ['Shift'] });
    await header('budget').click({ modifiers: ['Shift'] });
    await expect(url).toHaveValue(/\?order=status\.asc$/);
    await header('status').click();
    await header('status').click();
    await expect(url).toHaveValue(/\/public\/projects$/);
  });

  test('Ctrl+Z / Ctrl+Shift+Z step through staged edits, not the URL bar; Ctrl+S applies', async ({ page }) => {
    await withDb(async (db) => {
      const grid = await openTable(page, 'clients');
      const url = page.getByLabel('Data API URL');
      // Text typed into the URL bar first: the browser's own undo would reach it.
      await url.fill(`${await url.inputValue()}?select=id,name,email,phone`);
      await url.press('Enter');
      await expect(grid.getByRole('columnheader')).toHaveCount(4);

      await grid.getByRole('gridcell', { name: '+1-555-0102', exact: true }).dblclick();
      await grid.getByLabel('Edit phone').fill('+1-555-0999');
      await grid.getByLabel('Edit phone').press('Enter');
      await grid.getByRole('gridcell', { name: '+1-555-0103', exact: true }).dblclick();
      await grid.getByLabel('Edit phone').fill('+1-555-0998');
      await grid.getByLabel('Edit phone').press('Enter');
      const review = page.getByRole('region', { name: 'Staged changes' });
      await expect(review.getByRole('listitem')).toHaveCount(2);

      await page.keyboard.press('Control+z');
      await expect(review.getByRole('listitem')).toHaveCount(1);
      await expect(grid.getByRole('gridcell', { name: '+1-555-0103', exact: true })).toBeVisible();
      await expect(url).toHaveValue(/select=id,name,email,phone$/);
      await page.keyboard.press('Control+z');
      await expect(review).toHaveCount(0);
      // Nothing left to undo: the URL bar keeps its text, the grid its columns.
      await page.keyboard.press('Control+z');
      await expect(url).toHaveValue(/select=id,name,email,phone$/);
      await expect(grid.getByRole('columnheader')).toHaveCount(4);

      await page.keyboard.press('Control+Shift+z');
      await page.keyboard.press('Control+Shift+z');
      await expect(review.getByRole('listitem')).toHaveCount(2);
      await expect(grid.getByRole('gridcell', { name: '+1-555-0998', exact: true })).toBeVisible();
      await page.screenshot({ path: `e2e/screenshots/grid-flows-${size}-undo.png` });

      try {
        await page.keyboard.press('Control+s');
        await expect(review).toHaveCount(0);
        const phones = await db.query(`SELECT phone FROM clients WHERE id IN (2, 3) ORDER BY id`);
        expect(phones.rows.map((r) => r.phone)).toEqual(['+1-555-0999', '+1-555-0998']);
        // Applied changes are not undone as staged ones.
        await page.keyboard.press('Control+z');
        await expect(review).toHaveCount(0);
      } finally {
        await db.query(`UPDATE clients SET phone = '+1-555-0102' WHERE id = 2`);
        await db.query(`UPDATE clients SET phone = '+1-555-0103' WHERE id = 3`);
      }
    });
  });

  test('deleting a client says which projects and tasks go with it, and applying asks first', async ({ page }) => {
    await withDb(async (db) => {
      const counts = async () =>
        (await db.query(`SELECT (SELECT count(*) FROM projects)::int AS projects, (SELECT count(*) FROM tasks)::int AS tasks`)).rows[0];
      const before = await counts();
      const grid = await openTable(page, 'clients');
      // Global Solutions (id 3): one project, one task, both ON DELETE CASCADE.
      await grid.getByRole('gridcell', { name: 'Global Solutions', exact: true }).click();
      await page.getByRole('button', { name: 'Delete row' }).click();
      const review = page.getByRole('region', { name: 'Staged changes' });
      const reach = review.getByRole('note', { name: 'Other tables' });
      await expect(reach).toContainText('public.projects: 1 row deleted');
      await expect(reach).toContainText('public.tasks: 1 row deleted');
      await review.getByRole('button', { name: 'Preview (rollback)' }).click();
      await expect(review.getByRole('status')).toContainText('would succeed together');
      await expect(reach).toContainText('public.projects: 1 row deleted');
      await page.screenshot({ path: `e2e/screenshots/grid-flows-${size}-cascade-review.png` });

      // Apply asks, naming the tables; Cancel changes nothing.
      await review.getByRole('button', { name: 'Apply all' }).click();
      const dialog = page.getByRole('dialog', { name: 'Apply, and change other tables too?' });
      await expect(dialog).toContainText('public.projects: 1 row deleted');
      await expect(dialog).toContainText('public.tasks: 1 row deleted');
      await page.screenshot({ path: `e2e/screenshots/grid-flows-${size}-cascade-confirm.png` });
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect(dialog).toHaveCount(0);
      expect(await counts()).toEqual(before);

      const saved = await db.query(`SELECT row_to_json(p) AS p FROM projects p WHERE client_id = 3`);
      const savedTasks = await db.query(
        `SELECT row_to_json(t) AS t FROM tasks t JOIN projects p ON p.id = t.project_id WHERE p.client_id = 3`,
      );
      const savedClient = await db.query(`SELECT row_to_json(c) AS c FROM clients c WHERE id = 3`);
      try {
        await review.getByRole('button', { name: 'Apply all' }).click();
        await dialog.getByRole('button', { name: 'Apply, with these' }).click();
        await expect(page.getByRole('region', { name: 'Staged changes' })).toHaveCount(0);
        await expect(grid.getByText('Global Solutions', { exact: true })).toHaveCount(0);
        expect(await counts()).toEqual({ projects: before.projects - 1, tasks: before.tasks - 1 });
      } finally {
        // Put the sample back as it was, ids included.
        await db.query(`INSERT INTO clients SELECT * FROM json_populate_record(NULL::clients, $1) ON CONFLICT DO NOTHING`, [
          savedClient.rows[0].c,
        ]);
        for (const r of saved.rows)
          await db.query(`INSERT INTO projects SELECT * FROM json_populate_record(NULL::projects, $1) ON CONFLICT DO NOTHING`, [r.p]);
        for (const r of savedTasks.rows)
          await db.query(`INSERT INTO tasks SELECT * FROM json_populate_record(NULL::tasks, $1) ON CONFLICT DO NOTHING`, [r.t]);
      }
    });
  });

  async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  }

  test('CSV round-trips: COPY export keeps backslashes and a column named a,b; importing it back gives the same rows', async ({ page }) => {
    await withDb(async (db) => {
      await db.query(`DROP TABLE IF EXISTS csv_trip`);
      await db.query(`CREATE TABLE csv_trip (id int PRIMARY KEY, "a,b" text, note text, born date)`);
      await db.query(`INSERT INTO csv_trip VALUES
      (1, 'C:\\temp\\x', 'say "hi", then
leave', '2024-01-02'),
      (2, '', NULL, NULL),
      (3, NULL, 'ça va', '1999-12-31')`);
      await db.query(`GRANT SELECT, INSERT ON csv_trip TO "user@example.com"`);
      await db.query(`NOTIFY pgrst, 'reload schema'`);
      const original = (await db.query(`SELECT * FROM csv_trip ORDER BY id`)).rows;
      try {
        const grid = await openTable(page, 'csv_trip');
        await expect(grid.getByRole('gridcell', { name: 'C:\\temp\\x', exact: true })).toBeVisible();
        const download = page.waitForEvent('download');
        await page.getByLabel('Export').selectOption('csv');
        const csv = await streamText(await (await download).createReadStream());
        expect(csv).toBe('id,"a,b",note,born\n1,C:\\temp\\x,"say ""hi"", then\nleave",2024-01-02\n2,"",,\n3,,ça va,1999-12-31\n');
        await expect(page.getByText('3 rows → csv_trip.csv')).toBeVisible();

        // The view's filter applies (a value with a quote in it, matched as a literal).
        const url = page.getByLabel('Data API URL');
        await url.fill(`${(await url.inputValue()).split('?')[0]}?note=like.*"hi"*`);
        await url.press('Enter');
        await expect(grid.getByRole('row')).toHaveCount(2);
        await expect(page.getByLabel('Export').locator('option[value="csv"]')).toHaveText('CSV (filtered rows)');
        const filtered = page.waitForEvent('download');
        await page.getByLabel('Export').selectOption('csv');
        expect(await streamText(await (await filtered).createReadStream())).toBe(
          'id,"a,b",note,born\n1,C:\\temp\\x,"say ""hi"", then\nleave",2024-01-02\n',
        );
        await url.fill((await url.inputValue()).split('?')[0]!);
        await url.press('Enter');
        await expect(grid.getByRole('row')).toHaveCount(4);

        // Back in: into the emptied table, through the preview.
        await db.query(`DELETE FROM csv_trip`);
        await page.getByRole('button', { name: 'Import CSV' }).click();
        const dialog = page.getByRole('dialog', { name: 'Import CSV into public.csv_trip' });
        await dialog.getByLabel('CSV file').setInputFiles({ name: 'csv_trip.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
        await expect(dialog.getByRole('status')).toHaveText('All 3 rows pass the checks (rolled back).');
        await expect(dialog.getByRole('table', { name: 'First rows' })).toContainText('C:\\temp\\x');
        expect((await db.query(`SELECT count(*)::int AS n FROM csv_trip`)).rows[0].n).toBe(0);
        await page.screenshot({ path: `e2e/screenshots/grid-flows-${size}-import-preview.png` });
        await dialog.getByRole('button', { name: 'Import 3 rows' }).click();
        await expect(dialog.getByRole('status')).toHaveText('Imported 3 rows into public.csv_trip.');
        expect((await db.query(`SELECT * FROM csv_trip ORDER BY id`)).rows).toEqual(original);
        await dialog.getByRole('button', { name: 'Close' }).click();
        await expect(grid.getByRole('row')).toHaveCount(4);

        // A file with bad rows: each failing line is named, and nothing is imported.
        await page.getByRole('button', { name: 'Import CSV' }).click();
        await dialog.getByLabel('CSV file').setInputFiles({
          name: 'bad.csv',
          mimeType: 'text/csv',
          buffer: Buffer.from('id,born\n10,2024-02-30\n11,2024-03-01\n1,2024-01-01\n'),
        });
        await expect(dialog.getByRole('status')).toContainText('2 of 3 rows would fail');
        const errors = dialog.getByRole('list', { name: 'Rows that fail' });
        await expect(errors).toContainText('Line 2: date/time field value out of range');
        await expect(errors).toContainText('Line 4: duplicate key value');
        await expect(dialog.getByRole('button', { name: 'Import 3 rows' })).toBeDisabled();
        await page.screenshot({ path: `e2e/screenshots/grid-flows-${size}-import-errors.png` });
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        expect((await db.query(`SELECT count(*)::int AS n FROM csv_trip`)).rows[0].n).toBe(3);
      } finally {
        await db.query(`DROP TABLE IF EXISTS csv_trip`);
        await db.query(`NOTIFY pgrst, 'reload schema'`);
      }
    });
  });

  test('a foreign-key cell opens the row it references, in that table’s tab filtered to it', async ({ page }) => {
    const grid = await openTable(page, 'projects');
    // Database Migration belongs to client 2.
    const cell = grid
      .getByRole('row')
      .filter({ hasText: 'Database Migration' })
      .getByRole('gridcell')
      .filter({ has: page.getByRole('button', { name: 'Open clients row 2' }) });
    await cell.hover();
    await page.screenshot({ path: `e2e/screenshots/grid-flows-${size}-fk-link.png` });
    await cell.getByRole('button', { name: 'Open clients row 2' }).click();
    const clients = page.getByRole('grid', { name: 'public.clients rows' });
    await expect(clients).toBeVisible();
    await expect(page.getByLabel('Data API URL')).toHaveValue(/\/public\/clients\?id=eq\.2$/);
    await expect(clients.getByRole('row')).toHaveCount(2);
    await expect(clients.getByRole('gridcell', { name: 'TechStart Inc', exact: true }).first()).toBeVisible();
    await expect(page.getByRole('tab', { name: /clients/ })).toBeVisible();
    await page.screenshot({ path: `e2e/screenshots/grid-flows-${size}-fk-opened.png` });

    // By keyboard too: Ctrl+Enter on the active foreign-key cell.
    await page.getByRole('tab', { name: /projects/ }).click();
    const projects = page.getByRole('grid', { name: 'public.projects rows' });
    await projects.getByRole('row').filter({ hasText: 'API Integration' }).getByRole('gridcell', { name: 'API Integration' }).click();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Control+Enter');
    await expect(page.getByLabel('Data API URL')).toHaveValue(/\/public\/clients\?id=eq\.3$/);
  });

  test('a row’s side panel counts the rows that reference it; a count opens them, filtered', async ({ page }) => {
    const expected = await withDb(
      async (db) => (await db.query(`SELECT count(*)::int AS n FROM projects WHERE client_id = 1`)).rows[0].n as number,
    );
    const grid = await openTable(page, 'clients');
    await grid.getByRole('gridcell', { name: 'Acme Corp', exact: true }).click();
    const related = page.getByRole('region', { name: 'Related rows' });
    const open = related.getByRole('button', { name: `projects via client_id: ${expected} row${expected === 1 ? '' : 's'}` });
    await expect(open).toBeVisible();
    await open.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `e2e/screenshots/grid-flows-${size}-reverse-refs.png` });
    await open.click();
    const projects = page.getByRole('grid', { name: 'public.projects rows' });
    await expect(projects).toBeVisible();
    await expect(page.getByLabel('Data API URL')).toHaveValue(/\/public\/projects\?client_id=eq\.1$/);
    await expect(projects.getByRole('row')).toHaveCount(expected + 1);
    await page.screenshot({ path: `e2e/screenshots/grid-flows-${size}-reverse-refs-opened.png` });
  });
}

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  test.describe(size, () => {
    test.use({ viewport });
    gridFlows(size);
  });
}
