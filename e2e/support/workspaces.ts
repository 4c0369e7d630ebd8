import { expect, type Locator, type Page } from '@playwright/test';
import { openUiSession } from '../../electron/server/uiLink';
import { readyFile, readyInfo } from './ready';

/**
 * Leaves the workspace list as every spec expects it: the local workspace only (RPC over HTTP in
 * a session of its own, opened with a fresh link: `link`, often the spec's own, may be used already).
 */
export async function removeAddedWorkspaces(link: string): Promise<void> {
  const { origin } = new URL(link);
  const cookie = await openUiSession(readyFile());
  const call = async (channel: string, input: unknown) =>
    (await (
      await fetch(`${origin}/rpc/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(input),
      })
    ).json()) as { ok: boolean; value?: { workspaces?: { id: string; kind: string }[] } };
  const list = await call('workspaces.list', {});
  for (const ws of list.value?.workspaces ?? []) {
    if (ws.kind !== 'local') await call('workspaces.remove', { id: ws.id });
  }
}

/** Opens a tree item (if closed) and waits until it is open. */
export async function expand(item: Locator): Promise<void> {
  await expect(item).toBeVisible();
  // A click can land while the tree re-renders (data arriving) and be lost: click again until open.
  await expect(async () => {
    if ((await item.getAttribute('aria-expanded')) === 'false') await item.click({ timeout: 2_000 });
    await expect(item).toHaveAttribute('aria-expanded', 'true', { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
}

/** Adds Pier's own server as a Databricks workspace with a personal access token, through the dialog. */
export async function addWorkspace(page: Page, token: string): Promise<void> {
  await page.getByRole('button', { name: 'Add workspace' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a Databricks workspace' });
  await dialog.getByRole('radio', { name: 'Personal access token' }).check();
  await dialog.getByLabel('Workspace URL').fill(new URL(readyInfo().ui).origin);
  await dialog.getByLabel('Access token', { exact: true }).fill(token);
  await dialog.getByRole('button', { name: 'Add workspace' }).click();
  await expect(dialog).toBeHidden({ timeout: 45_000 });
}
