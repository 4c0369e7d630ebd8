import { shell, type IpcMainInvokeEvent, type WebContents } from 'electron';

/** The custom scheme the UI is served from instead of file://. */
export const APP_SCHEME = 'pier';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** IPC is answered only for our own window showing our own UI; everything else is dropped. */
export function isTrustedSender(event: IpcMainInvokeEvent, trusted: () => WebContents | undefined): boolean {
  const frame = event.senderFrame;
  if (!frame || event.sender !== trusted()) return false;
  try {
    return new URL(frame.url).origin === APP_ORIGIN || frame.url.startsWith(`${APP_ORIGIN}/`);
  } catch {
    return false;
  }
}

/** The one way a link leaves the app: https (or loopback http) in the system browser. */
export async function openExternalLink(url: string): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const loopback = parsed.protocol === 'http:' && (parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost');
  if (parsed.protocol !== 'https:' && !loopback) return false;
  await shell.openExternal(parsed.toString());
  return true;
}

/** Blocks navigation away from the UI and every new window; links go through openExternalLink. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) {
      event.preventDefault();
      void openExternalLink(url);
    }
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    void openExternalLink(url);
    return { action: 'deny' };
  });
  contents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
}
