import { readFileSync } from 'node:fs';
import type { ReadyInfo } from '../../electron/server/readyFile';

/** The running Pier's ready file, as written by `serve --ready-file`. */
export function readyInfo(): ReadyInfo {
  const file = process.env.PIER_READY_FILE;
  if (!file) throw new Error('PIER_READY_FILE is not set: run the e2e through playwright.config.ts');
  return JSON.parse(readFileSync(file, 'utf8')) as ReadyInfo;
}
