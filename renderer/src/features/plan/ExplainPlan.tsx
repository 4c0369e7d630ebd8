import { useMemo, useState } from 'react';
import { MISESTIMATE_FACTOR, planTree, type PlanTree, type PlanTreeNode } from './planTree';
import './plan.css';

type Measure = 'time' | 'cost';

/**
 * EXPLAIN (FORMAT JSON) as a tree: each node with a bar for what it cost on its own (time with
 * ANALYZE, planner cost without), estimated against actual rows, and estimates off by 10× or more
 * marked. Anything that is not a plan is shown as the JSON it is.
 */
export function ExplainPlan({ plan, analyzed }: { plan: unknown; analyzed: boolean }) {
  const tree = useMemo(() => planTree(plan), [plan]);
  const [measure, setMeasure] = useState<Measure>(analyzed ? 'time' : 'cost');
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  if (!tree.ok) {
    return (
      <div className="plan-view">
        <p className="plan-view__meta">{tree.error}</p>
        <pre className="plan-view__json">{JSON.stringify(plan, null, 2)}</pre>
      </div>
    );
  }
  const t = tree.value;
  const shown = t.analyzed ? measure : 'cost';
  const toggle = (id: string) =>
    setCollapsed((c) => {
      const next = new Set(c);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return (
    <div className="plan-view" aria-label="Query plan">
      <div className="plan-view__header">
        <span className="plan-view__meta">
          {analyzed ? 'EXPLAIN ANALYZE · the statement ran in a transaction that was rolled back' : 'EXPLAIN · estimates only'}
          {t.planningMs !== null && ` · planning ${formatMs(t.planningMs)}`}
          {t.executionMs !== null && ` · execution ${formatMs(t.executionMs)}`}
        </span>
        {t.analyzed && (
          <span className={t.misestimates ? 'plan-view__warn' : 'plan-view__meta'} role="status">
            {t.misestimates
              ? `${t.misestimates} row estimate${t.misestimates === 1 ? '' : 's'} off by ${MISESTIMATE_FACTOR}× or more`
              : `row estimates within ${MISESTIMATE_FACTOR}×`}
          </span>
        )}
        {t.analyzed && (
          <span className="plan-view__measure" role="group" aria-label="Bars show">
            {(['time', 'cost'] as const).map((m) => (
              <button key={m} type="button" className="button button--small" aria-pressed={measure === m} onClick={() => setMeasure(m)}>
                {m === 'time' ? 'Self time' : 'Self cost'}
              </button>
            ))}
          </span>
        )}
      </div>
      <div className="plan-view__columns" aria-hidden="true">
        <span>Node</span>
        <span>{shown === 'time' ? 'Self time' : 'Self cost'}</span>
        <span>Rows {t.analyzed ? 'estimated → actual' : 'estimated'}</span>
      </div>
      <ul className="plan-view__tree" role="tree" aria-label="Plan nodes">
        <PlanRow node={t.root} depth={1} tree={t} measure={shown} collapsed={collapsed} onToggle={toggle} />
      </ul>
      {t.triggers.length > 0 && (
        <p className="plan-view__meta">
          Triggers:{' '}
          {t.triggers
            .map((tr) => `${tr.name}${tr.relation ? ` on ${tr.relation}` : ''} ${formatMs(tr.ms)} (${tr.calls} calls)`)
            .join(' · ')}
        </p>
      )}
      <details className="plan-view__raw">
        <summary>Plan as JSON</summary>
        <pre className="plan-view__json">{JSON.stringify(plan, null, 2)}</pre>
      </details>
    </div>
  );
}

interface RowProps {
  node: PlanTreeNode;
  depth: number;
  tree: PlanTree;
  measure: Measure;
  collapsed: ReadonlySet<string>;
  onToggle: (id: string) => void;
}

function PlanRow({ node, depth, tree, measure, collapsed, onToggle }: RowProps) {
  const open = !collapsed.has(node.id);
  const hasChildren = node.children.length > 0;
  const flagged = node.estimate?.flagged === true;
  return (
    <li
      role="treeitem"
      aria-level={depth}
      aria-expanded={hasChildren ? open : undefined}
      aria-label={node.title}
      className={`plan-node${flagged ? ' plan-node--misestimate' : ''}${node.neverExecuted ? ' plan-node--never' : ''}`}
    >
      <div className="plan-node__row">
        <div className="plan-node__what" style={{ paddingLeft: `${(depth - 1) * 18}px` }}>
          {hasChildren ? (
            <button
              type="button"
              className="plan-node__toggle"
              aria-label={open ? `Collapse ${node.title}` : `Expand ${node.title}`}
              onClick={() => onToggle(node.id)}
            >
              {open ? '▾' : '▸'}
            </button>
          ) : (
            <span className="plan-node__toggle" />
          )}
          <div>
            <div>
              {node.parentRelationship && <span className="plan-node__rel">{node.parentRelationship} </span>}
              <strong>{node.title}</strong>
            </div>
            {node.details.map((d) => (
              <div key={d} className="plan-node__detail">
                {d}
              </div>
            ))}
          </div>
        </div>
        <Bar node={node} tree={tree} measure={measure} />
        <Rows node={node} />
      </div>
      {hasChildren && open && (
        <ul role="group">
          {node.children.map((c) => (
            <PlanRow key={c.id} node={c} depth={depth + 1} tree={tree} measure={measure} collapsed={collapsed} onToggle={onToggle} />
          ))}
        </ul>
      )}
    </li>
  );
}

function Bar({ node, tree, measure }: { node: PlanTreeNode; tree: PlanTree; measure: Measure }) {
  const value = measure === 'time' ? (node.selfMs ?? 0) : node.selfCost;
  const max = measure === 'time' ? tree.maxSelfMs : tree.maxSelfCost;
  const whole = measure === 'time' ? (tree.root.totalMs ?? 0) : tree.root.totalCost;
  const share = whole > 0 ? value / whole : 0;
  const label = measure === 'time' ? formatMs(value) : value.toFixed(2);
  return (
    <div className="plan-node__bar" title={`${label}, ${(share * 100).toFixed(1)}% of the whole plan`}>
      <div className="plan-node__track">
        <div
          className={`plan-node__fill${share >= 0.5 ? ' plan-node__fill--hot' : ''}`}
          style={{ width: `${max > 0 ? (value / max) * 100 : 0}%` }}
        />
      </div>
      <span className="plan-node__figure">
        {label} <span className="plan-node__share">{Math.round(share * 100)}%</span>
      </span>
    </div>
  );
}

function Rows({ node }: { node: PlanTreeNode }) {
  const est = formatRows(node.estimatedRows);
  if (node.actualRows === null) return <div className="plan-node__rows">{est}</div>;
  if (node.neverExecuted) return <div className="plan-node__rows">{est} → never executed</div>;
  const loops = node.loops && node.loops > 1 ? ` × ${node.loops} loops` : '';
  const e = node.estimate;
  return (
    <div className="plan-node__rows">
      {est} → {formatRows(node.actualRows)}
      {loops}
      {e?.flagged && (
        <span
          className="plan-node__badge"
          title={`The planner guessed ${est} row(s) per loop; ${formatRows(node.actualRows)} came. Stale statistics or correlated columns are the usual causes (ANALYZE, CREATE STATISTICS).`}
        >
          {e.direction === 'under' ? '▲' : '▼'} {formatFactor(e.factor)}× {e.direction === 'under' ? 'more' : 'fewer'}
        </span>
      )}
    </div>
  );
}

function formatMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(ms >= 1 ? 1 : 3)} ms`;
}

function formatRows(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(1);
}

function formatFactor(f: number): string {
  return f >= 100 ? Math.round(f).toLocaleString('en-US') : f.toFixed(f >= 10 ? 0 : 1);
}
