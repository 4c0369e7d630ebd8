// `npm start` and `npm run serve`. Both build first when sources changed since the last build.
//   start: the Electron app where its binary is installed; browser mode (Chromium app window) otherwise.
//   serve: browser mode without a window.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildAll, isStale } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [command, ...args] = process.argv.slice(2);

/**
 * The Electron binary, when its download happened. Read from the files the electron package's
 * install script writes: requiring 'electron' would start that download itself (Electron ≥ 42).
 */
function electronBinary() {
  const pkg = path.join(root, 'node_modules', 'electron');
  try {
    const bin = path.join(pkg, 'dist', readFileSync(path.join(pkg, 'path.txt'), 'utf8'));
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

async function serve(serveArgs) {
  process.argv = [process.argv[0], path.join(root, 'dist/server/serve.mjs'), ...serveArgs];
  await import(pathToFileURL(path.join(root, 'dist/server/serve.mjs')).href);
}

if (isStale()) await buildAll({ quiet: true });

if (command === 'serve') {
  await serve(args);
} else if (command === 'start') {
  const bin = electronBinary();
  if (bin) {
    const child = spawn(bin, [path.join(root, 'dist/electron/main.cjs'), ...args], { stdio: 'inherit' });
    // Killing the launcher must not orphan the app: pass the signal on and exit when Electron has
    // shut down cleanly (it stops its PostgreSQL first). On Windows the console delivers Ctrl+C and
    // Ctrl+Break (SIGBREAK) to Electron itself, and kill() there would end it abruptly: just wait.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) {
      process.on(signal, () => {
        if (process.platform !== 'win32') child.kill(signal);
      });
    }
    child.on('exit', (code) => process.exit(code ?? 0));
  } else {
    console.log('[pier] The Electron binary is not installed (see README, "Desktop app"); starting browser mode instead.');
    await serve(['--open', ...args]);
  }
} else {
  console.error('usage: node scripts/launch.mjs start|serve [options]');
  process.exit(2);
}
