/**
 * Electron main: the desktop composition root. Starts the same services as browser mode
 * (a loopback server for the Data API and management API, Postgres, the RPC handlers) and
 * shows them in one hardened window talking over IPC.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { app, BrowserWindow, dialog, ipcMain, net, protocol, safeStorage } from 'electron';
import { safeStorageCipher } from '../vault/safeStorageCipher';
import { CHANNELS, fail } from '../../shared/contract';
import { dispatch } from '../rpc/dispatch';
import { startPierServer, type PierServer } from '../server/pierServer';
import { UI_CSP } from '../server/httpServer';
import { defaultDataDir } from '../server/appDataDir';
import { APP_ORIGIN, APP_SCHEME, hardenWebContents, isTrustedSender, openExternalLink } from './security';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

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
  app.on('window-all-closed', () => app.quit());
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !server) return;
    event.preventDefault();
    quitting = true;
    void server.close().finally(() => app.quit());
  });
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

  const dataDir = process.env.PIER_DATA_DIR ?? defaultDataDir();
  try {
    // Secrets are encrypted with the OS keychain through safeStorage; its plain-text fallback is refused.
    const cipher = safeStorageCipher(safeStorage);
    server = await startPierServer({
      mode: 'desktop',
      port: 0,
      dataDir,
      uiDir,
      log: (l) => console.log(`[pier] ${l}`),
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
  console.error(`[pier] Could not start: ${message}`);
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
