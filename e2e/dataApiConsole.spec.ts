import AxeBuilder from '@axe-core/playwright';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import { typeInto } from './support/editor';
import { readyInfo } from './support/ready';
import { expand } from './support/workspaces';

/**
 * The Data API console as a user meets it: opened from the database's menu, a GET with filters,
 * a POST that returns what it inserted, an RPC, an identity that sees only its RLS rows, a 4xx
 * shown with the engine's body, a saved request found again after a reload, the grid's URL bar
 * handing its request over, a write on a protected branch asking first, and the copied curl run
 * as is against the served Data API.
 */
const run = promisify(execFile);

async function sql(text: string): Promise<void> {
  const db = new pg.Client({ connectionString: readyInfo().postgres });
  await db.connect();
  try {
    await db.query(text);
  } finally {
    await db.end();
  }
}

async function protectProduction(isProtected: boolean): Promise<void> {
  const info = readyInfo();
  const auth = { authorization: `Bearer ${info.tokens.owner}` };
  let op = (await (
    await fetch(`${info.managementApi}/projects/local/branches/production?update_mask=spec.is_protected`, {
      method: 'PATCH',
      headers: auth,
      body: JSON.stringify({ spec: { is_protected: isProtected } }),
    })
  ).json()) as { name: string; done?: boolean; error?: unknown };
  for (let i = 0; i < 300 && !op.done; i++) {
    await new Promise((r) => setTimeout(r, 100));
    op = (await (await fetch(`${info.managementApi}/${op.name}`, { headers: auth })).json()) as typeof op;
  }
  expect(op.error).toBeUndefined();
}

test.beforeAll(async () => {
  await sql(`DROP TABLE IF EXISTS public.console_notes;
    CREATE TABLE public.console_notes (id serial PRIMARY KEY, "ça va" text NOT NULL, owner text NOT NULL DEFAULT current_user);
    INSERT INTO public.console_notes ("ça va", owner) VALUES ('alpha', 'user@example.com'), ('beta', 'someone@else'), ('gamma', 'user@example.com');
    ALTER TABLE public.console_notes ENABLE ROW LEVEL SECURITY;
    CREATE POLICY console_notes_own ON public.console_notes TO "user@example.com" USING (owner = current_user);
    GRANT SELECT, INSERT, UPDATE, DELETE ON public.console_notes TO "user@example.com";
    GRANT USAGE ON SEQUENCE public.console_notes_id_seq TO "user@example.com";
    CREATE OR REPLACE FUNCTION public.console_add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
    NOTIFY pgrst, 'reload schema';`);
});
test.afterAll(async () => {
  await protectProduction(false);
  await sql(
    `DROP TABLE IF EXISTS public.console_notes; DROP FUNCTION IF EXISTS public.console_add(int, int); NOTIFY pgrst, 'reload schema'`,
  );
});

