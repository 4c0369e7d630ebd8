/**
 * `npm run bench:package`: packages the unpacked app for this platform (electron-builder --dir,
 * against node_modules/electron/dist or a stand-in Electron) and prints what the installers would be
 * built from: app.asar (target ≤ 15 MB), app.asar.unpacked (the PostgreSQL binaries), and the
 * largest parts of the archive.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { electronDistribution, folderBytes, packageApp, readAsar, ROOT } from '../scripts/packageApp';

const TARGET_ASAR_BYTES = 15 * 1000 * 1000;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--if-stale'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(1);
const scratch = await mkdtemp(path.join(os.tmpdir(), 'pier-bench-package-'));
try {
  const electron = await electronDistribution(scratch);
  if ('skip' in electron) {
    console.log(`bench:package skipped: ${electron.skip}`);
    process.exit(0);
  }
  const t0 = Date.now();
  const app = await packageApp({ kind: 'dir', output: path.join(scratch, 'release'), electronDist: electron.dir, env: {} });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  const archive = path.join(app.resourcesDir, 'app.asar');
  const asarBytes = (await stat(archive)).size;
  const unpackedBytes = await folderBytes(path.join(app.resourcesDir, 'app.asar.unpacked'));
  const contents = readAsar(archive);
  console.log(
    `\nPier packaged for ${process.platform}-${process.arch} in ${seconds} s (Electron: ${electron.standIn ? 'stand-in' : 'node_modules/electron/dist'})`,
  );
  console.log(
    `  app.asar             ${mb(asarBytes).padStart(9)}   target ≤ ${mb(TARGET_ASAR_BYTES)}: ${asarBytes <= TARGET_ASAR_BYTES ? 'met' : 'NOT MET'}`,
  );
  console.log(`  app.asar.unpacked    ${mb(unpackedBytes).padStart(9)}   (PostgreSQL binaries, executed from here)`);
  console.log(
    `  installer input      ${mb(asarBytes + unpackedBytes).padStart(9)}   (Pier's own resources; the Electron runtime comes on top)`,
  );
  console.log('\n  largest parts of app.asar:');
  const parts = [...contents.bytesByPart].sort((a, b) => b[1] - a[1]).slice(0, 12);
  for (const [part, bytes] of parts) console.log(`    ${mb(bytes).padStart(8)}  ${part}`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
