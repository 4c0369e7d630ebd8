import path from 'node:path';
import { readFile, realpath } from 'node:fs/promises';
import { isProcessAlive } from '../postgres/isProcessAlive';

/**
 * After Pier was killed, its postmasters live on as orphans. Stops the one serving `dataDir`
 * (fast shutdown) so its folder can be reused or removed. Only a process whose pid file names
 * this folder and whose command line is postgres is touched.
 */
export async function stopOrphanPostmaster(dataDir: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return false;
  }
  const [pidLine, dirLine] = text.split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  // The pid file names the real path; `dataDir` may go through a link (see prepareClusterFolder).
  const named = (dirLine ?? '').trim();
  const same = (await realpath(named).catch(() => path.resolve(named))) === (await realpath(dataDir).catch(() => path.resolve(dataDir)));
  if (!cmdline.includes('postgres') || !same) return false;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isProcessAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isProcessAlive(pid)) process.kill(pid, 'SIGQUIT');
  return true;
}
