import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabricksCliTokenProvider, databricksCliToken, parseCliTokenOutput } from './databricksCliProvider';

describe('parseCliTokenOutput', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each<[string, { accessToken: string; expiresAt: number } | undefined]>([
    [
      '{"access_token":"a","token_type":"Bearer","expiry":"2026-01-01T01:00:00.123456789+01:00"}',
      { accessToken: 'a', expiresAt: Date.parse('2026-01-01T00:00:00.123Z') },
    ],
    ['{"access_token":"a","expiry":"2026-01-01T00:30:00Z"}', { accessToken: 'a', expiresAt: now + 30 * 60_000 }],
    ['{"access_token":"a","expiry":"2026-01-01 00:30:00.5"}', { accessToken: 'a', expiresAt: new Date('2026-01-01T00:30:00.5').getTime() }],
    ['{"access_token":"a","expires_in":600}', { accessToken: 'a', expiresAt: now + 600_000 }],
    ['{"access_token":""}', undefined],
    ['dapi123', undefined],
    ['null', undefined],
  ])('%s', (out, token) => {
    expect(parseCliTokenOutput(out, now)).toEqual(token);
  });
});

describe('the databricks CLI as a token source', () => {
  let dir: string;
  const script = async (name: string, body: string): Promise<string> => {
    const file = path.join(dir, name);
    await writeFile(file, `#!/bin/sh\n${body}\n`);
    await chmod(file, 0o755);
    return file;
  };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pier-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs `auth token --profile P` and uses its token until 5 minutes before expiry', async () => {
    const log = path.join(dir, 'calls.log');
    const exp = new Date(Date.now() + 3600_000).toISOString();
    const cli = await script('ok-cli', `echo "$@" >> ${log}\necho '{"access_token":"tok-1","token_type":"Bearer","expiry":"${exp}"}'`);
    const provider = new DatabricksCliTokenProvider({ profile: 'DEFAULT', command: cli });
    expect(await provider.getToken()).toEqual({ ok: true, value: 'tok-1' });
    expect(await provider.getToken()).toEqual({ ok: true, value: 'tok-1' });
    const { readFile } = await import('node:fs/promises');
    expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual(['auth token --profile DEFAULT --output json']);
    expect(provider.label).toBe('databricks CLI profile DEFAULT');
  });

  it('asks the CLI again when the token is about to expire', async () => {
    const exp = new Date(Date.now() + 60_000).toISOString();
    const cli = await script('short-cli', `echo '{"access_token":"tok-'$$'","expiry":"${exp}"}'`);
    const provider = new DatabricksCliTokenProvider({ profile: 'p', command: cli });
    const a = await provider.getToken();
    const b = await provider.getToken();
    expect(a.ok && b.ok && a.value !== b.value).toBe(true);
  });

  it.each<[string, string, string, RegExp]>([
    ['missing CLI', '', 'CLOUD_AUTH_FAILED', /not installed.*Install the Databricks CLI/],
    ['old Python CLI', `echo "Error: No such command 'auth'." >&2; exit 2`, 'CLOUD_AUTH_FAILED', /too old.*0\.207\.1/],
    [
      'unknown profile',
      `echo 'Error: cannot load Databricks config file: has no nope profile configured' >&2; exit 1`,
      'CLOUD_AUTH_FAILED',
      /no usable profile "nope".*databricks auth login --profile nope/,
    ],
    [
      'revoked sign-in',
      `echo 'Error: a new access token could not be retrieved because the refresh token is invalid. To reauthenticate, run databricks auth login' >&2; exit 1`,
      'CLOUD_SIGN_IN_REQUIRED',
      /expired or was revoked.*databricks auth login --profile nope/,
    ],
    ['text output', `echo 'dapi-not-json'`, 'CLOUD_AUTH_FAILED', /printed something other than a token/],
  ])('%s → a clear error', async (name, body, code, message) => {
    const command = body === '' ? path.join(dir, 'does-not-exist') : await script(name.replace(/\W/g, '-'), body);
    const r = await databricksCliToken({ profile: 'nope', command });
    expect(r).toMatchObject({ ok: false, error: { code } });
    if (!r.ok) expect(r.error.message).toMatch(message);
  });

  it('refuses a profile name that is not one', async () => {
    expect(await databricksCliToken({ profile: '--host=evil', command: 'true' })).toMatchObject({
      ok: false,
      error: { code: 'CLOUD_INVALID_INPUT' },
    });
  });
});
