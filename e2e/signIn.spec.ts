import { createHash, randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { readyInfo } from './support/ready';

const REDIRECT = 'http://127.0.0.1:8766/callback';

/**
 * A scripted OAuth client (authorization code + PKCE, as the Databricks CLI signs in) asks Pier's
 * local issuer for a sign-in; the request waits for the user's answer in Pier's window.
 */
function startSignIn(clientId: string) {
  const verifier = randomBytes(48).toString('base64url');
  const url = new URL(`${readyInfo().oidc}/v1/authorize`);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    scope: 'all-apis offline_access',
    state: 'e2e-state',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }))
    url.searchParams.set(k, v);
  const back = fetch(url, { redirect: 'manual' }).then((r) => new URL(r.headers.get('location') ?? ''));
  return { verifier, back };
}

test('a local sign-in waits for the user: the dialog names the client and where the code goes; Approve completes it', async ({ page }) => {
  await page.goto(readyInfo().ui);
  await expect(page.getByRole('tree', { name: 'Database explorer' })).toBeVisible();

  const flow = startSignIn('e2e-scripted-cli');
  const dialog = page.getByRole('dialog', { name: 'Approve a sign-in to Pier?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('e2e-scripted-cli');
  await expect(dialog).toContainText(REDIRECT);
  await expect(dialog).toContainText('owner@pier.local');
  await page.screenshot({ path: 'e2e/screenshots/sign-in-approval.png' });
  await dialog.getByRole('button', { name: 'Approve' }).click();
  await expect(dialog).toBeHidden();

  const back = await flow.back;
  expect(back.searchParams.get('state')).toBe('e2e-state');
  const code = back.searchParams.get('code');
  expect(code).toBeTruthy();
  const tokenResponse = await fetch(`${readyInfo().oidc}/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: code ?? '',
      code_verifier: flow.verifier,
      redirect_uri: REDIRECT,
      client_id: 'e2e-scripted-cli',
    }),
  });
  expect(tokenResponse.status).toBe(200);
  const { access_token } = (await tokenResponse.json()) as { access_token: string };
  const projects = await fetch(`${readyInfo().managementApi}/projects`, { headers: { authorization: `Bearer ${access_token}` } });
  expect(((await projects.json()) as { projects: { project_id: string }[] }).projects.map((p) => p.project_id)).toContain('local');
});

test('Deny (or Escape) refuses the sign-in: the client gets access_denied and no code', async ({ page }) => {
  await page.goto(readyInfo().ui);
  const dialog = page.getByRole('dialog', { name: 'Approve a sign-in to Pier?' });

  const denied = startSignIn('e2e-unwanted');
  await expect(dialog).toContainText('e2e-unwanted');
  await dialog.getByRole('button', { name: 'Deny' }).click();
  await expect(dialog).toBeHidden();
  const back = await denied.back;
  expect(back.searchParams.get('error')).toBe('access_denied');
  expect(back.searchParams.get('code')).toBeNull();

  const escaped = startSignIn('e2e-escaped');
  await expect(dialog).toContainText('e2e-escaped');
  await page.keyboard.press('Escape');
  expect((await escaped.back).searchParams.get('error')).toBe('access_denied');
  await expect(dialog).toBeHidden();
});
