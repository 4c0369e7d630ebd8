/**
 * Pier's log file: one line per event in the platform's log folder (pierPaths().logs), rotated at
 * 5 MB keeping three older files, so a user can attach it to a bug report. electron-log writes and
 * rotates (a well-kept library that works in Electron's main process and in plain Node alike);
 * only the rotation's naming is Pier's own.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import electronLog from 'electron-log/node';

export interface PierLog {
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
  /** The file being written. */
  readonly file: string;
}

export interface PierLogOptions {
  readonly dir: string;
  /** `pier.log` by default. */
  readonly fileName?: string;
  /** Also print to the terminal (stdout/stderr), as `[pier] line`. */
  readonly console?: boolean;
  readonly maxBytes?: number;
  /** Older files kept: pier.1.log (newest) … pier.N.log. */
  readonly keep?: number;
}

let instances = 0;

export function openPierLog(options: PierLogOptions): PierLog {
  const file = path.join(options.dir, options.fileName ?? 'pier.log');
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const keep = options.keep ?? 3;
  const logger = electronLog.create({ logId: `pier-${++instances}` });
  logger.transports.file.resolvePathFn = () => file;
  logger.transports.file.maxSize = options.maxBytes ?? 5 * 1024 * 1024;
  logger.transports.file.writeOptions = { flag: 'a', mode: 0o600, encoding: 'utf8' };
  logger.transports.file.format = '[{y}-{m}-{d} {h}:{i}:{s}.{ms}] [{level}] {text}';
  logger.transports.file.archiveLogFn = (current) => rotate(current.path, keep);
  if (options.console) {
    logger.transports.console.format = '[pier] {text}';
  } else {
    logger.transports.console.level = false;
  }
  return {
    info: (line) => logger.info(line),
    warn: (line) => logger.warn(line),
    error: (line) => logger.error(line),
    file,
  };
}

/** pier.log → pier.1.log → … → pier.<keep>.log; the oldest is dropped. Must be synchronous (electron-log's contract). */
export function rotate(file: string, keep: number): void {
  const { dir, name, ext } = path.parse(file);
  const nth = (n: number) => path.join(dir, `${name}.${n}${ext}`);
  rmSync(nth(keep), { force: true });
  for (let n = keep - 1; n >= 1; n--) {
    try {
      renameSync(nth(n), nth(n + 1));
    } catch {
      // that generation does not exist yet
    }
  }
  renameSync(file, nth(1));
}
