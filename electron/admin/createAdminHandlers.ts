import type pg from 'pg';
import type { OutputOf, ParsedInputOf } from '../../shared/contract/contract';
import type { Channel } from '../../shared/contract/channels';
import type { Location } from '../../shared/contract/location';
import { invalidInput, unavailable } from '../errors/PierError';
import { applyStatements } from './applyStatements';
import { buildGrantChanges, listGrants } from './grants';
import { buildPolicyChange, readRoleNames, readTablePolicies } from './policies';
import { previewPolicy } from './previewPolicy';
import { AUTHENTICATOR, authenticatorPitfall, buildRoleChange, elevationReasons, listRoles } from './roles';
import { runSetupChecks } from './setupChecks';
import { SqlRunner } from './SqlRunner';
import { analyzeSql } from './sql/analyzeSql';
import { checkDestructive } from './sql/destructiveGuard';
import { listSqlCatalog } from './sql/sqlCatalog';
import type { SqlExports } from './sql/SqlExports';

type AdminChannel = Extract<Channel, `admin.${string}` | `sql.${string}`>;
export type AdminHandlers = { [C in AdminChannel]: (input: ParsedInputOf<C>) => Promise<OutputOf<C>> };

/**
 * The databases admin calls run on. Local branches: a superuser pool. Cloud branches: the branch's
 * read-write endpoint as the signed-in identity, so what it may do is what that identity may do.
 */
export interface IAdminDatabases {
  /** Runs `fn` with a pool on the location's database; the pool stays open until `fn` settles. */
  withAdminPool<T>(at: Location, fn: (pool: pg.Pool) => Promise<T>): Promise<T>;
  /** After a change: Data API engines that do not LISTEN (cloud ones) reload, so the grid sees it at once. */
  schemaChanged(at: Location): Promise<void>;
  /** Reloads the schema caches of the location's open engines now (listening or not). */
  reloadSchema(at: Location): Promise<void>;
}

export interface AdminHandlerOptions {
  /** Whether the location's branch is protected (null: it cannot be told); destructive SQL asks first unless it is false. */
  branchProtection(at: Location): Promise<boolean | null>;
  /** Streams exports to the browser's download (absent: `sql.export` says it is unavailable). */
  readonly exports?: SqlExports | undefined;
  /** Runs the SQL editor's statements and keeps its open results; its owner disposes it before the pools close. */
  readonly runner?: SqlRunner | undefined;
}

export function createAdminHandlers(db: IAdminDatabases, options: AdminHandlerOptions): AdminHandlers {
  const runner = options.runner ?? new SqlRunner();
  const planPolicy = async (pool: pg.Pool, input: ParsedInputOf<'admin.planPolicyChange'>) => {
    const table = await readTablePolicies(pool, input.schema, input.table);
    return buildPolicyChange(input.change, table, await readRoleNames(pool));
  };
  /** A change run on the location: engines that do not LISTEN reload after it. */
  const change = async <T>(at: Location, fn: (pool: pg.Pool) => Promise<T>): Promise<T> => {
    const out = await db.withAdminPool(at, fn);
    await db.schemaChanged(at);
    return out;
  };
  return {
    'admin.roles': (input) => db.withAdminPool(input.at, listRoles),
    'admin.planRoleChange': (input) =>
      db.withAdminPool(input.at, async (pool) => buildRoleChange(input.change, (await listRoles(pool)).roles)),
    'admin.applyRoleChange': (input) =>
      change(input.at, async (pool) => {
        const roles = (await listRoles(pool)).roles;
        const plan = buildRoleChange(input.change, roles);
        const result = await applyStatements(pool, plan.statements);
        const c = input.change;
        if (result.kind === 'failed' && c.kind === 'grantMembership' && c.member === AUTHENTICATOR) {
          const role = roles.find((r) => r.name === c.role);
          const reasons = role ? elevationReasons(role) : [];
          return { ...result, hint: authenticatorPitfall(c.role, reasons.length ? reasons : ['could not be granted']) };
        }
        return result;
      }),
    'admin.grants': (input) => db.withAdminPool(input.at, (pool) => listGrants(pool, input.schema)),
    'admin.planGrantChanges': (input) =>
      db.withAdminPool(input.at, async (pool) => ({
        statements: buildGrantChanges(input.changes, await listGrants(pool, input.schema)),
        warnings: [],
      })),
    'admin.applyGrantChanges': (input) =>
      change(input.at, async (pool) => applyStatements(pool, buildGrantChanges(input.changes, await listGrants(pool, input.schema)))),
    'admin.tablePolicies': (input) =>
      db.withAdminPool(input.at, async (pool) => {
        const { oid: _oid, ...rest } = await readTablePolicies(pool, input.schema, input.table);
        return rest;
      }),
    'admin.planPolicyChange': (input) =>
      db.withAdminPool(input.at, async (pool) => ({ statements: await planPolicy(pool, input), warnings: [] })),
    'admin.applyPolicyChange': (input) => change(input.at, async (pool) => applyStatements(pool, await planPolicy(pool, input))),
    'admin.previewPolicy': (input) => db.withAdminPool(input.at, (pool) => previewPolicy(pool, input)),
    'admin.setupChecks': (input) => db.withAdminPool(input.at, async (pool) => ({ checks: await runSetupChecks(pool) })),
    'admin.setupFix': (input) =>
      change(input.at, async (pool) => {
        const check = (await runSetupChecks(pool)).find((c) => c.id === input.checkId);
        if (!check) throw invalidInput(`There is no set-up check ${input.checkId}.`, 'Refresh the assistant.');
        return applyStatements(pool, check.fix);
      }),
    'sql.run': async (input) => {
      const started = performance.now();
      const analysis = await analyzeSql(input.sql);
      if (analysis.kind === 'syntaxError') {
        // The server's own parser refused it: nothing is sent, and the error reads as the server's would.
        return {
          kind: 'error',
          code: '42601',
          message: analysis.message,
          detail: null,
          hint: null,
          position: analysis.position,
          cancelled: false,
          durationMs: performance.now() - started,
        };
      }
      if (input.mode === 'run') {
        const destructive = analysis.statements.some((s) => s.destructive.length > 0);
        const ask =
          destructive &&
          checkDestructive(input.at, input.sql, analysis.statements, await options.branchProtection(input.at), input.confirmation);
        if (ask) return ask;
      }
      const afterSchemaChange = input.mode === 'run' ? () => db.reloadSchema(input.at) : undefined;
      const run = (pool: pg.Pool) => runner.run(pool, input, analysis.statements, afterSchemaChange);
      return input.mode === 'run' && analysis.statements.some((s) => s.kind !== 'read')
        ? change(input.at, run)
        : db.withAdminPool(input.at, run);
    },
    'sql.cancel': async ({ runId }) => ({ cancelled: await runner.cancel(runId) }),
    'sql.fetch': ({ resultId, count }) => runner.fetch(resultId, count),
    'sql.close': async ({ resultId }) => ({ closed: await runner.close(resultId) }),
    'sql.analyze': ({ sql }) => analyzeSql(sql),
    'sql.catalog': (input) => db.withAdminPool(input.at, listSqlCatalog),
    'sql.export': async (input) => {
      if (!options.exports) throw unavailable('Export is not available here.', 'Export from the Pier app or its browser mode.');
      return options.exports.prepare(input);
    },
  };
}
