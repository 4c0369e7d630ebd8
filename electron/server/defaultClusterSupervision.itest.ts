/**
 * The embedded default's postmaster is killed (kill -9): Pier restarts it, requests recover
 * without restarting Pier, and every write it acknowledged before the kill is still there.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isProcessAlive } from '../local/postgres/isProcessAlive';
import { startPierServer, type PierServer } from './pierServer';
import { rpc } from './cloudBranchData.testing';

let dataDir: string;
let server: PierServer;

beforeAll(async () => {
  const uiDir = path.join(os.tmpdir(), 'pier-itest-ui');
  await mkdir(uiDir, { recursive: true });
  await writeFile(path.join(uiDir, 'index.html'), '<!doctype html><title>Pier</title>');
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-supervise-'));
  server = await startPierServer({ mode: 'browser', port: 0, dataDir, uiDir });
});
afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

it('restarts a killed default cluster: requests recover and acknowledged writes are kept', async () => {
  const info = server.readyInfo();
  const auth = { authorization: `Bearer ${info.tokens['user@example.com']}` };
  const written: number[] = [];
  const db = new pg.Client({ connectionString: info.postgres });
  await db.connect();
  for (let i = 0; i < 5; i++) {
    // Each INSERT commits on its own: once it returns, the write is acknowledged.
    const r = await db.query<{ id: number }>(`INSERT INTO clients (name, email) VALUES ($1, $2) RETURNING id`, [
      `Supervised ${i}`,
      `s${i}@example.com`,
    ]);
    written.push(r.rows[0]!.id);
  }
  db.on('error', () => undefined); // its backend dies with the postmaster

  const pidFile = path.join(dataDir, 'clusters', 'production', 'pgdata', 'postmaster.pid');
  const killed = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  process.kill(killed, 'SIGKILL');
  const killedAt = performance.now();
  while (isProcessAlive(killed)) await new Promise((r) => setTimeout(r, 20));

  // Meanwhile Pier answers 503 with Retry-After (or already serves again); then it serves again.
  let rows: { id: number }[] | undefined;
  const seen = new Set<number>();
  const deadline = Date.now() + 30_000;
  while (!rows && Date.now() < deadline) {
    const res = await fetch(`${info.dataApi}/clients?select=id&id=in.(${written.join(',')})&order=id`, { headers: auth });
    seen.add(res.status);
    if (res.status === 503) expect(res.headers.get('retry-after')).toBeTruthy();
    if (res.status === 200) rows = (await res.json()) as { id: number }[];
    else await new Promise((r) => setTimeout(r, 100));
  }
  console.log(
    `[supervision] Data API answered 200 again ${Math.round(performance.now() - killedAt)} ms after kill -9 (seen: ${[...seen].join(', ')})`,
  );
  expect([...seen].filter((s) => s !== 200 && s !== 503)).toEqual([]);
  expect(rows?.map((r) => r.id)).toEqual(written);
  const restarted = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  expect(restarted).not.toBe(killed);

  // The console's own connections recover too.
  const listed = await rpc(server, 'catalog.listSchemas', {
    at: { kind: 'local', branch: 'projects/local/branches/production', database: 'databricks_postgres' },
  });
  expect(listed.ok, JSON.stringify(listed.error)).toBe(true);
  await db.end().catch(() => undefined);
});
