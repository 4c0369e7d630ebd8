import { expect, type Page } from '@playwright/test';

/** Puts text into a Monaco editor as typing would, without auto-closed brackets getting in the way. */
export async function typeInto(page: Page, editorName: string, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: editorName });
  await expect(box).toBeAttached();
  await box.focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(text);
}
