import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ApiError } from './ApiError';
import * as E from './pgrstErrors';
import { databaseError, duplicateTableName, sqlStateStatus, undefinedColumn, undefinedType } from './sqlStateStatus';

/** PostgREST's table (docs/references/errors.rst) plus the engine's own PGRST413 and PGRSTX00. */
const DOCUMENTED_STATUS: ReadonlyMap<string, number> = new Map([
  ...Object.entries({
    PGRST000: 503,
    PGRST001: 503,
    PGRST002: 503,
    PGRST003: 504,
    PGRST100: 400,
    PGRST101: 405,
    PGRST102: 400,
    PGRST103: 416,
    PGRST105: 405,
    PGRST106: 406,
    PGRST107: 406,
    PGRST108: 400,
    PGRST111: 500,
    PGRST112: 500,
    PGRST114: 400,
    PGRST115: 400,
    PGRST116: 406,
    PGRST117: 405,
    PGRST118: 400,
    PGRST120: 400,
    PGRST121: 500,
    PGRST122: 400,
    PGRST123: 400,
    PGRST124: 400,
    PGRST125: 404,
    PGRST126: 404,
    PGRST127: 400,
    PGRST128: 400,
    PGRST200: 400,
    PGRST201: 300,
    PGRST202: 404,
    PGRST203: 300,
    PGRST204: 400,
    PGRST205: 404,
    PGRST300: 500,
    PGRST301: 401,
    PGRST302: 401,
    PGRST303: 401,
    PGRST413: 413,
    PGRSTX00: 500,
  }),
]);

/** One call of every constructor; a constructor missing here fails the test below. */
const made: Record<keyof typeof E, ApiError> = {
  connectionFailed: E.connectionFailed('connect ECONNREFUSED', null),
  connectionLost: E.connectionLost('Connection terminated unexpectedly', null),
  commitOutcomeUnknown: E.commitOutcomeUnknown('Connection terminated'),
  schemaCacheUnavailable: E.schemaCacheUnavailable(),
  queryParamSyntax: E.queryParamSyntax({ kind: 'querySyntax', param: 'id', message: 'm', details: 'd', hint: 'h' }),
  pathSyntax: E.pathSyntax('/%zz'),
  nulInName: E.nulInName('a\u0000b'),
  volatileFunctionRead: E.volatileFunctionRead(),
  invalidJson: E.invalidJson('Unexpected token'),
  invalidCsv: E.invalidCsv('A quoted field is not closed.'),
  keysDoNotMatch: E.keysDoNotMatch(),
  rangeNotSatisfiable: E.rangeNotSatisfiable('no rows', '*/0'),
  putNotOneRow: E.putNotOneRow(),
  putNotByPrimaryKey: E.putNotByPrimaryKey('Address the row as id=eq.…'),
  schemaNotExposed: E.schemaNotExposed('private', ['public']),
  mediaTypeUnavailable: E.mediaTypeUnavailable('image/png'),
  contentTypeUnavailable: E.contentTypeUnavailable('image/png'),
  notEmbedded: E.notEmbedded('projects'),
  pagingNotAllowed: E.pagingNotAllowed(),
  putKeyMismatch: E.putKeyMismatch(),
  notSingular: E.notSingular(2),
  unsupportedMethod: E.unsupportedMethod('TRACE'),
  descriptionNotInTransaction: E.descriptionNotInTransaction(),
  notWritable: E.notWritable('DELETE', 'request_info', 'DELETE'),
  relatedOrderNotToOne: E.relatedOrderNotToOne('projects', 'clients'),
  embedFilterOperator: E.embedFilterOperator('projects'),
  invalidPreferences: E.invalidPreferences(['nope']),
  aggregatesDisabled: E.aggregatesDisabled(),
  maxAffectedExceeded: E.maxAffectedExceeded(3),
  invalidPath: E.invalidPath('No resource is served at /a/b/c/d'),
  notServedHere: E.notServedHere('Database "x" does not exist.', 'Check the database name in the URL.'),
  openApiDisabled: E.openApiDisabled(),
  notImplemented: E.notImplemented('to-many spread'),
  bodyTooLarge: E.bodyTooLarge('The limit is 10 bytes.'),
  noRelationship: E.noRelationship('clients', 'nope'),
  ambiguousEmbed: E.ambiguousEmbed('messages', 'users', [], 'Try changing'),
  noFunction: E.noFunction('Could not find the function', 'Searched', null),
  ambiguousFunction: E.ambiguousFunction(['public.f(a int)', 'public.f(a text)']),
  noColumn: E.noColumn('clients', 'nope'),
  noConflictKey: E.noConflictKey('logs'),
  noRelation: E.noRelation('public', 'nope', 'notes'),
  jwtInvalid: E.jwtInvalid('JWT cryptographic operation failed'),
  anonymousDisabled: E.anonymousDisabled('Send a token'),
  jwtClaimsInvalid: E.jwtClaimsInvalid('JWT expired'),
  internalError: E.internalError('boom'),
};

