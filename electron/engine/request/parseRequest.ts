/**
 * HTTP-ish input → ApiRequest: path, query string, and the headers that change a read
 * (Accept, Accept-Profile, Prefer, Range, Authorization). No schema access here.
 */
import { fail, ok, type Result } from '../../../shared/contract/result';
import { emptyReadQuery, type ReadQuery } from '../../../shared/dataapi/ast';
import { parseQuery } from '../../../shared/dataapi/parseQuery';
import type { ApiAction, ApiRequest, ApiTarget, CountPreference, Preferences } from './ApiRequest';
import { negotiateMedia } from './negotiateMedia';

/** The framework-neutral request the engine accepts (see engine.ts). */
export interface HttpInput {
  readonly method: string;
  /** The part after `/rest/{database}`, e.g. `/public/clients`. */
  readonly path: string;
  readonly rawQuery: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

function parsePath(path: string): Result<ApiTarget> {
  let segments: string[];
  try {
    segments = path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    return fail({ code: 'PGRST100', message: `"failed to parse the path (${path})"`, details: 'malformed percent-encoding', hint: null });
  }
  const [a, b, c] = segments;
  if (segments.length === 0) return ok({ kind: 'root' });
  if (segments.length === 1) return ok({ kind: 'relation', name: a! });
  if (segments.length === 2 && a === 'rpc') return ok({ kind: 'routine', name: b! });
  if (segments.length === 2) return ok({ kind: 'relation', schema: a!, name: b! });
  if (segments.length === 3 && b === 'rpc') return ok({ kind: 'routine', schema: a!, name: c! });
  return fail({ code: 'PGRST125', message: `Invalid path specified in request URL`, details: `No resource is served at ${path}`, hint: null });
}

/** Preferences writes will use: accepted (not "unknown") even on reads, as PostgREST does. */
const OTHER_PREFERENCES = new Set([
  'resolution=merge-duplicates', 'resolution=ignore-duplicates', 'return=representation', 'return=minimal',
  'return=headers-only', 'params=single-object', 'tx=commit', 'tx=rollback', 'missing=default', 'missing=null',
]);

function parsePrefer(prefer: string | undefined): Preferences {
  let count: CountPreference | undefined;
  let handling: 'strict' | 'lenient' | undefined;
  let timezone: string | undefined;
  const unknown: string[] = [];
  for (const token of (prefer ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (token === 'count=exact' || token === 'count=planned' || token === 'count=estimated') {
      count ??= token.slice('count='.length) as CountPreference;
    } else if (token === 'handling=strict' || token === 'handling=lenient') {
      handling ??= token.slice('handling='.length) as 'strict' | 'lenient';
    } else if (token.startsWith('timezone=')) {
      timezone ??= token.slice('timezone='.length);
    } else if (!OTHER_PREFERENCES.has(token) && !/^max-affected=\d+$/.test(token)) {
      unknown.push(token);
    }
  }
  return {
    ...(count !== undefined && { count }),
    ...(handling !== undefined && { handling }),
    ...(timezone !== undefined && { timezone }),
    unknown,
  };
}

function parseRange(range: string | undefined, unit: string | undefined): Result<ApiRequest['range']> {
  if (range === undefined || (unit !== undefined && unit.trim().toLowerCase() !== 'items')) return ok(undefined);
  const m = /^\s*(?:items=)?(\d+)-(\d*)\s*$/.exec(range);
  // PostgREST ignores a Range it cannot read.
  if (!m) return ok(undefined);
  const from = Number(m[1]);
  const to = m[2] === '' ? undefined : Number(m[2]);
  if (to !== undefined && to < from) {
    return fail({
      code: 'PGRST103',
      message: 'Requested range not satisfiable',
      details: 'The lower boundary must be lower than or equal to the upper boundary in the Range header.',
      hint: null,
    });
  }
  return ok(to === undefined ? { from } : { from, to });
}

function parseBearer(authorization: string | undefined): ApiRequest['bearer'] {
  if (authorization === undefined || authorization.trim() === '') return undefined;
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization);
  return m ? m[1]! : { malformed: authorization };
}

function actionFor(method: string): Result<ApiAction> {
  switch (method) {
    case 'GET':
      return ok({ kind: 'read', headOnly: false });
    case 'HEAD':
      return ok({ kind: 'read', headOnly: true });
    case 'OPTIONS':
      return ok({ kind: 'options' });
    default:
      // Writes (POST/PATCH/PUT/DELETE) are planned for a later issue; until then they are refused.
      return fail({
        code: 'PGRST117',
        message: `Unsupported HTTP method: ${method}`,
        details: null,
        hint: ['POST', 'PATCH', 'PUT', 'DELETE'].includes(method) ? 'Writes through the Data API are not available in Pier yet; only GET and HEAD are served.' : null,
      });
  }
}

export function parseRequest(input: HttpInput): Result<ApiRequest> {
  const method = input.method.toUpperCase();
  const action = actionFor(method);
  if (!action.ok) return action;
  const target = parsePath(input.path);
  if (!target.ok) return target;
  const h = input.headers;
  const media = negotiateMedia(h['accept']);
  if (!media.ok) return media;
  let query: ReadQuery = emptyReadQuery;
  if (target.value.kind === 'relation') {
    const q = parseQuery(input.rawQuery);
    if (!q.ok) return q;
    query = q.value;
  }
  const range = parseRange(h['range'], h['range-unit']);
  if (!range.ok) return range;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) headers[k] = v;
  const profile = h['accept-profile'];
  const preferences = parsePrefer(h['prefer']);
  const bearer = parseBearer(h['authorization']);
  return ok({
    action: action.value,
    target: target.value,
    query,
    ...(profile !== undefined && { profile }),
    media: media.value,
    preferences,
    ...(range.value !== undefined && { range: range.value }),
    ...(bearer !== undefined && { bearer }),
    method,
    path: input.path,
    headers,
  });
}
