/** DbResult / errors → status, headers and body, the way PostgREST answers a read. */
import type { ApiError } from '../errors/ApiError';
import { maxAffectedExceeded, notSingular, rangeNotSatisfiable } from '../errors/pgrstErrors';
import { databaseError } from '../errors/sqlStateStatus';
import type { DbFailure, DbResult } from '../execute/runQuery';
import { assertNever } from '../../../shared/contract/result';
import type { ActionPlan, CallPlan, MutatePlan, PlanMedia, ReadPlan, TxPlan } from '../plan/ActionPlan';
import { contentTypeOf } from './contentTypeOf';
import { openApiDocument, type RolePrivileges } from './openApiDocument';

export interface EngineResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer;
}

export interface Timings {
  readonly parse: number;
  readonly plan: number;
  readonly query: number;
  readonly render: number;
}

export function serverTiming(t: Partial<Timings>): string {
  let out = '';
  for (const k in t) out += `${out === '' ? '' : ', '}${k};dur=${oneDecimal(t[k as keyof Timings]!)}`;
  return out;
}

/** `x.toFixed(1)` for the durations (non-negative, small) without its cost on every response. */
function oneDecimal(x: number): string {
  const tenths = Math.round(x * 10);
  return Number.isSafeInteger(tenths) && tenths >= 0 ? `${Math.floor(tenths / 10)}.${tenths % 10}` : x.toFixed(1);
}

/** An error → its response: PostgREST's body, the status and headers the error was made with. */
export function errorResponse(error: ApiError, opts: { headOnly?: boolean } = {}): EngineResponse {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'proxy-status': `PostgREST; error=${error.code}`,
    ...error.headers,
  };
  // The database is away (restart, dropped connections): clients should come back shortly.
  if (error.status === 503) headers['retry-after'] = '1';
  if (error.status === 401) headers['www-authenticate'] ??= 'Bearer';
  const body = JSON.stringify({ code: error.code, details: error.details ?? null, hint: error.hint ?? null, message: error.message });
  return { status: error.status, headers, body: opts.headOnly ? '' : body };
}

/** A Postgres failure → its response (see databaseError). */
export function dbErrorResponse(e: DbFailure, role: string, authenticated: boolean, headOnly: boolean): EngineResponse {
  return errorResponse(databaseError(e, role, authenticated), { headOnly });
}

/** What of the request itself the answer repeats (Content-Location). */
export interface RequestEcho {
  readonly rawQuery: string;
}

export function toResponse(plan: ActionPlan, r: DbResult, echo: RequestEcho = { rawQuery: '' }): EngineResponse {
  const response = respond(plan, r, echo);
  // The schema the request was answered from, when the client chose it (or could have).
  if (
    plan.kind !== 'openapi' &&
    plan.contentProfile !== undefined &&
    response.headers['content-type'] !== undefined &&
    response.status < 400
  )
    response.headers['content-profile'] = plan.contentProfile;
  return response;
}

function respond(plan: ActionPlan, r: DbResult, echo: RequestEcho): EngineResponse {
  if (plan.media.kind === 'plan') {
    const headOnly = plan.kind !== 'mutate' && plan.headOnly;
    return { status: 200, headers: { 'content-type': contentTypeOf(plan.media) }, body: headOnly ? '' : (r.body ?? '') };
  }
  switch (plan.kind) {
    case 'read':
      return readResponse(plan, r, echo);
    case 'mutate':
      return mutateResponse(plan, r);
    case 'call':
      return callResponse(plan, r);
    case 'openapi': {
      const privileges: RolePrivileges = plan.ignorePrivileges
        ? {
            // openapi-mode = ignore-privileges: everything of the schema, as its relations allow it.
            relations: [...plan.cache.relations.values()].filter((rel) => rel.schema === plan.schema).map((rel) => ({ name: rel.name })),
            routines: plan.cache.routines.filter((rt) => rt.schema === plan.schema).map((rt) => rt.name),
            // The schema's comment is read even so (it is in the privileges row).
            description: (JSON.parse(r.body ?? '{}') as RolePrivileges).description ?? null,
          }
        : (JSON.parse(r.body ?? '{}') as RolePrivileges);
      const doc = openApiDocument(plan.cache, plan.schema, privileges);
      return {
        status: 200,
        headers: { 'content-type': 'application/openapi+json; charset=utf-8' },
        body: plan.headOnly ? '' : JSON.stringify(doc),
      };
    }
    default:
      return assertNever(plan, 'plan');
  }
}

/** The error a write's result turns into after the statement ran (the transaction then rolls back). */
function afterwardsError(plan: MutatePlan | CallPlan, tx: TxPlan, r: DbResult): ApiError | undefined {
  const affected = plan.kind === 'mutate' ? (r.totalResultSet ?? r.pageTotal) : r.pageTotal;
  if (tx.maxAffected !== undefined && affected > tx.maxAffected) return maxAffectedExceeded(affected);
  if (plan.media.kind !== 'object') return undefined;
  // A singular Accept asks for exactly one row: a write that touched any other number is refused
  // (and rolled back) whatever `return=` says, as PostgREST does; a function, by the rows it returned.
  if (plan.kind === 'mutate') return affected === 1 ? undefined : notSingular(affected);
  const several = plan.shape.kind === 'rows' ? !plan.shape.single : plan.routine.returnsSet;
  return several && r.pageTotal !== 1 ? notSingular(r.pageTotal) : undefined;
}

