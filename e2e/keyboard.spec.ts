import { expect, test, type Page } from '@playwright/test';
import { readyInfo } from './support/ready';

/** Keyboard first (issue 16 item 7): the command palette, the shortcut sheet, the theme choice. */

async function start(page: Page): Promise<void> {
  await page.goto(readyInfo().ui);
  // The tree opens down to the default schema on a first visit; the palette's tables come from the same catalog.
  await expect(page.getByRole('tree', { name: 'Database explorer' }).getByRole('treeitem', { name: /^clients/ })).toBeVisible({
    timeout: 45_000,
  });
}

const palette = (page: Page) => page.getByRole('dialog', { name: 'Command palette' });

for (const size of [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
]) {
  test.describe(`at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size });

    test('Ctrl+K opens the palette; typing a table name and Enter opens it', async ({ page }) => {
      await start(page);
      await page.keyboard.press('Control+k');
      await expect(palette(page)).toBeVisible();
      await expect(palette(page).getByRole('combobox')).toBeFocused();
      await page.keyboard.type('projects');
      await expect(palette(page).getByRole('option', { name: 'Open public.projects' })).toHaveAttribute('aria-selected', 'true');
      await page.screenshot({ path: `e2e/screenshots/palette-${size.width}.png` });
      await page.keyboard.press('Enter');
      await expect(palette(page)).toBeHidden();
      await expect(page.getByRole('grid', { name: 'public.projects rows' })).toBeVisible();
    });

    test('Ctrl+Shift+P opens it too, even from the SQL editor, and Esc closes it', async ({ page }) => {
      await start(page);
      await page.keyboard.press('Control+Shift+P');
      await page.keyboard.type('new sql');
      await expect(palette(page).getByRole('option', { name: 'New SQL tab' })).toHaveAttribute('aria-selected', 'true');
      await page.keyboard.press('Enter');
      const editor = page.getByRole('textbox', { name: /SQL/ }).first();
      await expect(editor).toBeAttached();
      await editor.focus();
      // Monaco binds Ctrl+K as a chord prefix; the palette still wins.
      await page.keyboard.press('Control+k');
      await expect(palette(page)).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(palette(page)).toBeHidden();
    });

    test('branch actions and view-as are in the palette', async ({ page }) => {
      await start(page);
      await page
        .getByRole('tree', { name: 'Database explorer' })
        .getByRole('treeitem', { name: /^clients/ })
        .click();
      await expect(page.getByRole('grid', { name: 'public.clients rows' })).toBeVisible();
      await page.keyboard.press('Control+k');
      await page.keyboard.type('new branch');
      await expect(palette(page).getByRole('option', { name: 'Branch production: New branch…' })).toBeVisible();
      await palette(page).getByRole('combobox').fill('view as');
      await expect(palette(page).getByRole('option', { name: 'View as user@example.com' })).toBeVisible();
      await page.keyboard.press('Escape');
      // New branch… from the palette opens the same dialog as the row menu.
      await page.keyboard.press('Control+k');
      await page.keyboard.type('Branch production: New branch');
      await expect(palette(page).getByRole('option', { name: 'Branch production: New branch…' })).toHaveAttribute('aria-selected', 'true');
      await page.keyboard.press('Enter');
      await expect(page.getByRole('dialog', { name: /branch/i })).toBeVisible();
      await page.keyboard.press('Escape');
    });

    test('? shows the shortcut sheet, but types a question mark in a text field', async ({ page }) => {
      await start(page);
      await page.getByRole('searchbox', { name: 'Filter tables' }).fill('');
      await page.getByRole('searchbox', { name: 'Filter tables' }).press('?');
      await expect(page.getByRole('searchbox', { name: 'Filter tables' })).toHaveValue('?');
      await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeHidden();
      await page.getByRole('searchbox', { name: 'Filter tables' }).fill('');
      await page.getByRole('tree', { name: 'Database explorer' }).getByRole('treeitem').first().focus();
      await page.keyboard.press('?');
      const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await expect(sheet).toBeVisible();
      await expect(sheet.getByRole('region', { name: 'Everywhere' })).toContainText('Command palette');
      await page.screenshot({ path: `e2e/screenshots/shortcuts-${size.width}.png` });
      await page.keyboard.press('Escape');
      await expect(sheet).toBeHidden();
    });
  });
}

test('the theme choice applies at once and is remembered across restarts', async ({ page, context }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await start(page);
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'light');
  const picker = page.getByRole('combobox', { name: 'Theme' });
  await expect(picker).toHaveValue('system');
  // System follows the OS while the app is open.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // From the palette…
  await page.keyboard.press('Control+k');
  await page.keyboard.type('theme dark');
  await expect(palette(page).getByRole('option', { name: 'Theme: Dark' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(picker).toHaveValue('dark');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(17, 17, 19)');
  await page.screenshot({ path: 'e2e/screenshots/theme-dark.png' });

  // …kept by a new window of the same profile (a restart), although the OS says light.
  const again = await context.newPage();
  await again.emulateMedia({ colorScheme: 'light' });
  await start(again);
  await expect(again.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(again.getByRole('combobox', { name: 'Theme' })).toHaveValue('dark');

  // And from the picker, back to the system's choice.
  await again.getByRole('combobox', { name: 'Theme' }).selectOption('system');
  await expect(again.locator('html')).toHaveAttribute('data-theme', 'light');
});
