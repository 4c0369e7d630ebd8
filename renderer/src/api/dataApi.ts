import { queryOptions, useQueryClient } from '@tanstack/react-query';
import type { PierApi } from '../../../shared/contract/contract';
import { locationKey, type Location } from '../../../shared/contract/location';
import type { DataApiRequestOutput, ViewAs } from '../../../shared/contract/dataApi';
import { DataApiError } from './DataApiError';
import { unwrap } from './RpcCallError';

/** How the Data API counts rows for the grid's scroll height (PostgREST's `Prefer: count=…`). */
export type CountMode = 'exact' | 'planned' | 'estimated';
export const COUNT_MODES: readonly CountMode[] = ['exact', 'planned', 'estimated'];

/** Rows fetched per window while scrolling. */
export const WINDOW_ROWS = 200;

/** Which table, run as whom: the part of every key that names a view of one table. */
export interface TableTarget {
  readonly at: Location;
  readonly schema: string;
  readonly table: string;
  readonly viewAs: ViewAs;
}

/** Keyed by location first, so one location's prefix reaches everything read there. */
export const dataApiKeys = {
  all: ['dataApi'] as const,
  location: (at: Location) => [...dataApiKeys.all, ...locationKey(at)] as const,
  describe: (at: Location, schema: string, table: string) => [...dataApiKeys.location(at), 'describe', schema, table] as const,
  identities: (at: Location) => [...dataApiKeys.location(at), 'identities'] as const,
  /** Everything read from one table as one identity; a reload invalidates by this prefix. */
  table: (t: TableTarget) => [...dataApiKeys.location(t.at), 'rows', t.schema, t.table, viewAsKey(t.viewAs)] as const,
  count: (t: TableTarget, query: string, mode: CountMode) => [...dataApiKeys.table(t), 'count', query, mode] as const,
  window: (t: TableTarget, query: string, index: number) => [...dataApiKeys.table(t), 'window', query, index] as const,
};

function viewAsKey(v: ViewAs): string {
  return v.kind === 'admin' ? 'admin' : `identity:${v.role}`;
}

/** Reloads one table's rows and counts (after a reload click, or staged edits applied). */
export function useReloadTable(target: TableTarget): () => void {
  const client = useQueryClient();
  return () => void client.invalidateQueries({ queryKey: dataApiKeys.table(target) });
}

/** Throws the engine's error body for statuses ≥ 400; otherwise returns the response. */
export function checkResponse(res: DataApiRequestOutput): DataApiRequestOutput {
  if (res.status < 400) return res;
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(res.body);
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    body = { message: res.body || undefined };
  }
  throw new DataApiError(res.status, body);
}

/** The total after the slash of `Content-Range: 0-199/1000000`, or null for `*`. */
export function totalFromContentRange(header: string | undefined): number | null {
  if (!header) return null;
  const slash = header.lastIndexOf('/');
  const total = Number(header.slice(slash + 1));
  return slash >= 0 && Number.isInteger(total) && total >= 0 ? total : null;
}

export function pathOf(schema: string, table: string): string {
  return `/${encodeURIComponent(schema)}/${encodeURIComponent(table)}`;
}

/** One Data API request on the target's table, as the target's identity and on its branch. */
async function requestTable(
  api: PierApi,
  target: TableTarget,
  request: { method: 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'DELETE'; rawQuery: string; headers?: Record<string, string>; body?: string },
): Promise<DataApiRequestOutput> {
  return unwrap(
    'dataApi.request',
    await api['dataApi.request']({
      at: target.at,
      method: request.method,
      path: pathOf(target.schema, target.table),
      rawQuery: request.rawQuery,
      headers: request.headers ?? {},
      ...(request.body !== undefined && { body: request.body }),
      viewAs: target.viewAs,
    }),
  );
}

export function describeQuery(api: PierApi, at: Location, schema: string, table: string) {
  return queryOptions({
    queryKey: dataApiKeys.describe(at, schema, table),
    queryFn: async () => unwrap('dataApi.describe', await api['dataApi.describe']({ at, schema, table })),
    meta: { errorDisplay: 'inline' },
  });
}

export function identitiesQuery(api: PierApi, at: Location) {
  return queryOptions({
    queryKey: dataApiKeys.identities(at),
    queryFn: async () => unwrap('dataApi.identities', await api['dataApi.identities']({ at })),
  });
}

/**
 * The row count for a query (without its paging), by a HEAD request as PostgREST clients do.
 * Null when the engine could not say.
 */
export function countQuery(api: PierApi, target: TableTarget, rawQuery: string, mode: CountMode) {
  return queryOptions({
    queryKey: dataApiKeys.count(target, rawQuery, mode),
    queryFn: async () => {
      const res = checkResponse(await requestTable(api, target, { method: 'HEAD', rawQuery, headers: { prefer: `count=${mode}` } }));
      return totalFromContentRange(res.headers['content-range']);
    },
    meta: { errorDisplay: 'inline' },
  });
}

