import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBrowserVault } from '../../vault/openBrowserVault';
import type { FileSecretVault } from '../../vault/secretVault';
import { staticTokenProvider } from '../auth/authProvider';
import { startScriptedServer, type ScriptedServer } from '../testing/scriptedServer';
import { fakeBrowser, startTestWorkspace, type TestWorkspace } from '../testing/testWorkspace';
import { profileHostFromIni } from './databricksConfig';
import { LOCAL_WORKSPACE_ID, WorkspaceRegistry } from './workspaceRegistry';

const FAST = { stepMs: 5, jitterMinMs: 0, jitterMaxMs: 5, totalBudgetMs: 300 };

let dir: string;
let ws: TestWorkspace;
let vault: FileSecretVault;
const peers: ScriptedServer[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pier-ws-'));
  ws = await startTestWorkspace();
  const v = await openBrowserVault(dir);
  if (!v.ok) throw new Error(v.error.message);
  vault = v.value;
});
afterEach(async () => {
  for (const p of peers.splice(0)) await p.close();
  await ws.close();
  await rm(dir, { recursive: true, force: true });
});

async function openRegistry(extra: { cliCommand?: string } = {}): Promise<WorkspaceRegistry> {
  const r = await WorkspaceRegistry.open({
    file: path.join(dir, 'workspaces.json'),
    vault,
    local: { baseUrl: 'http://127.0.0.1:9/api/2.0/postgres', auth: staticTokenProvider('local-owner') },
    callbackPorts: [0],
    retry: FAST,
    ...extra,
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('WorkspaceRegistry', () => {
  it('always lists the local workspace first, and refuses to remove it', async () => {
    const reg = await openRegistry();
    expect(reg.list()).toEqual([
      { id: 'local', kind: 'local', host: 'http://127.0.0.1:9', displayName: 'Local', authMethod: 'local', authLabel: 'Local' },
    ]);
    expect(await reg.remove(LOCAL_WORKSPACE_ID)).toMatchObject({ ok: false, error: { code: 'CLOUD_INVALID_INPUT' } });
  });

  it('adds a workspace with a working PAT; the token is in the vault only, never in what the UI sees', async () => {
    ws.validPats.add('dapi-good');
    const reg = await openRegistry();
    const added = await reg.addWithPersonalAccessToken({ host: ws.url, token: 'dapi-good', displayName: 'Staging' });
    expect(added).toMatchObject({
      ok: true,
      value: { kind: 'databricks', host: ws.url, displayName: 'Staging', authMethod: 'pat', authLabel: 'Personal access token' },
    });
    expect(JSON.stringify(reg.list())).not.toContain('dapi-good');
    expect(await readFile(path.join(dir, 'workspaces.json'), 'utf8')).not.toContain('dapi-good');
    expect((await stat(path.join(dir, 'workspaces.json'))).mode & 0o777).toBe(0o600);

    const reopened = await openRegistry();
    if (!added.ok) return;
    expect(reopened.list().map((w) => w.id)).toEqual(['local', added.value.id]);
    const client = await reopened.client(added.value.id);
    if (!client.ok) throw new Error(client.error.message);
    expect(await client.value.listProjects()).toEqual({ ok: true, value: { items: [] } });
  });

  it.each([
    [
      'an invalid token',
      async () => ({ host: ws.url, token: 'dapi-wrong' }),
      'CLOUD_UNAUTHENTICATED',
      /did not accept the personal access token.*replace the token/,
    ],
    ['an empty token', async () => ({ host: ws.url, token: '  ' }), 'CLOUD_INVALID_INPUT', /Paste the personal access token/],
    ['a malformed host', async () => ({ host: 'not a host', token: 'x' }), 'CLOUD_INVALID_INPUT', /not a workspace URL/],
    [
      'a host that is not a workspace',
      async () => {
        const other = await startScriptedServer(() => ({
          status: 404,
          body: '<html><title>Welcome</title></html>',
          headers: { 'content-type': 'text/html' },
        }));
        peers.push(other);
        return { host: other.url, token: 'x' };
      },
      'CLOUD_WRONG_HOST',
      /Check the workspace URL/,
    ],
    [
      'a host that is down',
      async () => {
        const gone = await startScriptedServer(() => ({ status: 200 }));
        await gone.close();
        return { host: gone.url, token: 'x' };
      },
      'CLOUD_NETWORK',
      /Check your network connection/,
    ],
  ])('with %s: a clear error and nothing stored', async (_, input, code, message) => {
    const reg = await openRegistry();
    const r = await reg.addWithPersonalAccessToken(await input());
    expect(r).toMatchObject({ ok: false, error: { code } });
    if (!r.ok) expect(r.error.message).toMatch(message);
    expect(reg.list()).toHaveLength(1);
    expect(vault.list()).toEqual([]);
  });

  it('replaces an expired PAT only with one that works', async () => {
    ws.validPats.add('old');
    const reg = await openRegistry();
    const added = await reg.addWithPersonalAccessToken({ host: ws.url, token: 'old' });
    if (!added.ok) throw new Error(added.error.message);
    ws.validPats.delete('old');
    const c1 = await reg.client(added.value.id);
    expect(c1.ok && (await c1.value.listProjects())).toMatchObject({ ok: false, error: { code: 'CLOUD_UNAUTHENTICATED' } });
    expect(await reg.replacePersonalAccessToken(added.value.id, { token: 'also-wrong' })).toMatchObject({
      ok: false,
      error: { code: 'CLOUD_UNAUTHENTICATED' },
    });
    ws.validPats.add('new');
    expect((await reg.replacePersonalAccessToken(added.value.id, { token: 'new' })).ok).toBe(true);
    const c2 = await (await openRegistry()).client(added.value.id);
    expect(c2.ok && (await c2.value.listProjects()).ok).toBe(true);
  });

  it('refuses to add the same workspace twice', async () => {
    ws.validPats.add('p');
    const reg = await openRegistry();
    expect((await reg.addWithPersonalAccessToken({ host: ws.url, token: 'p' })).ok).toBe(true);
    expect(await reg.addWithPersonalAccessToken({ host: `${ws.url}/`, token: 'p' })).toMatchObject({
      ok: false,
      error: { code: 'CLOUD_ALREADY_EXISTS' },
    });
  });

  it('if the workspace list cannot be saved, the secret does not stay behind', async () => {
    ws.validPats.add('p');
    const reg = await openRegistry();
    // A directory where the file should be makes the save fail.
    await rm(path.join(dir, 'workspaces.json'), { force: true });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'workspaces.json'));
    const r = await reg.addWithPersonalAccessToken({ host: ws.url, token: 'p' });
    expect(r).toMatchObject({ ok: false, error: { code: 'CLOUD_VAULT' } });
    expect(vault.list()).toEqual([]);
    expect(reg.list()).toHaveLength(1);
  });

  it('adds a workspace with OAuth, refreshes and stores rotated tokens, and asks to sign in again when revoked', async () => {
    ws.accessTokenSeconds = 120; // under 5 minutes: the first real call refreshes
    const reg = await openRegistry();
    const added = await reg.addWithOAuth({ host: ws.url, openBrowser: fakeBrowser });
    if (!added.ok) throw new Error(added.error.message);
    expect(added.value.authLabel).toBe('OAuth sign-in');
    const [secret] = vault.list(added.value.id);
    const before = await vault.get(secret!.handle);
    const client = await reg.client(added.value.id);
    if (!client.ok) throw new Error(client.error.message);
    expect((await client.value.listProjects()).ok).toBe(true);
    const after = await vault.get(secret!.handle);
    expect(before.ok && after.ok && JSON.parse(after.value).refreshToken !== JSON.parse(before.value).refreshToken).toBe(true);
    if (after.ok) expect(ws.liveRefreshTokens.has(JSON.parse(after.value).refreshToken)).toBe(true);

    // Revoked everywhere: the next refresh fails and says what to do.
    ws.liveRefreshTokens.clear();
    ws.liveAccessTokens.clear();
    const fresh = await openRegistry();
    const c2 = await fresh.client(added.value.id);
    if (!c2.ok) throw new Error(c2.error.message);
    const denied = await c2.value.listProjects();
    expect(denied).toMatchObject({ ok: false, error: { code: 'CLOUD_SIGN_IN_REQUIRED' } });
    if (!denied.ok) expect(denied.error.message).toMatch(/Sign in again/);
    ws.accessTokenSeconds = 3600;
    expect((await fresh.signInAgain(added.value.id, { openBrowser: fakeBrowser })).ok).toBe(true);
    const c3 = await fresh.client(added.value.id);
    expect(c3.ok && (await c3.value.listProjects()).ok).toBe(true);
  });

  it('removing a workspace removes its secrets and tells the pools', async () => {
    ws.validPats.add('p');
    const reg = await openRegistry();
    const added = await reg.addWithPersonalAccessToken({ host: ws.url, token: 'p' });
    if (!added.ok) throw new Error(added.error.message);
    const removed: string[] = [];
    reg.onDidRemoveWorkspace((id) => removed.push(id));
    expect(vault.list(added.value.id)).toHaveLength(1);
    expect(await reg.remove(added.value.id)).toEqual({ ok: true, value: undefined });
    expect(vault.list(added.value.id)).toEqual([]);
    expect(removed).toEqual([added.value.id]);
    expect((await openRegistry()).list()).toHaveLength(1);
    expect(await reg.client(added.value.id)).toMatchObject({ ok: false, error: { code: 'CLOUD_NOT_FOUND' } });
  });

  it('adds a workspace through the databricks CLI without storing any secret', async () => {
    ws.validPats.add('cli-token');
    const cli = path.join(dir, 'databricks');
    await writeFile(
      cli,
      `#!/bin/sh\necho '{"access_token":"cli-token","token_type":"Bearer","expiry":"${new Date(Date.now() + 3600_000).toISOString()}"}'\n`,
    );
    await chmod(cli, 0o755);
    const reg = await openRegistry({ cliCommand: cli });
    const added = await reg.addWithDatabricksCli({ profile: 'DEFAULT', host: ws.url });
    expect(added).toMatchObject({ ok: true, value: { authMethod: 'cli', authLabel: 'databricks CLI profile DEFAULT' } });
    expect(vault.list()).toEqual([]);
  });
});

describe('profileHostFromIni', () => {
  const ini =
    '; comment\n[DEFAULT]\nhost = https://a.cloud.databricks.com\ntoken = dapi-x\n\n[dev]\nauth_type=databricks-cli\nHost=https://b.cloud.databricks.com/\n';
  it.each([
    ['DEFAULT', 'https://a.cloud.databricks.com'],
    ['dev', 'https://b.cloud.databricks.com/'],
    ['missing', undefined],
  ])('[%s] → %j', (profile, host) => {
    expect(profileHostFromIni(ini, profile)).toBe(host);
  });
});
