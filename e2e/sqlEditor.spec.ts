import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { expect, test, type Locator, type Page } from '@playwright/test';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { readyInfo } from './support/ready';
import { typeInto } from './support/editor';

/** The SQL editor's everyday flows (issue 16 item 4), each at both window sizes the issue names. */
const VIEWPORTS = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
];

// Each flow opens Monaco in a fresh page: on a loaded machine (other suites on the same 2 cores) that alone took half of the default minute.
test.describe.configure({ timeout: 120_000 });

const SETUP = `
DROP TABLE IF EXISTS sql_big, sql_odd, sql_doomed;
CREATE TABLE sql_big AS SELECT g AS id, 'row ' || g AS label FROM generate_series(1, 20000) g;
CREATE TABLE sql_odd ("a,b" text, "x""y" text, n numeric);
INSERT INTO sql_odd VALUES (E'C:\\\\temp\\\\x', 'say "hi"', 1.5), ('', NULL, -2), (E'two\\nlines', ',', 0);
CREATE TABLE sql_doomed AS SELECT g AS id FROM generate_series(1, 3) g;
`;

async function db<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: readyInfo().postgres });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * A result left open by a page that went away holds its table until Pier's idle timeout (5
 * minutes); the set-up and clean-up end such sessions so DROP TABLE need not wait for it.
 */
const END_OPEN_RESULTS = `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND query LIKE 'FETCH%'`;
test.beforeAll(async () => {
  await db(async (c) => {
    await c.query(END_OPEN_RESULTS);
    await c.query(SETUP);
  });
});
test.afterAll(async () => {
  await db(async (c) => {
    await c.query(END_OPEN_RESULTS);
    await c.query('DROP TABLE IF EXISTS sql_big, sql_odd, sql_doomed');
  });
});

async function openSqlEditor(page: Page): Promise<void> {
  await page.goto(readyInfo().ui);
  await page.getByRole('group', { name: 'Admin tools' }).getByRole('button', { name: 'SQL editor' }).click();
  // Monaco's first load in a fresh page: over 15 s when the machine is loaded.
  await expect(page.getByRole('textbox', { name: 'SQL' })).toBeAttached({ timeout: 60_000 });
}

const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'SQL editor' });
const results = (page: Page) => page.getByRole('region', { name: 'Results' });
const runButton = (page: Page) => toolbar(page).getByRole('button', { name: 'Run', exact: true });

/** The editor's text, as the tab keeps it. */
async function editorText(page: Page): Promise<string> {
  return page.evaluate(() => {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!;
      if (key.startsWith('pier.sqlTab.')) return localStorage.getItem(key) ?? '';
    }
    return '';
  });
}

