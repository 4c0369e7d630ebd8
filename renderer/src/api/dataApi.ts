import { queryOptions } from '@tanstack/react-query';
import type { PierApi } from '../../../shared/contract/contract';
import type { DataApiRequestOutput, ViewAs } from '../../../shared/contract/dataApi';
import { DataApiError } from './DataApiError';
import { unwrap } from './RpcCallError';

/** How the Data API counts rows for the grid's scroll height (PostgREST's `Prefer: count=…`). */
export type CountMode = 'exact' | 'planned' | 'estimated';
export const COUNT_MODES: readonly CountMode[] = ['exact', 'planned', 'estimated'];

/** Rows fetched per window while scrolling. */
export const WINDOW_ROWS = 200;

/**
 * Where a database lives: a branch of the local workspace (both absent = the embedded default),
 * or a branch of a cloud workspace (`workspaceId` other than `local`, with its `branch`).
 */
export interface BranchLocation {
  readonly branch?: string | undefined;
  /** Absent = the local workspace. */
  readonly workspaceId?: string | undefined;
}

/** The location's fields as a channel input takes them (absent ones left out). */
export function locationInput(at: BranchLocation): { branch?: string; workspaceId?: string } {
  return { ...(at.branch && { branch: at.branch }), ...(at.workspaceId && { workspaceId: at.workspaceId }) };
}

/** Which table, run as whom: the part of every key that names a view of one table. */
export interface TableTarget extends BranchLocation {
  readonly database: string;
  readonly schema: string;
  readonly table: string;
  readonly viewAs: ViewAs;
}

export const dataApiKeys = {
  all: ['dataApi'] as const,
  describe: (database: string, schema: string, table: string, at: BranchLocation = {}) =>
    [...dataApiKeys.all, 'describe', at.branch ?? '', database, schema, table, ...workspacePart(at)] as const,
  identities: (database: string, at: BranchLocation = {}) =>
    [...dataApiKeys.all, 'identities', at.branch ?? '', database, ...workspacePart(at)] as const,
  /** Everything read from one table; mutations invalidate by this prefix. */
  table: (t: TableTarget) =>
    [...dataApiKeys.all, 'rows', t.branch ?? '', t.database, t.schema, t.table, viewAsKey(t.viewAs), ...workspacePart(t)] as const,
  count: (t: TableTarget, query: string, mode: CountMode) => [...dataApiKeys.table(t), 'count', query, mode] as const,
  window: (t: TableTarget, query: string, index: number) => [...dataApiKeys.table(t), 'window', query, index] as const,
};

/** Local keys keep their old shape; a cloud workspace's id is appended. */
function workspacePart(at: BranchLocation): string[] {
  return at.workspaceId ? [`ws:${at.workspaceId}`] : [];
}

function viewAsKey(v: ViewAs): string {
  return v.kind === 'admin' ? 'admin' : `identity:${v.role}`;
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
      database: target.database,
      ...locationInput(target),
      method: request.method,
      path: pathOf(target.schema, target.table),
      rawQuery: request.rawQuery,
      headers: request.headers ?? {},
      ...(request.body !== undefined && { body: request.body }),
      viewAs: target.viewAs,
    }),
  );
}

export function describeQuery(api: PierApi, database: string, schema: string, table: string, at: BranchLocation = {}) {
  return queryOptions({
    queryKey: dataApiKeys.describe(database, schema, table, at),
    queryFn: async () => unwrap('dataApi.describe', await api['dataApi.describe']({ database, schema, table, ...locationInput(at) })),
    meta: { errorDisplay: 'inline' },
  });
}

export function identitiesQuery(api: PierApi, database: string, at: BranchLocation = {}) {
  return queryOptions({
    queryKey: dataApiKeys.identities(database, at),
    queryFn: async () => unwrap('dataApi.identities', await api['dataApi.identities']({ database, ...locationInput(at) })),
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
      database: target.database,
      ...locationInput(target),
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
