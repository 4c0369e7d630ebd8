/**
 * Every error the engine answers with a PGRST code, one constructor each: code, HTTP status and
 * PostgREST's wording are written here and nowhere else (docs.postgrest.org, "Errors"; the groups
 * follow PostgREST's: 0 connection, 1 request, 2 schema cache, 3 JWT). Stages construct their
 * errors from this module; a test keeps 'PGRST…' literals out of every other engine file.
 * Errors Postgres raises keep their SQLSTATE (see sqlStateStatus.ts).
 */
import type { QuerySyntaxError } from '../../../shared/dataapi/parseQuery';
import type { ApiError } from './ApiError';

function pgrst(code: string, status: number, message: string, details: unknown = null, hint: string | null = null): ApiError {
  return { code, status, message, details, hint };
}

/** A JWT error: 401 with WWW-Authenticate naming the problem, as PostgREST answers. */
function jwt(code: string, message: string): ApiError {
  return {
    ...pgrst(code, 401, message),
    headers: { 'www-authenticate': `Bearer error="invalid_token", error_description=${JSON.stringify(message)}` },
  };
}

// ── group 0: the database connection ─────────────────────────────────────────────────────────

/** PGRST000: no connection could be made (the database is away). */
export const connectionFailed = (message: string, details: string | null): ApiError => pgrst('PGRST000', 503, message, details);

/** PGRST001: the connection broke during the request. */
export const connectionLost = (message: string, details: string | null): ApiError => pgrst('PGRST001', 503, message, details);

/** PGRST001: the connection broke around COMMIT, so whether the write took effect is unknown. */
export const commitOutcomeUnknown = (details: string): ApiError =>
  pgrst(
    'PGRST001',
    503,
    'The database connection was lost while committing; the outcome of this write is unknown',
    details,
    'Read the rows back before retrying the write.',
  );

/** PGRST002: the schema cache could not be loaded (yet). */
export const schemaCacheUnavailable = (): ApiError =>
  pgrst('PGRST002', 503, 'Could not query the database for the schema cache. Retrying.');

// ── group 1: the request ──────────────────────────────────────────────────────────────────────

/** PGRST100: a query parameter PostgREST's grammar does not read (see shared/dataapi/parseQuery). */
export const queryParamSyntax = (e: QuerySyntaxError): ApiError => pgrst('PGRST100', 400, e.message, e.details, e.hint);

/** PGRST100: a path segment with a malformed percent-encoding. */
export const pathSyntax = (path: string): ApiError =>
  pgrst('PGRST100', 400, `"failed to parse the path (${path})"`, 'malformed percent-encoding');

/** PGRST100: an output name (alias or JSON key) holding NUL, which Postgres cannot name a column. */
export const nulInName = (name: string): ApiError =>
  pgrst(
    'PGRST100',
    400,
    'failed to parse select parameter: an output name cannot contain the NUL character',
    `The name ${JSON.stringify(name)} contains NUL.`,
    'Give the column an alias without NUL, e.g. select=key:data->>"…".',
  );

/** PGRST101: GET or HEAD of a VOLATILE function. */
export const volatileFunctionRead = (): ApiError =>
  pgrst(
    'PGRST101',
    405,
    'Cannot use the GET method with a volatile function',
    null,
    'Call it with POST, or mark it STABLE or IMMUTABLE if it changes nothing.',
  );

/** PGRST102: a body that is not the JSON the request needs. */
export const invalidJson = (details: string): ApiError => pgrst('PGRST102', 400, 'Empty or invalid json', details);

/** PGRST102: a CSV body that does not read. */
export const invalidCsv = (details: string): ApiError => pgrst('PGRST102', 400, 'Invalid CSV', details);

/** PGRST102: a bulk insert whose objects have different keys. */
export const keysDoNotMatch = (): ApiError =>
  pgrst(
    'PGRST102',
    400,
    'All object keys must match',
    null,
    'Send the same keys in every object of a bulk insert, or name the columns with columns=.',
  );

/** PGRST103: a Range, limit or offset that no rows can satisfy. */
export const rangeNotSatisfiable = (details: string, contentRange?: string): ApiError => ({
  ...pgrst('PGRST103', 416, 'Requested range not satisfiable', details),
  ...(contentRange !== undefined && { headers: { 'content-range': contentRange } }),
});

