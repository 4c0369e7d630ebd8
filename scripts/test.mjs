// `npm test`: typecheck, lint, build, unit + integration (vitest, against a real embedded Postgres,
// and the packaging check with electron-builder), then the browser-mode end-to-end run (Playwright
// with Debian's Chromium). Every stage runs even if an earlier one failed; the last line sums them
// all: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = path.join(root, '.tsbuild', 'test-reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

function run(label, cmd, args, env = {}) {
  console.log(`\n━━ ${label} ━━`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  return { ok: r.status === 0, seconds };
}

/** A stage that is one check (typecheck, lint, build) counts as one test. */
function check(label, cmd, args) {
  const { ok, seconds } = run(label, cmd, args);
  totals[ok ? 'passed' : 'failed'] += 1;
  lines.push(`${ok ? 'ok  ' : 'FAIL'} ${label} (${seconds} s)`);
  return ok;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

check('typecheck (tsc -b)', bin('tsc'), ['-b']);
check('lint (eslint: layering and style rules)', bin('eslint'), ['.']);
check('format (prettier --check)', bin('prettier'), ['--check', '--log-level', 'warn', '.']);

// Built before vitest: the packaging check (test/packaging.itest.ts) packages dist/, and the e2e run serves it.
const built = check('build (esbuild + vite)', process.execPath, [path.join(root, 'scripts/build.mjs')]);

{
  const out = path.join(reports, 'vitest.json');
  const { ok, seconds } = run('unit + integration (vitest)', bin('vitest'), [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
  ]);
  const r = readJson(out);
  if (r) {
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    lines.push(`${ok ? 'ok  ' : 'FAIL'} vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed (${seconds} s)`);
    if (!ok && r.numFailedTests === 0) {
      totals.failed += 1; // e.g. a suite that failed to load, or a leaked handle
      lines.push('FAIL vitest exited non-zero without a failed test (suite error)');
    }
  } else {
    totals.failed += 1;
    lines.push(`FAIL vitest produced no report (${seconds} s)`);
  }
}

{
  const out = path.join(reports, 'playwright.json');
  const chromium = process.env.PIER_CHROMIUM ?? '/usr/bin/chromium';
  if (!built) {
    totals.failed += 1;
    lines.push('FAIL e2e not run: the build failed');
  } else if (!existsSync(chromium)) {
    totals.failed += 1;
    lines.push(`FAIL e2e not run: no Chromium at ${chromium} (apt-get install chromium, or set PIER_CHROMIUM)`);
  } else {
    const { ok, seconds } = run('end-to-end (playwright, browser mode)', bin('playwright'), ['test'], { PIER_PW_JSON: out });
    const r = readJson(out);
    if (r?.stats) {
      const { expected, unexpected, skipped, flaky } = r.stats;
      totals.passed += expected + flaky;
      totals.failed += unexpected;
      totals.skipped += skipped;
      lines.push(`${ok ? 'ok  ' : 'FAIL'} playwright: ${expected + flaky} passed, ${unexpected} failed, ${skipped} skipped (${seconds} s)`);
      if (!ok && unexpected === 0) {
        totals.failed += 1;
        lines.push('FAIL playwright exited non-zero without a failed test (set-up error)');
      }
    } else {
      totals.failed += 1;
      lines.push(`FAIL playwright produced no report (${seconds} s)`);
    }
  }
}

console.log('\n━━ summary ━━');
for (const l of lines) console.log(l);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 ? 0 : 1);
