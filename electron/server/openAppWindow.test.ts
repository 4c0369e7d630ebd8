import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openAppWindow } from './openAppWindow';

/** A stand-in browser (PIER_CHROMIUM): it records its arguments, then stays open for `seconds`. */
async function fakeBrowser(dir: string, seconds: number): Promise<string> {
  const file = path.join(dir, 'browser.sh');
  await writeFile(file, `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args.txt"\nsleep ${seconds}\n`);
  await chmod(file, 0o755);
  return file;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pier-window-'));
  vi.stubEnv('DISPLAY', ':99');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(process.platform === 'win32')('openAppWindow', () => {
  it('opens the UI in an app window on Pier’s own profile, and reports the window closing', async () => {
    vi.stubEnv('PIER_CHROMIUM', await fakeBrowser(dir, 0.3));
    const profileDir = path.join(dir, 'data', 'browser-profile');
    const link = 'http://127.0.0.1:7420/session?code=one-time';
    let launcher = '';
    const closed = new Promise<void>((resolve) => {
      expect(openAppWindow(link, resolve, { profileDir, handoffMs: 100 })).toMatchObject({ ok: true });
    });
    // While the window opens, the link is in a page in the profile folder, not on the command line.
    await vi.waitFor(async () => {
      launcher = await readFile(path.join(profileDir, 'open-pier.html'), 'utf8');
    });
    expect(launcher).toContain('url=http://127.0.0.1:7420/session?code=one-time');
    await closed;
    const args = (await readFile(path.join(dir, 'args.txt'), 'utf8')).trim().split('\n');
    expect(args.join(' ')).not.toContain('one-time');
    expect(args).toContain(`--app=file://${path.join(profileDir, 'open-pier.html')}`);
    // The same folder every launch, so what the UI keeps in local storage is there next time.
    expect(args).toContain(`--user-data-dir=${profileDir}`);
    expect((await stat(profileDir)).mode & 0o777).toBe(0o700);
  });

  it('keeps serving when the browser hands the window to one already running on the profile', async () => {
    vi.stubEnv('PIER_CHROMIUM', await fakeBrowser(dir, 0));
    const onClose = vi.fn();
    const log = vi.fn();
    openAppWindow('http://127.0.0.1:7420/', onClose, { profileDir: path.join(dir, 'profile'), log, handoffMs: 5000 });
    await vi.waitFor(() => expect(log).toHaveBeenCalledWith(expect.stringContaining('already running')));
    expect(onClose).not.toHaveBeenCalled();
  });

  it('says why no window opened', () => {
    vi.stubEnv('PIER_CHROMIUM', path.join(dir, 'missing-browser'));
    expect(openAppWindow('http://127.0.0.1:7420/', () => undefined, { profileDir: path.join(dir, 'p') })).toEqual({
      ok: false,
      reason: expect.stringContaining('PIER_CHROMIUM'),
    });
  });
});
