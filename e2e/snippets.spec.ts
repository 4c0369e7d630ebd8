import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { readyInfo } from './support/ready';

/** Snippets (issue 16 item 8): the copied curl works as is for any column name, and says where $TOKEN comes from. */

const ID = 'user@example.com';

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
  await sql(`DROP TABLE IF EXISTS accents;
    CREATE TABLE accents (id int PRIMARY KEY, "ça va" text);
    INSERT INTO accents VALUES (1, 'très bien'), (2, 'pas mal');
    GRANT SELECT ON accents TO "${ID}";
    NOTIFY pgrst, 'reload schema';`);
});

test.afterAll(async () => {
  await sql(`DROP TABLE IF EXISTS accents; NOTIFY pgrst, 'reload schema';`);
});

for (const size of [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
]) {
  test(`the curl of a view on "ça va" runs as copied (${size.width}×${size.height})`, async ({ page }) => {
    await page.setViewportSize(size);
    await page.goto(readyInfo().ui);
    await expect(page.getByRole('tree', { name: 'Database explorer' }).getByRole('treeitem', { name: /^clients/ })).toBeVisible();
    // The catalog was read before the table existed: refresh, then open it from the palette.
    await page.getByRole('button', { name: 'Refresh explorer' }).click();
    await expect(page.getByRole('tree', { name: 'Database explorer' }).getByRole('treeitem', { name: /^accents/ })).toBeVisible();
    await page
      .getByRole('tree', { name: 'Database explorer' })
      .getByRole('treeitem', { name: /^accents/ })
      .click();
    const grid = page.getByRole('grid', { name: 'public.accents rows' });
    await expect(grid.getByText('très bien')).toBeVisible();

    // Only the accented column, filtered on an accented value.
    const builder = page.getByRole('region', { name: 'Query builder' });
    if (!(await builder.isVisible())) await page.getByRole('button', { name: 'Query builder' }).click();
    await builder.getByRole('checkbox', { name: 'id', exact: true }).uncheck();
    const code = page.getByRole('tabpanel', { name: 'curl code' });
    if (!(await code.isVisible())) await page.getByRole('button', { name: 'Code' }).click();
    await expect(code).toContainText('%C3%A7a%20va');
    await expect(page.getByText(/TOKEN is a Data API bearer token/)).toBeVisible();
    await code.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `e2e/screenshots/snippet-curl-${size.width}.png` });

    // Exactly what the Copy button copies, run by the real curl with the identity's token.
    const text = (await code.textContent()) ?? '';
    const out = execFileSync('bash', ['-c', `${text} --silent --show-error --fail-with-body`], {
      env: { ...process.env, TOKEN: readyInfo().tokens[ID] },
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual([{ 'ça va': 'très bien' }, { 'ça va': 'pas mal' }]);
  });
}
