import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Response } from '@playwright/test';
import { readyInfo } from './support/ready';
import { removeAddedWorkspaces } from './support/workspaces';

/**
 * Secrets never reach the renderer. A user adds a workspace with a personal access token and
 * works across the console; every RPC response the page receives is kept and searched for every
 * secret main holds: the token just added, the dev tokens, the database passwords, the local
 * issuer's private key and the vault key.
 */
test('no RPC response carries a secret', async ({ page }) => {
  test.setTimeout(120_000);
  const info = readyInfo();
  const dataDir = path.join(process.env.PIER_E2E_DIR ?? '', 'data');
  const bodies: string[] = [];
  const pending: Promise<void>[] = [];
  page.on('response', (res: Response) => {
    if (new URL(res.url()).pathname.startsWith('/rpc/'))
      pending.push(
        res.text().then(
          (t) => void bodies.push(t),
          () => undefined,
        ),
      );
  });

  await page.goto(info.ui);
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  await expect(tree).toBeVisible();

  // A "Databricks" workspace with a personal access token: Pier's own server, so it verifies for real.
  const pat = info.tokens.owner as string;
  await page.getByRole('button', { name: 'Add workspace' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a Databricks workspace' });
  await dialog.getByRole('radio', { name: 'Personal access token' }).check();
  await dialog.getByLabel('Workspace URL').fill(new URL(info.ui).origin);
  await dialog.getByLabel('Access token', { exact: true }).fill(pat);
  await dialog.getByRole('button', { name: 'Add workspace' }).click();
  await expect(dialog).toBeHidden({ timeout: 45_000 });
  await expect(tree.getByRole('treeitem', { level: 1 })).toHaveCount(2);

  // Work across the console: the grid as an identity, the SQL editor, the policies and grants views.
  await tree
    .getByRole('treeitem', { name: /^clients/ })
    .first()
    .click();
  await expect(page.getByRole('grid', { name: 'public.clients rows' })).toBeVisible();
  for (const view of ['SQL editor', 'RLS policies', 'Grants', 'Roles', 'Data API set-up']) {
    await page.getByRole('button', { name: view, exact: true }).click();
    await page.waitForLoadState('networkidle');
  }
  await Promise.all(pending);

  const secrets: Record<string, string> = {
    'the personal access token just added': pat,
    "user@example.com's dev token": info.tokens['user@example.com'] as string,
    'the superuser password': decodeURIComponent(new URL(info.postgres).password),
    "authenticator's password": (await readFile(path.join(dataDir, 'secrets', 'authenticator'), 'utf8')).trim(),
    "the local issuer's private key": (
      JSON.parse(await readFile(path.join(dataDir, 'secrets', 'local-issuer-key.json'), 'utf8')) as { d: string }
    ).d,
  };
  // The vault key lives outside the data folder (the run's PIER_KEY_DIR, see support/globalSetup.ts).
  const vaultId = (await readFile(path.join(dataDir, 'vault.id'), 'utf8')).trim();
  const vaultKey = await readFile(path.join(process.env.PIER_E2E_DIR ?? '', 'keys', `${vaultId}.key`));
  secrets['the vault key (base64)'] = vaultKey.toString('base64');
  secrets['the vault key (hex)'] = vaultKey.toString('hex');
  try {
    expect(bodies.length).toBeGreaterThan(20);
    const all = bodies.join('\n');
    for (const [what, value] of Object.entries(secrets)) {
      expect(value.length, `${what} is known to the test`).toBeGreaterThan(8);
      expect(all.includes(value), `${what} appeared in an RPC response`).toBe(false);
    }
  } finally {
    await removeAddedWorkspaces(info.ui);
  }
});
