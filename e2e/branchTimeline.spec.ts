import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readyInfo } from './support/ready';
import { expand } from './support/workspaces';

/**
 * The branch timeline as a user meets it: from the project's menu, production (default) with a
 * branch made from it and a branch of that branch, each lane linked to its parent, the expiring
 * one marked, the protected one marked; choosing a lane selects that branch in the explorer.
 */
test.slow();

const PROD = 'projects/local/branches/production';

async function manage(method: string, route: string, body?: unknown): Promise<any> {
  const info = readyInfo();
  const headers = { authorization: `Bearer ${info.tokens.owner}`, 'content-type': 'application/json' };
  let op = await (
    await fetch(`${info.managementApi}/${route}`, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) })
  ).json();
  for (let i = 0; i < 600 && op?.name?.includes('/operations/') && !op.done; i++) {
    await new Promise((r) => setTimeout(r, 100));
    op = await (await fetch(`${info.managementApi}/${op.name}`, { headers })).json();
  }
  if (op?.error) throw new Error(`${method} ${route}: ${JSON.stringify(op.error)}`);
  return op;
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  await manage('POST', 'projects/local/branches?branch_id=tl-dev', { spec: { source_branch: PROD, no_expiry: true, is_protected: true } });
  await manage('POST', 'projects/local/branches?branch_id=tl-feature', {
    spec: { source_branch: 'projects/local/branches/tl-dev', ttl: '86400s' },
  });
});
test.afterAll(async () => {
  test.setTimeout(120_000);
  await manage('PATCH', 'projects/local/branches/tl-dev?update_mask=spec.is_protected', { spec: { is_protected: false } }).catch(
    () => undefined,
  );
  await manage('DELETE', 'projects/local/branches/tl-feature').catch(() => undefined);
  await manage('DELETE', 'projects/local/branches/tl-dev').catch(() => undefined);
});

async function openTimeline(page: Page) {
  await page.goto(readyInfo().ui);
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  await expand(tree.getByRole('treeitem', { name: 'Local', exact: true }));
  await tree.getByRole('treeitem', { name: 'Local workspace', exact: false }).first().click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Branch timeline' }).click();
  const dialog = page.getByRole('dialog', { name: 'Branch timeline · Local workspace' });
  await expect(dialog).toBeVisible();
  return dialog;
}

async function axe(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}`).join('\n')}`);
  expect(bad, bad.join('\n')).toEqual([]);
}

for (const viewport of [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
]) {
  test.describe(`at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport });

    test('lanes from their parents, expiry and protection marked; a lane selects its branch in the tree', async ({ page }) => {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const dialog = await openTimeline(page);
      const timeline = dialog.getByRole('group', { name: /^Branch timeline: \d+ branch/ });
      const production = timeline.getByRole('button', { name: /^production · default/ });
      const dev = timeline.getByRole('button', {
        name: /^tl-dev · protected · created .* · from production at .*LSN \d+\/[0-9A-F]+ · no expiry$/,
      });
      const feature = timeline.getByRole('button', { name: /^tl-feature · created .* · from tl-dev at .* · expires / });
      for (const lane of [production, dev, feature]) await expect(lane).toBeVisible();
      // Lanes in tree order: a branch below its parent.
      const box = async (l: typeof production) => (await l.boundingBox())!;
      const [p, d, f] = [await box(production), await box(dev), await box(feature)];
      expect(p.y).toBeLessThan(d.y);
      expect(d.y).toBeLessThan(f.y);
      // Links from a parent (the fork dot) for each non-root lane; an expiry mark on the expiring one.
      await expect(dev.locator('.branch-timeline__link')).toHaveCount(1);
      await expect(feature.locator('.branch-timeline__expiry')).toHaveCount(1);
      await expect(production.locator('.branch-timeline__link')).toHaveCount(0);
      await expect(dialog.locator('.branch-timeline__now')).toHaveCount(1);
      await page.screenshot({ path: `e2e/screenshots/branch-timeline-${viewport.width}x${viewport.height}.png` });
      await axe(page);

      // Keyboard: Enter on a lane closes the timeline and puts the tree on that branch.
      await feature.focus();
      await page.keyboard.press('Enter');
      await expect(dialog).toBeHidden();
      const row = page.getByRole('tree', { name: 'Database explorer' }).getByRole('treeitem', { name: 'tl-feature', exact: false }).first();
      await expect(row).toBeFocused();
      await page.screenshot({ path: `e2e/screenshots/branch-timeline-selected-${viewport.width}x${viewport.height}.png` });
      expect(errors).toEqual([]);
    });
  });
}
