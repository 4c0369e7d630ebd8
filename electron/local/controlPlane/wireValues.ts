import { invalidParameter } from './apiFailure';

/** RFC 3339, UTC, `Z`. */
export const timestamp = (d: Date = new Date()): string => d.toISOString();

/** Protobuf JSON duration (`"300s"`, `"1.5s"`) → seconds, or undefined when malformed. */
export function parseDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{1,12})(\.\d{1,9})?s$/.exec(text);
  return m ? Number(m[1]) + Number(m[2] ?? 0) : undefined;
}

export const formatDuration = (seconds: number): string => `${seconds}s`;

/** Reads a duration field and checks its range, naming the field in the error. */
export function durationIn(field: string, value: unknown, min: number, max: number): number {
  const s = parseDuration(value);
  if (s === undefined) throw invalidParameter(`Field '${field}' must be a duration in seconds like "300s", got ${JSON.stringify(value)}.`);
  if (s < min || s > max) throw invalidParameter(`Field '${field}' must be between ${min}s and ${max}s, got ${JSON.stringify(value)}.`);
  return s;
}

export function parseTimestamp(field: string, value: unknown): Date {
  const d =
    typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value) ? new Date(value) : undefined;
  if (!d || Number.isNaN(d.getTime()))
    throw invalidParameter(`Field '${field}' must be an RFC 3339 timestamp like "2026-01-31T12:00:00Z", got ${JSON.stringify(value)}.`);
  return d;
}

export function queryBoolean(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  if (v === null || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  throw invalidParameter(`Query parameter '${name}' must be true or false, got '${v}'.`);
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Lists are paged by an opaque token that encodes the offset of the next page. */
export function pageOf<T>(items: readonly T[], query: URLSearchParams, maxPageSize: number): { page: T[]; next?: string } {
  const sizeText = query.get('page_size');
  let size = maxPageSize;
  if (sizeText !== null && sizeText !== '') {
    const n = Number(sizeText);
    if (!Number.isInteger(n) || n < 0)
      throw invalidParameter(`Query parameter 'page_size' must be a non-negative integer, got '${sizeText}'.`);
    if (n > maxPageSize) throw invalidParameter(`Query parameter 'page_size' must be at most ${maxPageSize}, got ${n}.`);
    if (n > 0) size = n;
  }
  let offset = 0;
  const token = query.get('page_token');
  if (token) {
    const decoded = /^o(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (!decoded) throw invalidParameter(`Query parameter 'page_token' is not a token this server issued; start again without it.`);
    offset = Number(decoded[1]);
  }
  const page = items.slice(offset, offset + size);
  const nextOffset = offset + page.length;
  return nextOffset < items.length ? { page, next: Buffer.from(`o${nextOffset}`).toString('base64url') } : { page };
}
