/**
 * Grid benchmark (DESIGN §6) on a 1,000,000-row table in headless Chromium, printed, not asserted:
 *   npm run bench:grid            (builds if stale; PIER_CHROMIUM overrides /usr/bin/chromium)
 * - time to first rows: click on the table in the explorer → first data cell on screen
 * - scroll frame rate: the grid scrolled continuously for a few seconds, frame intervals by rAF
 * - window fetch: 200-row windows through the same RPC the grid uses (dataApi.request), at random
 *   positions, by OFFSET and by keyset (`id=gt.N&order=id`) once sorted by the key
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { createWideTable, startBenchServer } from './support/benchServer';
import { RPC_PATH } from '../shared/contract/transport';
import { mintUiLink, openUiSession } from '../electron/server/uiLink';
import { EMBEDDED_BRANCH } from '../shared/contract/location';

const ROWS = Number(process.env.PIER_BENCH_ROWS ?? 1_000_000);
const WINDOW = 200;
const FETCHES = 100;
const SCROLL_MS = 4000;

const bench = await startBenchServer('pier-bench-grid-');
const { dir, process: server } = bench;

try {
  const info = await bench.ready();

  const t0 = performance.now();
  await createWideTable(info.postgres, 'bench_rows', ROWS);
  const db = new pg.Client({ connectionString: info.postgres });
  await db.connect();
  await db.query(`NOTIFY pgrst, 'reload schema'`);
  await db.end();
  console.log(`table public.bench_rows: ${ROWS.toLocaleString('en-US')} rows created in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // Window fetches through the grid's own RPC.
  const ui = new URL(info.ui);
  const cookie = await openUiSession(info);
  const database = new URL(info.postgres).pathname.slice(1);
  const request = async (rawQuery: string): Promise<number> => {
    const start = performance.now();
    const res = await fetch(`${ui.origin}${RPC_PATH}/dataApi.request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({
        at: { kind: 'local', branch: EMBEDDED_BRANCH, database },
        method: 'GET',
        path: '/public/bench_rows',
        rawQuery,
        headers: {},
        viewAs: { kind: 'admin' },
      }),
    });
    const body = (await res.json()) as { ok: boolean; value?: { status: number } };
    if (!body.ok || (body.value?.status ?? 500) >= 400) throw new Error(`window fetch failed: ${JSON.stringify(body).slice(0, 300)}`);
    return performance.now() - start;
  };
  await request('limit=1'); // the engine for this database starts on first use
  const starts = Array.from({ length: FETCHES }, (_, i) => Math.floor((((i * 7919) % FETCHES) / FETCHES) * (ROWS - WINDOW)));
  const offsetTimes: number[] = [];
  const keysetTimes: number[] = [];
  for (const s of starts) offsetTimes.push(await request(`order=id&limit=${WINDOW}&offset=${s}`));
  for (const s of starts) keysetTimes.push(await request(`order=id&id=gt.${s}&limit=${WINDOW}`));
  const unorderedTimes: number[] = [];
  for (const s of starts) unorderedTimes.push(await request(`limit=${WINDOW}&offset=${s}`));

  // The UI in headless Chromium.
  const browser = await chromium.launch({
    executablePath: process.env.PIER_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(mintUiLink(info.ui, info.launchSecret));
  const tree = page.getByRole('tree', { name: 'Database explorer' });
  for (const name of ['Local workspace', database, 'public']) {
    const item = tree.getByRole('treeitem', { name, exact: false }).first();
    await item.waitFor();
    if ((await item.getAttribute('aria-expanded')) === 'false') await item.click();
  }
  const item = tree.getByRole('treeitem', { name: /^bench_rows/ });
  await item.waitFor();
  const rpcLog: string[] = [];
  page.on('requestfinished', (r) => {
    const t = r.timing();
    if (r.url().includes(RPC_PATH))
      rpcLog.push(
        `${r.url().split('/').pop()} start+${t.startTime.toFixed(0)} took ${t.responseEnd.toFixed(0)} ms ${r.postData()?.slice(60, 160) ?? ''}`,
      );
  });
  // Measured inside the page: from the click event to the first row's cell in the DOM.
  await page.evaluate(() => {
    const w = window as unknown as { __firstRows: Promise<number> };
    w.__firstRows = new Promise((resolve) => {
      let clickedAt = 0;
      document.addEventListener('click', () => (clickedAt = performance.now()), { capture: true, once: true });
      const seen = () => [...document.querySelectorAll('[role="gridcell"]')].some((c) => c.textContent === 'row 1');
      const observer = new MutationObserver(() => {
        if (clickedAt && seen()) {
          observer.disconnect();
          // The frame that shows it: one more animation frame after the DOM change.
          requestAnimationFrame(() => resolve(performance.now() - clickedAt));
        }
      });
      observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    });
  });
  const clickAt = performance.now();
  await item.click();
  const grid = page.getByRole('grid', { name: 'public.bench_rows rows' });
  await grid
    .getByRole('gridcell', { name: 'row 1', exact: true })
    .waitFor()
    .catch(async (e: unknown) => {
      await page.screenshot({ path: path.join('e2e', 'screenshots', 'bench-grid-failed.png') });
      throw e;
    });
  const firstRowsOutside = performance.now() - clickAt;
  const firstRows = await page.evaluate(() => (window as unknown as { __firstRows: Promise<number> }).__firstRows);
  if (process.env.PIER_BENCH_DEBUG) console.log(rpcLog.join('\n'));
  await page
    .getByText(/1,000,000 rows|rows ·/)
    .first()
    .waitFor();

  const frames = await grid.evaluate(async (el, ms) => {
    const intervals: number[] = [];
    let last = performance.now();
    const end = last + ms;
    await new Promise<void>((resolve) => {
      const step = (now: number) => {
        intervals.push(now - last);
        last = now;
        // A fast flick: 120 px (4 rows) per frame.
        el.scrollTop += 120;
        if (now < end) requestAnimationFrame(step);
        else resolve();
      };
      requestAnimationFrame(step);
    });
    return intervals.slice(1);
  }, SCROLL_MS);
  const jump = await grid.evaluate(async (el) => {
    const intervals: number[] = [];
    let last = performance.now();
    for (let i = 0; i < 60; i++) {
      el.scrollTop = Math.random() * (el.scrollHeight - el.clientHeight);
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      intervals.push(now - last);
      last = now;
    }
    return intervals;
  });
  // After the last jump: how long until the rows under the resting scroll are filled in.
  const settleStart = performance.now();
  await page.waitForFunction(() => document.querySelector('[role="gridcell"][aria-busy="true"]') === null, undefined, { timeout: 10_000 });
  const rowsAfterJump = performance.now() - settleStart;
  await page.screenshot({ path: path.join('e2e', 'screenshots', 'bench-grid-scrolled.png') }).catch(() => undefined);
  await browser.close();

  const fps = (xs: number[]) => 1000 / percentile(xs, 50);
  console.log(
    `time to first rows: ${firstRows.toFixed(0)} ms in the page, click to painted frame (target ≤ 300 ms); ${firstRowsOutside.toFixed(0)} ms as Playwright saw it`,
  );
  console.log(
    `scroll: ${frames.length} frames in ${SCROLL_MS} ms, median ${fps(frames).toFixed(1)} fps, p95 frame ${percentile(frames, 95).toFixed(1)} ms (target ≥ 55 fps median)`,
  );
  console.log(
    `random jumps: median ${fps(jump).toFixed(1)} fps, p95 frame ${percentile(jump, 95).toFixed(1)} ms; rows filled ${rowsAfterJump.toFixed(0)} ms after the last jump`,
  );
  console.log(`window fetch, ${FETCHES}× ${WINDOW} rows via dataApi.request RPC (target p95 ≤ 50 ms):`);
  for (const [name, xs] of [
    ['keyset (id=gt.N&order=id)', keysetTimes],
    ['offset, ordered by id', offsetTimes],
    ['offset, unordered', unorderedTimes],
  ] as const) {
    console.log(
      `  ${name.padEnd(28)} p50 ${percentile(xs, 50).toFixed(1)} ms  p95 ${percentile(xs, 95).toFixed(1)} ms  max ${Math.max(...xs).toFixed(1)} ms`,
    );
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await rm(dir, { recursive: true, force: true });
}

function percentile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
