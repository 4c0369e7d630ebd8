import { z } from 'zod';
import type { Result } from '../../../../shared/contract/result';

/**
 * EXPLAIN (FORMAT JSON) → the tree the plan view draws. Postgres reports per-loop averages and
 * inclusive times; a reader wants what each node cost on its own, in total, and how far the
 * planner's row guess was off, so that is computed here once and the view only draws it.
 */

/** Actual rows off from the estimate by this factor (either way) are marked. */
export const MISESTIMATE_FACTOR = 10;

export interface PlanTree {
  readonly root: PlanTreeNode;
  /** EXPLAIN ANALYZE: actual rows and times are known. */
  readonly analyzed: boolean;
  readonly planningMs: number | null;
  readonly executionMs: number | null;
  /** The largest self time / self cost of any node: the full length of a bar. */
  readonly maxSelfMs: number;
  readonly maxSelfCost: number;
  /** Nodes whose row estimate is off by MISESTIMATE_FACTOR or more. */
  readonly misestimates: number;
  readonly triggers: readonly { readonly name: string; readonly relation: string | null; readonly ms: number; readonly calls: number }[];
}

export interface PlanTreeNode {
  /** Position in the tree ("0", "0.1", "0.1.0"), stable for a plan: React keys and collapse state. */
  readonly id: string;
  readonly nodeType: string;
  /** e.g. "Index Scan using clients_pkey on public.clients c", "Hash Join (Inner)". */
  readonly title: string;
  /** Conditions, keys and notes worth reading: "Filter: (a = 1)", "Rows removed by filter: 99". */
  readonly details: readonly string[];
  /** How the parent uses it: "Outer", "Inner", "InitPlan", "SubPlan". */
  readonly parentRelationship: string | null;
  /** Cost of the node alone (its total minus its children's), in the planner's units. */
  readonly selfCost: number;
  readonly totalCost: number;
  /** Planner's rows per loop. */
  readonly estimatedRows: number;
  /** Per loop, as Postgres reports it; null without ANALYZE. */
  readonly actualRows: number | null;
  readonly loops: number | null;
  /** Inclusive and exclusive milliseconds over all loops; null without ANALYZE. */
  readonly totalMs: number | null;
  readonly selfMs: number | null;
  /** ANALYZE ran, but the executor never reached this node. */
  readonly neverExecuted: boolean;
  readonly estimate: RowEstimate | null;
  readonly children: readonly PlanTreeNode[];
}

/** How far actual rows were from the estimate: `factor` ≥ 1, `under` when more rows came than guessed. */
export interface RowEstimate {
  readonly factor: number;
  readonly direction: 'under' | 'over' | 'exact';
  readonly flagged: boolean;
}

// Only the fields read here are checked; Postgres adds fields by node type and version, kept as unknown.
type RawNode = z.infer<typeof rawNodeBase> & { Plans?: RawNode[] };
const num = z.number().finite();
const rawNodeBase = z.looseObject({
  'Node Type': z.string(),
  'Parent Relationship': z.string().optional(),
  'Subplan Name': z.string().optional(),
  'Startup Cost': num.optional(),
  'Total Cost': num,
  'Plan Rows': num,
  'Actual Total Time': num.optional(),
  'Actual Rows': num.optional(),
  'Actual Loops': num.optional(),
});
const rawNode: z.ZodType<RawNode> = rawNodeBase.extend({ Plans: z.array(z.lazy(() => rawNode)).optional() });
const rawExplain = z.tuple([
  z.looseObject({
    Plan: rawNode,
    'Planning Time': num.optional(),
    'Execution Time': num.optional(),
    Triggers: z.array(z.looseObject({ 'Trigger Name': z.string(), Relation: z.string().optional(), Time: num, Calls: num })).optional(),
  }),
]);

/** Reads Postgres' EXPLAIN JSON; anything else is an error value naming what was expected. */
export function planTree(json: unknown): Result<PlanTree, string> {
  const parsed = rawExplain.safeParse(json);
  if (!parsed.success) {
    return { ok: false, error: 'This is not the JSON of EXPLAIN (FORMAT JSON): ' + (parsed.error.issues[0]?.message ?? 'unknown shape') };
  }
  const top = parsed.data[0];
  const analyzed = top.Plan['Actual Loops'] !== undefined;
  const root = toNode(top.Plan, '0', analyzed);
  let maxSelfMs = 0;
  let maxSelfCost = 0;
  let misestimates = 0;
  walk(root, (n) => {
    maxSelfMs = Math.max(maxSelfMs, n.selfMs ?? 0);
    maxSelfCost = Math.max(maxSelfCost, n.selfCost);
    if (n.estimate?.flagged) misestimates++;
  });
  return {
    ok: true,
    value: {
      root,
      analyzed,
      planningMs: top['Planning Time'] ?? null,
      executionMs: top['Execution Time'] ?? null,
      maxSelfMs,
      maxSelfCost,
      misestimates,
      triggers: (top.Triggers ?? []).map((t) => ({ name: t['Trigger Name'], relation: t.Relation ?? null, ms: t.Time, calls: t.Calls })),
    },
  };
}

export function walk(node: PlanTreeNode, visit: (n: PlanTreeNode) => void): void {
  visit(node);
  for (const c of node.children) walk(c, visit);
}