/** One window of rows: `rawQuery` already carries this window's limit and offset. */
export function windowQuery(api: PierApi, target: TableTarget, rawQuery: string, index: number) {
  return queryOptions({
    queryKey: dataApiKeys.window(target, rawQuery, index),
    queryFn: async (): Promise<readonly Record<string, unknown>[]> => {
      const res = checkResponse(await requestTable(api, target, { method: 'GET', rawQuery }));
      const rows: unknown = JSON.parse(res.body);
      if (!Array.isArray(rows)) throw new DataApiError(res.status, { message: 'The Data API did not answer with a list of rows.' });
      return rows as Record<string, unknown>[];
    },
    meta: { errorDisplay: 'inline' },
    // Windows scroll back into view often; keep them for a while.
    staleTime: 60_000,
    gcTime: 5 * 60_000,
  });
}

/** What one write answered: the rows it returned, or the engine's error. */
export type WriteOutcome =
  | { readonly ok: true; readonly status: number; readonly rows: readonly Record<string, unknown>[] }
  | {
      readonly ok: false;
      readonly status: number;
      readonly error: { code: string; message: string; details: string | null; hint: string | null };
    };

/** One staged write (POST/PATCH/DELETE) as the view's identity would send it. */
export interface TableWrite {
  readonly method: 'POST' | 'PATCH' | 'DELETE';
  readonly rawQuery: string;
  readonly body?: string;
}

/** What a set of writes sent in one transaction came to. */
export interface WritesOutcome {
  /** Every write succeeded and was committed (never when previewing). */
  readonly committed: boolean;
  /** One per write; null for those that did not run because an earlier one failed. */
  readonly outcomes: readonly (WriteOutcome | null)[];
}

function writeOutcome(res: DataApiRequestOutput): WriteOutcome {
  try {
    checkResponse(res);
  } catch (e) {
    if (!(e instanceof DataApiError)) throw e;
    return { ok: false, status: res.status, error: { code: e.code, message: e.message, details: e.details, hint: e.hint } };
  }
  const parsed: unknown = res.body ? JSON.parse(res.body) : [];
  return { ok: true, status: res.status, rows: Array.isArray(parsed) ? (parsed as Record<string, unknown>[]) : [] };
}

/**
 * Sends the writes, in order, in ONE transaction as the view's identity: all take effect or none.
 * `rollback` runs them all (later ones seeing the earlier ones, checks included) and keeps nothing.
 */
export async function sendWrites(
  api: PierApi,
  target: TableTarget,
  writes: readonly TableWrite[],
  rollback: boolean,
): Promise<WritesOutcome> {
  const path = pathOf(target.schema, target.table);
  const r = unwrap(
    'dataApi.transaction',
    await api['dataApi.transaction']({
      at: target.at,
      viewAs: target.viewAs,
      rollback,
      requests: writes.map((w) => ({
        method: w.method,
        path,
        rawQuery: w.rawQuery,
        headers: { prefer: 'return=representation', 'content-type': 'application/json' },
        ...(w.body !== undefined && { body: w.body }),
      })),
    }),
  );
  return { committed: r.committed, outcomes: r.responses.map((res) => res && writeOutcome(res)) };
}

export type ExportFormat = 'csv' | 'json';

/** One page of an export as the engine renders it (CSV by the engine itself, as `Accept: text/csv`). */
export async function fetchExportPage(api: PierApi, target: TableTarget, rawQuery: string, format: ExportFormat): Promise<string> {
  const res = checkResponse(
    await requestTable(api, target, { method: 'GET', rawQuery, headers: format === 'csv' ? { accept: 'text/csv' } : {} }),
  );
  return res.body;
}

/** The engine's answer to a GET of the view as it is, errors included (to show it beside another answer). */
export async function readView(
  api: PierApi,
  target: TableTarget,
  rawQuery: string,
  headers: Record<string, string> = {},
): Promise<DataApiRequestOutput> {
  return requestTable(api, target, { method: 'GET', rawQuery, headers });
}

/** A few rows of any table found by a query, e.g. the row a foreign key points at. */
export function lookupQuery(api: PierApi, target: TableTarget, rawQuery: string) {
  return queryOptions({
    queryKey: [...dataApiKeys.table(target), 'lookup', rawQuery] as const,
    queryFn: async (): Promise<readonly Record<string, unknown>[]> => {
      const res = checkResponse(await requestTable(api, target, { method: 'GET', rawQuery }));
      const rows: unknown = JSON.parse(res.body);
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    },
    meta: { errorDisplay: 'inline' },
  });
}

/** The database's Data API base URL (the console's request line and its copied snippets start with it). */
export function baseUrlQuery(api: PierApi, at: Location) {
  return queryOptions({
    queryKey: [...dataApiKeys.location(at), 'baseUrl'] as const,
    queryFn: async () => unwrap('dataApi.baseUrl', await api['dataApi.baseUrl']({ at })).baseUrl,
    staleTime: Infinity,
  });
}
