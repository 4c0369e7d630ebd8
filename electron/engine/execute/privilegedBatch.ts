/**
 * No plan made under old privileges answers a request after they change.
 *
 * Postgres caches the rewritten form of a prepared statement — row-level security policies
 * applied, or skipped for a BYPASSRLS role — and PL/pgSQL functions keep such plans per
 * connection too. It throws them away when a table, policy, grant or function changes, but not
 * when a role's attributes (BYPASSRLS, SUPERUSER, INHERIT) or memberships change, since it only
 * compares the role's id (plancache.c, RevalidateCachedQuery). On pooled connections a revoked
 * BYPASSRLS thus went on showing every row. Two checks, both in the request's own batch, before
 * its statement:
 *
 * - A read of tables only (`rowSecurityOff`): its plan depends on the role only through
 *   row-level security. The settings statement checks `row_security_active` for each table (a
 *   catalog-cache look-up, about a microsecond) and aborts the batch if row-level security
 *   applies to this role after all: the engine then treats those tables as guarded (learned per
 *   schema cache) and runs the request again. While it does not apply, a cached plan holds no
 *   policies that could be stale.
 * - Anything else (`guarded`: tables under row-level security, views, writes with their
 *   triggers and defaults, functions): the settings statement compares a fingerprint of
 *   pg_roles' attributes and pg_auth_members with the one the connection's plans were made
 *   under, and aborts the batch if it moved. The connection then starts its next batch with
 *   DISCARD PLANS (every cached plan on it, PL/pgSQL's included, is planned afresh) and reads
 *   the fingerprint again. Reading the two catalogs costs some 20 µs, so reads of plain tables
 *   are spared it.
 *
 * The abort is a cast error raised only when the check fails (SQL has no RAISE outside PL/pgSQL,
 * and the engine installs no functions); its text carries a marker the engine recognises.
 */
import type pg from 'pg';
import type { BatchPlan, BatchStatement } from './sendTransaction';

/** What a request's batch checks before its statement (see the module comment). */
export type PrivilegeCheck =
  /** Tables, each as a quoted qualified name for `row_security_active`. */
  { readonly kind: 'rowSecurityOff'; readonly relations: readonly string[] } | { readonly kind: 'guarded' };

/** Role attributes that decide row-level security, and memberships (a row's xmin moves when it changes). */
export const FINGERPRINT_EXPR =
  `(SELECT coalesce(pg_catalog.bit_xor(pg_catalog.hashint8extended((oid::int8 << 3) | (rolsuper::int << 2) | (rolinherit::int << 1) | rolbypassrls::int, 0)), 0) FROM pg_catalog.pg_roles)::text` +
  ` || '/' || ` +
  `(SELECT coalesce(pg_catalog.bit_xor(pg_catalog.hashint8extended((roleid::int8 << 32) | member::int8, xmin::text::int8)), 0) FROM pg_catalog.pg_auth_members)::text`;

/** The fingerprint as one row (`fingerprint`), read after DISCARD PLANS (and by bench/engine.ts). */
export const FINGERPRINT_SQL = `SELECT ${FINGERPRINT_EXPR} AS fingerprint`;
const DISCARD_PLANS = 'DISCARD PLANS';

// Markers without ':' (pgbench, which bench/engine.ts gives the same statement, reads ':name' as a variable).
const PRIVILEGES_CHANGED = 'pier-privileges-changed';
const ROW_SECURITY_ACTIVE = 'pier-row-security-active';

/** Aborts the statement with a marker; `current_user` keeps Postgres from folding it into an error at planning. */
const abort = (marker: string) => `(${marker} || current_user)::int4`;

/** The settings statement's text and parameters, before any check. */
export interface SettingsStatement {
  readonly text: string;
  readonly values: readonly unknown[];
}

/**
 * The settings statement with its check: one `row_security_active` per table, or the comparison
 * with the connection's fingerprint (`none`: no check, right after DISCARD PLANS).
 */
export function checkedSettings(
  settings: SettingsStatement,
  check: PrivilegeCheck | { readonly kind: 'none' },
  fingerprint = '',
): BatchStatement {
  const values = settings.values.slice();
  if (check.kind === 'guarded') values.push(fingerprint);
  else if (check.kind === 'rowSecurityOff') for (const r of check.relations) values.push(r);
  return { text: checkedText(settings, check), values, discardRows: true };
}

/** The checked statement's text, kept per check (a remembered read's check is the same object every time). */
const texts = new WeakMap<object, { readonly base: string; readonly text: string }>();

