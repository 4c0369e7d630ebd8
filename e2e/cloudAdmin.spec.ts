import { expect, test } from '@playwright/test';
import pg from 'pg';
import { readyInfo } from './support/ready';
import { typeInto } from './support/editor';
import { addWorkspace, expand, removeAddedWorkspaces } from './support/workspaces';

/**
 * The admin tools on a cloud branch: Pier's own server added as a Databricks workspace, so the
 * SQL editor and the RLS policies run on the branch's endpoint as the signed-in identity
 * (owner@pier.local), not as the local superuser.
 */
const OWNER = 'owner@pier.local';
const ID = 'user@example.com';

test.afterEach(async ({ page }, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) await page.screenshot({ path: testInfo.outputPath('failure.png') });
  await removeAddedWorkspaces(readyInfo().ui);
});

test('the SQL editor and RLS policies on a cloud branch run as the signed-in identity', async ({ page }) => {
  test.setTimeout(120_000);
  const info = readyInfo();
  const host = new URL(info.ui).host;
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const db = new pg.Client({ connectionString: info.postgres });
  await db.connect();
  try {
    await page.goto(info.ui);
    const tree = page.getByRole('tree', { name: 'Database explorer' });
    await addWorkspace(page, info.tokens.owner as string);
    const workspaces = tree.getByRole('treeitem', { level: 1 });
    await expand(workspaces.nth(1));
    const cloudItem = async (name: string | RegExp) => {
      const items = tree.getByRole('treeitem', { name, exact: typeof name === 'string' });
      await expect(items).toHaveCount(2);
      return items.last();
    };
    for (const name of ['Local workspace', 'production', 'databricks_postgres', 'public']) await expand(await cloudItem(name));

    // The local and the cloud "clients · production" are told apart by the workspace's host.
    await (await cloudItem(/^clients/)).click();
    const tabs = page.getByRole('tablist', { name: 'Open tables' });
    await expect(tabs.getByRole('tab', { name: `clients · production · ${host}` })).toBeVisible();
    await expect(page.getByRole('group', { name: 'Admin tools' })).toContainText(`on production · databricks_postgres · ${host}`);

    // The SQL editor opens on the cloud branch of the active tab, and runs as the identity.
    await page.getByRole('group', { name: 'Admin tools' }).getByRole('button', { name: 'SQL editor' }).click();
    await expect(tabs.getByRole('tab', { name: `SQL 1 · production · ${host}` })).toHaveAttribute('aria-selected', 'true');
    const toolbar = page.getByRole('toolbar', { name: 'SQL editor' });
    await expect(toolbar).toContainText('branch not protected');
    await typeInto(page, 'SQL', 'SELECT current_user AS who, id, name FROM clients ORDER BY id');
    await toolbar.getByRole('button', { name: 'Run', exact: true }).click();
    const results = page.getByRole('region', { name: 'Results' });
    await expect(results.getByRole('status')).toContainText('SELECT · 3 rows');
    const table = results.getByRole('table', { name: 'Result 1' });
    await expect(table.getByRole('row')).toHaveCount(4);
    await expect(table).toContainText(OWNER);
    await expect(table).toContainText('Acme Corp');
    await page.screenshot({ path: 'e2e/screenshots/cloud-sql-editor.png', fullPage: true });

    // Running as a role the identity is not a member of: Postgres refuses, and the editor says what to GRANT.
    await page.getByLabel('Run as').selectOption(ID);
    await toolbar.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(results).toContainText(`permission denied to set role "${ID}"`);
    await expect(results).toContainText(`GRANT "${ID}" TO "${OWNER}"`);
    await page.screenshot({ path: 'e2e/screenshots/cloud-sql-run-as-refused.png', fullPage: true });

    // Protected through the cloud workspace's tree: destructive SQL there asks first, and nothing runs when declined.
    const operations = page.getByRole('region', { name: 'Operations' });
    const production = await cloudItem('production');
    try {
      await production.click({ button: 'right' });
      await page.getByRole('menuitem', { name: 'Protect branch' }).click();
      await expect(operations.getByRole('listitem', { name: 'Protect branch production: Succeeded' })).toBeVisible({ timeout: 60_000 });
      await expect(toolbar).toContainText('protected branch');
      await page.getByLabel('Run as').selectOption('');
      await typeInto(page, 'SQL', 'DROP TABLE clients');
      await toolbar.getByRole('button', { name: 'Run', exact: true }).click();
      // Main's guard asks first, in Pier's own dialog; declining runs nothing.
      const ask = page.getByRole('dialog', { name: 'Run destructive SQL on a protected branch?' });
      await expect(ask).toContainText('This branch is protected');
      await expect(ask).toContainText('DROP TABLE clients');
      await ask.getByRole('button', { name: 'Cancel' }).click();
      await expect(ask).toHaveCount(0);
      expect((await db.query(`SELECT to_regclass('public.clients') AS t`)).rows[0]?.t).toBe('clients'); // nothing ran
    } finally {
      await production.click({ button: 'right' });
      await page.getByRole('menuitem', { name: 'Unprotect branch' }).click();
      await expect(operations.getByRole('listitem', { name: 'Unprotect branch production: Succeeded' })).toBeVisible({ timeout: 60_000 });
    }

    // RLS policies from the table's row menu, on the same cloud branch. With RLS on a table the
    // identity does not own, the preview says what it cannot show rather than failing.
    await db.query('ALTER TABLE public.clients ENABLE ROW LEVEL SECURITY');
    await (await cloudItem(/^clients/)).click({ button: 'right' });
    await page
      .getByRole('menu', { name: /Actions for clients/ })
      .getByRole('menuitem', { name: 'RLS policies' })
      .click();
    await expect(tabs.getByRole('tab', { name: `Policies · public.clients · production · ${host}` })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expect(page.getByRole('heading', { name: 'Row-level security · public.clients' })).toBeVisible();
    await page.getByRole('button', { name: 'New policy' }).click();
    const preview = page.getByRole('region', { name: 'Live preview' });
    // The preview cannot read as an identity the signed-in one is not a member of: it says so, with the GRANT.
    await expect(preview.getByRole('status', { name: `Visible rows for ${ID}` })).toContainText(`GRANT "${ID}" TO "${OWNER}"`);
    await expect(preview.getByRole('note').filter({ hasText: "only the table's owner or a superuser may do" })).toBeVisible();
    await expect(preview.getByRole('note').filter({ hasText: `The rows listed are those "${OWNER}" may read itself` })).toBeVisible();
    await page.screenshot({ path: 'e2e/screenshots/cloud-rls-policies.png', fullPage: true });

    // Roles from the database's row menu: the cloud branch's roles, as the identity reads them.
    await (await cloudItem('databricks_postgres')).click({ button: 'right' });
    await page
      .getByRole('menu', { name: /Actions for databricks_postgres/ })
      .getByRole('menuitem', { name: 'Roles' })
      .click();
    await expect(tabs.getByRole('tab', { name: `Roles · production · ${host}` })).toHaveAttribute('aria-selected', 'true');
    const roles = page.getByRole('table', { name: 'Roles' });
    await expect(roles.getByRole('row', { name: new RegExp(`^${OWNER.replace('.', '\\.')}`) })).toBeVisible();
    await expect(
      page
        .getByRole('region', { name: 'Data API set-up assistant' })
        .getByRole('listitem', { name: `${ID} may use schema public: passes` }),
    ).toBeVisible();
    await page.screenshot({ path: 'e2e/screenshots/cloud-roles.png', fullPage: true });
    expect(errors).toEqual([]);
  } finally {
    await db.query('ALTER TABLE public.clients DISABLE ROW LEVEL SECURITY');
    await db.end();
  }
});
