/** EXPLAIN (FORMAT JSON) as a tree: node type, relation, estimated and (with ANALYZE) actual rows and time. */
export function ExplainPlan({ plan, analyzed }: { plan: unknown; analyzed: boolean }) {
  const root = Array.isArray(plan) ? (plan[0] as Record<string, unknown> | undefined) : undefined;
  const node = root?.Plan as PlanNode | undefined;
  if (!node) return <pre className="sql-view__plan">{JSON.stringify(plan, null, 2)}</pre>;
  return (
    <div className="sql-view__plan" aria-label="Query plan">
      <p className="sql-view__meta">
        {analyzed ? 'EXPLAIN ANALYZE (the statement ran in a transaction that was rolled back)' : 'EXPLAIN (estimates only)'}
        {typeof root?.['Planning Time'] === 'number' && ` · planning ${String(root['Planning Time'])} ms`}
        {typeof root?.['Execution Time'] === 'number' && ` · execution ${String(root['Execution Time'])} ms`}
      </p>
      <ul className="plan-tree">
        <PlanItem node={node} analyzed={analyzed} />
      </ul>
    </div>
  );
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Plan Rows'?: number;
  'Actual Rows'?: number;
  'Actual Total Time'?: number;
  'Total Cost'?: number;
  Filter?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

function PlanItem({ node, analyzed }: { node: PlanNode; analyzed: boolean }) {
  return (
    <li>
      <strong>{node['Node Type']}</strong>
      {node['Relation Name'] && <> on {node['Relation Name']}</>}
      {node['Index Name'] && <> using {node['Index Name']}</>}
      <span className="sql-view__meta">
        {' '}
        · est. {node['Plan Rows']} rows · cost {node['Total Cost']}
        {analyzed && ` · actual ${node['Actual Rows']} rows in ${node['Actual Total Time']} ms`}
      </span>
      {(['Index Cond', 'Recheck Cond', 'Filter'] as const).map((k) =>
        node[k] ? (
          <div key={k} className="sql-view__meta">
            {k.toLowerCase()}: <code>{node[k]}</code>
            {k === 'Filter' && node['Rows Removed by Filter'] !== undefined && ` · ${node['Rows Removed by Filter']} rows removed`}
          </div>
        ) : null,
      )}
      {node.Plans && (
        <ul>
          {node.Plans.map((p, i) => (
            <PlanItem key={i} node={p} analyzed={analyzed} />
          ))}
        </ul>
      )}
    </li>
  );
}