/**
 * How a transaction ends once its statement ran, or undefined when COMMIT can go with the
 * statement in one round trip (nothing to decide afterwards).
 */
export function transactionEnd(plan: ActionPlan): ((r: DbResult) => 'commit' | 'rollback') | undefined {
  if (plan.kind === 'read' || plan.kind === 'openapi') return undefined;
  // EXPLAIN ANALYZE runs the write: show its plan, keep nothing.
  if (plan.media.kind === 'plan') return () => 'rollback';
  const tx = plan.tx;
  const mayFail = tx.maxAffected !== undefined || plan.media.kind === 'object';
  if (!tx.rollback && !mayFail) return undefined;
  return (r) => (tx.rollback || afterwardsError(plan, tx, r) ? 'rollback' : 'commit');
}

function preferenceApplied(headers: Record<string, string>, applied: readonly string[]): void {
  if (applied.length > 0) headers['preference-applied'] = applied.join(', ');
}

/** PostgREST's Content-Range: `lower-upper/total`, `*` for an empty range or an unknown total. */
function contentRange(lower: number, upper: number, total: number | null | undefined): string {
  const range = total !== 0 && lower <= upper ? `${lower}-${upper}` : '*';
  return `${range}/${total ?? '*'}`;
}

function mutateResponse(plan: MutatePlan, r: DbResult): EngineResponse {
  const failed = afterwardsError(plan, plan.tx, r);
  if (failed) return errorResponse(failed);
  const affected = r.totalResultSet ?? r.pageTotal;
  const total = plan.count !== undefined ? affected : undefined;
  const representation = plan.return === 'representation';
  const headers: Record<string, string> = {};
  let status: number;
  switch (plan.mutation) {
    case 'create':
      headers['content-range'] = contentRange(1, 0, total);
      // An upsert that only updated existing rows is 200, as in PostgREST.
      status = plan.onConflict?.resolution === 'merge' && (r.inserted ?? 0) <= 0 ? 200 : 201;
      if (r.location !== null && r.pageTotal === 1) {
        const key = JSON.parse(r.location) as Record<string, unknown>;
        const query = plan.location.map((c) => `${encodeURIComponent(c.name)}=eq.${encodeURIComponent(String(key[c.name]))}`).join('&');
        headers['location'] = `/${encodeURIComponent(plan.relation.name)}?${query}`;
      }
      break;
    case 'update':
      headers['content-range'] = contentRange(0, affected - 1, total);
      status = representation ? 200 : 204;
      break;
    case 'upsert':
      // PUT: 201 when the row was created, 200 when it replaced one.
      status = representation ? ((r.inserted ?? 0) > 0 ? 201 : 200) : 204;
      break;
    case 'delete':
      headers['content-range'] = contentRange(1, 0, total);
      status = representation ? 200 : 204;
      break;
    default:
      return assertNever(plan.mutation, 'mutation');
  }
  preferenceApplied(headers, plan.preferencesApplied);
  if (!representation) return { status, headers, body: '' };
  headers['content-type'] = contentTypeOf(plan.media);
  return { status, headers, body: bodyOf(plan.media, r.body) };
}

function callResponse(plan: CallPlan, r: DbResult): EngineResponse {
  const failed = afterwardsError(plan, plan.tx, r);
  if (failed) return errorResponse(failed, { headOnly: plan.headOnly });
  const headers: Record<string, string> = {};
  const lower = plan.offset;
  const total = plan.count !== undefined ? r.totalResultSet : null;
  if (total !== null && lower > total && !(lower === 0 && total === 0)) return outOfRange(lower, total, plan.headOnly);
  headers['content-range'] = contentRange(lower, lower + r.pageTotal - 1, total);
  preferenceApplied(headers, plan.preferencesApplied);
  if (plan.routine.returns === 'void') return { status: 204, headers, body: '' };
  headers['content-type'] = contentTypeOf(
    plan.media.kind !== 'custom' &&
      (plan.media.kind === 'object' || (plan.shape.kind === 'rows' && plan.shape.single) || !plan.routine.returnsSet)
      ? { kind: 'json', stripNulls: false }
      : plan.media,
  );
  if (plan.media.kind === 'object') headers['content-type'] = contentTypeOf(plan.media);
  const status = total !== null && r.pageTotal < total ? 206 : 200;
  let body: string | Buffer = bodyOf(plan.media, r.body);
  // Accept: object on a set → its one row (checked above).
  if (plan.media.kind === 'object' && plan.shape.kind === 'scalar' && plan.routine.returnsSet)
    body = JSON.stringify((JSON.parse(String(body)) as unknown[])[0] ?? null);
  return { status, headers, body: plan.headOnly ? '' : body };
}

