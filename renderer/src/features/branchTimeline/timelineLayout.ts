import type { BranchSummary } from '../../../../shared/management/workspaceSchemas';
import { branchForest, type BranchTree } from '../explorer/buildTree';

/**
 * A project's branches over time, as lanes: one row per branch in the tree's order (a branch
 * below the one it was created from), each starting where it was created and linked to its
 * parent's lane at the source point (time and LSN from the branch status). Lanes are enough
 * here: a branch has one parent, so the picture is a tree drawn along a time axis, no graph layout.
 */
export interface TimelineLane {
  readonly branch: BranchSummary;
  readonly index: number;
  /** Lane index of the parent; null for a root (or a parent not listed). */
  readonly parentIndex: number | null;
  /** Ancestors' names from the root down: what the tree must open to show this branch. */
  readonly ancestors: readonly string[];
  /** Where the lane starts: the branch's creation, else its source point. */
  readonly start: number;
  /** The parent's point it was branched from (source_branch_time), when known. */
  readonly fork: number | null;
  readonly expire: number | null;
}

export interface TimelineLayout {
  readonly lanes: readonly TimelineLane[];
  /** The axis: from the oldest start to now, with a little margin (later expiries point past its end). */
  readonly from: number;
  readonly to: number;
  readonly now: number;
}

const time = (iso: string | undefined): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
};

export function layoutTimeline(branches: readonly BranchSummary[], now: number): TimelineLayout {
  const lanes: TimelineLane[] = [];
  const visit = (tree: BranchTree, parentIndex: number | null, ancestors: readonly string[]) => {
    const { branch } = tree;
    const fork = time(branch.sourceBranchTime);
    const start = time(branch.createTime) ?? fork ?? now;
    const index = lanes.length;
    lanes.push({ branch, index, parentIndex, ancestors, start, fork, expire: time(branch.expireTime) });
    // Children in the order they were made, so links do not cross more than they must.
    const children = [...tree.children].sort((a, b) => startOf(a.branch, now) - startOf(b.branch, now));
    for (const child of children) visit(child, index, [...ancestors, branch.name]);
  };
  for (const root of branchForest(branches)) visit(root, null, []);
  // The axis is the past up to now: a branch that expires later points past the right edge (with
  // its date), so a day's TTL does not squeeze an hour of history into a corner.
  const times = lanes.flatMap((l) => [
    l.start,
    ...(l.fork !== null ? [l.fork] : []),
    ...(l.expire !== null && l.expire <= now ? [l.expire] : []),
  ]);
  const earliest = Math.min(now, ...times);
  const margin = Math.max((now - earliest) * 0.08, 60_000);
  return { lanes, from: earliest - margin, to: now + margin, now };
}

function startOf(b: BranchSummary, now: number): number {
  return time(b.createTime) ?? time(b.sourceBranchTime) ?? now;
}

/** Axis ticks at a round step (minutes … months) giving about `count` of them. */
export function timeTicks(from: number, to: number, count = 6): number[] {
  const steps = [60e3, 5 * 60e3, 15 * 60e3, 3600e3, 6 * 3600e3, 86400e3, 7 * 86400e3, 30 * 86400e3, 365 * 86400e3];
  const step = steps.find((s) => (to - from) / s <= count) ?? steps[steps.length - 1]!;
  const ticks: number[] = [];
  // Rounded in UTC, so ticks fall on whole minutes, hours and days whatever the span.
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return ticks;
}
