import type pg from 'pg';
import type { OutputOf, ParsedInputOf } from '../../shared/contract/contract';
import type { Channel } from '../../shared/contract/channels';
import { AdminInputError } from './AdminInputError';
import { applyStatements } from './applyStatements';
import { buildGrantChanges, listGrants } from './grants';
import { buildPolicyChange, readRoleNames, readTablePolicies } from './policies';
import { previewPolicy } from './previewPolicy';
import { AUTHENTICATOR, authenticatorPitfall, buildRoleChange, elevationReasons, listRoles } from './roles';
import { runSetupChecks } from './setupChecks';
import { SqlRunner } from './SqlRunner';

type AdminChannel = Extract<Channel, `admin.${string}` | `sql.${string}`>;
export type AdminHandlers = { [C in AdminChannel]: (input: ParsedInputOf<C>) => Promise<OutputOf<C>> };

/** Which database an admin call works on: a branch (and database) of the local or a cloud workspace. */
export interface AdminLocation {
  readonly branch?: string | undefined;
  /** Absent or `local` = the local workspace. */
  readonly workspaceId?: string | undefined;
  /** Absent = the branch's default database. */
  readonly database?: string | undefined;
}

/**
 * The databases admin calls run on. Local branches: a superuser pool. Cloud branches: the branch's
 * read-write endpoint as the signed-in identity, so what it may do is what that identity may do.
 */
export interface IBranchDatabases {
  /** Runs `fn` with a pool on the location's database; the pool stays open until `fn` settles. */
  withPool<T>(at: AdminLocation, fn: (pool: pg.Pool) => Promise<T>): Promise<T>;
  /** After a change: Data API engines that do not LISTEN (cloud ones) reload, so the grid sees it at once. */
  schemaChanged(at: AdminLocation): Promise<void>;
}

/** Local branches only (tests, and the local half of the server's routing). */
export function localBranchDatabases(poolFor: (branch: string | undefined, database?: string) => Promise<pg.Pool>): IBranchDatabases {
  return {
    withPool: async (at, fn) => fn(await poolFor(at.branch, at.database)),
    // Local engines LISTEN for the NOTIFY every change sends.
    schemaChanged: async () => undefined,
  };
}

export function createAdminHandlers(db: IBranchDatabases): AdminHandlers {
  const runner = new SqlRunner();
  const planPolicy = async (pool: pg.Pool, input: ParsedInputOf<'admin.planPolicyChange'>) => {
    const table = await readTablePolicies(pool, input.schema, input.table);
    return buildPolicyChange(input.change, table, await readRoleNames(pool));
  };
  /** A change run on the location: engines that do not LISTEN reload after it. */
  const change = async <T>(at: AdminLocation, fn: (pool: pg.Pool) => Promise<T>): Promise<T> => {
    const out = await db.withPool(at, fn);
    await db.schemaChanged(at);
    return out;
  };
  return {
    'admin.roles': (input) => db.withPool(input, listRoles),
    'admin.planRoleChange': (input) => db.withPool(input, async (pool) => buildRoleChange(input.change, (await listRoles(pool)).roles)),
    'admin.applyRoleChange': (input) =>
      change(input, async (pool) => {
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
    'admin.grants': (input) => db.withPool(input, (pool) => listGrants(pool, input.schema)),
    'admin.planGrantChanges': (input) =>
      db.withPool(input, async (pool) => ({
        statements: buildGrantChanges(input.changes, await listGrants(pool, input.schema)),
        warnings: [],
      })),
    'admin.applyGrantChanges': (input) =>
      change(input, async (pool) => applyStatements(pool, buildGrantChanges(input.changes, await listGrants(pool, input.schema)))),
    'admin.tablePolicies': (input) =>
      db.withPool(input, async (pool) => {
        const { oid: _oid, ...rest } = await readTablePolicies(pool, input.schema, input.table);
        return rest;
      }),
    'admin.planPolicyChange': (input) => db.withPool(input, async (pool) => ({ statements: await planPolicy(pool, input), warnings: [] })),
    'admin.applyPolicyChange': (input) => change(input, async (pool) => applyStatements(pool, await planPolicy(pool, input))),
    'admin.previewPolicy': (input) => db.withPool(input, (pool) => previewPolicy(pool, input)),
    'admin.setupChecks': (input) => db.withPool(input, async (pool) => ({ checks: await runSetupChecks(pool) })),
    'admin.setupFix': (input) =>
      change(input, async (pool) => {
        const check = (await runSetupChecks(pool)).find((c) => c.id === input.checkId);
        if (!check) throw new AdminInputError(`There is no set-up check ${input.checkId}.`, 'Refresh the assistant.');
        return applyStatements(pool, check.fix);
      }),
    'sql.run': (input) =>
      input.mode === 'run' ? change(input, (pool) => runner.run(pool, input)) : db.withPool(input, (pool) => runner.run(pool, input)),
    'sql.cancel': async ({ runId }) => ({ cancelled: await runner.cancel(runId) }),
  };
}
