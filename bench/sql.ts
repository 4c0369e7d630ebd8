/**
 * SQL editor benchmark (issue 16: a 2,000,000-row SELECT), printed, not asserted:
 *   npm run bench:sql             (builds if stale; PIER_BENCH_ROWS overrides the row count)
 * Runs `serve` on a fresh data folder, fills a 2,000,000-row table, then through the editor's own
 * RPC over HTTP (with a UI session cookie, as the page calls it):
 * - first rows: `sql.run` of `SELECT * FROM bench_sql` → the answer with the first page (200 rows),
 *   as the page waits for it (targets: ≤ 300 ms, server memory growth ≤ 50 MB)
 * - scrolling: 100 `sql.fetch` calls of 1,000 rows each from that cursor
 * - export: the whole result as CSV (COPY streamed to the download), read to the end
 * Server memory is the serve process's resident set (VmRSS from /proc), sampled every 10 ms while
 * each step runs; "growth" is the peak during the step minus the figure just before it.
 */
import { readFile, rm } from 'node:fs/promises';
import pg from 'pg';
import { createWideTable, startBenchServer } from './support/benchServer';
import { openUiSession } from '../electron/server/uiLink';
import { EMBEDDED_BRANCH } from '../shared/contract/location';
import type { SqlExportOutput, SqlFetchOutput, SqlRunOutput } from '../shared/contract/sql';
import { RPC_PATH } from '../shared/contract/transport';

const ROWS = Number(process.env.PIER_BENCH_ROWS ?? 2_000_000);
const RUNS = 5;
const FETCHES = 100;
const FETCH_ROWS = 1000;
const MB = 1024 * 1024;

const bench = await startBenchServer('pier-bench-sql-');
const { dir, process: server } = bench;

/** The serve process's resident set, in bytes. */
async function rss(): Promise<number> {
  const status = await readFile(`/proc/${server.pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (!kb) throw new Error('no VmRSS for the server process (this benchmark reads /proc: Linux only)');
  return Number(kb) * 1024;
}

/** Runs `step` while sampling the server's memory: its time, the memory before, and the peak during it. */
async function measured<T>(step: () => Promise<T>): Promise<{ value: T; ms: number; before: number; peak: number }> {
  const before = await rss();
  let peak = before;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await rss());
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const t0 = performance.now();
  try {
    const value = await step();
    const ms = performance.now() - t0;
    return { value, ms, before, peak: Math.max(peak, await rss()) };
  } finally {
    sampling = false;
    await sampler;
  }
}

try {
  const info = await bench.ready();

  const t0 = performance.now();
  await createWideTable(info.postgres, 'bench_sql', ROWS);
  const db = new pg.Client({ connectionString: info.postgres });
  await db.connect();
  const size = (await db.query<{ size: string }>(`SELECT pg_size_pretty(pg_table_size('public.bench_sql')) AS size`)).rows[0]!.size;
  await db.end();
  console.log(
    `table public.bench_sql: ${ROWS.toLocaleString('en-US')} rows (${size}) created in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const origin = new URL(info.ui).origin;
  const cookie = await openUiSession(info);
  const at = { kind: 'local', branch: EMBEDDED_BRANCH, database: new URL(info.postgres).pathname.slice(1) };
  const rpc = async <T>(channel: string, input: unknown): Promise<T> => {
    const res = await fetch(`${origin}${RPC_PATH}/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { ok: boolean; value?: T; error?: unknown };
    if (!body.ok) throw new Error(`${channel} failed: ${JSON.stringify(body.error)}`);
    return body.value as T;
  };
  const run = (sql: string) => rpc<SqlRunOutput>('sql.run', { runId: `bench-${Math.random()}`, sql, viewAs: { kind: 'admin' }, at });
  const opened = (out: SqlRunOutput) => {
    if (out.kind !== 'ok') throw new Error(`sql.run: ${JSON.stringify(out).slice(0, 300)}`);
    const result = out.results.at(-1);
    if (!result?.resultId || result.rows.length === 0) throw new Error('sql.run left no open result');
    return result;
  };

  // Warm-up: the parser (WebAssembly), the admin pool and the JIT, on a small result.
  for (let i = 0; i < 3; i++) {
    const r = opened(await run('SELECT * FROM public.bench_sql WHERE id <= 1000'));
    await rpc('sql.close', { resultId: r.resultId });
  }

  const SELECT = 'SELECT * FROM public.bench_sql';
  const firstRows: Array<{ ms: number; growth: number; rows: number }> = [];
  let resultId = '';
  for (let i = 0; i < RUNS; i++) {
    const m = await measured(() => run(SELECT));
    const result = opened(m.value);
    firstRows.push({ ms: m.ms, growth: m.peak - m.before, rows: result.rows.length });
    resultId = result.resultId!;
    if (i < RUNS - 1) await rpc('sql.close', { resultId });
  }

  // Scrolling on: more pages from the last run's cursor.
  const scrolled = await measured(async () => {
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < FETCHES; i++) {
      const t = performance.now();
      const page = await rpc<SqlFetchOutput>('sql.fetch', { resultId, count: FETCH_ROWS });
      times.push(performance.now() - t);
      if (page.kind !== 'rows') throw new Error(`sql.fetch: ${JSON.stringify(page).slice(0, 300)}`);
      rows += page.rows.length;
    }
    return { times, rows };
  });
  await rpc('sql.close', { resultId });

  // The whole result as CSV, read to the end as the browser's download would.
  const exported = await measured(async () => {
    const { url } = await rpc<SqlExportOutput>('sql.export', { sql: SELECT, viewAs: { kind: 'admin' }, format: 'csv', at });
    const res = await fetch(url, { headers: { cookie } });
    if (!res.ok || !res.body) throw new Error(`export download: HTTP ${res.status}`);
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      for (const b of chunk) if (b === 10) lines++;
    }
    return { bytes, lines };
  });

  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const mb = (x: number) => `${(x / MB).toFixed(1)} MB`;
  const sortedMs = firstRows.map((r) => r.ms).sort((a, b) => a - b);
  console.log(
    `first rows (${SELECT}, ${firstRows[0]!.rows} rows sent), ${RUNS} runs: median ${ms(sortedMs[Math.floor(RUNS / 2)]!)}, ` +
      `min ${ms(sortedMs[0]!)}, max ${ms(sortedMs.at(-1)!)} (target ≤ 300 ms)`,
  );
  console.log(
    `  server memory growth while it ran: max ${mb(Math.max(...firstRows.map((r) => r.growth)))} over ${RUNS} runs (target ≤ 50 MB)`,
  );
  const fetchSorted = [...scrolled.value.times].sort((a, b) => a - b);
  console.log(
    `scrolling: ${FETCHES} sql.fetch × ${FETCH_ROWS} rows (${scrolled.value.rows.toLocaleString('en-US')} rows) in ${ms(scrolled.ms)}, ` +
      `p50 ${ms(fetchSorted[Math.floor(FETCHES / 2)]!)} p95 ${ms(fetchSorted[Math.floor(FETCHES * 0.95)]!)} per page; ` +
      `server memory growth ${mb(scrolled.peak - scrolled.before)}`,
  );
  console.log(
    `export CSV of all ${ROWS.toLocaleString('en-US')} rows: ${(exported.value.bytes / MB).toFixed(0)} MB, ${exported.value.lines.toLocaleString('en-US')} lines ` +
      `in ${(exported.ms / 1000).toFixed(1)} s; server memory growth ${mb(exported.peak - exported.before)}`,
  );
  console.log(`server resident set at the end: ${mb(await rss())}`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await rm(dir, { recursive: true, force: true });
}
