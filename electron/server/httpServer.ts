import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { RPC_PATH, SESSION_HEADER } from '../../shared/contract';
import type { Result } from '../../shared/contract';
import { writeClientError } from './writeClientError';

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
  /** Per-launch secret every RPC call must carry in the x-pier-session header. */
  readonly sessionSecret: string;
  /** Runs one RPC call; input is untrusted JSON. */
  readonly rpc: (channel: string, input: unknown) => Promise<Result<unknown>>;
}

/**
 * The loopback HTTP server of browser mode: the UI, the RPC transport, and (mounted by the
 * caller) the Data API, the local management API and OIDC. Binds 127.0.0.1 only.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024, forceCloseConnections: true, clientErrorHandler: writeClientError });
  const secret = Buffer.from(options.sessionSecret);

  // DNS-rebinding guard for the UI and RPC: only loopback host names are served.
  const isLoopbackHost = (req: FastifyRequest): boolean => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  };

  const sameOrigin = (req: FastifyRequest): boolean => {
    const origin = req.headers.origin;
    if (origin === undefined) return true; // non-browser clients; the session secret still applies
    return origin === `http://${req.headers.host}`;
  };

  const hasSession = (req: FastifyRequest): boolean => {
    const given = req.headers[SESSION_HEADER];
    if (typeof given !== 'string') return false;
    const b = Buffer.from(given);
    return b.length === secret.length && timingSafeEqual(b, secret);
  };

  const refuse = (reply: FastifyReply, status: number, code: string, message: string, hint: string) =>
    reply.code(status).send({ ok: false, error: { code, message, hint } });

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
    if (!hasSession(req)) {
      return refuse(
        reply,
        401,
        'PIER401',
        'This page has no valid Pier session key.',
        'Open Pier through the link printed by `npm run serve`, which carries the session key.',
      );
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
    if (!isLoopbackHost(req)) await reply.code(403).type('text/plain').send('Pier serves 127.0.0.1 and localhost only.');
  });

  return app;
}
