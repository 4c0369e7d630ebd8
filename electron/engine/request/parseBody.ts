/**
 * A request body → Payload. JSON, CSV (header line, then rows) and form-urlencoded all become
 * JSON values, so later stages see one shape whatever the client sent. No schema access here.
 */
import { failWith, succeed as ok, type Outcome } from '../errors/ApiError';
import { contentTypeUnavailable, invalidCsv, invalidJson } from '../errors/pgrstErrors';
import type { Payload } from './ApiRequest';

export function parseBody(body: Buffer | undefined, contentType: string | undefined): Outcome<Payload | undefined> {
  if (body === undefined || body.length === 0) return ok(undefined);
  const type = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  const text = body.toString('utf8');
  switch (type) {
    case 'text/plain':
      return ok({ kind: 'raw', media: 'text', bytes: body });
    case 'text/xml':
    case 'application/xml':
      return ok({ kind: 'raw', media: 'xml', bytes: body });
    case 'application/octet-stream':
      return ok({ kind: 'raw', media: 'octet', bytes: body });
    case 'text/csv':
      return csvPayload(text);
    case 'application/x-www-form-urlencoded': {
      // Field names are the client's: no prototype, so `__proto__` is just a name.
      const row = Object.create(null) as Record<string, unknown>;
      for (const [k, v] of new URLSearchParams(text)) row[k] = v;
      return ok({ kind: 'rows', rows: [row], array: false, keys: Object.keys(row) });
    }
    case 'application/json':
    case 'application/vnd.pgrst.object+json':
    case 'application/vnd.pgrst.object':
    case 'application/vnd.pgrst.array+json':
    case '':
      break;
    default:
      if (!type.endsWith('+json')) {
        return failWith(contentTypeUnavailable(contentType));
      }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return failWith(invalidJson(err instanceof Error ? err.message : String(err)));
  }
  return ok(jsonPayload(value));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function jsonPayload(value: unknown): Payload {
  if (isObject(value)) return { kind: 'rows', rows: [value], array: false, keys: Object.keys(value) };
  if (Array.isArray(value) && value.every(isObject)) {
    return { kind: 'rows', rows: value, array: true, keys: value.length > 0 ? Object.keys(value[0]!) : [] };
  }
  return { kind: 'value', value };
}

/** RFC 4180 CSV; an unquoted NULL is SQL NULL, as PostgREST reads it. */
function csvPayload(text: string): Outcome<Payload> {
  const records: (string | null)[][] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let record: (string | null)[] = [];
  const endField = () => {
    record.push(!wasQuoted && field === 'NULL' ? null : field);
    field = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endField();
      records.push(record);
      record = [];
    } else field += ch;
  }
  if (quoted) return failWith(invalidCsv('A quoted field is not closed.'));
  if (field !== '' || wasQuoted || record.length > 0) {
    endField();
    records.push(record);
  }
  const [header, ...rows] = records;
  if (!header) return ok({ kind: 'rows', rows: [], array: true, keys: [] });
  const keys = header.map((k) => k ?? 'NULL');
  const out: Record<string, unknown>[] = [];
  for (const [n, r] of rows.entries()) {
    if (r.length !== keys.length) {
      return failWith(invalidCsv(`Row ${n + 1} has ${r.length} fields; the header has ${keys.length}.`));
    }
    out.push(Object.fromEntries(keys.map((k, i) => [k, r[i]])));
  }
  return ok({ kind: 'rows', rows: out, array: true, keys });
}
