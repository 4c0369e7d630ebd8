/** Pier's headless server as its own process: no request ends it, and it stops cleanly on a signal. */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintUiLink } from './uiLink';
import { isProcessAlive } from '../local/postgres/isProcessAlive';
import { buildServe, startServeProcess, type ServeProcess } from './serveProcess.testing';

let script: string;
let pier: ServeProcess;

beforeAll(async () => {
  script = await buildServe();
  pier = await startServeProcess(script);
});
afterAll(async () => {
  await pier?.stop();
});

const origin = () => new URL(pier.info.dataApi).origin;
const alive = () => pier.child.exitCode === null && pier.child.signalCode === null;

describe('no request ends the process', () => {
  it.each([
    ['an unknown branch', '/projects/nope/branches/nope/api/2.0/workspace/local/rest/databricks_postgres/public/x'],
    ['a NUL byte as the database', '/api/2.0/workspace/local/rest/%00/public/x'],
    ['an unknown database', '/api/2.0/workspace/local/rest/nope/public/x'],
  ])('%s: 404 with a JSON body, and the server is still there a while later', async (_what, route) => {
    for (let i = 0; i < 2; i++) {
      const res = await fetch(origin() + route);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('PGRST125');
    }
    // The failed engine load used to surface as an unhandled rejection about a second later.
    await new Promise((r) => setTimeout(r, 1500));
    expect(alive(), pier.output()).toBe(true);
    const ok = await fetch(`${pier.info.dataApi}/clients?select=id&limit=1`, {
      headers: { authorization: `Bearer ${pier.info.tokens['user@example.com']}` },
    });
    expect(ok.status).toBe(200);
  });
});

describe('stopping', () => {
  it('stops its PostgreSQL with it on SIGTERM: no orphaned postmaster', async () => {
    const postgres = new URL(pier.info.postgres);
    const pidFile = `${pier.dataDir}/clusters/production/pgdata/postmaster.pid`;
    const postmaster = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    expect(isProcessAlive(postmaster)).toBe(true);
    expect(postgres.port).not.toBe('');
    const code = await pier.stop();
    expect(code).toBe(0);
    for (let i = 0; i < 100 && isProcessAlive(postmaster); i++) await new Promise((r) => setTimeout(r, 100));
    expect(isProcessAlive(postmaster)).toBe(false);
  });
});

describe('the UI window', () => {
  let withWindow: ServeProcess;
  let browserWrapper: string;

  beforeAll(async () => {
    // Headless Chromium behind PIER_CHROMIUM: the same --app window, with nothing on a screen.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pier-window-test-'));
    browserWrapper = path.join(dir, 'chromium');
    await writeFile(
      browserWrapper,
      `#!/bin/sh\nexec ${process.env.PIER_TEST_CHROMIUM ?? '/usr/bin/chromium'} --headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "$@"\n`,
      { mode: 0o700 },
    );
    withWindow = await startServeProcess(script, {
      args: ['--open'],
      // TMPDIR: the window's profile folder is made there, and goes with this test's folder.
      env: { ...process.env, DISPLAY: process.env.DISPLAY ?? ':pier-test', PIER_CHROMIUM: browserWrapper, TMPDIR: dir },
    });
    for (let i = 0; i < 300 && !withWindow.output().includes('A browser opened a UI session'); i++)
      await new Promise((r) => setTimeout(r, 100));
  });
  afterAll(async () => {
    await withWindow?.stop();
    if (browserWrapper) await rm(path.dirname(browserWrapper), { recursive: true, force: true });
  });

  it('opens a session without leaving a usable secret in any process command line', async () => {
    expect(withWindow.output()).toContain('A browser opened a UI session');
    const origin = new URL(withWindow.info.ui).origin;
    const cmdlines: string[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const text = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
      if (text) cmdlines.push(text.replace(/\0/g, ' '));
    }
    const all = cmdlines.join('\n');
    expect(all).toContain('--app='); // the window is there, and was read
    expect(all).not.toContain(withWindow.info.launchSecret);
    // Every secret-looking token on any command line of ours: none opens a session or passes as one.
    const ours = cmdlines.filter((c) => c.includes(origin) || c.includes('pier-window-'));
    const tokens = new Set(ours.flatMap((c) => c.match(/[\w.-]{20,}/g) ?? []));
    for (const token of tokens) {
      const link = await fetch(`${origin}/session?code=${encodeURIComponent(token)}`, { redirect: 'manual' });
      expect(link.status, token).toBe(401);
      const attempts: Record<string, string>[] = [{ cookie: `pier-session-${new URL(origin).port}=${token}` }, { 'x-pier-session': token }];
      for (const headers of attempts) {
        const call = await fetch(`${origin}/rpc/app.status`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: '{}',
        });
        expect(call.status, token).toBe(401);
      }
    }
  });

  it('refuses a link used twice, and RPC without the cookie', async () => {
    const link = mintUiLink(withWindow.info.ui, withWindow.info.launchSecret);
    const first = await fetch(link, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const setCookie = first.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const again = await fetch(link, { redirect: 'manual' });
    expect(again.status).toBe(401);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(((await again.json()) as { error: { message: string } }).error.message).toContain('used already');
    const origin = new URL(withWindow.info.ui).origin;
    const rpc = (headers: Record<string, string>) =>
      fetch(`${origin}/rpc/app.status`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    expect((await rpc({})).status).toBe(401);
    expect((await rpc({ cookie: setCookie.split(';')[0]! })).status).toBe(200);
    // The cookie alone is not enough from another origin.
    expect((await rpc({ cookie: setCookie.split(';')[0]!, origin: 'http://127.0.0.1:1' })).status).toBe(403);
  });
});
