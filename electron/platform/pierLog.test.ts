import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPierLog } from './pierLog';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pier-log-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('openPierLog', () => {
  it('writes timestamped lines to pier.log in the folder it is given', async () => {
    const log = openPierLog({ dir: path.join(dir, 'logs') });
    log.info('ready in 812 ms');
    log.error('Could not start: port in use');
    const text = await readFile(path.join(dir, 'logs', 'pier.log'), 'utf8');
    expect(text).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] \[info\]\s+ready in 812 ms$/m);
    expect(text).toMatch(/\[error\] Could not start: port in use$/m);
  });

  it('rotates past its size, keeping the newest files and dropping the oldest', async () => {
    const log = openPierLog({ dir, maxBytes: 200, keep: 2 });
    for (let i = 0; i < 40; i++) log.info(`event ${String(i).padStart(2, '0')} ${'x'.repeat(40)}`);
    expect((await readdir(dir)).sort()).toEqual(['pier.1.log', 'pier.2.log', 'pier.log']);
    const newest = await readFile(path.join(dir, 'pier.log'), 'utf8');
    expect(newest).toContain('event 39');
    const older = await readFile(path.join(dir, 'pier.1.log'), 'utf8');
    expect(older).not.toContain('event 39');
    expect(older).toMatch(/event 3\d/);
    // Nothing is lost between the files that are kept.
    const kept = [await readFile(path.join(dir, 'pier.2.log'), 'utf8'), older, newest].join('');
    const numbers = [...kept.matchAll(/event (\d\d)/g)].map((m) => Number(m[1]));
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
  });
});
