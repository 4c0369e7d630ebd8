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

/** The superuser pool on a branch's default database (undefined = the embedded default). */
export type BranchPools = (branch: string | undefined) => Promise<pg.Pool>;

/**
 * The admin and SQL-editor channels, each on the branch it names. Plan and apply take the same
 * structured change: apply rebuilds the statements from the catalog, so what runs is exactly
 * what the user was shown and the renderer never sends SQL text for DDL.
 */
export function createAdminHandlers(poolFor: BranchPools): AdminHandlers {
  const runner = new SqlRunner();
  const planPolicy = async (pool: pg.Pool, input: ParsedInputOf<'admin.planPolicyChange'>) => {
    const table = await readTablePolicies(pool, input.schema, input.table);
    return buildPolicyChange(input.change, table, await readRoleNames(pool));
  };
  return {
    'admin.roles': async ({ branch }) => listRoles(await poolFor(branch)),
    'admin.planRoleChange': async ({ change, branch }) => buildRoleChange(change, (await listRoles(await poolFor(branch))).roles),
    'admin.applyRoleChange': async ({ change, branch }) => {
      const pool = await poolFor(branch);
      const roles = (await listRoles(pool)).roles;
      const plan = buildRoleChange(change, roles);
      const result = await applyStatements(pool, plan.statements);
      if (result.kind === 'failed' && change.kind === 'grantMembership' && change.member === AUTHENTICATOR) {
        const role = roles.find((r) => r.name === change.role);
        const reasons = role ? elevationReasons(role) : [];
        return { ...result, hint: authenticatorPitfall(change.role, reasons.length ? reasons : ['could not be granted']) };
      }
      return result;
    },
    'admin.grants': async ({ schema, branch }) => listGrants(await poolFor(branch), schema),
    'admin.planGrantChanges': async ({ schema, changes, branch }) => ({ statements: buildGrantChanges(changes, await listGrants(await poolFor(branch), schema)), warnings: [] }),
    'admin.applyGrantChanges': async ({ schema, changes, branch }) => {
      const pool = await poolFor(branch);
      return applyStatements(pool, buildGrantChanges(changes, await listGrants(pool, schema)));
    },
    'admin.tablePolicies': async ({ schema, table, branch }) => {
      const { oid: _oid, ...rest } = await readTablePolicies(await poolFor(branch), schema, table);
      return rest;
    },
    'admin.planPolicyChange': async (input) => ({ statements: await planPolicy(await poolFor(input.branch), input), warnings: [] }),
    'admin.applyPolicyChange': async (input) => {
      const pool = await poolFor(input.branch);
      return applyStatements(pool, await planPolicy(pool, input));
    },
    'admin.previewPolicy': async (input) => previewPolicy(await poolFor(input.branch), input),
    'admin.setupChecks': async ({ branch }) => ({ checks: await runSetupChecks(await poolFor(branch)) }),
    'admin.setupFix': async ({ checkId, branch }) => {
      const pool = await poolFor(branch);
      const check = (await runSetupChecks(pool)).find((c) => c.id === checkId);
      if (!check) throw new AdminInputError(`There is no set-up check ${checkId}.`, 'Refresh the assistant.');
      return applyStatements(pool, check.fix);
    },
    'sql.run': async (input) => runner.run(await poolFor(input.branch), input),
    'sql.cancel': async ({ runId }) => ({ cancelled: await runner.cancel(runId) }),
  };
}