async function openConsole(page: Page) {
  await page.goto(readyInfo().ui);
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  await expand(tree.getByRole('treeitem', { name: 'Local workspace', exact: false }).first());
  await tree.getByRole('treeitem', { name: 'databricks_postgres', exact: false }).first().click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Data API console' }).click();
  await expect(page.getByRole('tablist', { name: 'Open tables' }).getByRole('tab', { name: 'Data API console' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
}

/** Sets the request line and (for methods with one) the body, then sends. */
async function send(page: Page, method: string, target: string, body?: string) {
  const request = page.getByRole('region', { name: 'Request' });
  await request.getByLabel('Method').selectOption(method);
  await request.getByLabel('Path and query').fill(target);
  if (body !== undefined) await typeInto(page, 'Request body', body);
  await request.getByRole('button', { name: 'Send', exact: true }).click();
}

const status = (page: Page) => page.getByRole('status', { name: 'Response status' });
const body = (page: Page) => page.getByRole('region', { name: 'Response body' });

async function axe(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}`).join('\n')}`);
  expect(bad, bad.join('\n')).toEqual([]);
}

test.describe('at 1280×720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('GET with filters, POST returning its row, an RPC, RLS as an identity, a 4xx, a saved request after reload', async ({ page }) => {
    test.setTimeout(120_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openConsole(page);
    const request = page.getByRole('region', { name: 'Request' });

    // A GET with filters, ordering and a non-ASCII column: the rows and the Content-Range.
    await send(page, 'GET', '/public/console_notes?select=id,ça va&ça va=in.(alpha,gamma)&order=id.desc');
    await expect(status(page)).toContainText('200 OK');
    await expect(status(page)).toContainText(/\d+ ms/);
    await expect(body(page)).toContainText('"ça va": "gamma"');
    await expect(body(page)).toContainText('"ça va": "alpha"');
    await expect(body(page)).not.toContainText('beta');
    await expect(page.getByRole('region', { name: 'Response headers' })).toContainText('content-range');
    await page.screenshot({ path: 'e2e/screenshots/api-console-get-1280x720.png' });
    await axe(page);

    // A POST with Prefer: return=representation answers 201 with the inserted row.
    await request.getByLabel('Header 1 value').fill('return=representation');
    await send(page, 'POST', '/public/console_notes', '{"ça va": "delta", "owner": "user@example.com"}');
    await expect(status(page)).toContainText('201 Created');
    await expect(body(page)).toContainText('"ça va": "delta"');
    await expect(body(page)).toContainText('"owner": "user@example.com"');

    // An RPC by GET with its arguments in the query string.
    await send(page, 'GET', '/public/rpc/console_add?a=2&b=40');
    await expect(status(page)).toContainText('200 OK');
    await expect(body(page).locator('pre')).toHaveText('42');

    // Run as an identity: only the rows its policy allows (alpha, gamma, delta; not beta).
    await request.getByLabel('Header 1 value').fill('count=exact');
    await request.getByLabel('Run as').selectOption('user@example.com');
    await send(page, 'GET', '/public/console_notes?select=ça va&order=id');
    await expect(status(page)).toContainText('200 OK');
    await expect(body(page)).toContainText('"ça va": "alpha"');
    await expect(body(page)).not.toContainText('beta');
    await expect(page.getByRole('region', { name: 'Response headers' })).toContainText('0-2/3');
    await page.screenshot({ path: 'e2e/screenshots/api-console-run-as-1280x720.png' });

    // A filter the engine does not know: its 4xx with PostgREST's body, shown as the answer.
    await request.getByLabel('Run as').selectOption({ index: 0 });
    await send(page, 'GET', '/public/console_notes?id=nope.1');
    await expect(status(page)).toContainText('400 Bad Request');
    await expect(body(page)).toContainText('"code": "PGRST100"');
    // An unknown Prefer value under handling=strict: refused, nothing hidden.
    await request.getByLabel('Header 1 value').fill('handling=strict, return=banana');
    await send(page, 'GET', '/public/console_notes');
    await expect(status(page)).toContainText(/^4\d\d/);
    await expect(body(page)).toContainText('return=banana');
    await page.screenshot({ path: 'e2e/screenshots/api-console-4xx-1280x720.png' });

    // History keeps the runs, newest first.
    await request.getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('complementary', { name: 'Request history' });
    await expect(history.getByRole('listitem')).toHaveCount(6);
    await expect(history.getByRole('listitem').first()).toContainText('GET /public/console_notes');

    // Save a request; after a reload it is there and opens into the editor.
    await request.getByLabel('Header 1 value').fill('count=exact');
    await send(page, 'GET', '/public/console_notes?select=id&id=lt.3');
    await request.getByRole('button', { name: 'Save' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save request' });
    await dialog.getByLabel('Name').fill('first two notes');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.reload();
    await expect(page.getByRole('tab', { name: 'Data API console' })).toHaveAttribute('aria-selected', 'true');
    await request.getByLabel('Path and query').fill('/public/');
    await request.getByRole('button', { name: 'History' }).click();
    await page
      .getByRole('complementary')
      .getByRole('button', { name: /^Saved/ })
      .click();
    await page.getByRole('complementary', { name: 'Saved requests' }).getByRole('button', { name: 'first two notes', exact: true }).click();
    await expect(request.getByLabel('Path and query')).toHaveValue('/public/console_notes?select=id&id=lt.3');
    await request.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(body(page).locator('pre')).toHaveText(/"id": 1,?\s*}\s*,\s*{\s*"id": 2/);
    await page.screenshot({ path: 'e2e/screenshots/api-console-saved-1280x720.png' });
    expect(errors).toEqual([]);
  });

  test('copy as curl runs as is against the served Data API, non-ASCII column names and all', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await openConsole(page);
    const request = page.getByRole('region', { name: 'Request' });
    await request.getByLabel('Method').selectOption('GET');
    await request.getByLabel('Path and query').fill('/public/console_notes?select=id,ça va&ça va=eq.alpha');
    await request.getByLabel('Header 1 value').fill('count=exact');
    await request.getByRole('button', { name: 'Copy as…' }).click();
    const snippets = page.getByRole('group', { name: 'Copy as' });
    await expect(snippets).toContainText('$TOKEN');
    await snippets.getByRole('button', { name: 'Copy curl' }).click();
    const curl = await page.evaluate(() => navigator.clipboard.readText());
    expect(curl).toContain('%C3%A7a%20va');
    await page.screenshot({ path: 'e2e/screenshots/api-console-curl-1280x720.png' });
    const token = readyInfo().tokens['user@example.com']!;
    const { stdout } = await run('bash', ['-c', `${curl} --silent --show-error --include`], { env: { ...process.env, TOKEN: token } });
    expect(stdout).toMatch(/^HTTP\/1\.1 200/);
    expect(stdout).toMatch(/content-range: 0-0\/1/i);
    expect(stdout).toContain('"ça va":"alpha"');

    // The same for fetch and postgrest-js: shown, with the token explained.
    await snippets.getByRole('button', { name: 'postgrest-js' }).click();
    await expect(snippets.getByLabel('postgrest-js snippet')).toContainText(`.from('console_notes')`);
    await expect(snippets.getByLabel('postgrest-js snippet')).toContainText(`.select('id,"ça va"', { count: 'exact' })`);
  });

  test('the grid’s URL bar opens its request in the console; a write on a protected branch asks first', async ({ page }) => {
    await page.goto(readyInfo().ui);
    const tree = page.getByRole('tree', { name: 'Database explorer' });
    for (const name of ['Local workspace', 'databricks_postgres', 'public']) {
      await expand(tree.getByRole('treeitem', { name, exact: false }).first());
    }
    await tree.getByRole('treeitem', { name: 'console_notes', exact: false }).first().click();
    await expect(page.getByRole('grid', { name: 'public.console_notes rows' })).toContainText('alpha');
    await page.getByRole('button', { name: 'Open in Data API console' }).click();
    const request = page.getByRole('region', { name: 'Request' });
    await expect(request.getByLabel('Path and query')).toHaveValue(/^\/public\/console_notes/);
    await expect(request.getByLabel('Header 1 value')).toHaveValue('count=exact');
    await request.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(status(page)).toContainText('200 OK');
    await expect(body(page)).toContainText('alpha');

    await protectProduction(true);
    await page.reload();
    await expect(request.getByText('protected branch', { exact: true })).toBeVisible();
    await request.getByLabel('Header 1 value').fill('return=representation');
    await send(page, 'PATCH', '/public/console_notes?ça va=eq.beta', '{"owner": "changed@else"}');
    const ask = page.getByRole('dialog', { name: 'Send a write to a protected branch?' });
    await expect(ask).toBeVisible();
    await page.screenshot({ path: 'e2e/screenshots/api-console-protected-1280x720.png' });
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await expect(ask).toBeHidden();
    // Nothing was sent: the row is as it was.
    const db = new pg.Client({ connectionString: readyInfo().postgres });
    await db.connect();
    try {
      expect((await db.query(`SELECT owner FROM public.console_notes WHERE "ça va" = 'beta'`)).rows).toEqual([{ owner: 'someone@else' }]);
      await request.getByRole('button', { name: 'Send', exact: true }).click();
      await ask.getByRole('button', { name: 'Send anyway' }).click();
      await expect(status(page)).toContainText('200 OK');
      await expect(body(page)).toContainText('"owner": "changed@else"');
      expect((await db.query(`SELECT owner FROM public.console_notes WHERE "ça va" = 'beta'`)).rows).toEqual([{ owner: 'changed@else' }]);
    } finally {
      await db.end();
      await protectProduction(false);
    }
  });
});

test.describe('at 1440×900', () => {
  test.use({ viewport: { width: 1440, height: 900 } });

  test('the console with an answer and its snippets has no serious axe violation', async ({ page }) => {
    await openConsole(page);
    await send(page, 'GET', '/public/console_notes?select=*&order=id&limit=2');
    await expect(status(page)).toContainText('200 OK');
    await page.getByRole('region', { name: 'Request' }).getByRole('button', { name: 'Copy as…' }).click();
    await page.getByRole('region', { name: 'Request' }).getByRole('button', { name: 'History' }).click();
    await page.screenshot({ path: 'e2e/screenshots/api-console-1440x900.png' });
    await axe(page);
  });
});
