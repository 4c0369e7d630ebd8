// Builds everything `npm start` / `npm run serve` run: the renderer (Vite) and the main-process
// bundles (esbuild: fast, one file per entry). With --if-stale it does nothing when dist/ is newer
// than every source file.
//
// What is bundled follows package.json: `dependencies` are what the packaged app loads from
// node_modules at run time (they load files, workers or programs of their own: fastify, pg, the
// PostgreSQL binaries, electron-updater), so they stay external and electron-builder ships them;
// everything else a bundle imports (zod, jose, undici, and the renderer's React/Monaco via Vite) is
// a devDependency compiled into the bundle, so app.asar never holds a library twice.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const sourceDirs = ['shared', 'electron', 'renderer'].map((d) => path.join(root, d));

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function isStale() {
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  const inputs = [...sourceDirs, path.join(root, 'package.json')];
  return inputs.some((p) => (statSync(p).isDirectory() ? newestMtime(p) : statSync(p).mtimeMs) > built);
}

export async function buildAll({ quiet = false } = {}) {
  const t0 = Date.now();
  const { version, dependencies = {} } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const runtimePackages = Object.keys(dependencies).flatMap((name) => [name, `${name}/*`]);
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    external: runtimePackages,
    // electron/platform/pierVersion.ts
    define: { __PIER_VERSION__: JSON.stringify(version) },
  };
  await Promise.all([
    build({
      ...common,
      entryPoints: [path.join(root, 'electron/server/serve.ts')],
      format: 'esm',
      outfile: path.join(root, 'dist/server/serve.mjs'),
      // CommonJS libraries compiled into an ES module (undici) still call require() for Node's built-ins.
      banner: {
        js: "import { createRequire as __pierCreateRequire } from 'node:module'; const require = __pierCreateRequire(import.meta.url);",
      },
    }),
    build({
      ...common,
      entryPoints: [path.join(root, 'electron/main/main.ts')],
      format: 'cjs',
      outfile: path.join(root, 'dist/electron/main.cjs'),
      external: [...runtimePackages, 'electron'],
      // Modules written as ES modules read import.meta.url (e.g. to resolve a package from their
      // own location); in the CommonJS bundle it is the bundle's own file URL.
      define: { ...common.define, 'import.meta.url': '__pierImportMetaUrl' },
      banner: { js: "const __pierImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    }),
    // The sandboxed preload can only require 'electron': bundle everything else into it.
    build({
      ...common,
      entryPoints: [path.join(root, 'electron/preload/preload.ts')],
      format: 'cjs',
      outfile: path.join(root, 'dist/electron/preload.cjs'),
      external: ['electron'],
    }),
  ]);
  // Vite empties its output folder first; build beside it and swap, so a running server never
  // serves a half-written UI.
  const uiDir = path.join(root, 'dist/renderer');
  const fresh = `${uiDir}.building-${process.pid}`;
  const vite = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'renderer/vite.config.ts',
      '--outDir',
      fresh,
      '--emptyOutDir',
      '--logLevel',
      quiet ? 'error' : 'warn',
    ],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (vite.status !== 0) {
    rmSync(fresh, { recursive: true, force: true });
    throw new Error('The renderer build (vite) failed; see above.');
  }
  const old = `${uiDir}.old-${process.pid}`;
  if (existsSync(uiDir)) renameSync(uiDir, old);
  renameSync(fresh, uiDir);
  rmSync(old, { recursive: true, force: true });
  mkdirSync(path.dirname(stamp), { recursive: true });
  writeFileSync(stamp, new Date().toISOString() + '\n');
  if (!quiet) console.log(`[pier] built in ${Date.now() - t0} ms`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ifStale = process.argv.includes('--if-stale');
  if (!ifStale || isStale()) {
    buildAll().catch((err) => {
      console.error(err.message);
      process.exit(1);
    });
  }
}
