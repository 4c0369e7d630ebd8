import type { KeyboardEvent } from 'react';
import type { BranchSummary } from '../../../../shared/management/workspaceSchemas';
import { layoutTimeline, timeTicks, type TimelineLane } from './timelineLayout';
import './branchTimeline.css';

const LABEL_W = 230;
const PLOT_W = 640;
const LANE_H = 34;
const AXIS_H = 30;

/**
 * The branches of a project along time (SVG): a lane per branch from its creation, a link from
 * the parent's lane at the source point, expiry marked, default and protected marked, and a line
 * at now. A lane is a button: it selects the branch in the explorer.
 */
export function BranchTimeline({
  branches,
  now,
  onSelect,
}: {
  branches: readonly BranchSummary[];
  now: number;
  onSelect: (lane: TimelineLane) => void;
}) {
  const layout = layoutTimeline(branches, now);
  const { lanes, from, to } = layout;
  const x = (t: number) => LABEL_W + ((t - from) / (to - from)) * PLOT_W;
  const y = (index: number) => AXIS_H + index * LANE_H + LANE_H / 2;
  const height = AXIS_H + lanes.length * LANE_H + 8;
  const width = LABEL_W + PLOT_W + 16;
  const ticks = timeTicks(from, to);
  const span = to - from;
  const onKey = (lane: TimelineLane) => (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect(lane);
    }
  };
  return (
    <svg
      className="branch-timeline"
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      role="group"
      aria-label={`Branch timeline: ${lanes.length} branch${lanes.length === 1 ? '' : 'es'}`}
    >
      <g aria-hidden="true">
        {ticks.map((t) => (
          <g key={t}>
            <line className="branch-timeline__grid" x1={x(t)} x2={x(t)} y1={AXIS_H - 6} y2={height} />
            <text className="branch-timeline__tick" x={x(t)} y={AXIS_H - 10} textAnchor="middle">
              {tickLabel(t, span)}
            </text>
          </g>
        ))}
        <line className="branch-timeline__now" x1={x(now)} x2={x(now)} y1={AXIS_H - 6} y2={height} />
        <text className="branch-timeline__now-label" x={x(now) + 4} y={height - 4}>
          now
        </text>
      </g>
      {lanes.map((lane) => {
        const { branch } = lane;
        const ly = y(lane.index);
        const x0 = x(lane.start);
        const expired = lane.expire !== null && lane.expire <= now;
        const xEnd = x(expired ? lane.expire! : now);
        const forkX = lane.fork !== null ? x(lane.fork) : x0;
        const classes = [
          'branch-timeline__lane',
          branch.isDefault && 'branch-timeline__lane--default',
          branch.isProtected && 'branch-timeline__lane--protected',
        ]
          .filter(Boolean)
          .join(' ');
        return (
          <g
            key={branch.name}
            className={classes}
            role="button"
            tabIndex={0}
            aria-label={laneLabel(lane)}
            onClick={() => onSelect(lane)}
            onKeyDown={onKey(lane)}
          >
            <title>{laneLabel(lane)}</title>
            <rect className="branch-timeline__hit" x={0} y={ly - LANE_H / 2} width={width} height={LANE_H} />
            <text className="branch-timeline__name" x={8} y={ly + 4}>
              {branch.id.length > 18 ? `${branch.id.slice(0, 17)}…` : branch.id}
              {branch.isDefault && <tspan className="branch-timeline__tag"> default</tspan>}
              {branch.isProtected && <tspan className="branch-timeline__tag branch-timeline__tag--protected"> protected</tspan>}
            </text>
            {lane.parentIndex !== null && (
              <>
                <path
                  className="branch-timeline__link"
                  d={`M ${forkX} ${y(lane.parentIndex)} C ${forkX} ${ly}, ${forkX} ${ly}, ${Math.max(x0, forkX + 1)} ${ly}`}
                />
                <circle className="branch-timeline__fork" cx={forkX} cy={y(lane.parentIndex)} r={3.5} />
              </>
            )}
            <line className="branch-timeline__bar" x1={x0} x2={Math.max(xEnd, x0 + 2)} y1={ly} y2={ly} />
            <circle className="branch-timeline__start" cx={x0} cy={ly} r={4} />
            {lane.expire !== null && !expired && lane.expire <= to && (
              <>
                <line className="branch-timeline__ttl" x1={xEnd} x2={x(lane.expire)} y1={ly} y2={ly} />
                <path className="branch-timeline__expiry" d={expiryMark(x(lane.expire), ly)} />
              </>
            )}
            {lane.expire !== null && lane.expire > to && (
              <>
                <line className="branch-timeline__ttl" x1={xEnd} x2={LABEL_W + PLOT_W} y1={ly} y2={ly} />
                <path className="branch-timeline__expiry" d={laterMark(LABEL_W + PLOT_W, ly)} />
                <text className="branch-timeline__expires" x={LABEL_W + PLOT_W - 4} y={ly - 6} textAnchor="end">
                  expires {when(lane.expire)}
                </text>
              </>
            )}
            {expired && <path className="branch-timeline__expiry" d={expiryMark(xEnd, ly)} />}
          </g>
        );
      })}
    </svg>
  );
}

/** An arrow at the right edge: the branch expires after the axis ends. */
function laterMark(cx: number, cy: number): string {
  return `M ${cx - 6} ${cy - 5} L ${cx} ${cy} L ${cx - 6} ${cy + 5}`;
}

/** An × where the branch expires. */
function expiryMark(cx: number, cy: number): string {
  return `M ${cx - 4} ${cy - 4} L ${cx + 4} ${cy + 4} M ${cx - 4} ${cy + 4} L ${cx + 4} ${cy - 4}`;
}

function laneLabel(lane: TimelineLane): string {
  const b = lane.branch;
  const parts = [b.id];
  if (b.isDefault) parts.push('default');
  if (b.isProtected) parts.push('protected');
  parts.push(`created ${when(lane.start)}`);
  if (b.sourceBranch) {
    const parent = b.sourceBranch.split('/').pop();
    const at = [lane.fork !== null ? when(lane.fork) : null, b.sourceBranchLsn ? `LSN ${b.sourceBranchLsn}` : null]
      .filter(Boolean)
      .join(', ');
    parts.push(`from ${parent}${at ? ` at ${at}` : ''}`);
  }
  parts.push(lane.expire !== null ? `expires ${when(lane.expire)}` : 'no expiry');
  return parts.join(' · ');
}

function when(t: number): string {
  return new Date(t).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function tickLabel(t: number, span: number): string {
  const d = new Date(t);
  if (span <= 2 * 86400e3) return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (span <= 120 * 86400e3) return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return d.toLocaleDateString(undefined, { year: 'numeric', month: 'short' });
}
