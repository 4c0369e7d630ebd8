/**
 * HTTP-ish input → ApiRequest: path, query string, and the headers that change a read
 * (Accept, Accept-Profile, Prefer, Range, Authorization). No schema access here.
 */
import { emptyReadQuery, type ReadQuery } from '../../../shared/dataapi/ast';
import { parseQuery } from '../../../shared/dataapi/parseQuery';
import { failWith, succeed as ok, type Outcome } from '../errors/ApiError';
import { invalidPath, pathSyntax, queryParamSyntax, rangeNotSatisfiable, unsupportedMethod } from '../errors/pgrstErrors';
import type { ApiAction, ApiRequest, ApiTarget, CountPreference, Preferences } from './ApiRequest';
import { negotiateMedia } from './negotiateMedia';
import { parseBody } from './parseBody';

/** The framework-neutral request the engine accepts (see engine.ts). */
export interface HttpInput {
  readonly method: string;
  /** The part after `/rest/{database}`, e.g. `/public/clients`. */
  readonly path: string;
  readonly rawQuery: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body?: Buffer;
}

/** Targets per path: clients repeat the same few (outcomes are never changed, so they are shared). */
const targets = new Map<string, Outcome<ApiTarget>>();

function parsePath(path: string): Outcome<ApiTarget> {
  let target = targets.get(path);
  if (target === undefined) {
    target = parseNewPath(path);
    if (targets.size >= 1000) targets.clear();
    targets.set(path, target);
  }
  return target;
}

function parseNewPath(path: string): Outcome<ApiTarget> {
  let segments: string[];
  try {
    segments = path
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    return failWith(pathSyntax(path));
  }
  const [a, b, c] = segments;
  if (segments.length === 0) return ok({ kind: 'root' });
  if (segments.length === 1) return ok({ kind: 'relation', name: a! });
  if (segments.length === 2 && a === 'rpc') return ok({ kind: 'routine', name: b! });
  if (segments.length === 2) return ok({ kind: 'relation', schema: a!, name: b! });
  if (segments.length === 3 && b === 'rpc') return ok({ kind: 'routine', schema: a!, name: c! });
  return failWith(invalidPath(`No resource is served at ${path}`));
}

/**
 * Each enumerated preference and its values; the first of each in the header wins (RFC 7240).
 * Maps, so a preference named `toString` or `__proto__` is just an unknown one.
 */
const ENUMERATED: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries({
    count: ['exact', 'planned', 'estimated'],
    handling: ['strict', 'lenient'],
    return: ['minimal', 'headers-only', 'representation'],
    resolution: ['merge-duplicates', 'ignore-duplicates'],
    missing: ['default', 'null'],
    tx: ['commit', 'rollback'],
    params: ['single-object'],
  }).map(([name, values]) => [name, new Set(values)]),
);

const NO_PREFERENCES: Preferences = { unknown: [] };

/** Exported for its unit test. */
export function parsePrefer(prefer: string | undefined): Preferences {
  if (prefer === undefined || prefer === '') return NO_PREFERENCES;
  const found = new Map<string, string>();
  let timezone: string | undefined;
  let maxAffected: number | undefined;
  const unknown: string[] = [];
  for (const token of (prefer ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const eq = token.indexOf('=');
    const name = eq < 0 ? token : token.slice(0, eq);
    const value = eq < 0 ? '' : token.slice(eq + 1);
    if (ENUMERATED.get(name)?.has(value)) {
      if (!found.has(name)) found.set(name, value);
    } else if (name === 'timezone') timezone ??= value;
    else if (name === 'max-affected' && /^\d+$/.test(value)) maxAffected ??= Number(value);
    else unknown.push(token);
  }
  const count = found.get('count') as CountPreference | undefined;
  const handling = found.get('handling') as Preferences['handling'];
  const ret = found.get('return') as Preferences['return'];
  const resolution = found.get('resolution') as Preferences['resolution'];
  const missing = found.get('missing') as Preferences['missing'];
  const tx = found.get('tx') as Preferences['tx'];
  return {
    ...(count !== undefined && { count }),
    ...(handling !== undefined && { handling }),
    ...(timezone !== undefined && { timezone }),
    ...(ret !== undefined && { return: ret }),
    ...(resolution !== undefined && { resolution }),
    ...(missing !== undefined && { missing }),
    ...(tx !== undefined && { tx }),
    ...(found.has('params') && { params: 'single-object' as const }),
    ...(maxAffected !== undefined && { maxAffected }),
    unknown,
  };
}

function parseRange(range: string | undefined, unit: string | undefined): Outcome<ApiRequest['range']> {
  if (range === undefined || (unit !== undefined && unit.trim().toLowerCase() !== 'items')) return ok(undefined);
  const m = /^\s*(?:items=)?(\d+)-(\d*)\s*$/.exec(range);
  // PostgREST ignores a Range it cannot read.
  if (!m) return ok(undefined);
  const from = Number(m[1]);
  const to = m[2] === '' ? undefined : Number(m[2]);
  if (to !== undefined && to < from) {
    return failWith(rangeNotSatisfiable('The lower boundary must be lower than or equal to the upper boundary in the Range header.'));
  }
  return ok(to === undefined ? { from } : { from, to });
}

function parseBearer(authorization: string | undefined): ApiRequest['bearer'] {
  if (authorization === undefined || authorization.trim() === '') return undefined;
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization);
  return m ? m[1]! : { malformed: authorization };
}

