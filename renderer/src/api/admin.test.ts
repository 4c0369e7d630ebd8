import { describe, expect, it } from 'vitest';
import { adminKeys, isCloud, managedBranch, withBranch } from './admin';

const cloud = { workspaceId: 'ws-a', branch: 'projects/p/branches/main', database: 'sales' };

describe('admin locations', () => {
  it.each([
    [{}, {}],
    [{ branch: 'projects/local/branches/dev' }, { branch: 'projects/local/branches/dev' }],
    [
      { workspaceId: 'local', branch: 'projects/local/branches/dev' },
      { workspaceId: 'local', branch: 'projects/local/branches/dev' },
    ],
    [cloud, cloud],
  ])('sends %j to the channels as %j', (at, input) => {
    expect(withBranch(at)).toEqual(input);
  });

  it('keeps the local keys as they were and tells cloud locations apart by workspace and database', () => {
    expect(adminKeys.roles({})).toEqual(['admin', 'default', 'roles']);
    expect(adminKeys.roles({ branch: 'projects/local/branches/dev' })).toEqual(['admin', 'projects/local/branches/dev', 'roles']);
    const keys = [cloud, { ...cloud, workspaceId: 'ws-b' }, { ...cloud, database: 'other' }].map((at) =>
      JSON.stringify(adminKeys.grants(at, 'public')),
    );
    expect(new Set(keys).size).toBe(3);
    // Invalidating one location's prefix reaches all of its views.
    expect(adminKeys.grants(cloud, 'public').slice(0, adminKeys.branch(cloud).length)).toEqual(adminKeys.branch(cloud));
  });

  it("asks the branch's own workspace for its roles resource and protection", () => {
    expect(isCloud(cloud)).toBe(true);
    expect(isCloud({ workspaceId: 'local' })).toBe(false);
    expect(managedBranch(cloud)).toEqual({ workspaceId: 'ws-a', branch: 'projects/p/branches/main' });
    expect(managedBranch({})).toEqual({ workspaceId: 'local', branch: 'projects/local/branches/production' });
  });
});
