/**
 * Electron main: the desktop composition root. Starts the same services as browser mode
 * (a loopback server for the Data API and management API, Postgres, the RPC handlers) and
 * shows them in one hardened window talking over IPC.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { app, BrowserWindow, crashReporter, dialog, ipcMain, Menu, net, protocol, safeStorage } from 'electron';
import { safeStorageCipher } from '../vault/safeStorageCipher';
import { CHANNELS, fail } from '../../shared/contract';
import { dispatch } from '../rpc/dispatch';
import { startPierServer, type PierServer } from '../server/pierServer';
import { UI_CSP } from '../server/httpServer';
import { useOutboundFetch } from '../platform/outboundFetch';
import { pierPaths } from '../platform/pierPaths';
import { openPierLog } from '../platform/pierLog';
import { PIER_VERSION } from '../platform/pierVersion';
import { APP_ORIGIN, APP_SCHEME, hardenWebContents, isTrustedSender, openExternalLink } from './security';
import { appMenuTemplate } from './appMenu';
import { desktopShell, showAboutDialog, showMessage } from './desktopShell';
import { electronFetch } from './electronFetch';
import { createUpdates } from './updates';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

// Every folder from one place, set before anything (the single-instance lock, the crash reporter) uses them.
const paths = pierPaths({ dataDir: process.env.PIER_DATA_DIR });
app.setPath('userData', paths.browserProfile);
app.setPath('crashDumps', paths.crashDumps);
app.setAppLogsPath(paths.logs);
// Crash reports stay on this computer, beside the logs, unless a collector is configured.
const crashReportUrl = process.env.PIER_CRASH_REPORT_URL?.trim();
crashReporter.start({ productName: 'Pier', uploadToServer: Boolean(crashReportUrl), ...(crashReportUrl && { submitURL: crashReportUrl }) });
const pierLog = openPierLog({ dir: paths.logs, console: !app.isPackaged });
const updates = createUpdates({ isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, version: PIER_VERSION, log: pierLog });
const appShell = desktopShell(paths, updates);

const uiDir = path.join(__dirname, '..', 'renderer');
let server: PierServer | undefined;
let mainWindow: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('web-contents-created', (_e, contents) => hardenWebContents(contents));
  app.whenReady().then(start, (err) => fatal(err));
  // macOS keeps an app running without windows; the Dock icon brings the window back.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (server && !mainWindow) void openWindow();
  });
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !server) return;
    event.preventDefault();
    quitting = true;
    pierLog.info('quitting: stopping PostgreSQL');
    void server.close().finally(() => app.quit());
  });
  // The launcher's signal (npm start, a service manager, Ctrl+C; Ctrl+Break on Windows) quits the
  // same way as the menu: PostgreSQL is stopped before the process ends.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const) {
    process.on(signal, () => {
      pierLog.info(`${signal}: quitting`);
      app.quit();
    });
  }
}

async function start(): Promise<void> {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.normalize(path.join(uiDir, rel));
    if (!file.startsWith(uiDir + path.sep)) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, { headers: { 'content-type': mimeType(file), 'content-security-policy': UI_CSP } });
    } catch {
      return net.fetch(`${APP_ORIGIN}/index.html`);
    }
  });

  // Sign-in and the management API go through Chromium's network stack: system proxy, OS certificates.
  useOutboundFetch(electronFetch((options) => net.request(options)));
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate(process.platform, {
        about: () => void about(),
        openLogsFolder: () =>
          void appShell.openLogsFolder().then((r) => (r.opened ? undefined : showMessage(mainWindow, 'Logs folder', r.message))),
        checkForUpdates: () => void appShell.checkForUpdates().then((r) => showMessage(mainWindow, 'Check for Updates', r.message)),
      }),
    ),
  );
  pierLog.info(`Pier ${PIER_VERSION} (Electron ${process.versions.electron}) starting; data folder ${paths.data}`);
  const dataDir = paths.data;
  try {
    // Secrets are encrypted with the OS keychain through safeStorage; its plain-text fallback is refused.
    const cipher = safeStorageCipher(safeStorage);
    server = await startPierServer({
      mode: 'desktop',
      port: 0,
      dataDir,
      uiDir,
      log: (l) => pierLog.info(l),
      appShell,
      secretCipher: cipher.ok ? { ok: true, value: cipher.value } : { ok: false, reason: cipher.error.message },
      openBrowser: async (url) => {
        if (!(await openExternalLink(url))) throw new Error(`Refused to open ${url}`);
      },
    });
  } catch (err) {
    fatal(err);
    return;
  }
  const handlers = server.handlers;
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event, input: unknown) => {
      if (!isTrustedSender(event, () => mainWindow?.webContents)) {
        return fail({ code: 'PIER403', message: 'IPC from an untrusted frame was refused.' });
      }
      return dispatch(handlers, channel, input);
    });
  }

  await openWindow();
  // A build with an update source looks once at start (the menu item looks again on demand).
  if (app.isPackaged) void updates.check().then((r) => pierLog.info(`updates: ${r.message}`));
}

async function about(): Promise<void> {
  if (!server) return;
  const result = await server.handlers['app.about']({});
  await showAboutDialog(mainWindow, result);
}

async function openWindow(): Promise<void> {
  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'Pier',
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => (mainWindow = undefined));
  await mainWindow.loadURL(`${APP_ORIGIN}/index.html`);
}

function fatal(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  pierLog.error(`Could not start: ${message}`);
  dialog.showErrorBox('Pier could not start', message);
  app.exit(1);
}

function mimeType(file: string): string {
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.woff2': 'font/woff2',
    '.json': 'application/json',
    '.wasm': 'application/wasm',
  };
  return types[path.extname(file)] ?? 'application/octet-stream';
}
