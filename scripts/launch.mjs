// `npm start` and `npm run serve`. Both build first when sources changed since the last build.
//   start: the Electron app where its binary is installed; browser mode (Chromium app window) otherwise.
//   serve: browser mode without a window.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildAll, isStale } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [command, ...args] = process.argv.slice(2);

function electronBinary() {
  try {
    // The electron package exports the binary's path, and throws when its download never happened.
    const bin = createRequire(import.meta.url)('electron');
    return typeof bin === 'string' ? bin : undefined;
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
    child.on('exit', (code) => process.exit(code ?? 0));
  } else {
    console.log('[pier] The Electron binary is not installed (see README, "Desktop app"); starting browser mode instead.');
    await serve(['--open', ...args]);
  }
} else {
  console.error('usage: node scripts/launch.mjs start|serve [options]');
  process.exit(2);
}
