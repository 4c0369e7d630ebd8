import { expect, test } from '@playwright/test';
import pg from 'pg';
import { readyInfo } from './support/ready';
import { addWorkspace, expand, removeAddedWorkspaces } from './support/workspaces';

/**
 * A cloud workspace end to end: Pier's own server added as a Databricks workspace with a
 * personal access token, so its branches are reached the cloud way (management API over HTTP,
 * the signed-in identity, a database credential). Browse to a table, see and edit rows in the
 * grid, and compare the same request against the workspace's hosted Data API.
 */
test.afterEach(async ({ page }, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) await page.screenshot({ path: testInfo.outputPath('failure.png') });
  await removeAddedWorkspaces(readyInfo().ui);
});

test('browse a cloud workspace’s table, edit a row, and compare with its hosted Data API', async ({ page }) => {
  test.setTimeout(120_000);
  const info = readyInfo();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Every RPC answer, to check that the workspace's token never reached the page.
  const bodies: Promise<string>[] = [];
  page.on('response', (res) => {
    if (new URL(res.url()).pathname.startsWith('/rpc/')) bodies.push(res.text().catch(() => ''));
  });
  const db = new pg.Client({ connectionString: info.postgres });
  await db.connect();
  try {
    await page.goto(info.ui);
    const tree = page.getByRole('tree', { name: 'Database explorer' });
    await expect(tree.getByRole('treeitem', { level: 1 })).toHaveCount(1);
    await addWorkspace(page, info.tokens.owner as string);
    const workspaces = tree.getByRole('treeitem', { level: 1 });
    await expect(workspaces).toHaveCount(2);

    // The cloud workspace's rows come after the local one's: once both are there, the second of
    // each name is its own.
    const cloudItem = async (name: string | RegExp) => {
      const items = tree.getByRole('treeitem', { name, exact: typeof name === 'string' });
      await expect(items).toHaveCount(2);
      return items.last();
    };
    await expand(workspaces.nth(1));
    for (const name of ['Local workspace', 'production', 'databricks_postgres', 'public']) await expand(await cloudItem(name));
    await expect(tree.getByText('can’t be browsed')).toHaveCount(0);
    await expect(await cloudItem(/^tasks/)).toBeVisible();
    await (await cloudItem(/^clients/)).click();

    const grid = page.getByRole('grid', { name: 'public.clients rows' });
    await expect(grid.getByRole('gridcell', { name: 'Acme Corp', exact: true })).toBeVisible();
    await expect(page.getByLabel('View as')).toContainText('admin (your identity)');

    // An edit through the same staged review as locally, over the workspace's connection.
    await grid.getByRole('gridcell', { name: 'TechStart Inc', exact: true }).first().dblclick();
    const editor = grid.getByLabel('Edit name');
    await editor.fill('TechStart Cloud');
    await editor.press('Enter');
    const review = page.getByRole('region', { name: 'Staged changes' });
    await expect(review).toContainText('/public/clients?id=eq.2');
    await review.getByRole('button', { name: 'Apply all' }).click();
    await expect(page.getByRole('region', { name: 'Staged changes' })).toHaveCount(0);
    await expect(grid.getByRole('gridcell', { name: 'TechStart Cloud', exact: true })).toBeVisible();
    expect((await db.query(`SELECT name FROM clients WHERE id = 2`)).rows[0]?.name).toBe('TechStart Cloud');

    // Viewing as a role the identity is not a member of: Postgres refuses, and the grid says why.
    await page.getByLabel('View as').selectOption('user@example.com');
    const refused = page.getByRole('alert').filter({ hasText: 'The Data API refused this view' });
    await expect(refused).toContainText('permission denied to set role "user@example.com"');
    await expect(refused).toContainText('Pier logs in as "owner@pier.local", which is not a member of "user@example.com"');
    await expect(refused).toContainText('GRANT "user@example.com" TO "owner@pier.local"');
    await page.screenshot({ path: 'e2e/screenshots/cloud-view-as-refused.png' });
    await page.getByLabel('View as').selectOption({ label: 'admin (your identity)' });
    await expect(grid.getByRole('gridcell', { name: 'TechStart Cloud', exact: true })).toBeVisible();

    // The URL bar drives the view as locally.
    const url = page.getByLabel('Data API URL');
    await url.fill('clients?select=id,name&id=lte.2&order=id');
    await url.press('Enter');
    await expect(grid.getByRole('row')).toHaveCount(3);

    // The same request to the hosted Data API, beside Pier's own answer. The hosted API switches
    // to the identity from its authenticator role, which the owner is not granted yet: it refuses.
    await page.getByRole('button', { name: 'Send to hosted Data API' }).click();
    const compare = page.getByRole('region', { name: 'Hosted Data API comparison' });
    const verdict = compare.locator('.hosted-compare__verdict');
    await expect(verdict).toContainText('The answers differ.');
    await expect(verdict).toContainText('Status: Pier 200, hosted 403.');
    const hosted = compare.getByRole('group', { name: 'Hosted Data API' });
    await expect(hosted).toContainText('GRANT "owner@pier.local" TO authenticator');
    await expect(compare.getByRole('group', { name: 'Pier (in-process engine)' })).toContainText('TechStart Cloud');
    await page.screenshot({ path: 'e2e/screenshots/cloud-hosted-refused.png' });

    // Granted as the hint says, the hosted API answers exactly what Pier's engine does.
    await db.query(`GRANT "owner@pier.local" TO authenticator`);
    await compare.getByRole('button', { name: 'Send again' }).click();
    await expect(compare.getByRole('status')).toHaveText('Same answer. Both answered 200 with the same 2 rows.');
    await expect(hosted).toContainText('/rest/databricks_postgres/public/clients?select=id%2Cname&id=lte.2&order=id&limit=100');
    await expect(hosted).toContainText('content-range');
    await expect(hosted).toContainText('TechStart Cloud');
    await page.screenshot({ path: 'e2e/screenshots/cloud-hosted-compare.png' });

    // A row changed behind Pier's back shows up in both answers once sent again; still the same.
    await db.query(`UPDATE clients SET name = 'Acme (changed)' WHERE id = 1`);
    await compare.getByRole('button', { name: 'Send again' }).click();
    await expect(hosted).toContainText('Acme (changed)');
    await expect(compare.getByRole('status')).toHaveText('Same answer. Both answered 200 with the same 2 rows.');
    expect(errors).toEqual([]);
    const all = (await Promise.all(bodies)).join('\n');
    expect(all).toContain('TechStart Cloud');
    expect(all.includes(info.tokens.owner as string), 'the workspace token appeared in an RPC answer').toBe(false);
  } finally {
    await db.query(`UPDATE clients SET name = 'TechStart Inc' WHERE id = 2`);
    await db.query(`UPDATE clients SET name = 'Acme Corp' WHERE id = 1`);
    await db.query(`REVOKE "owner@pier.local" FROM authenticator`);
    await db.end();
  }
});

