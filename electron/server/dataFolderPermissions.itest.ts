/**
 * Everything Pier keeps under its data folder is the user's alone (folders 0700, files 0600,
 * PostgreSQL's log included: it can hold a password), and no folder above the data folder changes,
 * even run as root, when PostgreSQL runs as another OS user.
 */
import { lstat, mkdir, mkdtemp, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveRunAs } from '../local/postgres/runAs';
import { rpc } from './cloudBranchData.testing';
import { startPierServer } from './pierServer';

let parent: string;
let dataDir: string;
const modeOf = async (p: string) => (await stat(p)).mode & 0o7777;

beforeAll(async () => {
  // Like /root/.local/share/pier: a private folder (0700) above a plain one above the data folder.
  parent = await mkdtemp(path.join(os.tmpdir(), 'pier-private-home-'));
  await mkdir(path.join(parent, 'share'), { mode: 0o755 });
  dataDir = path.join(parent, 'share', 'pier');
});
afterAll(async () => {
  if (parent) await rm(parent, { recursive: true, force: true });
});

/** Every file and folder under `dir`, following the clusters link (whose target is part of the data). */
async function walk(dir: string, out: string[] = []): Promise<string[]> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    out.push(full);
    if (entry.isDirectory() || (entry.isSymbolicLink() && (await stat(full)).isDirectory())) await walk(full, out);
  }
  return out;
}

it('keeps the data folder owner-only and changes nothing above it', async () => {
  const above = [parent, path.join(parent, 'share'), os.tmpdir()];
  const before = await Promise.all(above.map(modeOf));
  const server = await startPierServer({ mode: 'browser', port: 0, dataDir, uiDir: await stubUi() });
  try {
    const info = server.readyInfo();
    // Use it: the Data API, the console, and a workspace (the vault and the registry are written).
    const res = await fetch(`${info.dataApi}/clients?select=id`, {
      headers: { authorization: `Bearer ${info.tokens['user@example.com']}` },
    });
    expect(res.status).toBe(200);
    const added = await rpc(server, 'workspaces.add', { method: 'pat', host: server.origin, token: info.tokens.owner });
    expect(added.ok).toBe(true);
  } finally {
    await server.close();
  }
  expect(await Promise.all(above.map(modeOf))).toEqual(before);
  expect(await modeOf(dataDir)).toBe(0o700);
  // The vault's key is not beside the vault (no keyring here: an owner-only file of its own, see vaultKey.ts).
  expect(await readdir(dataDir)).not.toContain('vault.key');

  const open: string[] = [];
  for (const p of await walk(dataDir)) {
    if ((await lstat(p)).isSymbolicLink()) continue;
    const mode = await modeOf(p);
    if (mode & 0o077) open.push(`${p} ${mode.toString(8)}`);
  }
  expect(open).toEqual([]);
  const log = (await walk(dataDir)).find((p) => p.endsWith('postgres.log'));
  expect(log).toBeDefined();
  expect(await modeOf(log!)).toBe(0o600);

  const runAs = await resolveRunAs();
  if (runAs.uid !== undefined) {
    // Run as root: the clusters sit in a folder of pier-postgres's own, linked from the data folder.
    const target = await readlink(path.join(dataDir, 'clusters'));
    expect(target.startsWith(process.env.PIER_CLUSTER_ROOT ?? '/var/lib/pier')).toBe(true);
    const st = await stat(target);
    expect([st.uid, st.mode & 0o777]).toEqual([runAs.uid, 0o700]);
    expect(await modeOf(path.dirname(target))).toBe(0o710);
  }
});

async function stubUi(): Promise<string> {
  const uiDir = path.join(os.tmpdir(), 'pier-itest-ui');
  await mkdir(uiDir, { recursive: true });
  await writeFile(path.join(uiDir, 'index.html'), '<!doctype html><title>Pier</title>');
  return uiDir;
}
