import { expect, test } from '@playwright/test';
import pg from 'pg';
import { readyInfo } from './support/ready';
import { typeInto } from './support/editor';

const ID = 'user@example.com';

/** What a Data API client holding the identity's token gets. */
async function dataApiAs(path: string): Promise<{ status: number; body: unknown }> {
  const info = readyInfo();
  const res = await fetch(`${info.dataApi}/${path}`, { headers: { Authorization: `Bearer ${info.tokens[ID]}` } });
  return { status: res.status, body: await res.json() };
}

test.describe.serial('Console II: RLS, SQL, grants', () => {
  test.afterAll(async () => {
    // Leave the sample database as the other specs expect it.
    const db = new pg.Client({ connectionString: readyInfo().postgres });
    await db.connect();
    try {
      await db.query(
        `DROP POLICY IF EXISTS "restrict client access" ON clients; ALTER TABLE clients DISABLE ROW LEVEL SECURITY; DROP TABLE IF EXISTS notes`,
      );
      // analyst@example.com is removed by its own test through the management API; this is for a run that stopped early.
      for (const role of ['reporting', 'elevated owner', 'analyst@example.com']) {
        // Its grants go first (DROP OWNED), then the role; a test that stopped early may not have made it.
        if ((await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount) {
          await db.query(`DROP OWNED BY "${role}"; DROP ROLE "${role}"`);
        }
      }
      await db.query(`NOTIFY pgrst, 'reload schema'`);
    } finally {
      await db.end();
    }
  });

  test("1. the Lakebase documentation's RLS example: previewed before it is applied, enforced after", async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(readyInfo().ui);
    // With no table open, the launcher opens the first table of the catalog (public.clients); the
    // explorer specs cover opening a table from the tree.
    await page.getByRole('group', { name: 'Admin tools' }).getByRole('button', { name: 'RLS policies' }).click();
    await expect(page.getByRole('heading', { name: 'Row-level security · public.clients' })).toBeVisible();
    await page.getByRole('button', { name: 'New policy' }).click();

    const form = page.getByRole('form', { name: 'Policy editor' });
    await form.getByLabel('Name').fill('restrict client access');
    await expect(form.getByLabel('Command')).toHaveValue('SELECT');
    await expect(form.getByRole('checkbox', { name: ID })).toBeChecked();
    await expect(form.getByRole('checkbox', { name: /Also enable row-level security/ })).toBeChecked();
    await typeInto(page, 'USING expression', 'id IN (1, 2)');

    // The live preview, before anything is applied.
    const preview = page.getByRole('region', { name: 'Live preview' });
    await expect(preview.getByRole('status', { name: `Visible rows for ${ID}` })).toHaveText('2 of 3 rows visible');
    const rows = preview.getByRole('table', { name: `Rows as ${ID}` });
    await expect(rows.getByRole('row', { name: 'hidden row' })).toHaveCount(1);
    await expect(rows.getByRole('row', { name: 'hidden row' })).toContainText('Global Solutions');
    await rows.getByRole('button', { name: 'hidden — why?' }).click();
    await expect(preview.getByRole('region', { name: 'Why is this row hidden?' })).toContainText(
      'restrict client access (permissive) USING (id = ANY (ARRAY[1, 2])) → false',
    );
    await page.screenshot({ path: 'e2e/screenshots/admin-rls-preview.png', fullPage: true });
    // Nothing has been applied yet: the Data API still returns all three.
    expect((await dataApiAs('clients?select=id')).body).toHaveLength(3);

    // A typo shows inline instead of a preview.
    await typeInto(page, 'USING expression', 'idd IN (1, 2)');
    await expect(page.getByRole('alert', { name: 'Expression error' })).toContainText('column "idd" does not exist');
    // A syntax error is also marked where it is, inside the expression editor.
    await typeInto(page, 'USING expression', 'id IN (1,, 2)');
    await expect(page.getByRole('alert', { name: 'Expression error' })).toContainText('syntax error');
    await expect(form.locator('.squiggly-error')).not.toHaveCount(0);
    await page.screenshot({ path: 'e2e/screenshots/admin-rls-syntax-error.png', fullPage: true });
    await typeInto(page, 'USING expression', 'id IN (1, 2)');
    await expect(page.getByRole('alert', { name: 'Expression error' })).toHaveCount(0);
    await expect(form.locator('.squiggly-error')).toHaveCount(0);

    await form.getByRole('button', { name: 'Review SQL…' }).click();
    const review = page.getByRole('region', { name: 'Create policy restrict client access' });
    await expect(review.getByLabel('SQL to run')).toContainText('ALTER TABLE "public"."clients" ENABLE ROW LEVEL SECURITY;');
    await expect(review.getByLabel('SQL to run')).toContainText(`CREATE POLICY "restrict client access" ON "public"."clients"`);
    await expect(review.getByLabel('SQL to run')).toContainText(`TO "${ID}"`);
    await page.screenshot({ path: 'e2e/screenshots/admin-rls-review.png', fullPage: true });
    await review.getByRole('button', { name: 'Apply' }).click();

    const list = page.getByRole('table', { name: 'Policies' });
    await expect(list.getByRole('row', { name: /restrict client access/ })).toContainText('(id = ANY (ARRAY[1, 2]))');
    await expect(page.getByRole('checkbox', { name: 'RLS enabled' })).toBeChecked();
    // The Data API, with the identity's token, now returns clients 1 and 2.
    await expect
      .poll(async () => (await dataApiAs('clients?select=id,name&order=id')).body)
      .toEqual([
        { id: 1, name: 'Acme Corp' },
        { id: 2, name: 'TechStart Inc' },
      ]);
    await page.screenshot({ path: 'e2e/screenshots/admin-rls-applied.png', fullPage: true });
    expect(errors).toEqual([]);
  });

  test('3. a query run as the identity in the SQL editor shows the RLS-filtered result', async ({ page }) => {
    await page.goto(readyInfo().ui);
    await page.getByRole('group', { name: 'Admin tools' }).getByRole('button', { name: 'SQL editor' }).click();
    // Completion knows the schema: tables, and columns with the table they belong to.
    await typeInto(page, 'SQL', 'SELECT * FROM proj');
    await page.keyboard.press('Control+Space');
    await expect(page.locator('.suggest-widget')).toContainText('projects');
    await page.keyboard.press('Escape');
    await typeInto(page, 'SQL', 'SELECT id, name FROM clients ORDER BY id');
    await page.getByLabel('Run as').selectOption(ID);
    await page.getByRole('toolbar', { name: 'SQL editor' }).getByRole('button', { name: 'Run', exact: true }).click();
    const results = page.getByRole('region', { name: 'Results' });
    await expect(results.getByRole('status')).toContainText('SELECT · 2 rows');
    const table = results.getByRole('table', { name: 'Result 1' });
    await expect(table.getByRole('row')).toHaveCount(3);
    await expect(table).toContainText('Acme Corp');
    await expect(table).not.toContainText('Global Solutions');
    await page.screenshot({ path: 'e2e/screenshots/admin-sql-as-identity.png', fullPage: true });

    // EXPLAIN ANALYZE as the identity: the plan shows the policy's filter and what was actually read.
    await page.getByRole('toolbar', { name: 'SQL editor' }).getByRole('button', { name: 'Explain analyze' }).click();
    const plan = results.getByRole('tree', { name: 'Plan nodes' });
    // Seq Scan or Bitmap Heap Scan, as the planner likes: the scan of clients returns the two rows the policy lets through.
    await expect(plan.getByRole('treeitem', { name: /Scan on clients$/ }).first()).toContainText('→ 2');
    await page.screenshot({ path: 'e2e/screenshots/admin-sql-explain.png', fullPage: true });

    // The same query as the admin sees all three.
    await page.getByLabel('Run as').selectOption('');
    await page.getByRole('toolbar', { name: 'SQL editor' }).getByRole('button', { name: 'Run', exact: true }).click();
    await expect(results.getByRole('status')).toContainText('SELECT · 3 rows');
    // Both runs are in this branch's history, newest first, with whom they ran as.
    await page.getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('complementary', { name: 'History' });
    await expect(history.getByRole('listitem')).toHaveCount(1);
    await expect(history).toContainText('as admin');
  });

  test('2. a grants-matrix toggle produces the expected GRANT and takes effect for the Data API', async ({ page }) => {
    await page.goto(readyInfo().ui);
    // A new table: the identity has no privilege on it yet.
    await page.getByRole('group', { name: 'Admin tools' }).getByRole('button', { name: 'SQL editor' }).click();
    await typeInto(page, 'SQL', "CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'hello')");
    await page.getByRole('toolbar', { name: 'SQL editor' }).getByRole('button', { name: 'Run all' }).click();
    await expect(page.getByRole('region', { name: 'Results' })).toContainText('INSERT · 1 row');
    await expect.poll(async () => (await dataApiAs('notes')).status).toBe(403);

    await page.getByRole('group', { name: 'Admin tools' }).getByRole('button', { name: 'Grants' }).click();
    const matrix = page.getByRole('table', { name: 'SELECT grants' });
    const cell = matrix.getByRole('checkbox', { name: `SELECT on notes for ${ID}` });
    await expect(cell).not.toBeChecked();
    await expect(matrix.getByRole('checkbox', { name: `SELECT on clients for ${ID}` })).toBeChecked();
    await cell.check();
    await page.getByRole('button', { name: 'Review 1 change…' }).click();
    const review = page.getByRole('region', { name: 'Grant changes' });
    await expect(review.getByLabel('SQL to run')).toHaveText(`GRANT SELECT ON TABLE "public"."notes" TO "${ID}";\n`);
    await page.screenshot({ path: 'e2e/screenshots/admin-grant-review.png', fullPage: true });
    await review.getByRole('button', { name: 'Apply' }).click();
    await expect(review).toHaveCount(0);
    await expect(matrix.getByRole('checkbox', { name: `SELECT on notes for ${ID}` })).toBeChecked();
    await expect.poll(async () => await dataApiAs('notes')).toEqual({ status: 200, body: [{ id: 1, body: 'hello' }] });
    await page.screenshot({ path: 'e2e/screenshots/admin-grants.png', fullPage: true });

    // production is not protected: a destructive statement runs without asking.
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.getByRole('tab', { name: /SQL/ }).click();
    await expect(page.getByRole('toolbar', { name: 'SQL editor' })).toContainText('branch not protected');
    await typeInto(page, 'SQL', 'DROP TABLE notes');
    await page.getByRole('toolbar', { name: 'SQL editor' }).getByRole('button', { name: 'Run', exact: true }).click();
    await expect(page.getByRole('region', { name: 'Results' })).toContainText('DROP ·');
    expect(dialogs).toEqual([]);
  });

  test('roles: create an identity and grant it to authenticator with the SQL shown first; the Lakebase pitfall is explained', async ({
    page,
  }) => {
    await page.goto(readyInfo().ui);
    await page.getByRole('group', { name: 'Admin tools' }).getByRole('button', { name: 'Roles' }).click();
    const roles = page.getByRole('table', { name: 'Roles' });
    await expect(roles.getByRole('row', { name: /^user@example\.com/ })).toContainText('Revoke from authenticator');
    const assistant = page.getByRole('region', { name: 'Data API set-up assistant' });
    await expect(
      assistant.getByRole('listitem', { name: 'pgrst.pre_config() sets the exposed schemas and enables aggregates: passes' }),
    ).toBeVisible();
    await expect(assistant.getByRole('listitem', { name: `${ID} may use schema public: passes` })).toBeVisible();
    await page.screenshot({ path: 'e2e/screenshots/admin-roles-list.png' });

    const create = page.getByRole('form', { name: 'Create role' });
    await create.getByLabel('New role name').fill('reporting');
    await create.getByRole('button', { name: 'Review SQL…' }).click();
    const review = page.getByRole('region', { name: 'Create role reporting' });
    await expect(review.getByLabel('SQL to run')).toHaveText(
      'CREATE ROLE "reporting" NOLOGIN INHERIT NOBYPASSRLS NOCREATEDB NOCREATEROLE;\n',
    );
    await review.getByRole('button', { name: 'Apply' }).click();
    const row = roles.getByRole('row', { name: /^reporting/ });
    await row.getByRole('button', { name: 'Grant to authenticator' }).click();
    await expect(page.getByRole('region', { name: 'Grant reporting to authenticator' }).getByLabel('SQL to run')).toHaveText(
      'GRANT "reporting" TO "authenticator";\n',
    );
    await page.getByRole('region', { name: 'Grant reporting to authenticator' }).getByRole('button', { name: 'Apply' }).click();
    await expect(row).toContainText('Revoke from authenticator');
    // A new identity without privileges: the assistant turns red, shows the fix, and runs it.
    const tables = assistant.getByRole('listitem', { name: 'reporting has table privileges in public: fails' });
    await expect(tables).toContainText('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "public" TO "reporting";');
    await tables.getByRole('button', { name: 'Fix…' }).click();
    await tables
      .getByRole('region', { name: 'Fix: reporting has table privileges in public' })
      .getByRole('button', { name: 'Apply' })
      .click();
    await expect(assistant.getByRole('listitem', { name: 'reporting has table privileges in public: passes' })).toBeVisible();
    await page.screenshot({ path: 'e2e/screenshots/admin-setup-assistant.png', fullPage: true });

    // An elevated role: the review warns before anything runs.
    await create.getByLabel('New role name').fill('elevated owner');
    await create.getByRole('checkbox', { name: 'createrole' }).check();
    await create.getByRole('button', { name: 'Review SQL…' }).click();
    await page.getByRole('region', { name: 'Create role elevated owner' }).getByRole('button', { name: 'Apply' }).click();
    await roles
      .getByRole('row', { name: /^elevated owner/ })
      .getByRole('button', { name: 'Grant to authenticator' })
      .click();
    const pitfall = page.getByRole('region', { name: 'Grant elevated owner to authenticator' });
    await expect(pitfall.getByRole('note')).toContainText('can create roles');
    await expect(pitfall.getByRole('note')).toContainText('Instead create a plain NOLOGIN identity role');
    await page.screenshot({ path: 'e2e/screenshots/admin-roles.png', fullPage: true });
    await pitfall.getByRole('button', { name: 'Cancel' }).click();
  });

  test('roles: add a managed identity through the management API; it is granted to authenticator, and can be deleted again', async ({
    page,
  }) => {
    const analyst = 'analyst@example.com';
    await page.goto(readyInfo().ui);
    await page.getByRole('group', { name: 'Admin tools' }).getByRole('button', { name: 'Roles' }).click();
    const roles = page.getByRole('table', { name: 'Roles' });
    await expect(roles.getByRole('row', { name: /^user@example\.com/ })).toBeVisible();
    await page.getByRole('button', { name: 'Add identity…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a managed identity' });
    await expect(dialog.getByRole('radio', { name: 'User' })).toBeChecked();
    await dialog.getByRole('textbox', { name: 'Identity', exact: true }).fill(analyst);
    await dialog.getByRole('button', { name: 'Add identity' }).click();
    await expect(dialog).toHaveCount(0);

    const row = roles.getByRole('row', { name: /^analyst@example\.com/ });
    // The badge comes from the management API's roles resource; the grant from pg_auth_members.
    await expect(row).toContainText('user');
    await expect(row).toContainText('Revoke from authenticator');
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'e2e/screenshots/admin-add-identity.png', fullPage: true });

    await row.getByRole('button', { name: `Delete identity ${analyst}` }).click();
    const confirm = page.getByRole('dialog', { name: `Delete identity ${analyst}?` });
    await confirm.getByRole('button', { name: 'Delete identity' }).click();
    await expect(confirm).toHaveCount(0);
    await expect(row).toHaveCount(0);
  });
});