/** PGRST105: a PUT of anything but one object. */
export const putNotOneRow = (): ApiError => pgrst('PGRST105', 405, 'Invalid PUT request', 'PUT takes one row, as an object.');

/** PGRST105: a PUT not addressed by exactly the primary key. */
export const putNotByPrimaryKey = (hint: string): ApiError =>
  pgrst('PGRST105', 405, "Filters must include all and only primary key columns with 'eq' operators", null, hint);

/** PGRST106: a schema that is not exposed (or the path and the profile disagree). */
export const schemaNotExposed = (schema: string, exposed: readonly string[], details: string | null = null): ApiError =>
  pgrst('PGRST106', 406, `Invalid schema: ${schema}`, details, `Only the following schemas are exposed: ${exposed.join(', ')}`);

/** PGRST107: no acceptable media type can be produced (Accept), as PostgREST words it. */
export const mediaTypeUnavailable = (accept: string): ApiError =>
  pgrst('PGRST107', 406, `None of these media types are available: ${accept}`);

/** PGRST107: a request body of a media type the engine does not read. */
export const contentTypeUnavailable = (contentType: string | undefined): ApiError =>
  pgrst(
    'PGRST107',
    406,
    `Content-Type not acceptable: ${contentType}`,
    null,
    'Send application/json, text/csv or application/x-www-form-urlencoded.',
  );

/** PGRST108: a filter, order or limit names an embed the select does not have. */
export const notEmbedded = (name: string): ApiError =>
  pgrst(
    'PGRST108',
    400,
    `'${name}' is not an embedded resource in this request`,
    null,
    `Verify that '${name}' is included in the 'select' query parameter.`,
  );

/** PGRST114: limit/offset on a write that cannot take them. */
export const pagingNotAllowed = (): ApiError => pgrst('PGRST114', 400, 'limit and offset apply to PATCH and DELETE only');

/** PGRST115: a PUT whose body disagrees with its URL on the primary key. */
export const putKeyMismatch = (): ApiError => pgrst('PGRST115', 400, 'Payload values do not match URL in primary key column(s)');

/** PGRST116: a singular Accept (application/vnd.pgrst.object+json) where not exactly one row came out. */
export const notSingular = (rows: number): ApiError =>
  pgrst('PGRST116', 406, 'Cannot coerce the result to a single JSON object', `The result contains ${rows} rows`);

/** PGRST117: a method this resource does not take. */
export const unsupportedMethod = (method: string): ApiError => pgrst('PGRST117', 405, `Unsupported HTTP method: ${method}`);

/** PGRST117: a write to a view Postgres cannot write through (it would be a 500 55000 from Postgres). */
export const notWritable = (method: string, relation: string, event: 'INSERT' | 'UPDATE' | 'DELETE'): ApiError =>
  pgrst(
    'PGRST117',
    405,
    `Unsupported HTTP method: ${method}`,
    `'${relation}' is a view Postgres cannot ${event.toLowerCase()} through.`,
    `Give it an INSTEAD OF ${event} trigger (or rule), or write to the table it reads.`,
  );

/** PGRST117: the OpenAPI description asked for inside a console transaction. */
export const descriptionNotInTransaction = (): ApiError => pgrst('PGRST117', 405, 'The schema description cannot be part of a transaction');

/** PGRST118: ordering by an embed that is not to-one. */
export const relatedOrderNotToOne = (relation: string, parent: string): ApiError =>
  pgrst(
    'PGRST118',
    400,
    `A related order on '${relation}' is not possible`,
    `'${parent}' and '${relation}' do not form a many-to-one or one-to-one relationship`,
  );

/** PGRST120: a filter on an embed other than is.null / not.is.null. */
export const embedFilterOperator = (name: string): ApiError =>
  pgrst(
    'PGRST120',
    400,
    `Bad operator on the '${name}' embedded resource`,
    'Only is null or not is null filters are allowed on embedded resources',
  );

/** PGRST122: preferences the engine does not know, under handling=strict. */
export const invalidPreferences = (preferences: readonly string[]): ApiError =>
  pgrst('PGRST122', 400, 'Invalid preferences given with handling=strict', `Invalid preferences: ${preferences.join(', ')}`);

/** PGRST123: aggregates while pgrst.db_aggregates_enabled is off. */
export const aggregatesDisabled = (): ApiError => pgrst('PGRST123', 400, 'Use of aggregate functions is not allowed');

