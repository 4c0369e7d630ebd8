import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ReadyInfo } from '../../electron/server/readyFile';

/**
 * Starts Pier in browser mode exactly as a user would (`node dist/server/serve.mjs`, built by
 * `npm run build`) on a fresh data folder, and hands the ready file to the specs.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pier-e2e-'));
  const readyFile = path.join(dir, 'ready.json');
  // As root, clusters live outside the data folder (see prepareClusterFolder): this run's go here, removed at the end.
  const clusterRoot = `${dir}-clusters`;
  const child = spawn(
    process.execPath,
    ['dist/server/serve.mjs', '--port', '0', '--data-dir', path.join(dir, 'data'), '--ready-file', readyFile],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The vault key goes to this run's own folder, never the user's keyring or key folder.
      env: { ...process.env, PIER_CLUSTER_ROOT: clusterRoot, PIER_KEYRING: 'off', PIER_KEY_DIR: path.join(dir, 'keys') },
    },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 90_000;
  let info: ReadyInfo | undefined;
  while (!info) {
    if (child.exitCode !== null) throw new Error(`Pier exited during start-up:\n${output}`);
    if (Date.now() > deadline) throw new Error(`Pier did not become ready in 90 s:\n${output}`);
    info = await readFile(readyFile, 'utf8').then(
      (t) => JSON.parse(t) as ReadyInfo,
      () => undefined,
    );
    if (!info) await new Promise((r) => setTimeout(r, 200));
  }
  process.env.PIER_READY_FILE = readyFile;
  process.env.PIER_E2E_DIR = dir;
  return async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(dir, { recursive: true, force: true });
    await rm(clusterRoot, { recursive: true, force: true });
  };
}