/** Wholly inside the window: not pushed off to the right or below. */
async function expectOnScreen(page: Page, locator: Locator): Promise<void> {
  const box = await locator.boundingBox();
  const vp = page.viewportSize()!;
  expect(box, 'visible').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(vp.width + 0.5);
  expect(box!.y + box!.height).toBeLessThanOrEqual(vp.height + 0.5);
}

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  test.describe(`SQL editor at ${size}`, () => {
    test.use({ viewport });

    test('layout: History opens beside the editor and closes; wide results scroll inside; nothing leaves the window, also after shrinking', async ({
      page,
    }) => {
      await openSqlEditor(page);
      const wide = Array.from({ length: 12 }, (_, i) => `repeat('${String.fromCharCode(97 + i)}', 80) AS col_${i}`).join(', ');
      await typeInto(page, 'SQL', `SELECT ${wide} FROM generate_series(1, 40)`);
      await runButton(page).click();
      await expect(results(page).getByRole('status').first()).toContainText('SELECT · 40 rows');
      await toolbar(page).getByRole('button', { name: 'History' }).click();
      const side = page.getByRole('complementary', { name: 'History' });
      await expect(side.getByRole('listitem')).toHaveCount(1);
      for (const control of [
        page.getByLabel('Run as'),
        toolbar(page).getByRole('button', { name: 'History' }),
        side.getByRole('button', { name: 'Close side panel' }),
        side,
      ]) {
        await expectOnScreen(page, control);
      }
      await page.screenshot({ path: `e2e/screenshots/sql-layout-history-${size}.png` });
      // Shrinking the window keeps everything inside it.
      await page.setViewportSize({ width: viewport.width - 200, height: viewport.height - 80 });
      for (const control of [page.getByLabel('Run as'), side.getByRole('button', { name: 'Close side panel' }), results(page)]) {
        await expectOnScreen(page, control);
      }
      await page.screenshot({ path: `e2e/screenshots/sql-layout-shrunk-${size}.png` });
      await side.getByRole('button', { name: 'Close side panel' }).click();
      await expect(side).toHaveCount(0);
      await page.setViewportSize(viewport);
      // History toggles the panel too.
      await toolbar(page).getByRole('button', { name: 'History' }).click();
      await expect(page.getByRole('complementary', { name: 'History' })).toBeVisible();
      await toolbar(page).getByRole('button', { name: 'History' }).click();
      await expect(page.getByRole('complementary', { name: 'History' })).toHaveCount(0);
    });

    test('results stream from a cursor: the first page at once, more on scroll, and the result can be closed', async ({ page }) => {
      await openSqlEditor(page);
      await typeInto(page, 'SQL', 'SELECT id, label FROM sql_big ORDER BY id');
      await runButton(page).click();
      const status = results(page).getByRole('status').first();
      await expect(status).toContainText('first 200 rows, more on scroll');
      await expect(status).toContainText('transaction open');
      const table = results(page).getByRole('table', { name: 'Result 1' });
      // Only rows in view are in the page.
      expect(await table.getByRole('row').count()).toBeLessThan(120);
      const scroller = results(page).getByLabel('Rows of result 1');
      for (let i = 0; i < 30 && !(await status.textContent())?.includes('first 1200'); i++) {
        await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
        await page.waitForTimeout(150);
      }
      await expect(status).toContainText(/first \d{4,} rows/);
      // The rows fetched are there to scroll to.
      await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await expect
        .poll(async () => Number((await table.getByRole('row').last().getByRole('cell').first().textContent()) ?? 0))
        .toBeGreaterThan(1000);
      // The header stays at the top of the scrolled rows: no row shows above it.
      const [scrollerTop, headerTop] = await scroller.evaluate((el) => [
        el.getBoundingClientRect().top + el.clientTop,
        el.querySelector('th')!.getBoundingClientRect().top,
      ]);
      expect(Math.abs(headerTop - scrollerTop)).toBeLessThanOrEqual(1);
      await page.screenshot({ path: `e2e/screenshots/sql-streamed-${size}.png` });
      await toolbar(page).getByRole('button', { name: 'Close result' }).click();
      await expect(status).not.toContainText('more on scroll');
      await expect(toolbar(page).getByRole('button', { name: 'Close result' })).toHaveCount(0);
      // Its transaction is over: no session of the editor is left idle in a transaction.
      await expect
        .poll(() =>
          db(
            async (c) =>
              (
                await c.query(
                  `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND query LIKE 'FETCH%'`,
                )
              ).rows[0].n,
          ),
        )
        .toBe(0);
    });

    test('export: the whole result as CSV (round-trips any value and column name) and as JSON', async ({ page }) => {
      await openSqlEditor(page);
      await typeInto(page, 'SQL', 'SELECT * FROM sql_odd');
      await runButton(page).click();
      await expect(results(page).getByRole('status').first()).toContainText('SELECT · 3 rows');
      const [csvDownload] = await Promise.all([
        page.waitForEvent('download'),
        results(page).getByRole('button', { name: 'Export CSV' }).click(),
      ]);
      expect(csvDownload.suggestedFilename()).toMatch(/\.csv$/);
      const csv = await readFile((await csvDownload.path())!, 'utf8');
      expect(csv.split('\n')[0]).toBe('"a,b","x""y",n');
      expect(csv).toContain('C:\\temp\\x');
      // Postgres reads it back to the same rows.
      await db(async (c) => {
        await c.query('CREATE TEMP TABLE back (LIKE sql_odd)');
        await pipeline(Readable.from([csv]), c.query(copyFrom('COPY back FROM STDIN (FORMAT csv, HEADER)')));
        const diff = await c.query('(TABLE sql_odd EXCEPT TABLE back) UNION ALL (TABLE back EXCEPT TABLE sql_odd)');
        expect(diff.rows).toEqual([]);
      });
      const [jsonDownload] = await Promise.all([
        page.waitForEvent('download'),
        results(page).getByRole('button', { name: 'Export JSON' }).click(),
      ]);
      const json = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8')) as unknown[];
      expect(json).toContainEqual({ 'a,b': 'C:\\temp\\x', 'x"y': 'say "hi"', n: 1.5 });
      await page.screenshot({ path: `e2e/screenshots/sql-export-${size}.png` });
    });

    test('Format lays out the SQL (PostgreSQL dialect), undoably', async ({ page }) => {
      await openSqlEditor(page);
      await typeInto(page, 'SQL', "select id,name from clients where name <> E'it\\'s' order by id");
      await toolbar(page).getByRole('button', { name: 'Format' }).click();
      await expect.poll(() => editorText(page)).toBe("SELECT\n  id,\n  name\nFROM\n  clients\nWHERE\n  name <> E'it\\'s'\nORDER BY\n  id");
      await page.screenshot({ path: `e2e/screenshots/sql-format-${size}.png` });
      await page.getByRole('textbox', { name: 'SQL' }).focus();
      await page.keyboard.press('ControlOrMeta+z');
      await expect.poll(() => editorText(page)).toBe("select id,name from clients where name <> E'it\\'s' order by id");
    });

    test('saved queries belong to the database and survive a restart; rename and delete', async ({ page }) => {
      await openSqlEditor(page);
      await typeInto(page, 'SQL', 'SELECT name FROM clients ORDER BY id');
      await page.getByRole('textbox', { name: 'SQL' }).focus();
      await page.keyboard.press('ControlOrMeta+s');
      const dialog = page.getByRole('dialog', { name: /^Save query for/ });
      await dialog.getByLabel('Name').fill('Client names');
      await dialog.getByRole('button', { name: 'Save' }).click();
      const saved = page.getByRole('complementary', { name: 'Saved queries' });
      await expect(saved.getByRole('button', { name: 'Client names', exact: true })).toBeVisible();

      await page.reload();
      await page.getByRole('group', { name: 'Admin tools' }).getByRole('button', { name: 'SQL editor' }).click();
      await toolbar(page).getByRole('button', { name: 'History' }).click();
      await page.getByRole('complementary', { name: 'History' }).getByRole('button', { name: 'Saved (1)' }).click();
      await typeInto(page, 'SQL', 'SELECT 1');
      await saved.getByRole('button', { name: 'Client names', exact: true }).click();
      await expect.poll(() => editorText(page)).toBe('SELECT name FROM clients ORDER BY id');
      await saved.getByRole('button', { name: 'Rename Client names' }).click();
      const rename = page.getByRole('dialog', { name: 'Rename "Client names"' });
      await rename.getByLabel('Name').fill('Clients by id');
      await rename.getByRole('button', { name: 'Save' }).click();
      await expect(saved.getByRole('button', { name: 'Clients by id', exact: true })).toBeVisible();
      await page.screenshot({ path: `e2e/screenshots/sql-saved-${size}.png` });
      await saved.getByRole('button', { name: 'Delete Clients by id' }).click();
      await saved.getByRole('button', { name: 'Really delete Clients by id' }).click();
      await expect(saved).toContainText('No saved queries yet');
    });

    test('completion knows where the cursor is: relations after FROM, the alias’s columns after `alias.`', async ({ page }) => {
      await openSqlEditor(page);
      await typeInto(page, 'SQL', 'SELECT * FROM cl');
      await page.keyboard.press('Control+Space');
      const widget = page.locator('.suggest-widget');
      const focused = widget.locator('.monaco-list-row.focused');
      await expect(focused).toContainText('clients');
      // The highlighted entry is readable: its label's colour differs from the background painted right behind it.
      const [color, background] = await focused.evaluate((row) => {
        const label = row.querySelector('.label-name') ?? row;
        let el: Element | null = label;
        while (el && getComputedStyle(el).backgroundColor === 'rgba(0, 0, 0, 0)') el = el.parentElement;
        return [getComputedStyle(label).color, el ? getComputedStyle(el).backgroundColor : ''];
      });
      expect(color).not.toBe(background);
      expect(background).toBe(await focused.evaluate((row) => getComputedStyle(row).backgroundColor));
      await page.screenshot({ path: `e2e/screenshots/sql-completion-from-${size}.png` });
      await page.keyboard.press('Enter');
      await expect.poll(() => editorText(page)).toBe('SELECT * FROM clients');

      await typeInto(page, 'SQL', 'SELECT p. FROM projects p');
      await page.keyboard.press('Home');
      for (let i = 0; i < 'SELECT p.'.length; i++) await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Control+Space');
      await expect(focused).toBeVisible();
      const labels = await widget.locator('.monaco-list-row .label-name').allTextContents();
      expect(labels).toContain('client_id');
      expect(labels).not.toContain('SELECT');
      await page.screenshot({ path: `e2e/screenshots/sql-completion-alias-${size}.png` });
      await page.keyboard.press('Escape');
    });

    test('statements are split by PostgreSQL’s parser, and destructive ones on a protected branch ask first (enforced in main)', async ({
      page,
    }) => {
      test.setTimeout(120_000);
      await openSqlEditor(page);
      // A dollar-quoted body with semicolons, then a statement: Run at the cursor runs only the second one.
      const script = "DO $fn$ BEGIN PERFORM 1; PERFORM 2; END $fn$;\nSELECT 'x;y' AS v /* ; */";
      await typeInto(page, 'SQL', script);
      await runButton(page).click();
      await expect(results(page).getByRole('status').first()).toContainText('SELECT · 1 row');
      await expect(results(page).getByRole('table', { name: 'Result 1' })).toContainText('x;y');

      const tree = page.getByRole('tree', { name: 'Database explorer' });
      const operations = page.getByRole('region', { name: 'Operations' });
      const production = tree.getByRole('treeitem', { name: 'production', exact: true });
      await production.click({ button: 'right' });
      await page.getByRole('menuitem', { name: 'Protect branch' }).click();
      await expect(operations.getByRole('listitem', { name: 'Protect branch production: Succeeded' }).first()).toBeVisible({
        timeout: 60_000,
      });
      try {
        await page.getByRole('tab', { name: /SQL/ }).click();
        await expect(toolbar(page)).toContainText('protected branch');
        // A DELETE inside a CTE: the old first-word check let it through.
        await typeInto(page, 'SQL', 'WITH d AS (DELETE FROM sql_doomed RETURNING *) SELECT count(*) AS gone FROM d');
        await runButton(page).click();
        const dialog = page.getByRole('dialog', { name: 'Run destructive SQL on a protected branch?' });
        await expect(dialog).toContainText('DELETE without WHERE on sql_doomed');
        await page.screenshot({ path: `e2e/screenshots/sql-guard-${size}.png` });
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        expect(await db(async (c) => (await c.query('SELECT count(*)::int AS n FROM sql_doomed')).rows[0].n)).toBe(3);
        // Main enforces it, whatever the page sends: without the confirmation nothing runs.
        // The page's own session (its cookie), as any script in the page could call.
        const res = await page.request.post(`${new URL(page.url()).origin}/rpc/sql.run`, {
          data: {
            runId: 'direct',
            sql: 'DROP TABLE sql_doomed',
            viewAs: { kind: 'admin' },
            at: { kind: 'local', branch: 'projects/local/branches/production', database: 'databricks_postgres' },
          },
        });
        const direct = (await res.json()) as unknown;
        expect(direct).toMatchObject({ ok: true, value: { kind: 'confirm' } });
        await runButton(page).click();
        await dialog.getByRole('button', { name: 'Run anyway' }).click();
        await expect(results(page).getByRole('table', { name: 'Result 1' })).toContainText('3');
        expect(await db(async (c) => (await c.query('SELECT count(*)::int AS n FROM sql_doomed')).rows[0].n)).toBe(0);
      } finally {
        await production.click({ button: 'right' });
        await page.getByRole('menuitem', { name: 'Unprotect branch' }).click();
        await expect(operations.getByRole('listitem', { name: 'Unprotect branch production: Succeeded' }).first()).toBeVisible({
          timeout: 60_000,
        });
        await db((c) => c.query('INSERT INTO sql_doomed SELECT g FROM generate_series(1, 3) g'));
      }
    });
  });
}
