/** DbResult / errors → status, headers and body, the way PostgREST answers a read. */
import type { ApiError } from '../ApiError';
import type { DbFailure, DbResult } from '../execute/runQuery';
import type { ReadPlan } from '../plan/ActionPlan';
import { contentTypeOf } from './contentTypeOf';
import { statusOf } from './statusOf';

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
  return (Object.entries(t) as [string, number][]).map(([k, v]) => `${k};dur=${v.toFixed(1)}`).join(', ');
}

export function errorResponse(error: ApiError, opts: { authenticated?: boolean; headOnly?: boolean; headers?: Record<string, string> } = {}): EngineResponse {
  const status = statusOf(error.code, opts.authenticated ?? false, error.message);
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'proxy-status': `PostgREST; error=${error.code}`,
    ...opts.headers,
  };
  if (status === 401) {
    headers['www-authenticate'] =
      error.code === 'PGRST301' || error.code === 'PGRST303' ? `Bearer error="invalid_token", error_description=${JSON.stringify(error.message)}` : 'Bearer';
  }
  const body = JSON.stringify({ code: error.code, details: error.details ?? null, hint: error.hint ?? null, message: error.message });
  return { status, headers, body: opts.headOnly ? '' : body };
}

/** A Postgres error: the role switch failing means the token names a role we may not use. */
export function dbErrorResponse(e: DbFailure, role: string, authenticated: boolean, headOnly: boolean): EngineResponse {
  if (e.step === 'role' && e.code === '22023') {
    return errorResponse({ code: e.code, message: e.message, details: e.details, hint: `The role "${role}" named by the token does not exist in this database.` }, { authenticated, headOnly });
  }
  if (e.step === 'role' && e.code === '42501') {
    return errorResponse({ code: e.code, message: e.message, details: e.details, hint: `The role "${role}" is not granted to the Data API's authenticator role.` }, { authenticated, headOnly });
  }
  return errorResponse({ code: e.code, message: e.message, details: e.details, hint: e.hint }, { authenticated, headOnly });
}

export function toResponse(plan: ReadPlan, r: DbResult, authenticated: boolean): EngineResponse {
  const lower = plan.offset;
  const total = pickTotal(plan, r);
  if (total !== null && lower > total && !(lower === 0 && total === 0)) {
    return errorResponse(
      { code: 'PGRST103', message: 'Requested range not satisfiable', details: `An offset of ${lower} was requested, but there are only ${total} rows.`, hint: null },
      { authenticated, headOnly: plan.headOnly, headers: { 'content-range': `*/${total}` } },
    );
  }
  if (plan.media.kind === 'object' && r.pageTotal !== 1) {
    return errorResponse(
      { code: 'PGRST116', message: 'Cannot coerce the result to a single JSON object', details: `The result contains ${r.pageTotal} rows`, hint: null },
      { authenticated, headOnly: plan.headOnly },
    );
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