function actionFor(method: string, target: ApiTarget): Outcome<ApiAction> {
  const unsupported = failWith(unsupportedMethod(method));
  if (method === 'OPTIONS') return ok({ kind: 'options' });
  if (target.kind === 'routine') {
    switch (method) {
      case 'GET':
      case 'HEAD':
        return ok({ kind: 'call', readOnly: true, headOnly: method === 'HEAD' });
      case 'POST':
        return ok({ kind: 'call', readOnly: false, headOnly: false });
      default:
        return unsupported;
    }
  }
  switch (method) {
    case 'GET':
      return ok({ kind: 'read', headOnly: false });
    case 'HEAD':
      return ok({ kind: 'read', headOnly: true });
    case 'POST':
      return ok({ kind: 'mutate', mutation: 'create' });
    case 'PATCH':
      return ok({ kind: 'mutate', mutation: 'update' });
    case 'PUT':
      return ok({ kind: 'mutate', mutation: 'upsert' });
    case 'DELETE':
      return ok({ kind: 'mutate', mutation: 'delete' });
    default:
      return unsupported;
  }
}

/** `columns=a,b` / `on_conflict=a,b` (names may be double-quoted). */
function nameList(rawQuery: string, key: string): string[] | undefined {
  // Most requests have neither parameter: skip decoding the query string again for them.
  if (!rawQuery.includes(key)) return undefined;
  const raw = new URLSearchParams(rawQuery).get(key);
  if (raw === null) return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s));
}

/** The headers that have a value: the input itself when all have one (the usual case; it is only read). */
function definedHeaders(h: Readonly<Record<string, string | undefined>>): Readonly<Record<string, string>> {
  for (const name in h) {
    if (h[name] === undefined) return Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => e[1] !== undefined));
  }
  return h as Readonly<Record<string, string>>;
}

/**
 * `query`: the query string already read — its decoded parameters, or the read query itself
 * (the engine passes an empty one when a remembered plan stands in for it, see ReadTemplates).
 */
export function parseRequest(input: HttpInput, query?: ReadQuery | readonly (readonly [string, string])[]): Outcome<ApiRequest> {
  const method = input.method.toUpperCase();
  const target = parsePath(input.path);
  if (!target.ok) return target;
  const action = actionFor(method, target.value);
  if (!action.ok) return action;
  const h = input.headers;
  const media = negotiateMedia(h['accept']);
  if (!media.ok) return media;
  let read: ReadQuery = emptyReadQuery;
  if (query !== undefined && !Array.isArray(query)) {
    read = query as ReadQuery;
  } else if (target.value.kind !== 'root') {
    // A function read takes parameters that are no operator expression as its arguments; everywhere
    // else every parameter that is not reserved is a filter (PostgREST's rule).
    const functionRead = action.value.kind === 'call' && action.value.readOnly;
    const q = parseQuery(
      (query as readonly (readonly [string, string])[] | undefined) ?? input.rawQuery,
      functionRead ? 'functionRead' : 'relation',
    );
    if (!q.ok) return failWith(queryParamSyntax(q.error));
    read = q.value;
  }
  const range = parseRange(h['range'], h['range-unit']);
  if (!range.ok) return range;
  // fromEntries defines own properties: a header named `__proto__` stays a header (and the object stays fast).
  const headers = definedHeaders(h);
  const writes = action.value.kind === 'mutate' || (action.value.kind === 'call' && !action.value.readOnly);
  const profile = writes ? (h['content-profile'] ?? h['accept-profile']) : h['accept-profile'];
  const preferences = parsePrefer(h['prefer']);
  const bearer = parseBearer(h['authorization']);
  const payload = writes ? parseBody(input.body, h['content-type']) : ok(undefined);
  if (!payload.ok) return payload;
  const columns = nameList(input.rawQuery, 'columns');
  const onConflict = nameList(input.rawQuery, 'on_conflict');
  return ok({
    action: action.value,
    target: target.value,
    query: read,
    ...(profile !== undefined && { profile }),
    accepted: media.value,
    preferences,
    ...(range.value !== undefined && { range: range.value }),
    ...(bearer !== undefined && { bearer }),
    ...(payload.value !== undefined && { payload: payload.value }),
    ...(columns !== undefined && { columns }),
    ...(onConflict !== undefined && { onConflict }),
    method,
    path: input.path,
    headers,
  });
}
