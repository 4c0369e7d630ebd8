import type { FastifyInstance } from 'fastify';

/** A request as Pier's framework-agnostic services take it (the Data API engine, the control plane, OIDC). */
export interface ServiceRequest {
  readonly method: string;
  /** Path after the mount prefix, starting with "/" (still percent-encoded). */
  readonly path: string;
  /** Query string after "?", without it ("" when none). */
  readonly rawQuery: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body?: Buffer | undefined;
  /** Base URL the request reached, e.g. "http://127.0.0.1:7420" (for Location headers and issuer URLs). */
  readonly origin: string;
}

export interface ServiceResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer | undefined;
}

export type ServiceHandler = (req: ServiceRequest) => Promise<ServiceResponse>;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Routes every method under `prefix` to `handler`, with the body as raw bytes (each service
 * parses its own media types: JSON, CSV, form bodies). `params` maps named prefix segments.
 */
export async function mountHandler(
  app: FastifyInstance,
  prefix: string,
  handler: (req: ServiceRequest, params: Record<string, string>) => Promise<ServiceResponse>,
  options: { bodyLimit?: number } = {},
): Promise<void> {
  const prefixSegments = prefix.split('/').length - 1;
  const bodyLimit = options.bodyLimit ?? 10 * 1024 * 1024;
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
    for (const url of [prefix, `${prefix}/*`]) {
      scope.route({
        method: [...METHODS],
        url,
        exposeHeadRoute: false,
        bodyLimit,
        handler: async (req, reply) => {
          const qIndex = req.url.indexOf('?');
          const rawPath = qIndex === -1 ? req.url : req.url.slice(0, qIndex);
          const params = req.params as Record<string, string>;
          // The prefix has a fixed number of segments; what follows them is the service's path.
          const rest =
            '/' +
            rawPath
              .split('/')
              .slice(prefixSegments + 1)
              .join('/');
          const headers: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          const res = await handler(
            {
              method: req.method,
              path: rest,
              rawQuery: qIndex === -1 ? '' : req.url.slice(qIndex + 1),
              headers,
              body: Buffer.isBuffer(req.body) ? req.body : undefined,
              origin: `${req.protocol}://${req.headers.host ?? req.hostname}`,
            },
            params,
          );
          reply.code(res.status);
          for (const [k, v] of Object.entries(res.headers)) reply.header(k, v);
          return reply.send(req.method === 'HEAD' ? undefined : (res.body ?? ''));
        },
      });
    }
  });
}
