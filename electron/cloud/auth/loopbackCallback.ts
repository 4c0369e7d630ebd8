/**
 * The OAuth redirect target: a one-shot HTTP listener on loopback, port 8020 or the first free one
 * up to 8040 (`DATABRICKS_OAUTH_CALLBACK_PORT` overrides), as the Databricks CLI does, so the
 * workspace's registered redirect URIs match. It accepts exactly one callback carrying our state.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cloudFail, cloudOk, type CloudResult } from '../cloudError';

export const CALLBACK_PORTS = { first: 8020, last: 8040 } as const;
export const CALLBACK_WAIT_MS = 45_000;

export interface LoopbackCallback {
  /** `http://localhost:<port>`: the redirect_uri to send. */
  readonly redirectUri: string;
  readonly port: number;
  /** Resolves with the authorization code once the browser comes back (or with the reason it did not). */
  waitForCode(options: { state: string; timeoutMs?: number; signal?: AbortSignal }): Promise<CloudResult<string>>;
  close(): Promise<void>;
}

function page(title: string, text: string): string {
  const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body style="font-family:system-ui;margin:3rem"><h1>${esc(title)}</h1><p>${esc(text)}</p></body></html>`;
}

function listenOn(server: http.Server, port: number, address = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const onError = (): void => {
      server.off('listening', onListening);
      resolve(false);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(true);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, address);
  });
}

export function callbackPorts(env: NodeJS.ProcessEnv = process.env): number[] {
  const forced = env.DATABRICKS_OAUTH_CALLBACK_PORT;
  if (forced !== undefined && /^\d+$/.test(forced.trim())) return [Number(forced.trim())];
  const ports: number[] = [];
  for (let p = CALLBACK_PORTS.first; p <= CALLBACK_PORTS.last; p++) ports.push(p);
  return ports;
}

export async function startLoopbackCallback(ports: readonly number[] = callbackPorts()): Promise<CloudResult<LoopbackCallback>> {
  type Outcome = { kind: 'code'; code: string; state: string } | { kind: 'error'; error: string; description: string; state: string };
  let deliver: ((o: Outcome) => boolean) | undefined;
  const pending: Outcome[] = [];
  const handler: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const q = url.searchParams;
    const state = q.get('state') ?? '';
    const code = q.get('code');
    const error = q.get('error');
    if (!code && !error) {
      // favicon and the like
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    const outcome: Outcome = code
      ? { kind: 'code', code, state }
      : { kind: 'error', error: error ?? 'error', description: q.get('error_description') ?? '', state };
    const accepted = deliver ? deliver(outcome) : (pending.push(outcome), true);
    const success = accepted && outcome.kind === 'code';
    res.writeHead(success ? 200 : 400, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(
      success
        ? page('Signed in to Pier', 'You can close this tab and return to Pier.')
        : page(
            'Sign-in did not complete',
            outcome.kind === 'error'
              ? `${outcome.error}: ${outcome.description}`
              : 'This sign-in link is not the one Pier is waiting for. Start the sign-in again from Pier.',
          ),
    );
  };
  const server = http.createServer(handler);
  // `localhost` may resolve to ::1 first; answer there too when IPv6 loopback exists.
  const server6 = http.createServer(handler);
  let bound: number | undefined;
  for (const port of ports) {
    if (await listenOn(server, port)) {
      bound = (server.address() as AddressInfo).port;
      break;
    }
  }
  if (bound === undefined) {
    const range = ports.length === 1 ? `port ${ports[0]}` : `ports ${ports[0]}–${ports.at(-1)}`;
    return cloudFail(
      'CLOUD_AUTH_FAILED',
      `Cannot receive the sign-in: ${range} on this computer are all in use. Close other sign-in windows (e.g. a running \`databricks auth login\`) and try again.`,
    );
  }
  const port = bound;
  const has6 = await listenOn(server6, port, '::1');
  const closeOne = (s: http.Server): Promise<void> =>
    new Promise((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    });
  const close = async (): Promise<void> => {
    await Promise.all([closeOne(server), ...(has6 ? [closeOne(server6)] : [])]);
  };
  return cloudOk({
    redirectUri: `http://localhost:${port}`,
    port,
    close,
    waitForCode: ({ state, timeoutMs = CALLBACK_WAIT_MS, signal }) =>
      new Promise<CloudResult<string>>((resolve) => {
        const finish = (r: CloudResult<string>): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          deliver = () => false;
          resolve(r);
        };
        const onAbort = (): void => finish(cloudFail('CLOUD_CANCELLED', 'Sign-in cancelled.'));
        const timer = setTimeout(
          () =>
            finish(
              cloudFail(
                'CLOUD_TIMEOUT',
                `No answer from the browser within ${Math.round(timeoutMs / 1000)} s. Finish signing in in the browser window Pier opened, or start the sign-in again.`,
              ),
            ),
          timeoutMs,
        );
        signal?.addEventListener('abort', onAbort, { once: true });
        deliver = (o) => {
          // A callback with a foreign state is someone else's (or forged): ignore it, keep waiting.
          if (o.state !== state) return false;
          if (o.kind === 'code') finish(cloudOk(o.code));
          else if (o.error === 'access_denied')
            finish(
              cloudFail(
                'CLOUD_AUTH_FAILED',
                `Sign-in was declined in the browser${o.description ? ` (${o.description})` : ''}. Start it again and allow access.`,
                { error_code: o.error },
              ),
            );
          else
            finish(
              cloudFail(
                'CLOUD_AUTH_FAILED',
                `The workspace refused the sign-in: ${o.error}${o.description ? ` (${o.description})` : ''}. Start the sign-in again.`,
                { error_code: o.error },
              ),
            );
          return true;
        };
        for (const o of pending.splice(0)) deliver(o);
      }),
  });
}
