/**
 * Data diff benchmark (issue 17: a 1,000,000-row table between two branches), printed, not asserted:
 *   npm run bench:datadiff        (PIER_BENCH_ROWS overrides the row count)
 * Starts Pier's server in this process (the main-process services serve and the desktop app use)
 * on a fresh data folder, fills `public.bench_diff` on production, creates branch `diff` from it
 * through the local control plane (a real copy of the cluster, its own postmaster), then makes a
 * few thousand scattered changes on production (deletes, inserts, updates incl. value → NULL), and
 * runs the `dataDiff.start` handler (branch `diff` as the base, production as the other side) and
 * the first `dataDiff.page` of 100 rows, as the tab does.
 * Targets: ≤ 10 s, main-process memory growth ≤ 100 MB. Memory is this process's RSS and V8 heap
 * used, sampled every 5 ms during the diff; growth is the peak minus the figure just before it.
 * Postgres runs in its own processes, so its memory is not counted.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startPierServer } from '../electron/server/pierServer';
import { EMBEDDED_BRANCH, type Location } from '../shared/contract/location';
import { createWideTable } from './support/benchServer';

const ROWS = Number(process.env.PIER_BENCH_ROWS ?? 1_000_000);
const RUNS = 3;
const MB = 1024 * 1024;

const dir = await mkdtemp(path.join(os.tmpdir(), 'pier-bench-diff-'));
const uiDir = path.join(dir, 'ui');
await mkdir(uiDir);
await writeFile(path.join(uiDir, 'index.html'), '<!doctype html><title>Pier</title>');
const server = await startPierServer({ mode: 'browser', port: 0, dataDir: path.join(dir, 'data'), uiDir });
const h = server.handlers;
const postgresUrl = server.readyInfo().postgres;
// The embedded default's database, on production and (as copied) on the branch.
const database = new URL(postgresUrl).pathname.slice(1);
const production: Location = { kind: 'local', branch: EMBEDDED_BRANCH, database };
const branch: Location = { kind: 'local', branch: 'projects/local/branches/diff', database };

try {
  let t0 = performance.now();
  await createWideTable(postgresUrl, 'bench_diff', ROWS);
  console.log(`table public.bench_diff: ${ROWS.toLocaleString('en-US')} rows created in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  t0 = performance.now();
  const started = await h['cloud.createBranch']({
    workspaceId: 'local',
    project: 'projects/local',
    branchId: 'diff',
    sourceBranch: EMBEDDED_BRANCH,
    expiration: { kind: 'never' },
  });
  for (;;) {
    const op = (await h['cloud.operations']({ workspaceId: 'local' })).operations.find((o) => o.id === started.operation.id);
    if (op && op.state !== 'running') {
      if (op.state !== 'succeeded') throw new Error(`branch creation ${op.state}: ${op.error?.message ?? ''}`);
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  console.log(`branch projects/local/branches/diff created from production in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // The differences are made on production after the copy: the branch keeps the table as it was.
  const db = new pg.Client({ connectionString: postgresUrl });
  await db.connect();
  const del = await db.query(`DELETE FROM public.bench_diff WHERE id % 1009 = 1`);
  const upd = await db.query(`UPDATE public.bench_diff SET name = name || ' (edited)' WHERE id % 997 = 5`);
  const nul = await db.query(`UPDATE public.bench_diff SET amount = NULL WHERE id % 1999 = 7 AND amount IS NOT NULL`);
  const ins = await db.query(
    `INSERT INTO public.bench_diff SELECT $1::bigint + g, 'new ' || g, 1, now(), NULL, NULL FROM generate_series(1, 1000) g`,
    [ROWS],
  );
  await db.query('ANALYZE public.bench_diff');
  await db.end();
  const changes = { deleted: del.rowCount ?? 0, updated: (upd.rowCount ?? 0) + (nul.rowCount ?? 0), inserted: ins.rowCount ?? 0 };
  console.log(`then on production: ${changes.deleted} deleted, ${changes.updated} updated (some rows twice), ${changes.inserted} inserted`);
  console.log(
    `load average when the diff starts: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')} (${os.cpus().length} cores)`,
  );

  for (let run = 1; run <= RUNS; run++) {
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 5);
    t0 = performance.now();
    const summary = await h['dataDiff.start']({ base: branch, target: production, schema: 'public', table: 'bench_diff' });
    const tStart = performance.now() - t0;
    const page = await h['dataDiff.page']({ diffId: summary.diffId, offset: 0, limit: 100 });
    const total = performance.now() - t0;
    clearInterval(sampler);
    const after = process.memoryUsage();
    peakRss = Math.max(peakRss, after.rss);
    peakHeap = Math.max(peakHeap, after.heapUsed);
    const c = summary.counts;
    console.log(
      `run ${run}: total ${(total / 1000).toFixed(2)} s (counts ${(tStart / 1000).toFixed(2)} s, first page of ${page.rows.length} ${((total - tStart) / 1000).toFixed(2)} s)` +
        ` · added ${c.added}, removed ${c.removed}, changed ${c.changed}, unchanged ${c.unchanged}` +
        ` · memory growth: RSS ${((peakRss - before.rss) / MB).toFixed(1)} MB, heap ${((peakHeap - before.heapUsed) / MB).toFixed(1)} MB` +
        ` · load ${os.loadavg()[0]?.toFixed(2)}`,
    );
    await h['dataDiff.close']({ diffId: summary.diffId });
  }
  console.log('targets: ≤ 10 s, memory growth ≤ 100 MB');
} finally {
  await server.close();
  await rm(dir, { recursive: true, force: true });
}
