/**
 * Packaging the desktop app with electron-builder (config: electron-builder.yml), and reading what it
 * produced. Used by `npm run package` (installers), the packaging check (test/packaging.itest.ts) and
 * `npm run bench:package`.
 */
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, Platform, type Configuration } from 'electron-builder';
import type { GenericServerOptions } from 'builder-util-runtime';
import * as asar from '@electron/asar';
import { findPostgresBinaries, POSTGRES_MAJORS } from '../electron/local/postgres/binaries';
import { installDatabricksAuth } from '../electron/local/extensions/installDatabricksAuth';

/** The project folder: the nearest one up from this module with Pier's package.json (this file also runs bundled from .tsbuild/). */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'pier') return dir;
    if (path.dirname(dir) === dir) throw new Error(`No Pier package.json above ${from}.`);
  }
}

export const ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/**
 * The update provider is chosen when the installers are built: `PIER_UPDATE_URL` names a folder
 * served over HTTPS holding what electron-builder published (latest.yml and the installers).
 * Without it the app gets no app-update.yml and its updater stays off.
 */
export function publishFromEnv(env: NodeJS.ProcessEnv): GenericServerOptions[] | null {
  const url = env.PIER_UPDATE_URL?.trim();
  if (!url) return null;
  if (!/^https:\/\//.test(url)) throw new Error(`PIER_UPDATE_URL must be an https:// URL, not ${url}.`);
  return [{ provider: 'generic', url }];
}

export interface PackageOptions {
  /** 'dir' builds the unpacked app only; 'installers' the targets of electron-builder.yml for this platform. */
  readonly kind: 'dir' | 'installers';
  /** Output folder (default: release/). */
  readonly output?: string;
  /** A local Electron distribution (unpacked), so nothing is downloaded. */
  readonly electronDist?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export interface PackagedApp {
  /** The unpacked app: the executable and resources/. */
  readonly appOutDir: string;
  readonly resourcesDir: string;
  readonly executable: string;
  readonly artifacts: readonly string[];
}

export function platformOf(platform: NodeJS.Platform = process.platform): Platform {
  switch (platform) {
    case 'darwin':
      return Platform.MAC;
    case 'win32':
      return Platform.WINDOWS;
    default:
      return Platform.LINUX;
  }
}

/** Where electron-builder puts the unpacked app for this platform and arch. */
export function appLayout(output: string, platform: NodeJS.Platform = process.platform, arch: string = process.arch) {
  switch (platform) {
    case 'darwin': {
      const appOutDir = path.join(output, arch === 'arm64' ? 'mac-arm64' : 'mac');
      const contents = path.join(appOutDir, 'Pier.app', 'Contents');
      return { appOutDir, resourcesDir: path.join(contents, 'Resources'), executable: path.join(contents, 'MacOS', 'Pier') };
    }
    case 'win32': {
      const appOutDir = path.join(output, 'win-unpacked');
      return { appOutDir, resourcesDir: path.join(appOutDir, 'resources'), executable: path.join(appOutDir, 'Pier.exe') };
    }
    default: {
      const appOutDir = path.join(output, 'linux-unpacked');
      return { appOutDir, resourcesDir: path.join(appOutDir, 'resources'), executable: path.join(appOutDir, 'pier') };
    }
  }
}

export async function packageApp(options: PackageOptions): Promise<PackagedApp> {
  const env = options.env ?? process.env;
  const output = options.output ?? path.join(ROOT, 'release');
  const platform = platformOf();
  const overrides: Configuration = {
    directories: { output },
    publish: publishFromEnv(env),
    ...(options.electronDist ? { electronDist: options.electronDist } : {}),
  };
  // An installed app's PostgreSQL folder is read-only (Program Files, /opt, an AppImage's mount):
  // put Pier's SQL extension into it now, so electron-builder copies it into app.asar.unpacked.
  for (const major of POSTGRES_MAJORS) {
    if (!(await installDatabricksAuth(await findPostgresBinaries({ major })))) {
      throw new Error(`Could not write the databricks_auth extension into PostgreSQL ${major}'s share folder (is it read-only?).`);
    }
  }
  const artifacts = await build({
    projectDir: ROOT,
    targets: options.kind === 'dir' ? platform.createTarget('dir') : platform.createTarget(),
    config: overrides,
    publish: 'never',
  });
  return { ...appLayout(output), artifacts };
}

/**
 * The Electron distribution to package against: the real one from node_modules/electron/dist when
 * its binary was downloaded, otherwise a stand-in with the layout electron-builder expects (Linux
 * only). The stand-in's "executable" is a shell script carrying the fuse wire Electron's binary
 * has, so flipping the fuses is checked too; it cannot run the app.
 */
export async function electronDistribution(scratch: string): Promise<{ dir: string; standIn: boolean } | { skip: string }> {
  const real = path.join(ROOT, 'node_modules', 'electron', 'dist');
  const pathTxt = path.join(ROOT, 'node_modules', 'electron', 'path.txt');
  if (existsSync(pathTxt) && existsSync(path.join(real, readFileSync(pathTxt, 'utf8')))) return { dir: real, standIn: false };
  if (process.platform !== 'linux') {
    return {
      skip: `no Electron binary in node_modules/electron/dist, and a stand-in is only made for Linux (this is ${process.platform})`,
    };
  }
  const dir = path.join(scratch, 'electron-stand-in');
  await mkdir(path.join(dir, 'resources'), { recursive: true });
  await mkdir(path.join(dir, 'locales'), { recursive: true });
  const { version } = JSON.parse(await readFile(path.join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as {
    version: string;
  };
  // Electron's fuse wire: sentinel, wire version 1, 8 fuses in Electron's default states
  // (RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, asar integrity off,
  // only-from-asar off, browser V8 snapshot off, file:// privileges on).
  const wire = Buffer.concat([Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, 8]), Buffer.from('10110001')]);
  const script = Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stand-in for Electron: it cannot run Pier" >&2\nexit 1\n# '),
    wire,
    Buffer.from('\n'),
  ]);
  await writeFile(path.join(dir, 'electron'), script);
  await chmod(path.join(dir, 'electron'), 0o755);
  await writeFile(path.join(dir, 'version'), version);
  await writeFile(path.join(dir, 'LICENSE'), 'stand-in\n');
  await writeFile(path.join(dir, 'LICENSES.chromium.html'), 'stand-in\n');
  await writeFile(path.join(dir, 'locales', 'en-US.pak'), '');
  return { dir, standIn: true };
}

