/**
 * Outbound HTTP through Electron's network stack (Chromium's: system proxy settings, PAC/WPAD,
 * proxy authentication, the OS certificate store), shaped like Node's fetch for the cloud client.
 *
 * Built on `net.request` rather than `net.fetch` because the cloud client asks for
 * `redirect: 'manual'` and reads the 3xx answer (a workspace URL that redirects to a login page is
 * the wrong host); net.fetch turns a manual redirect into an error. Bodies are strings (all of
 * Pier's requests); session cookies are never sent or stored (bearer tokens only). Chromium's
 * `net::ERR_*` failures get the Node error codes the cloud client's retry rules read.
 */
import type { ClientRequest, ClientRequestConstructorOptions, IncomingMessage } from 'electron';
import type { FetchFn } from '../platform/outboundFetch';

export type NetRequest = (options: ClientRequestConstructorOptions) => ClientRequest;

/** Chromium net errors → the codes Node's fetch reports in `err.cause.code`. */
const NODE_CODES: Readonly<Record<string, string>> = {
  ERR_CONNECTION_REFUSED: 'ECONNREFUSED',
  ERR_PROXY_CONNECTION_FAILED: 'ECONNREFUSED',
  ERR_NAME_NOT_RESOLVED: 'ENOTFOUND',
  ERR_NAME_RESOLUTION_FAILED: 'EAI_AGAIN',
  ERR_INTERNET_DISCONNECTED: 'ENETDOWN',
  ERR_ADDRESS_UNREACHABLE: 'EHOSTUNREACH',
  ERR_NETWORK_UNREACHABLE: 'ENETUNREACH',
  ERR_CONNECTION_TIMED_OUT: 'UND_ERR_CONNECT_TIMEOUT',
  ERR_TIMED_OUT: 'ETIMEDOUT',
  ERR_CONNECTION_RESET: 'ECONNRESET',
  ERR_NETWORK_CHANGED: 'ECONNRESET',
  ERR_CONNECTION_CLOSED: 'UND_ERR_SOCKET',
  ERR_EMPTY_RESPONSE: 'UND_ERR_SOCKET',
};

/** An Error like Node fetch's: `TypeError('fetch failed')` whose cause carries a code. */
export function toFetchError(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const net = /net::(ERR_[A-Z0-9_]+)/.exec(message)?.[1];
  if (!net) return err instanceof Error ? err : new Error(message);
  const cause = Object.assign(new Error(message), { code: NODE_CODES[net] ?? net });
  return new TypeError('fetch failed', { cause });
}

function responseHeaders(raw: Record<string, string | string[]>): Headers {
  const headers = new Headers();
  for (const [k, v] of Object.entries(raw)) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  return headers;
}

export function electronFetch(request: NetRequest): FetchFn {
  return (url, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(signal.reason);
      if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') {
        return reject(new TypeError('electronFetch sends string bodies only.'));
      }
      const req = request({
        url,
        method: init.method ?? 'GET',
        redirect: init.redirect ?? 'follow',
        credentials: 'omit',
        useSessionCookies: false,
      });
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const onAbort = () => {
        settle(() => reject(signal?.reason));
        req.abort();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const [k, v] of new Headers(init.headers ?? {})) req.setHeader(k, v);
      req.on('redirect', (statusCode: number, _method: string, _newUrl: string, headers: Record<string, string[]>) => {
        // Only emitted for redirect: 'manual': answer with the 3xx itself, as Node's fetch does.
        settle(() => resolve(new Response(null, { status: statusCode, headers: responseHeaders(headers) })));
        req.abort();
      });
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const status = res.statusCode;
          const body = [101, 204, 205, 304].includes(status) || init.method === 'HEAD' ? null : Buffer.concat(chunks);
          settle(() => resolve(new Response(body, { status, statusText: res.statusMessage, headers: responseHeaders(res.headers) })));
        });
        res.on('error', (err: Error) => settle(() => reject(toFetchError(err))));
      });
      req.on('error', (err: Error) => settle(() => reject(toFetchError(err))));
      if (typeof init.body === 'string') req.write(init.body);
      req.end();
    });
}