/** PGRST124: a write past its max-affected preference (rolled back). */
export const maxAffectedExceeded = (affected: number): ApiError =>
  pgrst('PGRST124', 400, 'Query result exceeds max-affected preference constraint', `The query affects ${affected} rows`);

/** PGRST125: a path no resource is served at. */
export const invalidPath = (details: string, hint: string | null = null): ApiError =>
  pgrst('PGRST125', 404, 'Invalid path specified in request URL', details, hint);

/** PGRST125, the message chosen by the caller: what in the URL names nothing here (a workspace, a database). */
export const notServedHere = (message: string, hint: string): ApiError => pgrst('PGRST125', 404, message, null, hint);

/** PGRST126: the OpenAPI description is switched off (PostgREST's openapi-mode=disabled). */
export const openApiDisabled = (): ApiError => pgrst('PGRST126', 404, 'Root endpoint metadata is disabled');

/** PGRST127: a feature PostgREST has and the engine does not yet. */
export const notImplemented = (details: string, hint: string | null = null): ApiError =>
  pgrst('PGRST127', 400, 'Feature not implemented', details, hint);

/** PGRST413 (the engine's own): a body over the size limit. */
export const bodyTooLarge = (details: string): ApiError =>
  pgrst('PGRST413', 413, 'Request body too large', details, 'Send fewer rows per request.');

// ── group 2: names the schema cache does not have ─────────────────────────────────────────────

/** PGRST200: no relationship to embed. */
export const noRelationship = (source: string, name: string, details: string | null = null, hint: string | null = null): ApiError =>
  pgrst('PGRST200', 400, `Could not find a relationship between '${source}' and '${name}' in the schema cache`, details, hint);

/** PGRST201: several relationships fit the embed; `candidates` describe them, as PostgREST does. */
export const ambiguousEmbed = (source: string, name: string, candidates: readonly unknown[], hint: string): ApiError =>
  pgrst('PGRST201', 300, `Could not embed because more than one relationship was found for '${source}' and '${name}'`, candidates, hint);

/** PGRST202: no function of that name takes these arguments. */
export const noFunction = (message: string, details: string, hint: string | null): ApiError =>
  pgrst('PGRST202', 404, message, details, hint);

/** PGRST203: several overloads take these arguments. */
export const ambiguousFunction = (candidates: readonly string[]): ApiError =>
  pgrst(
    'PGRST203',
    300,
    `Could not choose the best candidate function between: ${candidates.join(', ')}`,
    null,
    'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
  );

/** PGRST204: a column a write names that the table does not have. */
export const noColumn = (relation: string, name: string): ApiError =>
  pgrst('PGRST204', 400, `Could not find the '${name}' column of '${relation}' in the schema cache`);

/** PGRST204: an upsert with no key to resolve duplicates on. */
export const noConflictKey = (relation: string): ApiError =>
  pgrst('PGRST204', 400, `'${relation}' has no primary key to resolve duplicates on`, null, 'Name a unique key with on_conflict=col.');

/** PGRST205: no table or view of that name. */
export const noRelation = (schema: string, name: string, near: string | undefined): ApiError =>
  pgrst(
    'PGRST205',
    404,
    `Could not find the table '${schema}.${name}' in the schema cache`,
    null,
    near ? `Perhaps you meant the table '${schema}.${near}'` : null,
  );

// ── group 3: tokens ───────────────────────────────────────────────────────────────────────────

/** PGRST301: a token that cannot be decoded or verified. */
export const jwtInvalid = (message: string): ApiError => jwt('PGRST301', message);

/** PGRST302: no token, and no anonymous role to fall back to. */
export const anonymousDisabled = (hint: string): ApiError => ({
  ...pgrst('PGRST302', 401, 'Anonymous access is disabled', null, hint),
  headers: { 'www-authenticate': 'Bearer' },
});

/** PGRST303: a verified token whose claims are not acceptable (expired, no exp, …). */
export const jwtClaimsInvalid = (message: string): ApiError => jwt('PGRST303', message);

// ── the engine itself ─────────────────────────────────────────────────────────────────────────

/** PGRSTX00, as PostgREST names an internal error: a fault in the engine, never the client's. */
export const internalError = (details: string): ApiError => pgrst('PGRSTX00', 500, 'Internal error in the Data API engine', details);
