import type { DataApiRequestInput, ViewAs } from '../../../../shared/contract/dataApi';
import type { Location } from '../../../../shared/contract/location';

export type ConsoleMethod = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
export const CONSOLE_METHODS: readonly ConsoleMethod[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD'];

/** One header row of the editor; an unticked row stays in the draft but is not sent. */
export interface ConsoleHeader {
  readonly name: string;
  readonly value: string;
  readonly enabled: boolean;
}

/**
 * A request as the console edits it: `target` is what follows the database's base URL,
 * e.g. `/public/clients?select=id,name&id=gt.1` or `/public/rpc/add_them`.
 */
export interface ConsoleRequest {
  readonly method: ConsoleMethod;
  readonly target: string;
  readonly headers: readonly ConsoleHeader[];
  readonly body: string;
  readonly viewAs: ViewAs;
}

export const EMPTY_REQUEST: ConsoleRequest = {
  method: 'GET',
  target: '/public/',
  headers: [{ name: 'Prefer', value: '', enabled: true }],
  body: '',
  viewAs: { kind: 'admin' },
};

/**
 * Headers offered with their known values. Anything else may be typed and is sent as written:
 * the engine answers a value it does not know with its 4xx, and the console shows that answer.
 */
export const KNOWN_HEADERS: ReadonlyMap<string, readonly string[]> = new Map([
  [
    'Prefer',
    [
      'return=representation',
      'return=minimal',
      'return=headers-only',
      'count=exact',
      'count=planned',
      'count=estimated',
      'resolution=merge-duplicates',
      'resolution=ignore-duplicates',
      'missing=default',
      'handling=strict',
      'handling=lenient',
      'tx=rollback',
      'tx=commit',
      'max-affected=1',
      'params=single-object',
    ],
  ],
  [
    'Accept',
    [
      'application/json',
      'text/csv',
      'application/vnd.pgrst.object+json',
      'application/vnd.pgrst.array+json;nulls=stripped',
      'application/vnd.pgrst.plan+json',
      'application/geo+json',
      'text/plain',
    ],
  ],
  ['Content-Type', ['application/json', 'text/csv', 'application/x-www-form-urlencoded', 'text/plain']],
  ['Range', ['0-9', '0-99', '10-19']],
  ['Range-Unit', ['items']],
  ['Accept-Profile', ['public']],
  ['Content-Profile', ['public']],
]);

/** The console runs as the chosen identity: a pasted token is not what it sends, and says so. */
export function isAuthorizationHeader(name: string): boolean {
  return name.trim().toLowerCase() === 'authorization';
}

/** Methods that change data (a POST to /rpc/ may as well: functions can write). */
export function isWrite(method: ConsoleMethod): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

/** Methods that carry a body. */
export function hasBody(method: ConsoleMethod): boolean {
  return method === 'POST' || method === 'PATCH' || method === 'PUT';
}

/** `target` split at its first `?`: the path (each segment percent-encoded once) and the raw query. */
export function splitTarget(target: string): { path: string; rawQuery: string } {
  const trimmed = target.trim();
  const q = trimmed.indexOf('?');
  const rawPath = q < 0 ? trimmed : trimmed.slice(0, q);
  const rawQuery = q < 0 ? '' : trimmed.slice(q + 1);
  const path = `/${rawPath
    .split('/')
    .filter((s) => s !== '')
    .map((s) => encodeURIComponent(decodeOnce(s)))
    .join('/')}`;
  return { path, rawQuery };
}

function decodeOnce(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The headers to send: ticked rows with a name and a value (an empty row is a draft), Authorization left out (see isAuthorizationHeader). */
export function sentHeaders(headers: readonly ConsoleHeader[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const h of headers) {
    const name = h.name.trim();
    if (!h.enabled || name === '' || h.value.trim() === '' || isAuthorizationHeader(name)) continue;
    // Repeated headers are joined as HTTP does (Prefer: a, b).
    const key = Object.keys(out).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
    out[key] = out[key] !== undefined ? `${out[key]}, ${h.value}` : h.value;
  }
  return { ...out };
}

/** The request as `dataApi.request` takes it; a JSON body gets its Content-Type when none was given. */
export function toRequestInput(at: Location, r: ConsoleRequest): DataApiRequestInput {
  const { path, rawQuery } = splitTarget(r.target);
  const headers = sentHeaders(r.headers);
  const sendsBody = hasBody(r.method) && r.body.trim() !== '';
  if (sendsBody && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  return { at, method: r.method, path, rawQuery, headers, ...(sendsBody && { body: r.body }), viewAs: r.viewAs };
}

/** A response body as the console shows it: JSON pretty-printed, anything else as the text it is. */
export function displayBody(contentType: string | undefined, body: string): { kind: 'json' | 'text'; text: string } {
  if (body !== '' && (contentType === undefined || /json/i.test(contentType))) {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(body), null, 2) };
    } catch {
      // Said to be JSON but is not: shown as it came.
    }
  }
  return { kind: 'text', text: body };
}

/** `200 OK`, `404 Not Found`: the status line's words for the statuses the Data API answers with. */
export function statusText(status: number): string {
  return STATUS_TEXT.get(status) ?? '';
}

const STATUS_TEXT = new Map<number, string>([
  [200, 'OK'],
  [201, 'Created'],
  [204, 'No Content'],
  [206, 'Partial Content'],
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [403, 'Forbidden'],
  [404, 'Not Found'],
  [405, 'Method Not Allowed'],
  [406, 'Not Acceptable'],
  [409, 'Conflict'],
  [415, 'Unsupported Media Type'],
  [416, 'Range Not Satisfiable'],
  [500, 'Internal Server Error'],
  [503, 'Service Unavailable'],
]);