/** 416 PGRST103: an offset past the end of the rows, with the total PostgREST reports. */
function outOfRange(lower: number, total: number, headOnly: boolean): EngineResponse {
  return errorResponse(rangeNotSatisfiable(`An offset of ${lower} was requested, but there are only ${total} rows.`, `*/${total}`), {
    headOnly,
  });
}

/**
 * Content-Location of a read: the path and the query string in PostgREST's canonical form (keys
 * sorted, values of a repeated key joined by commas, everything but A-Z a-z 0-9 - _ . ~ escaped).
 */
export function contentLocation(name: string, rawQuery: string): string {
  if (rawQuery === '') return `/${escapeComponent(name)}`;
  // Sent with every read: a query string already in canonical form (the usual one) is kept as it is.
  if (isCanonical(rawQuery)) return `/${escapeComponent(name)}?${rawQuery}`;
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    pairs.push([decodeComponent(eq < 0 ? part : part.slice(0, eq)), decodeComponent(eq < 0 ? '' : part.slice(eq + 1))]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let out = '';
  for (let i = 0; i < pairs.length; i++) {
    const [k, v] = pairs[i]!;
    // A repeated key's values join with commas (pairs are sorted, so they are neighbours).
    if (i > 0 && pairs[i - 1]![0] === k) out += `,${escapeComponent(v)}`;
    else out += `${out === '' ? '' : '&'}${escapeComponent(k)}=${escapeComponent(v)}`;
  }
  return `/${escapeComponent(name)}?${out}`;
}

/**
 * `k=v&k2=v2` with keys in strictly ascending order, each pair with exactly one `=`, and only
 * characters escapeComponent keeps: decoding, sorting and escaping would give it back unchanged.
 */
function isCanonical(rawQuery: string): boolean {
  let keyStart = 0;
  let eq = -1;
  let previousKey = '';
  for (let i = 0; i <= rawQuery.length; i++) {
    const c = i < rawQuery.length ? rawQuery.charCodeAt(i) : 0x26; // the end closes the last pair like '&'
    if (c === 0x3d) {
      if (eq >= 0) return false; // a second '=' is part of the value, escaped
      eq = i;
    } else if (c === 0x26) {
      if (eq <= keyStart) return false; // an empty part, no '=' or an empty key
      const key = rawQuery.slice(keyStart, eq);
      if (keyStart > 0 && !(previousKey < key)) return false; // out of order or repeated
      previousKey = key;
      keyStart = i + 1;
      eq = -1;
    } else if (!isUnreserved(c)) {
      return false;
    }
  }
  return true;
}

/** A-Z a-z 0-9 - _ . ~ */
function isUnreserved(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || c === 0x2e || c === 0x7e
  );
}

function decodeComponent(x: string): string {
  if (!x.includes('%') && !x.includes('+')) return x;
  try {
    return decodeURIComponent(x.replace(/\+/g, ' '));
  } catch {
    return x;
  }
}

/** Everything but A-Z a-z 0-9 - _ . ~ escaped: encodeURIComponent leaves ! ' ( ) * as they are. */
function escapeComponent(x: string): string {
  if (/^[A-Za-z0-9\-_.~]*$/.test(x)) return x;
  return encodeURIComponent(x).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function readResponse(plan: ReadPlan, r: DbResult, echo: RequestEcho): EngineResponse {
  const lower = plan.offset;
  const total = pickTotal(plan, r);
  if (total !== null && lower > total && !(lower === 0 && total === 0)) return outOfRange(lower, total, plan.headOnly);
  if (plan.media.kind === 'object' && r.pageTotal !== 1) {
    return errorResponse(notSingular(r.pageTotal), { headOnly: plan.headOnly });
  }
  const headers: Record<string, string> = {
    'content-range': contentRange(lower, lower + r.pageTotal - 1, total),
    'content-location': contentLocation(plan.root.relation.name, echo.rawQuery),
    'content-type': contentTypeOf(plan.media),
  };
  if (plan.preferencesApplied.length > 0) headers['preference-applied'] = plan.preferencesApplied.join(', ');
  const status = total !== null && r.pageTotal < total && plan.media.kind !== 'object' ? 206 : 200;
  return { status, headers, body: plan.headOnly ? '' : bodyOf(plan.media, r.body) };
}

/** The body as sent: a handler's bytes arrive as base64 (see handlerBody), everything else as text. */
function bodyOf(media: PlanMedia, body: string | null): string | Buffer {
  return media.kind === 'custom' && media.binary ? Buffer.from(body ?? '', 'base64') : (body ?? '');
}

function pickTotal(plan: ReadPlan, r: DbResult): number | null {
  switch (plan.count) {
    case undefined:
      return null;
    case 'exact':
      return r.totalResultSet;
    case 'planned':
      return r.plannedTotal;
    case 'estimated':
      // Exact while small, the planner's estimate beyond (PostgREST's rule).
      return r.plannedTotal !== null && r.plannedTotal > plan.estimateThreshold ? r.plannedTotal : r.totalResultSet;
  }
}
