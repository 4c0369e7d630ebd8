import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { readyInfo } from './support/ready';

/**
 * Issue 17, item 2 in the UI: "Reset from parent…" from a branch's row menu and "Restore to a
 * point in time…" from the command palette, each walked to the end at two window sizes (the data
 * checked through the branch's endpoint), a protected branch's refusal, and axe on both dialogs.
 */

const palette = (page: Page) => page.getByRole('dialog', { name: 'Command palette' });

async function api(method: string, route: string, body?: unknown) {
  const info = readyInfo();
  let op = (await (
    await fetch(`${info.managementApi}/${route}`, {
      method,
      headers: { authorization: `Bearer ${info.tokens.owner}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    })
  ).json()) as { name?: string; done?: boolean; error?: unknown };
  if (!op.name?.includes('/operations/')) return op;
  for (let i = 0; i < 900 && !op.done; i++) {
    await new Promise((r) => setTimeout(r, 100));
    op = (await (
      await fetch(`${info.managementApi}/${op.name}`, { headers: { authorization: `Bearer ${info.tokens.owner}` } })
    ).json()) as typeof op;
  }
  if (op.error) throw new Error(`${method} ${route}: ${JSON.stringify(op.error)}`);
  return op;
}

/** The owner on a branch's read-write endpoint, as Lakebase's clients connect: its host, TLS, a credential as the password. */
async function branchClient(branch: string): Promise<pg.Client> {
  const info = readyInfo();
  const eps = (await api('GET', `${branch}/endpoints`)) as unknown as {
    endpoints: { name: string; status: { endpoint_type: string; hosts: { host: string } } }[];
  };
  const endpoint = eps.endpoints.find((e) => e.status.endpoint_type === 'ENDPOINT_TYPE_READ_WRITE')!;
  const [host, port] = endpoint.status.hosts.host.split(':');
  const cred = (await api('POST', 'credentials', { endpoint: endpoint.name })) as unknown as { token: string };
  const client = new pg.Client({
    host,
    port: Number(port ?? 5432),
    user: 'owner@pier.local',
    password: cred.token,
    database: 'databricks_postgres',
    ssl: { ca: readFileSync(info.postgresCa ?? '', 'utf8') },
  });
  await client.connect();
  return client;
}

async function clientName(branch: string, id: number): Promise<string> {
  const c = await branchClient(branch);
  try {
    return String((await c.query<{ name: string }>('SELECT name FROM clients WHERE id = $1', [id])).rows[0]?.name);
  } finally {
    await c.end();
  }
}

async function run(branch: string, sql: string): Promise<void> {
  const c = await branchClient(branch);
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** No serious or critical axe violation on the page with the dialog open. */
async function expectAxeClean(page: Page) {
  const results = await new AxeBuilder({ page }).include('dialog[open]').analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
  expect(bad, bad.join('\n')).toEqual([]);
}

/** `datetime-local`'s value for a moment, in the browser's (and this machine's) local time. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

test.describe.configure({ timeout: 240_000 });

for (const size of [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
]) {
  const id = `reset-e2e-${size.width}`;
  const branch = `projects/local/branches/${id}`;
  const kept = `${id}-old`;

  test.describe(`at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size });

    test.beforeAll(async () => {
      test.setTimeout(180_000);
      await api('POST', `projects/local/branches?branch_id=${id}`, {
        spec: { source_branch: 'projects/local/branches/production', no_expiry: true },
      });
    });

    test.afterAll(async () => {
      for (const b of [`projects/local/branches/${kept}`, branch]) await api('DELETE', `${b}?purge=true`).catch(() => undefined);
    });

    test('reset from parent, then restore to a point in time from the palette, then a protected branch is refused', async ({ page }) => {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await run(branch, `UPDATE clients SET name = 'Changed on the branch' WHERE id = 1`);
      await page.goto(readyInfo().ui);
      const tree = page.getByRole('tree', { name: 'Database explorer' });
      const row = tree.getByRole('treeitem', { name: id, exact: true });
      await expect(row).toBeVisible({ timeout: 30_000 });

      // Reset from parent, from the row menu.
      await row.click({ button: 'right' });
      await page
        .getByRole('menu', { name: `Actions for ${id}` })
        .getByRole('menuitem', { name: 'Reset from parent…' })
        .click();
      const reset = page.getByRole('dialog', { name: `Reset ${id} from parent` });
      await expect(reset).toContainText('Parent');
      await expect(reset).toContainText('production');
      await expect(reset).toContainText('History available');
      await expect(reset.getByRole('radio', { name: 'The parent’s current data' })).toBeChecked();
      await reset.getByRole('checkbox', { name: /Keep .* current data as a new branch/ }).check();
      await expect(reset.getByLabel('Keep the current data as branch')).toHaveValue(new RegExp(`^${id}-old-\\d{14}$`));
      await reset.getByRole('checkbox', { name: /Keep .* current data as a new branch/ }).uncheck();
      await page.screenshot({ path: `e2e/screenshots/branch-reset-${size.width}.png` });
      await expectAxeClean(page);
      await reset.getByRole('button', { name: 'Reset branch' }).click();
      await expect(reset.getByRole('button', { name: 'Resetting…' })).toBeVisible();
      await expect(reset.getByRole('status')).toContainText(`Resetting ${id}`);
      await page.screenshot({ path: `e2e/screenshots/branch-reset-running-${size.width}.png` });
      await expect(reset).toBeHidden({ timeout: 120_000 });
      await expect(
        page.getByRole('region', { name: 'Operations' }).getByRole('listitem', { name: `Reset branch ${id}: Succeeded` }),
      ).toBeVisible();
      expect(await clientName(branch, 1)).toBe('Acme Corp');

      // A point after the reset, then a change after it; restore to that point from the palette.
      await new Promise((r) => setTimeout(r, 1500));
      const at = Date.now();
      await new Promise((r) => setTimeout(r, 1500));
      await run(branch, `UPDATE clients SET name = 'Changed after the point' WHERE id = 2`);
      await page.keyboard.press('Control+k');
      await page.keyboard.type(`Branch ${id}: Restore`);
      await expect(palette(page).getByRole('option', { name: `Branch ${id}: Restore to a point in time…` })).toHaveAttribute(
        'aria-selected',
        'true',
      );
      await page.keyboard.press('Enter');
      const restore = page.getByRole('dialog', { name: `Restore ${id} to a point in time` });
      await expect(restore.getByRole('radio', { name: 'A point in time' })).toBeChecked();
      await restore.getByLabel('Time', { exact: true }).fill(localInput(at));
      await restore.getByLabel('Keep the current data as branch').fill(kept);
      await page.screenshot({ path: `e2e/screenshots/branch-restore-${size.width}.png` });
      await expectAxeClean(page);
      await restore.getByRole('button', { name: 'Restore branch' }).click();
      await expect(restore).toBeHidden({ timeout: 120_000 });
      expect(await clientName(branch, 2)).toBe('TechStart Inc');
      // The data before the restore is a branch of its own, in the tree under the restored one.
      if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
      await expect(tree.getByRole('treeitem', { name: kept, exact: true })).toBeVisible({ timeout: 30_000 });
      expect(await clientName(`projects/local/branches/${kept}`, 2)).toBe('Changed after the point');
      await page.screenshot({ path: `e2e/screenshots/branch-restore-done-${size.width}.png` });

      // Protected: the dialog says why, and offers no button that would run.
      await api('PATCH', `${branch}?update_mask=spec.is_protected`, { spec: { is_protected: true } });
      await page.reload();
      await expect(row).toBeVisible({ timeout: 30_000 });
      await row.click({ button: 'right' });
      await page
        .getByRole('menu', { name: `Actions for ${id}` })
        .getByRole('menuitem', { name: 'Reset from parent…' })
        .click();
      const refused = page.getByRole('dialog', { name: `Reset ${id} from parent` });
      await expect(refused.getByRole('alert')).toContainText('protected branches cannot be reset or restored');
      await expect(refused.getByRole('button', { name: 'Reset branch' })).toBeDisabled();
      await page.screenshot({ path: `e2e/screenshots/branch-reset-protected-${size.width}.png` });
      await expectAxeClean(page);
      await refused.getByRole('button', { name: 'Close' }).click();
      await api('PATCH', `${branch}?update_mask=spec.is_protected`, { spec: { is_protected: false } });
      expect(errors).toEqual([]);
    });
  });
}
