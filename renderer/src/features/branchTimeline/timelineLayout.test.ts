import { describe, expect, it } from 'vitest';
import type { BranchSummary } from '../../../../shared/management/workspaceSchemas';
import { layoutTimeline, timeTicks } from './timelineLayout';

const T = (h: number) => Date.parse('2026-12-01T00:00:00Z') + h * 3600e3;
const iso = (h: number) => new Date(T(h)).toISOString();
const b = (id: string, over: Partial<BranchSummary> = {}): BranchSummary => ({
  name: `projects/p/branches/${id}`,
  id,
  state: 'READY',
  isDefault: false,
  isProtected: false,
  ...over,
});

describe('layoutTimeline', () => {
  const branches = [
    b('feature', { sourceBranch: 'projects/p/branches/dev', createTime: iso(30), sourceBranchTime: iso(29), sourceBranchLsn: '0/3000060' }),
    b('production', { isDefault: true, isProtected: true, createTime: iso(0) }),
    b('dev', { sourceBranch: 'projects/p/branches/production', createTime: iso(10), sourceBranchTime: iso(10), expireTime: iso(100) }),
    b('hotfix', { sourceBranch: 'projects/p/branches/production', createTime: iso(5), sourceBranchTime: iso(4) }),
  ];
  const layout = layoutTimeline(branches, T(48));

  it('puts each branch in a lane below its parent, children in creation order, with its ancestors', () => {
    expect(layout.lanes.map((l) => [l.branch.id, l.parentIndex, l.ancestors.map((a) => a.split('/').pop())])).toEqual([
      ['production', null, []],
      ['hotfix', 0, ['production']],
      ['dev', 0, ['production']],
      ['feature', 2, ['production', 'dev']],
    ]);
  });

  it('starts a lane at its creation and forks it at the source time; expiry is kept', () => {
    const feature = layout.lanes[3]!;
    expect([feature.start, feature.fork, feature.expire]).toEqual([T(30), T(29), null]);
    expect(layout.lanes[2]!.expire).toBe(T(100));
  });

  it('spans from the first creation to just past now; a later expiry does not stretch it', () => {
    expect(layout.from).toBeLessThan(T(0));
    expect(layout.to).toBeGreaterThan(T(48));
    expect(layout.to).toBeLessThan(T(60));
  });

  it('places a branch without any time at now, and a branch whose parent is gone as a root', () => {
    const l = layoutTimeline([b('orphan', { sourceBranch: 'projects/p/branches/deleted' })], T(1));
    expect(l.lanes.map((x) => [x.parentIndex, x.start])).toEqual([[null, T(1)]]);
  });
});

describe('timeTicks', () => {
  it('picks a round step for the span', () => {
    expect(timeTicks(T(0), T(24)).every((t) => t % (6 * 3600e3) === 0)).toBe(true);
    expect(timeTicks(T(0), T(2)).length).toBeGreaterThan(1);
  });
});
