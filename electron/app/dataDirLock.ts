import path from 'node:path';
import { open, readFile, rm, mkdir } from 'node:fs/promises';
import { PierError } from '../errors/PierError';
import { isProcessAlive } from '../local/postgres/isProcessAlive';

/**
 * Takes `<dataDir>/pier.lock` for this process. A lock left by a process that no longer runs
 * (a crash) is taken over; one held by a live process is refused with its pid.
 */
export async function lockDataDir(dataDir: string): Promise<{ release(): Promise<void> }> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'pier.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => rm(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) {
        throw new PierError(
          'PIER_DATA_DIR',
          `Another Pier (pid ${pid}${pid === process.pid ? ', this process' : ''}) is using the data folder ${dataDir}. Stop it first, or start this one with another --data-dir DIR.`,
        );
      }
      await rm(file, { force: true }); // left by a run that crashed
    }
  }
  throw new PierError('PIER_DATA_DIR', `Could not lock the data folder ${dataDir}.`);
}
