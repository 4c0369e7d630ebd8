/**
 * What the benchmarks that drive a real `serve` share: start it on a fresh data folder, wait for its
 * ready file, and fill a wide table of generated rows (the same shape for every benchmark).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { ReadyInfo } from '../../electron/server/readyFile';

export interface BenchServer {
  /** The temporary folder holding the data folder and the ready file (the caller removes it). */
  readonly dir: string;
  readonly process: ChildProcess;
  /** Resolves with the ready file once serve has written it; rejects if serve exits or takes over 90 s. */
  ready(): Promise<ReadyInfo>;
}

/** Starts the built `serve` (dist/server/serve.mjs) on a fresh data folder under a temporary folder named by `prefix`. */
export async function startBenchServer(prefix: string): Promise<BenchServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const readyFile = path.join(dir, 'ready.json');
  const server = spawn(
    process.execPath,
    ['dist/server/serve.mjs', '--port', '0', '--data-dir', path.join(dir, 'data'), '--ready-file', readyFile],
    { stdio: 'ignore' },
  );
  return {
    dir,
    process: server,
    async ready() {
      const deadline = Date.now() + 90_000;
      for (;;) {
        if (server.exitCode !== null) throw new Error('serve exited during start-up');
        if (Date.now() > deadline) throw new Error('serve not ready in 90 s');
        const info = await readFile(readyFile, 'utf8').then(
          (t) => JSON.parse(t) as ReadyInfo,
          () => undefined,
        );
        if (info) return info;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/**
 * Creates `public.<table>` with `rows` generated rows of mixed types (bigint key, text, numeric,
 * timestamptz, text[], jsonb) and analyses it. `table` is the benchmark's own constant name.
 */
export async function createWideTable(connectionString: string, table: string, rows: number): Promise<void> {
  const db = new pg.Client({ connectionString });
  await db.connect();
  try {
    await db.query(`CREATE TABLE public.${table} (
      id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2), created_at timestamptz NOT NULL, tags text[], meta jsonb)`);
    await db.query(
      `INSERT INTO public.${table}
         SELECT g, 'row ' || g, (g % 10000) / 100.0, timestamptz '2024-01-01 00:00+00' + g * interval '1 minute',
                ARRAY['t' || (g % 7), 't' || (g % 11)], jsonb_build_object('g', g, 'even', g % 2 = 0)
         FROM generate_series(1, $1::int) g`,
      [rows],
    );
    await db.query(`ANALYZE public.${table}`);
  } finally {
    await db.end();
  }
}
