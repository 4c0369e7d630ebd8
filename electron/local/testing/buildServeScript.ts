import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Bundles `serveLocalControlPlane.ts` into a plain Node script (packages stay external, so the
 * output lives under node_modules/.cache where they resolve). Returns the script's path.
 */
export async function buildServeScript(): Promise<string> {
  const outfile = path.join(repoRoot, 'node_modules', '.cache', 'pier-local', 'serve.mjs');
  await build({
    entryPoints: [path.join(repoRoot, 'electron', 'local', 'testing', 'serveLocalControlPlane.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}
