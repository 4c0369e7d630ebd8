/**
 * CORS the way PostgREST answers it: preflights get the methods and the asked-for headers,
 * other responses expose the headers a client reads (Content-Range, Location…). Off unless the
 * engine is configured with allowed origins: a desktop tool should not serve any web page.
 */
export interface CorsOptions {
  /** `*` (any origin, PostgREST's default) or the exact origins allowed, e.g. `http://localhost:5173`. */
  readonly allowedOrigins: '*' | readonly string[];
}

const EXPOSED =
  'Content-Encoding, Content-Location, Content-Range, Content-Type, Date, Location, Server, Transfer-Encoding, Range-Unit, Preference-Applied';
const METHODS = 'GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD';
const DEFAULT_ALLOWED_HEADERS =
  'Authorization, Content-Type, Accept, Accept-Language, Content-Language, Prefer, Range, Accept-Profile, Content-Profile';

function allowedOrigin(cors: CorsOptions, origin: string): string | undefined {
  if (cors.allowedOrigins === '*') return '*';
  return cors.allowedOrigins.includes(origin) ? origin : undefined;
}

/** Whether this is a CORS preflight (answered without authentication or the schema cache). */
export function isPreflight(method: string, headers: Readonly<Record<string, string | undefined>>): boolean {
  return method.toUpperCase() === 'OPTIONS' && headers['origin'] !== undefined && headers['access-control-request-method'] !== undefined;
}

export function preflightHeaders(
  cors: CorsOptions | undefined,
  headers: Readonly<Record<string, string | undefined>>,
): Record<string, string> | undefined {
  const origin = cors && headers['origin'] !== undefined ? allowedOrigin(cors, headers['origin']) : undefined;
  if (!origin) return undefined;
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': METHODS,
    'access-control-allow-headers': headers['access-control-request-headers'] ?? DEFAULT_ALLOWED_HEADERS,
    'access-control-max-age': '86400',
    ...(origin !== '*' && { vary: 'Origin' }),
  };
}

export function corsHeaders(cors: CorsOptions | undefined, headers: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const origin = cors && headers['origin'] !== undefined ? allowedOrigin(cors, headers['origin']) : undefined;
  if (!origin) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': EXPOSED,
    ...(origin !== '*' && { vary: 'Origin' }),
  };
}
