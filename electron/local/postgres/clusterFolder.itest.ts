/** Run as root: clusters an earlier Pier kept inside the data folder move out once, behind a link. */
import { lstat, mkdir, mkdtemp, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { prepareClusterFolder } from './clusterFolder';
import { resolveRunAs, type RunAs } from './runAs';

let parent: string;
let runAs: RunAs;

beforeAll(async () => {
  parent = await mkdtemp(path.join(os.tmpdir(), 'pier-cluster-folder-'));
  runAs = await resolveRunAs();
});
afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

it.runIf(process.getuid?.() === 0)('moves clusters kept inside the data folder to their own folder and links them', async () => {
  const dataDir = path.join(parent, 'data');
  await mkdir(path.join(dataDir, 'clusters', 'production', 'pgdata'), { recursive: true, mode: 0o700 });
  await writeFile(path.join(dataDir, 'clusters', 'production', 'pgdata', 'PG_VERSION'), '17\n');
  const clusters = await prepareClusterFolder(dataDir, runAs);
  expect((await lstat(clusters)).isSymbolicLink()).toBe(true);
  const target = await readlink(clusters);
  expect(target.startsWith(process.env.PIER_CLUSTER_ROOT ?? '/var/lib/pier')).toBe(true);
  expect(await readFile(path.join(clusters, 'production', 'pgdata', 'PG_VERSION'), 'utf8')).toBe('17\n');
  expect((await stat(target)).uid).toBe(runAs.uid);
  await expect(lstat(path.join(dataDir, 'clusters.moving'))).rejects.toThrow();
  // Once: the next start keeps the link as it is.
  expect(await prepareClusterFolder(dataDir, runAs)).toBe(clusters);
  expect(await readlink(clusters)).toBe(target);
  await rm(target, { recursive: true, force: true });
});

it.runIf(process.getuid?.() === 0)('finishes a move a crash interrupted', async () => {
  const dataDir = path.join(parent, 'data2');
  await mkdir(dataDir, { mode: 0o700 });
  const moved = await mkdtemp(path.join(os.tmpdir(), 'pier-moved-'));
  await writeFile(path.join(dataDir, 'clusters.moving'), moved + '\n');
  const clusters = await prepareClusterFolder(dataDir, runAs);
  expect(await readlink(clusters)).toBe(moved);
  await rm(moved, { recursive: true, force: true });
});
