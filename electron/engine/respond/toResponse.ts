/** DbResult / errors → status, headers and body, the way PostgREST answers a read. */
import type { ApiError } from '../errors/ApiError';
import { maxAffectedExceeded, notSingular, rangeNotSatisfiable } from '../errors/pgrstErrors';
import { databaseError } from '../errors/sqlStateStatus';
import type { DbFailure, DbResult } from '../execute/runQuery';
import { assertNever } from '../../../shared/contract/result';
import type { ActionPlan, CallPlan, MutatePlan, ReadPlan, TxPlan } from '../plan/ActionPlan';
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
  for (const k in t) out += `${out === '' ? '' : ', '}${k};dur=${t[k as keyof Timings]!.toFixed(1)}`;
  return out;
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

export function toResponse(plan: ActionPlan, r: DbResult): EngineResponse {
  if (plan.media.kind === 'plan') {
    const headOnly = plan.kind !== 'mutate' && plan.headOnly;
    return { status: 200, headers: { 'content-type': contentTypeOf(plan.media) }, body: headOnly ? '' : (r.body ?? '') };
  }
  switch (plan.kind) {
    case 'read':
      return readResponse(plan, r);
    case 'mutate':
      return mutateResponse(plan, r);
    case 'call':
      return callResponse(plan, r);
    case 'openapi': {
      const doc = openApiDocument(plan.cache, plan.schema, JSON.parse(r.body ?? '{}') as RolePrivileges);
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

function mutateResponse(plan: MutatePlan, r: DbResult): EngineResponse {
  const failed = afterwardsError(plan, plan.tx, r);
  if (failed) return errorResponse(failed);
  const affected = r.totalResultSet ?? r.pageTotal;
  const total = plan.count === 'exact' ? String(affected) : '*';
  const representation = plan.return === 'representation';
  const range = representation && r.pageTotal > 0 && plan.mutation !== 'create' ? `0-${r.pageTotal - 1}` : '*';
  const headers: Record<string, string> = { 'content-range': `${range}/${total}` };
  preferenceApplied(headers, plan.preferencesApplied);
  if (r.location !== null) {
    const key = JSON.parse(r.location) as Record<string, unknown>;
    const query = plan.location.map((c) => `${encodeURIComponent(c.name)}=eq.${encodeURIComponent(String(key[c.name]))}`).join('&');
    headers['location'] = `/${encodeURIComponent(plan.relation.name)}?${query}`;
  }
  if (!representation) return { status: plan.mutation === 'create' ? 201 : 204, headers, body: '' };
  headers['content-type'] = contentTypeOf(plan.media);
  return { status: plan.mutation === 'create' ? 201 : 200, headers, body: r.body ?? '' };
}

function callResponse(plan: CallPlan, r: DbResult): EngineResponse {
  const failed = afterwardsError(plan, plan.tx, r);
  if (failed) return errorResponse(failed, { headOnly: plan.headOnly });
  const headers: Record<string, string> = {};
  preferenceApplied(headers, plan.preferencesApplied);
  if (plan.routine.returns === 'void') return { status: 204, headers, body: '' };
  headers['content-type'] = contentTypeOf(
    plan.media.kind === 'object' || (plan.shape.kind === 'rows' && plan.shape.single) || !plan.routine.returnsSet
      ? { kind: 'json', stripNulls: false }
      : plan.media,
  );
  if (plan.media.kind === 'object') headers['content-type'] = contentTypeOf(plan.media);
  let status = 200;
  if (plan.routine.returnsSet) {
    const total = plan.count === 'exact' ? r.totalResultSet : null;
    const range = r.pageTotal > 0 ? `${plan.offset}-${plan.offset + r.pageTotal - 1}` : '*';
    headers['content-range'] = `${range}/${total ?? '*'}`;
    if (total !== null && r.pageTotal < total) status = 206;
  }
  let body = r.body ?? '';
  // Accept: object on a set → its one row (checked above).
  if (plan.media.kind === 'object' && plan.shape.kind === 'scalar' && plan.routine.returnsSet)
    body = JSON.stringify((JSON.parse(body) as unknown[])[0] ?? null);
  return { status, headers, body: plan.headOnly ? '' : body };
}

function readResponse(plan: ReadPlan, r: DbResult): EngineResponse {
  const lower = plan.offset;
  const total = pickTotal(plan, r);
  if (total !== null && lower > total && !(lower === 0 && total === 0)) {
    return errorResponse(rangeNotSatisfiable(`An offset of ${lower} was requested, but there are only ${total} rows.`, `*/${total}`), {
      headOnly: plan.headOnly,
    });
  }
  if (plan.media.kind === 'object' && r.pageTotal !== 1) {
    return errorResponse(notSingular(r.pageTotal), { headOnly: plan.headOnly });
  }
  const upper = lower + r.pageTotal - 1;
  const range = r.pageTotal > 0 ? `${lower}-${upper}` : '*';
  const headers: Record<string, string> = {
    'content-type': contentTypeOf(plan.media),
    'content-range': `${range}/${total ?? '*'}`,
  };
  if (plan.preferencesApplied.length > 0) headers['preference-applied'] = plan.preferencesApplied.join(', ');
  const status = total !== null && r.pageTotal < total && plan.media.kind !== 'object' ? 206 : 200;
  return { status, headers, body: plan.headOnly ? '' : (r.body ?? '') };
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
