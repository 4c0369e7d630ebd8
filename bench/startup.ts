/**
 * Start-up benchmark (DESIGN §6: browser-mode server ready ≤ 3 s on an existing data folder).
 *   npm run bench:startup
 * Runs `serve` on a fresh folder once (first run: initdb + seed), then N times on the same folder,
 * and prints time to the ready file. Printed figures, not a timed test.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const runs = Number(process.argv[2] ?? 5);

async function timeToReady(dataDir: string, readyFile: string): Promise<number> {
  await rm(readyFile, { force: true });
  const t0 = performance.now();
  const child = spawn(process.execPath, ['dist/server/serve.mjs', '--port', '0', '--data-dir', dataDir, '--ready-file', readyFile], {
    stdio: 'ignore',
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error('serve exited during start-up');
    const ok = await readFile(readyFile, 'utf8').then(
      () => true,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const ms = performance.now() - t0;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return ms;
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'pier-bench-startup-'));
const dataDir = path.join(dir, 'data');
const readyFile = path.join(dir, 'ready.json');
const first = await timeToReady(dataDir, readyFile);
const again: number[] = [];
for (let i = 0; i < runs; i++) again.push(await timeToReady(dataDir, readyFile));
again.sort((a, b) => a - b);
const median = again[Math.floor(again.length / 2)] ?? NaN;
console.log(`first run (initdb + seed): ${first.toFixed(0)} ms`);
console.log(
  `existing data folder, ${runs} runs: median ${median.toFixed(0)} ms, min ${again[0]?.toFixed(0)} ms, max ${again.at(-1)?.toFixed(0)} ms (target ≤ 3000 ms)`,
);
await rm(dir, { recursive: true, force: true });