function toNode(raw: RawNode, id: string, analyzed: boolean): PlanTreeNode {
  const children = (raw.Plans ?? []).map((p, i) => toNode(p, `${id}.${i}`, analyzed));
  const loops = analyzed ? (raw['Actual Loops'] ?? 0) : null;
  // Times are per-loop averages; over all loops is what the node cost the query.
  const totalMs = analyzed ? (raw['Actual Total Time'] ?? 0) * (loops ?? 0) : null;
  const childMs = children.reduce((s, c) => s + (c.totalMs ?? 0), 0);
  // InitPlans and SubPlans are charged to their parent's cost too, but workers in parallel plans
  // can make children sum past their parent: never below zero.
  const selfMs = totalMs === null ? null : Math.max(0, totalMs - childMs);
  const childCost = children.reduce((s, c) => s + c.totalCost, 0);
  const actualRows = analyzed ? (raw['Actual Rows'] ?? 0) : null;
  const neverExecuted = analyzed && loops === 0;
  return {
    id,
    nodeType: raw['Node Type'],
    title: titleOf(raw),
    details: detailsOf(raw),
    parentRelationship: raw['Subplan Name'] ?? raw['Parent Relationship'] ?? null,
    selfCost: Math.max(0, raw['Total Cost'] - childCost),
    totalCost: raw['Total Cost'],
    estimatedRows: raw['Plan Rows'],
    actualRows,
    loops,
    totalMs,
    selfMs,
    neverExecuted,
    estimate: actualRows === null || neverExecuted ? null : rowEstimate(raw['Plan Rows'], actualRows),
    children,
  };
}

/** Rows are compared per loop, each at least 1 (the planner never guesses fewer; 0 actual rows is "as good as 1"). */
export function rowEstimate(estimated: number, actual: number): RowEstimate {
  const e = Math.max(1, estimated);
  const a = Math.max(1, actual);
  const factor = a >= e ? a / e : e / a;
  return { factor, direction: a > e ? 'under' : a < e ? 'over' : 'exact', flagged: factor >= MISESTIMATE_FACTOR };
}

function str(raw: RawNode, key: string): string | undefined {
  const v = (raw as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

function strs(raw: RawNode, key: string): string[] | undefined {
  const v = (raw as Record<string, unknown>)[key];
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
}

function titleOf(raw: RawNode): string {
  const parts: string[] = [];
  const strategy = str(raw, 'Strategy');
  const join = str(raw, 'Join Type');
  const type = raw['Node Type'];
  // "Aggregate" with strategy Hashed reads as HashAggregate, as the text format prints it.
  if (type === 'Aggregate' && strategy && strategy !== 'Plain') parts.push(`${strategy === 'Hashed' ? 'Hash' : strategy}Aggregate`);
  else if (type === 'ModifyTable' && str(raw, 'Operation')) parts.push(str(raw, 'Operation')!);
  else parts.push(type);
  if (join && join !== 'Inner') parts.push(`${join} Join`.replace(/ Join Join$/, ' Join'));
  const index = str(raw, 'Index Name');
  if (index) parts.push(`using ${index}`);
  const relation = str(raw, 'Relation Name');
  if (relation) {
    const schema = str(raw, 'Schema');
    const alias = str(raw, 'Alias');
    parts.push(`on ${schema ? `${schema}.` : ''}${relation}${alias && alias !== relation ? ` ${alias}` : ''}`);
  }
  const cte = str(raw, 'CTE Name');
  if (cte) parts.push(`on ${cte}`);
  const fn = str(raw, 'Function Name');
  if (fn) parts.push(`on ${fn}`);
  return parts.join(' ');
}

const DETAIL_FIELDS = [
  'Hash Cond',
  'Merge Cond',
  'Join Filter',
  'Index Cond',
  'Recheck Cond',
  'Filter',
  'One-Time Filter',
  'Cache Key',
] as const;

function detailsOf(raw: RawNode): string[] {
  const out: string[] = [];
  for (const f of DETAIL_FIELDS) {
    const v = str(raw, f);
    if (v) out.push(`${f}: ${v}`);
  }
  const sortKey = strs(raw, 'Sort Key');
  if (sortKey) out.push(`Sort Key: ${sortKey.join(', ')}`);
  const groupKey = strs(raw, 'Group Key');
  if (groupKey) out.push(`Group Key: ${groupKey.join(', ')}`);
  const record = raw as Record<string, unknown>;
  for (const [field, label] of [
    ['Rows Removed by Filter', 'Rows removed by filter'],
    ['Rows Removed by Join Filter', 'Rows removed by join filter'],
    ['Rows Removed by Index Recheck', 'Rows removed by index recheck'],
    ['Heap Fetches', 'Heap fetches'],
  ] as const) {
    const v = record[field];
    if (typeof v === 'number' && v > 0) out.push(`${label}: ${v}`);
  }
  const sortMethod = str(raw, 'Sort Method');
  if (sortMethod)
    out.push(`Sort method: ${sortMethod}${typeof record['Sort Space Used'] === 'number' ? `, ${record['Sort Space Used']} kB` : ''}`);
  const workers = record['Workers Launched'];
  if (typeof workers === 'number') out.push(`Workers launched: ${workers} of ${String(record['Workers Planned'] ?? '?')}`);
  const hit = record['Shared Hit Blocks'];
  const read = record['Shared Read Blocks'];
  if (typeof hit === 'number' && typeof read === 'number' && hit + read > 0) out.push(`Buffers: shared hit ${hit}, read ${read}`);
  return out;
}
