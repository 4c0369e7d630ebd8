import { expect, test } from '@playwright/test';
import pg from 'pg';
import { readyInfo } from './support/ready';

/**
 * The role diagram in the Roles view: authenticator (LOGIN NOINHERIT) becomes each identity only by
 * SET ROLE; an identity the set-up assistant finds wanting is marked; a role that owns objects
 * granted to authenticator (the Lakebase pitfall) is drawn in red.
 */
test.use({ viewport: { width: 1280, height: 720 } });

const NEW_ID = 'diagram@example.com';

async function sql(text: string): Promise<void> {
  const db = new pg.Client({ connectionString: readyInfo().postgres });
  await db.connect();
  try {
    await db.query(text);
  } finally {
    await db.end();
  }
}

test.beforeAll(async () => {
  // An identity with no USAGE on public (a finding), and an owner granted to authenticator (the pitfall).
  await sql(`CREATE ROLE "${NEW_ID}" NOLOGIN; GRANT "${NEW_ID}" TO authenticator;
    CREATE ROLE diagram_owner NOLOGIN; CREATE TABLE diagram_owned (id int); ALTER TABLE diagram_owned OWNER TO diagram_owner;
    GRANT diagram_owner TO authenticator; GRANT diagram_owner TO "${NEW_ID}"`);
});
test.afterAll(async () => {
  await sql(`DROP TABLE IF EXISTS diagram_owned; DROP ROLE IF EXISTS diagram_owner; DROP ROLE IF EXISTS "${NEW_ID}"`);
});

test('who can become whom: SET ROLE-only edges from authenticator, findings and the owner pitfall marked', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(readyInfo().ui);
  await page.getByRole('group', { name: 'Admin tools' }).getByRole('button', { name: 'Roles' }).click();
  await page.getByText('Who can become whom').click();
  const diagram = page.getByRole('group', { name: 'Role memberships' });
  await expect(diagram.getByLabel(/^authenticator: LOGIN NOINHERIT/)).toBeVisible();
  await expect(diagram.getByLabel('authenticator → user@example.com: SET ROLE only')).toBeAttached();
  await expect(diagram.getByLabel(`${NEW_ID} → diagram_owner: inherits`)).toBeAttached();
  // The new identity may not use schema public: the set-up assistant's finding is on its box.
  await expect(diagram.getByLabel(new RegExp(`^${NEW_ID.replace('.', '\\.')}.*; [1-9]\\d* findings?$`))).toBeVisible();
  await expect(diagram.getByLabel(/^user@example\.com/)).not.toHaveAttribute('aria-label', /finding/);
  // The owner granted to authenticator: red, and said why.
  const risky = diagram.getByLabel('authenticator → diagram_owner: SET ROLE only, owns objects: any token could act as it');
  await expect(risky).toHaveClass(/role-edge--risky/);
  await diagram.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'e2e/screenshots/role-diagram-1280x720.png' });
  expect(errors).toEqual([]);
});
