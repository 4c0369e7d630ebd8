/** Pier's headless server as its own process: no request ends it, and it stops cleanly on a signal. */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
