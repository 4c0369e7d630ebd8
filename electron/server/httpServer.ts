import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type ConnectionError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { RPC_PATH } from '../../shared/contract';
import type { Result } from '../../shared/contract';
import { UI_SESSION_PATH } from './uiLink';
import type { CodeRefusal, UiSessions } from './uiSessions';

/** Content-Security-Policy of the UI: everything from our own origin, nothing inline but styles. */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export interface HttpServerOptions {
  /** Built renderer (index.html and assets). */
  readonly uiDir: string;
  /**
   * The UI sessions: one-time links in, session cookies out; every RPC call must carry one.
   * A function, as they are made once the port is known (it names the cookie).
   */
  readonly sessions: () => UiSessions;
  /** Told when a one-time link opened a session (for the log). */
  readonly onDidOpenSession?: () => void;
  /** Runs one RPC call; input is untrusted JSON. */
  readonly rpc: (channel: string, input: unknown) => Promise<Result<unknown>>;
}

/**
 * A request Node's parser refused before any route saw it (not HTTP, headers over 16 KB): a JSON
 * error like every other, and for HEAD no body, as HTTP requires (Fastify's default sends one).
 */
function answerClientError(err: ConnectionError, socket: Socket): void {
  if (socket.destroyed || !socket.writable) return;
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message =
    status === 431
      ? 'The request headers are too large (the limit is 16 KB).'
      : status === 408
        ? 'The request took too long to arrive.'
        : 'The request is not valid HTTP.';
  const body = JSON.stringify({ code: `PIER${status}`, message, details: err.code ?? null, hint: null });
  const raw: unknown = err.rawPacket; // a Buffer at run time, whatever the typings say
  const isHead = Buffer.isBuffer(raw) && raw.subarray(0, 5).toString('latin1') === 'HEAD ';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${isHead ? '' : body}`,
  );
}

/**
 * The loopback HTTP server of browser mode: the UI, the RPC transport, and (mounted by the
 * caller) the Data API, the local management API and OIDC. Binds 127.0.0.1 only.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024, forceCloseConnections: true, clientErrorHandler: answerClientError });

  // DNS-rebinding guard for the UI and RPC: only loopback host names are served.
  const isLoopbackHost = (req: FastifyRequest): boolean => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  };

  const sameOrigin = (req: FastifyRequest): boolean => {
    const origin = req.headers.origin;
    if (origin === undefined) return true; // non-browser clients; the session cookie still applies
    return origin === `http://${req.headers.host}`;
  };

  const refuse = (reply: FastifyReply, status: number, code: string, message: string, hint: string, details?: string) =>
    reply
      .code(status)
      .header('cache-control', 'no-store')
      .send({ ok: false, error: { code, message, hint, ...(details !== undefined && { details }) } });

  const NEW_LINK_HINT =
    'Open Pier through a new link: `npm run serve` prints one (press Enter in its terminal for another), and tools make one from the ready file.';
  const REFUSALS: Record<CodeRefusal, string> = {
    malformed: 'This is not a Pier link code.',
    forged: 'This link was not made by this Pier (it may be from an earlier run).',
    expired: 'This link has expired: links work for 10 minutes.',
    used: 'This link has been used already: each link opens Pier once.',
  };

  // A one-time link: its code becomes the session cookie, then the browser goes to the UI. Its
  // Referrer-Policy keeps the code from travelling on, and no-store keeps it out of caches.
  app.get<{ Querystring: { code?: unknown } }>(UI_SESSION_PATH, async (req, reply) => {
    if (!isLoopbackHost(req)) return refuse(reply, 403, 'PIER403', 'Requests must be addressed to 127.0.0.1 or localhost.', NEW_LINK_HINT);
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    const sessions = options.sessions();
    const redeemed = sessions.redeem(code);
    if (!redeemed.ok) return refuse(reply, 401, 'PIER401', REFUSALS[redeemed.why], NEW_LINK_HINT, redeemed.why);
    options.onDidOpenSession?.();
    return reply
      .code(303)
      .header('set-cookie', sessions.setCookie(redeemed.cookie))
      .header('location', '/')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send();
  });

  app.post<{ Params: { channel: string } }>(`${RPC_PATH}/:channel`, async (req, reply) => {
    if (!isLoopbackHost(req))
      return refuse(
        reply,
        403,
        'PIER403',
        'Requests must be addressed to 127.0.0.1 or localhost.',
        'Open Pier through the URL it printed.',
      );
    if (!sameOrigin(req))
      return refuse(reply, 403, 'PIER403', 'Cross-origin calls to Pier are refused.', 'Open Pier through the URL it printed.');
    const session = options.sessions().check(req.headers.cookie);
    if (session !== 'valid') {
      const message =
        session === 'missing'
          ? 'This page has no Pier session.'
          : "This page's Pier session has ended (the server was restarted since it opened).";
      // `details` tells the UI which of the two to explain.
      return refuse(reply, 401, 'PIER401', message, NEW_LINK_HINT, session);
    }
    reply.header('cache-control', 'no-store');
    return options.rpc(req.params.channel, req.body);
  });

  await app.register(fastifyStatic, {
    root: options.uiDir,
    prefix: '/',
    index: ['index.html'],
    setHeaders(res) {
      res.header('content-security-policy', UI_CSP);
      res.header('x-content-type-options', 'nosniff');
      res.header('referrer-policy', 'no-referrer');
      res.header('cross-origin-opener-policy', 'same-origin');
    },
  });

  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/api/') || req.url.startsWith('/oidc/')) return;
    if (!isLoopbackHost(req))
      await refuse(reply, 403, 'PIER403', 'Pier serves 127.0.0.1 and localhost only.', 'Address it as 127.0.0.1 or localhost.');
  });

  return app;
}
