/**
 * Errors that carry a Postgres SQLSTATE, and the one table from SQLSTATE to HTTP status
 * (PostgREST's, src/PostgREST/Error.hs `mapSQLtoHTTP`). `authenticated` decides 42501's 401 vs
 * 403, as PostgREST does.
 */
import type { DbFailure } from '../execute/runQuery';
import type { ApiError } from './ApiError';
import { commitOutcomeUnknown, connectionFailed, connectionLost, internalError } from './pgrstErrors';

/** SQLSTATE classes (first two characters) and their status; exact codes are checked first. */
const BY_CLASS: ReadonlyMap<string, number> = new Map([
  ['08', 503], // connection exception
  ['09', 500], // triggered action exception
  ['0L', 403], // invalid grantor
  ['0P', 403], // invalid role specification
  ['25', 500], // invalid transaction state
  ['28', 403], // invalid authorization specification
  ['2D', 500], // invalid transaction termination
  ['38', 500], // external routine exception
  ['39', 500], // external routine invocation
  ['3B', 500], // savepoint exception
  ['40', 500], // transaction rollback
  ['53', 503], // insufficient resources
  ['54', 500], // program limit exceeded
  ['55', 500], // object not in prerequisite state
  ['57', 500], // operator intervention
  ['58', 500], // system error
  ['F0', 500], // configuration file error
  ['HV', 500], // foreign data wrapper error
  ['P0', 500], // PL/pgSQL error
  ['XX', 500], // internal error
]);

export function sqlStateStatus(code: string, message: string, authenticated: boolean): number {
  switch (code) {
    case '23503': // foreign_key_violation
    case '23505': // unique_violation
      return 409;
    case '25006': // read_only_sql_transaction
      return 405;
    case '53400': // configuration_limit_exceeded
      return 500;
    case 'P0001': // RAISE's default
      return 400;
    case '42883': // undefined_function
      return message.startsWith('function xmlagg(') ? 406 : 404;
    case '42P01': // undefined_table
      return 404;
    case '42P17': // infinite recursion (e.g. in a policy)
      return 500;
    case '42501': // insufficient_privilege
      return authenticated ? 403 : 401;
    case '57P01': // admin_shutdown
    case '57P02': // crash_shutdown
    case '57P03': // cannot_connect_now
      return 503;
    case '21000':
      // pg-safeupdate's refusal is the client's fault; any other cardinality error is the server's.
      return message.endsWith('requires a WHERE clause') ? 400 : 500;
    case '22023':
      // The token named a role that does not exist (PostgREST #3601); other bad parameter values are the client's.
      return isMissingRole(message) ? 401 : 400;
  }
  // RAISE … USING ERRCODE = 'PT404' answers 404 (PostgREST's convention for functions).
  const pt = /^PT([1-5]\d\d)$/.exec(code);
  if (pt) return Number(pt[1]);
  return BY_CLASS.get(code.slice(0, 2)) ?? 400;
}

function isMissingRole(message: string): boolean {
  return message.startsWith('role') && message.endsWith('does not exist');
}

/** An error the engine raises itself with Postgres' own code (a name the schema cache lacks). */
function sqlState(code: string, message: string, hint: string | null): ApiError {
  return { code, status: sqlStateStatus(code, message, true), message, details: null, hint };
}

/** 42703, as Postgres words it: a column the relation does not have. */
export const undefinedColumn = (relation: string, column: string, near: string | undefined): ApiError =>
  sqlState(
    '42703',
    `column ${relation}.${column} does not exist`,
    near ? `Perhaps you meant to reference the column "${relation}.${near}".` : null,
  );

/** 42712, as Postgres words it: two embeds at one level would be one subquery name (`<table>_<name>_<depth>`). */
export const duplicateTableName = (name: string): ApiError => sqlState('42712', `table name "${name}" specified more than once`, null);

/** 42704: a cast to a type outside the allow-list. */
export const undefinedType = (name: string, allowed: readonly string[]): ApiError =>
  sqlState('42704', `type "${name}" does not exist`, `Casts may use: ${allowed.join(', ')}.`);

/**
 * A failure reported by Postgres (or by the connection to it) → the answer. The role switch
 * failing means the token names a role this authenticator may not use.
 */
export function databaseError(e: DbFailure, role: string, authenticated: boolean): ApiError {
  if (e.step === 'commit') return commitOutcomeUnknown(e.message);
  // The engine runs such a read again, guarded; reaching here is the engine's fault.
  if (e.step === 'rowSecurity') return internalError(`Unhandled row-level security check: ${e.message}`);
  if (e.sqlState === undefined) {
    return e.step === 'connect' ? connectionFailed(e.message, e.details) : connectionLost(e.message, e.details);
  }
  const status = sqlStateStatus(e.sqlState, e.message, authenticated);
  let hint = e.hint;
  if (e.step === 'role' && e.sqlState === '22023' && isMissingRole(e.message)) {
    hint = `The role "${role}" named by the token does not exist in this database.`;
  } else if (e.step === 'role' && e.sqlState === '42501') {
    hint = `The role "${role}" is not granted to the Data API's authenticator role.`;
  }
  return { code: e.sqlState, status, message: e.message, details: e.details, hint };
}
