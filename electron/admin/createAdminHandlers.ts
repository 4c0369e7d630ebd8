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

/**
 * The admin and SQL-editor channels over one superuser pool. Plan and apply take the same
 * structured change: apply rebuilds the statements from the catalog, so what runs is exactly
 * what the user was shown and the renderer never sends SQL text for DDL.
 */
export function createAdminHandlers(pool: pg.Pool): AdminHandlers {
  const runner = new SqlRunner(pool);
  const planRole = async (change: ParsedInputOf<'admin.planRoleChange'>['change']) => buildRoleChange(change, (await listRoles(pool)).roles);
  const planPolicy = async (input: ParsedInputOf<'admin.planPolicyChange'>) => {
    const table = await readTablePolicies(pool, input.schema, input.table);
    return buildPolicyChange(input.change, table, await readRoleNames(pool));
  };
  return {
    'admin.roles': () => listRoles(pool),
    'admin.planRoleChange': (input) => planRole(input.change),
    'admin.applyRoleChange': async ({ change }) => {
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
    'admin.grants': ({ schema }) => listGrants(pool, schema),
    'admin.planGrantChanges': async ({ schema, changes }) => ({ statements: buildGrantChanges(changes, await listGrants(pool, schema)), warnings: [] }),
    'admin.applyGrantChanges': async ({ schema, changes }) => applyStatements(pool, buildGrantChanges(changes, await listGrants(pool, schema))),
    'admin.tablePolicies': async ({ schema, table }) => {
      const { oid: _oid, ...rest } = await readTablePolicies(pool, schema, table);
      return rest;
    },
    'admin.planPolicyChange': async (input) => ({ statements: await planPolicy(input), warnings: [] }),
    'admin.applyPolicyChange': async (input) => applyStatements(pool, await planPolicy(input)),
    'admin.previewPolicy': (input) => previewPolicy(pool, input),
    'admin.setupChecks': async () => ({ checks: await runSetupChecks(pool) }),
    'admin.setupFix': async ({ checkId }) => {
      const check = (await runSetupChecks(pool)).find((c) => c.id === checkId);
      if (!check) throw new AdminInputError(`There is no set-up check ${checkId}.`, 'Refresh the assistant.');
      return applyStatements(pool, check.fix);
    },
    'sql.run': (input) => runner.run(input),
    'sql.cancel': async ({ runId }) => ({ cancelled: await runner.cancel(runId) }),
  };
}
