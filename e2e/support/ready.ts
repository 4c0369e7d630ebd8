import { readFileSync } from 'node:fs';
import { mintUiLink } from '../../electron/server/uiLink';
import type { ReadyInfo } from '../../electron/server/readyFile';

/**
 * The running Pier's ready file, as written by `serve --ready-file`, with `ui` a fresh one-time
 * link each call (made from the file's launch secret, as any tool holding the file can): every
 * `page.goto(readyInfo().ui)` opens a session of its own, the way a user opens Pier's link.
 */
export function readyInfo(): ReadyInfo {
  const info = readyFile();
  return { ...info, ui: mintUiLink(info.ui, info.launchSecret) };
}

/** The ready file as written (`ui` is the bare origin). */
export function readyFile(): ReadyInfo {
  const file = process.env.PIER_READY_FILE;
  if (!file) throw new Error('PIER_READY_FILE is not set: run the e2e through playwright.config.ts');
  return JSON.parse(readFileSync(file, 'utf8')) as ReadyInfo;
}
