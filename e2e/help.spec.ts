import path from 'node:path';
import { expect, test } from '@playwright/test';
import { readyInfo } from './support/ready';

test('Help offers the palette, the shortcuts, About, the logs folder and updates in browser mode, each saying what it did', async ({
  page,
}) => {
  await page.goto(readyInfo().ui);
  await page.getByRole('button', { name: 'Help' }).click();
  const menu = page.getByRole('menu', { name: 'Help' });
  await expect(menu.getByRole('menuitem')).toHaveText([
    'Command palette (Ctrl+K)',
    'Keyboard shortcuts (?)',
    'About Pier',
    'Open logs folder',
    'Check for updates',
  ]);
  await page.screenshot({ path: 'e2e/screenshots/help-menu.png' });
  await menu.getByRole('menuitem', { name: 'Keyboard shortcuts (?)' }).click();
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet.getByRole('region', { name: 'SQL editor' })).toContainText('Ctrl+Enter');
  await sheet.getByRole('button', { name: 'Close' }).click();
  await expect(sheet).toBeHidden();

  await page.getByRole('button', { name: 'Help' }).click();
  await page.getByRole('menu', { name: 'Help' }).getByRole('menuitem', { name: 'About Pier' }).click();
  const about = page.getByRole('dialog', { name: 'About Pier' });
  // The e2e server runs with --data-dir: its logs live inside that folder.
  const dataDir = path.join(process.env.PIER_E2E_DIR ?? '', 'data');
  await expect(about.getByRole('definition').nth(0)).toHaveText(/^\d+\.\d+\.\d+$/);
  await expect(about).toContainText('Browser mode (npm run serve)');
  await expect(about).toContainText(/PostgreSQL\s*1\d\./);
  await expect(about).toContainText(`Node.js${process.versions.node}`);
  await expect(about).toContainText(`Logs folder${path.join(dataDir, 'logs')}`);
  await expect(about).toContainText('update it with git pull and npm install');
  await page.screenshot({ path: 'e2e/screenshots/help-about.png' });
  await about.getByRole('button', { name: 'Close' }).click();
  await expect(about).toBeHidden();

  await page.getByRole('button', { name: 'Help' }).click();
  await page.getByRole('menuitem', { name: 'Open logs folder' }).click();
  await expect(page.getByText(`Pier's logs are in ${path.join(dataDir, 'logs')}`)).toBeVisible();

  await page.getByRole('button', { name: 'Help' }).click();
  await page.getByRole('menuitem', { name: 'Check for updates' }).click();
  await expect(page.getByText('Updates are not available in browser mode.')).toBeVisible();
});
