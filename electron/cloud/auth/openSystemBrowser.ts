/**
 * Opens a URL in the user's default browser without a shell (browser mode has no Electron
 * `shell.openExternal`). Only http(s) URLs are opened.
 */
import { spawn } from 'node:child_process';

export function openSystemBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return Promise.reject(new Error(`Refusing to open ${parsed.protocol} URLs.`));
  const [command, args] =
    platform === 'darwin'
      ? ['open', [url]]
      : platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, windowsHide: true });
    child.once('error', (err) =>
      reject(new Error(`Cannot open the browser (${command}: ${err.message}). Open this address yourself: ${url}`)),
    );
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