describe('the PGRST errors', () => {
  it.each(Object.entries(made))('%s answers with its code’s documented status', (_, error) => {
    expect(error.code).toMatch(/^PGRST/);
    expect(DOCUMENTED_STATUS.get(error.code)).toBe(error.status);
    expect(error.message).not.toBe('');
  });

  it('JWT errors name the problem in WWW-Authenticate, as PostgREST does', () => {
    expect(E.jwtClaimsInvalid('JWT expired').headers).toEqual({
      'www-authenticate': 'Bearer error="invalid_token", error_description="JWT expired"',
    });
    expect(E.anonymousDisabled('x').headers).toEqual({ 'www-authenticate': 'Bearer' });
  });
});

describe('sqlStateStatus: PostgREST’s SQLSTATE → HTTP table', () => {
  it.each([
    ['08006', 503],
    ['0P000', 403],
    ['23503', 409],
    ['23505', 409],
    ['25006', 405],
    ['28P01', 403],
    ['42883', 404],
    ['42P01', 404],
    ['42703', 400],
    ['22P02', 400],
    ['53400', 500],
    ['53300', 503],
    ['57014', 500],
    ['57P03', 503],
    ['23502', 400],
    ['23514', 400],
    ['P0001', 400],
    ['P0002', 500],
    ['XX000', 500],
    ['42P17', 500],
    ['PT404', 404],
    ['PT418', 418],
  ])('%s → %i', (code, status) => {
    expect(sqlStateStatus(code, '', true)).toBe(status);
  });
  it('gives 401 for a role that does not exist, 400 for other bad parameters', () => {
    expect(sqlStateStatus('22023', 'role "x" does not exist', true)).toBe(401);
    expect(sqlStateStatus('22023', 'invalid value for parameter "TimeZone": "Mars/Base"', true)).toBe(400);
  });
  it('gives 42501 401 for anonymous requests and 403 for authenticated ones', () => {
    expect(sqlStateStatus('42501', '', false)).toBe(401);
    expect(sqlStateStatus('42501', '', true)).toBe(403);
  });
  it('keeps the names the engine raises itself as Postgres codes them', () => {
    expect(undefinedColumn('clients', 'nme', 'name')).toMatchObject({ code: '42703', status: 400 });
    expect(undefinedType('money', ['text'])).toMatchObject({ code: '42704', status: 400 });
    expect(duplicateTableName('clients_projects_1')).toMatchObject({ code: '42712', status: 400 });
  });
  it('tells a lost connection from a database error', () => {
    const base = { message: 'gone', details: null, hint: null };
    expect(databaseError({ ...base, step: 'connect', sqlState: undefined }, 'r', true)).toMatchObject({ code: 'PGRST000', status: 503 });
    expect(databaseError({ ...base, step: 'query', sqlState: undefined }, 'r', true)).toMatchObject({ code: 'PGRST001', status: 503 });
    expect(databaseError({ ...base, step: 'commit', sqlState: undefined }, 'r', true)).toMatchObject({ code: 'PGRST001', status: 503 });
    expect(databaseError({ ...base, step: 'query', sqlState: '23505' }, 'r', true)).toMatchObject({ code: '23505', status: 409 });
  });
});

describe('one table of error codes', () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(here, '../../..');
  const sources = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
      .filter((f) => f.isFile() && /\.tsx?$/.test(f.name) && !/\.(i?test)\.tsx?$/.test(f.name))
      .map((f) => path.relative(root, path.join(f.parentPath, f.name)))
      .filter((f) => !f.startsWith(path.join('electron', 'engine', 'errors') + path.sep) && !f.includes(`${path.sep}test${path.sep}`));

  it('no engine stage, nor the shared query model, writes a PGRST code of its own', () => {
    const offenders = [...sources('electron/engine'), ...sources('shared/dataapi')].filter((f) =>
      /['"`]PGRST/.test(readFileSync(path.join(root, f), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
