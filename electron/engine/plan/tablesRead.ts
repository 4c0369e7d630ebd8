/**
 * The tables a plan reads, when it reads nothing else: such a statement's cached plan can depend
 * on the caller only through row-level security (see execute/privilegedBatch). Views (their
 * owner's rights, their functions), writes (triggers, defaults) and function calls run code
 * whose plans may depend on the caller in other ways: undefined for those.
 */
import { assertNever } from '../../../shared/contract/result';
import { findRelation, relationKey, type QualifiedName, type RelationKind, type SchemaCache } from '../schema-cache/SchemaCache';
import type { ActionPlan, ReadNode } from './ActionPlan';

/** Relations a read runs no code of its own for (a materialized view is read like a table). */
const TABLE_KINDS: ReadonlySet<RelationKind> = new Set(['table', 'partitioned_table', 'materialized_view', 'foreign_table']);

export function tablesRead(plan: ActionPlan, cache: SchemaCache): readonly QualifiedName[] | undefined {
  switch (plan.kind) {
    case 'openapi':
      // Catalogs and privilege functions only.
      return [];
    case 'mutate':
    case 'call':
      return undefined;
    case 'read': {
      const found = new Map<string, QualifiedName>();
      return collect(plan.root, cache, found) ? [...found.values()] : undefined;
    }
    default:
      return assertNever(plan, 'plan');
  }
}

function collect(node: ReadNode, cache: SchemaCache, found: Map<string, QualifiedName>): boolean {
  const add = (q: QualifiedName): boolean => {
    const relation = findRelation(cache, q.schema, q.name);
    if (!relation || !TABLE_KINDS.has(relation.kind)) return false;
    found.set(relationKey(q), { schema: q.schema, name: q.name });
    return true;
  };
  if (!add(node.relation)) return false;
  for (const item of node.items) {
    if (item.kind !== 'embed') continue;
    const r = item.embed.relationship;
    if (r.kind === 'many-to-many' && !add(r.junction)) return false;
    if (!collect(item.embed.node, cache, found)) return false;
  }
  return true;
}