/** A management-API call on Pier's own control plane as its owner, followed to the end if it is an operation. */
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
  if (res.error) throw new Error(`${method} ${path}: ${JSON.stringify(res.error)}`);
  return res;
}

test('a database without the Data API: its table opens, and the hosted comparison says how to enable it', async ({ page }) => {
  test.setTimeout(120_000);
  const info = readyInfo();
  const PROD = 'projects/local/branches/production';
  const roles = await manage('GET', `${PROD}/roles`);
  const owner = roles.roles.find((r: any) => (r.status?.postgres_role ?? r.spec?.postgres_role) === 'owner@pier.local');
  await manage('POST', `${PROD}/databases?database_id=notes`, { spec: { postgres_database: 'notes', role: owner.name } });
  try {
    const production = new URL(info.postgres);
    production.pathname = '/notes';
    const db = new pg.Client({ connectionString: production.toString() });
    await db.connect();
    await db.query(`CREATE TABLE public.memo (id int PRIMARY KEY, body text); INSERT INTO public.memo VALUES (1, 'first note')`);
    await db.end();

    await page.goto(info.ui);
    const tree = page.getByRole('tree', { name: 'Database explorer' });
    await addWorkspace(page, info.tokens.owner as string);
    const workspaces = tree.getByRole('treeitem', { level: 1 });
    await expand(workspaces.nth(1));
    const cloudItem = async (name: string) => {
      const items = tree.getByRole('treeitem', { name, exact: true });
      await expect(items).toHaveCount(2);
      return items.last();
    };
    for (const name of ['Local workspace', 'production']) await expand(await cloudItem(name));
    // Both productions list `notes` (the local one is browsable too): the cloud's is the second,
    // once its databases have loaded.
    await expand(await cloudItem('notes'));
    // The cloud `notes` database's `public` is the second one once its schemas have loaded
    // (the first is the local databricks_postgres's, open from the start).
    await expand(await cloudItem('public'));
    await tree.getByRole('treeitem', { name: /^memo/ }).click();
    const grid = page.getByRole('grid', { name: 'public.memo rows' });
    await expect(grid.getByRole('gridcell', { name: 'first note', exact: true })).toBeVisible();

    await page.getByRole('button', { name: 'Send to hosted Data API' }).click();
    const compare = page.getByRole('region', { name: 'Hosted Data API comparison' });
    await expect(compare.getByRole('alert')).toContainText('The Data API is not enabled on notes, so there is no hosted Data API to ask.');
    await expect(compare.getByRole('alert')).toContainText('right-click the database notes → Data API… → Enable');
    // Pier's own answer is still there to read.
    await expect(compare.getByRole('group', { name: 'Pier (in-process engine)' })).toContainText('first note');
    await page.screenshot({ path: 'e2e/screenshots/cloud-hosted-no-data-api.png' });
  } finally {
    await removeAddedWorkspaces(info.ui);
    await manage('DELETE', `${PROD}/databases/notes`);
  }
});