function checkedText(settings: SettingsStatement, check: PrivilegeCheck | { readonly kind: 'none' }): string {
  const known = texts.get(check);
  if (known?.base === settings.text) return known.text;
  const n = settings.values.length;
  let suffix: string;
  switch (check.kind) {
    case 'none':
      suffix = '';
      break;
    case 'guarded':
      suffix = `, CASE WHEN ${FINGERPRINT_EXPR} IS DISTINCT FROM $${n + 1} THEN ${abort(`'${PRIVILEGES_CHANGED}/'`)} END`;
      break;
    case 'rowSecurityOff': {
      if (check.relations.length === 0) {
        suffix = '';
        break;
      }
      const active = check.relations.map((_, i) => `pg_catalog.row_security_active($${n + 1 + i}::text)`);
      // Which tables: their positions, joined (only worked out when one is active).
      const which = `pg_catalog.concat_ws(',', ${active.map((a, i) => `CASE WHEN ${a} THEN '${i}' END`).join(', ')})`;
      suffix = `, CASE WHEN ${active.join(' OR ')} THEN ('${ROW_SECURITY_ACTIVE}/' || ${which} || '/' || current_user)::int4 END`;
      break;
    }
  }
  const text = settings.text + suffix;
  texts.set(check, { base: settings.text, text });
  return text;
}

/** Right after DISCARD PLANS: nothing to check. */
const NO_CHECK = { kind: 'none' } as const;

/** Per connection: the fingerprint its cached plans were made under; none known → DISCARD PLANS first. */
const fingerprints = new WeakMap<object, string>();

/**
 * The batch for a request on `connection`: the checked settings statement and the statements.
 * `fresh` forces DISCARD PLANS first (the retry after the fingerprint moved).
 */
export function privilegedBatch(
  connection: object,
  settings: SettingsStatement,
  check: PrivilegeCheck,
  statements: readonly BatchStatement[],
  fresh = false,
): BatchPlan {
  if (check.kind === 'rowSecurityOff') return { statements: [checkedSettings(settings, check)].concat(statements), prelude: 0 };
  const known = fresh ? undefined : fingerprints.get(connection);
  if (known !== undefined) {
    return {
      statements: [checkedSettings(settings, check, known)].concat(statements),
      prelude: 0,
      failed: (err) => {
        if (isPrivilegesChanged(err)) fingerprints.delete(connection);
      },
    };
  }
  return {
    statements: [
      { text: DISCARD_PLANS, values: [], discardRows: true },
      { text: FINGERPRINT_SQL, values: [] },
      checkedSettings(settings, NO_CHECK),
      ...statements,
    ],
    prelude: 2,
    succeeded: (results) => learnFingerprint(connection, results[1]),
  };
}

function learnFingerprint(connection: object, result: pg.QueryResult | undefined): void {
  const fingerprint = (result as pg.QueryResult<{ fingerprint: string }> | undefined)?.rows[0]?.fingerprint;
  if (fingerprint !== undefined) fingerprints.set(connection, fingerprint);
}

/**
 * For a connection used statement by statement (BEGIN … COMMIT): what to send before BEGIN
 * (DISCARD PLANS and the fingerprint's read, when it is not known), the checked settings
 * statement, and `learn` for the fingerprint read's result.
 */
export function privilegedPrelude(
  connection: object,
  settings: SettingsStatement,
  check: PrivilegeCheck,
  fresh = false,
): {
  readonly before: readonly BatchStatement[];
  readonly settings: BatchStatement;
  learn(fingerprintResult: pg.QueryResult | undefined): void;
} {
  const plan = privilegedBatch(connection, settings, check, [], fresh);
  return {
    before: plan.statements.slice(0, plan.prelude),
    settings: plan.statements[plan.prelude]!,
    learn: (result) => learnFingerprint(connection, result),
  };
}

/** Forget a connection's fingerprint (its batch failed the check): its next batch discards its plans. */
export function forgetFingerprint(connection: object): void {
  fingerprints.delete(connection);
}

function messageOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === '22P02' && typeof e.message === 'string' ? e.message : undefined;
}

/** The batch stopped because role attributes or memberships changed since the connection's plans were made. */
export function isPrivilegesChanged(err: unknown): boolean {
  return messageOf(err)?.includes(`"${PRIVILEGES_CHANGED}/`) ?? false;
}

/** The positions of the tables row-level security turned out to apply to, if that stopped the batch. */
export function rowSecurityActiveIn(err: unknown): number[] | undefined {
  const m = new RegExp(`"${ROW_SECURITY_ACTIVE}/([\\d,]+)/`).exec(messageOf(err) ?? '');
  return m ? m[1]!.split(',').map(Number) : undefined;
}
