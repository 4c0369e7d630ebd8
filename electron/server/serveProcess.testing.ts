/**
 * For integration tests that need Pier as a user runs it: `serve.ts` bundled into a plain Node
 * script and started as its own process (so a test can see it exit, read its process list, or
 * kill it), with a stand-in UI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ReadyInfo } from './readyFile';
import { stopOrphanPostmaster } from '../local/runtime/stopOrphanPostmaster';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Under node_modules, so the bundle's external packages resolve. */
const outDir = path.join(repoRoot, 'node_modules', '.cache', 'pier-serve');

/** Bundles serve.ts to `<outDir>/server/serve.mjs` beside a stand-in `<outDir>/renderer/index.html`. */
export async function buildServe(): Promise<string> {
  const outfile = path.join(outDir, 'server', 'serve.mjs');
  await build({
    entryPoints: [path.join(repoRoot, 'electron', 'server', 'serve.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'silent',
  });
  await mkdir(path.join(outDir, 'renderer'), { recursive: true });
  await writeFile(path.join(outDir, 'renderer', 'index.html'), '<!doctype html><title>Pier</title>');
  return outfile;
}

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly info: ReadyInfo;
  readonly dataDir: string;
  readonly readyFile: string;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM, wait for the exit, remove the data folder. Resolves to the exit code. */
  stop(): Promise<number | null>;
}

export async function startServeProcess(script: string, options: { args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<ServeProcess> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pier-serve-process-'));
  const dataDir = path.join(dir, 'data');
  const readyFile = path.join(dir, 'ready.json');
  const child = spawn(
    process.execPath,
    [script, '--port', '0', '--data-dir', dataDir, '--ready-file', readyFile, ...(options.args ?? [])],
    { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 90_000;
  let info: ReadyInfo | undefined;
  while (!info) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Pier exited during start-up:\n${output}`);
    if (Date.now() > deadline) throw new Error(`Pier was not ready in 90 s:\n${output}`);
    info = await readFile(readyFile, 'utf8').then(
      (t) => JSON.parse(t) as ReadyInfo,
      () => undefined,
    );
    if (!info) await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    info,
    dataDir,
    readyFile,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      // A Pier that died on its own leaves its postmaster behind: never let a test leak one.
      await stopOrphanPostmaster(path.join(dataDir, 'clusters', 'production', 'pgdata'));
      await rm(dir, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}
