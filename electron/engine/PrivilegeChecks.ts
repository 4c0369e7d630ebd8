/**
 * Which privilege check a request's batch carries (see execute/privilegedBatch): reads of tables
 * only are checked for row-level security (cheap); everything else, and any table row-level
 * security turned out to apply to, is guarded by the role fingerprint. What was learned is kept
 * per schema cache, so a reload (DDL: RLS switched off, say) starts afresh.
 */
import type { PrivilegeCheck } from './execute/privilegedBatch';
import type { ActionPlan } from './plan/ActionPlan';
import { tablesRead } from './plan/tablesRead';
import { relationKey, type SchemaCache } from './schema-cache/SchemaCache';
import { quoteQualified } from './sql/quoteIdent';

export const GUARDED: PrivilegeCheck = { kind: 'guarded' };

interface Tables {
  readonly keys: readonly string[];
  readonly check: PrivilegeCheck;
}

export class PrivilegeChecks {
  /** Tables row-level security applies to, by relation key, per schema cache. */
  private readonly guarded = new WeakMap<SchemaCache, Set<string>>();
  /** Per plan (a remembered read's plan is the same object every time): its tables, once worked out. */
  private readonly byPlan = new WeakMap<ActionPlan, Tables | null>();

  check(plan: ActionPlan, cache: SchemaCache): PrivilegeCheck {
    let tables = this.byPlan.get(plan);
    if (tables === undefined) {
      const read = tablesRead(plan, cache);
      tables = read
        ? { keys: read.map(relationKey), check: { kind: 'rowSecurityOff', relations: read.map((q) => quoteQualified(q.schema, q.name)) } }
        : null;
      this.byPlan.set(plan, tables);
    }
    if (!tables) return GUARDED;
    const guarded = this.guarded.get(cache);
    return guarded && tables.keys.some((k) => guarded.has(k)) ? GUARDED : tables.check;
  }

  /** Row-level security applies to these tables of the plan (positions in its check): guard every request that reads them. */
  learn(cache: SchemaCache, plan: ActionPlan, positions: readonly number[]): void {
    const keys = this.byPlan.get(plan)?.keys;
    if (!keys) return;
    let guarded = this.guarded.get(cache);
    if (!guarded) this.guarded.set(cache, (guarded = new Set()));
    for (const i of positions) if (keys[i] !== undefined) guarded.add(keys[i]);
  }
}