/** A package's name from a path below node_modules: `@scope/name` or `name`. */
function packageAt(parts: readonly string[]): string | undefined {
  const i = parts.lastIndexOf('node_modules');
  if (i === -1) return undefined;
  const first = parts[i + 1];
  if (!first) return undefined;
  return first.startsWith('@') ? `${first}/${parts[i + 2] ?? ''}` : first;
}

export interface AsarContents {
  /** Bytes stored inside the archive, by top-level package (node_modules/<name>) or by dist/ folder. */
  readonly bytesByPart: ReadonlyMap<string, number>;
  /** Every file in the archive, with `unpacked` true for those kept in app.asar.unpacked. */
  readonly files: ReadonlyMap<string, { size: number; unpacked: boolean }>;
  /** Packages with at least one file packed inside the archive. */
  readonly packedPackages: ReadonlySet<string>;
}

export function readAsar(archive: string): AsarContents {
  const files = new Map<string, { size: number; unpacked: boolean }>();
  const bytesByPart = new Map<string, number>();
  const packedPackages = new Set<string>();
  for (const entry of asar.listPackage(archive, { isPack: false })) {
    const rel = entry.replace(/^[\\/]/, '');
    const info = asar.statFile(archive, rel, false) as { size?: number; unpacked?: boolean; files?: unknown };
    if (info.files !== undefined || info.size === undefined) continue; // a folder or a link
    const parts = rel.split(/[\\/]/);
    const unpacked = info.unpacked === true;
    files.set(parts.join('/'), { size: info.size, unpacked });
    if (unpacked) continue;
    const pkg = packageAt(parts);
    const part = pkg ?? parts.slice(0, 2).join('/');
    bytesByPart.set(part, (bytesByPart.get(part) ?? 0) + info.size);
    if (pkg) packedPackages.add(pkg);
  }
  return { files, bytesByPart, packedPackages };
}

/** Packages compiled into the bundles under dist/, read from their source maps. */
export async function bundledPackages(distDir: string): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (entry.name.endsWith('.map')) {
        const map = JSON.parse(await readFile(p, 'utf8')) as { sources?: string[] };
        for (const source of map.sources ?? []) {
          const pkg = packageAt(source.split(/[\\/]/));
          if (!pkg) continue;
          const bundles = found.get(pkg) ?? [];
          const bundle = path.relative(distDir, p);
          if (!bundles.includes(bundle)) bundles.push(bundle);
          found.set(pkg, bundles);
        }
      }
    }
  };
  await walk(distDir);
  return found;
}

export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(p);
    else if (entry.isFile()) total += (await stat(p)).size;
  }
  return total;
}
