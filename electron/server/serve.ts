/**
 * Headless entry: `npm run serve -- [--port N] [--postgres-port N] [--data-dir DIR] [--database-url URL] [--ready-file FILE] [--open]`.
 * Serves Pier's UI, its RPC, and its APIs on 127.0.0.1 without a window.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseServeArgs, USAGE, UsageError } from './args';
import { startPierServer, type PierServer } from './pierServer';
import { writeReadyFile } from './readyFile';
import { openAppWindow } from './openAppWindow';
import { pierPaths } from '../platform/pierPaths';
import { openPierLog } from '../platform/pierLog';
import { browserAppShell } from '../platform/appShell';
import { envProxyFetch } from '../platform/envProxyFetch';
import { useOutboundFetch } from '../platform/outboundFetch';

async function main(): Promise<void> {
  let args;
  try {
    args = parseServeArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  if (args === 'help') {
    console.log(USAGE);
    return;
  }
  const here = path.dirname(fileURLToPath(import.meta.url));
  const uiDir = path.resolve(here, '..', 'renderer');
  if (!existsSync(path.join(uiDir, 'index.html'))) {
    console.error(`The UI is not built (${uiDir} is missing). Run "npm run build" first.`);
    process.exit(1);
  }
  const paths = pierPaths({ dataDir: args.dataDir });
  const dataDir = paths.data;
  // The terminal shows what happens; the log file in the platform's log folder keeps it.
  const pierLog = openPierLog({ dir: paths.logs, console: true });
  const log = (line: string) => pierLog.info(line);
  useOutboundFetch(envProxyFetch(process.env));
  const started = Date.now();
  let server: PierServer | undefined;
  let closeWindow = () => undefined as void;
  let closing = false;
  const shutdown = async (why: string, code = 0) => {
    if (closing) return;
    closing = true;
    log(`${why}: shutting down`);
    closeWindow();
    await server?.close().catch((err: Error) => log(`shutdown: ${err.message}`));
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));
  // Windows: Ctrl+Break in the console (Ctrl+C arrives as SIGINT).
  process.on('SIGBREAK', () => void shutdown('SIGBREAK'));
  // A promise nobody awaited failed: a bug to log, never a reason to drop everyone's connections
  // (Node's default would exit and leave PostgreSQL running without us).
  process.on('unhandledRejection', (reason) => pierLog.error(`unexpected failure (still running): ${describeFailure(reason)}`));
  // An exception outside any request may have left state half-changed: stop cleanly, PostgreSQL included.
  process.on('uncaughtException', (err) => {
    pierLog.error(`unexpected exception: ${describeFailure(err)}`);
    void shutdown('unexpected exception', 1);
  });
  try {
    server = await startPierServer({
      mode: 'browser',
      port: args.port,
      postgresPort: args.postgresPort,
      dataDir,
      databaseUrl: args.databaseUrl,
      uiDir,
      log,
      appShell: browserAppShell(paths),
    });
  } catch (err) {
    pierLog.error(`Could not start: ${(err as Error).message}`);
    process.exit(1);
  }

  if (args.readyFile) await writeReadyFile(path.resolve(args.readyFile), server.readyInfo());
  log(`data folder: ${args.databaseUrl ? '(external database)' : dataDir}`);
  log(`log file: ${pierLog.file}`);
  log(`ready in ${Date.now() - started} ms`);
  const running = server;
  // Each link opens one browser session, then its code is dead; Enter prints a fresh one.
  const interactive = process.stdin.isTTY === true;
  const printLink = () =>
    console.log(
      `\n  Pier is running. Open: ${running.uiLink()}\n  (this link works once${interactive ? '; press Enter for another' : ''})\n`,
    );
  printLink();
  if (interactive) createInterface({ input: process.stdin }).on('line', printLink);
  if (args.open) {
    const opened = openAppWindow(running.uiLink(), () => void shutdown('window closed'), { profileDir: paths.browserProfile, log });
    if (opened.ok) closeWindow = opened.close;
    else log(opened.reason);
  }
}

function describeFailure(reason: unknown): string {
  return reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
}

void main();
