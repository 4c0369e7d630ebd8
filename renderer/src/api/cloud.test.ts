import { describe, expect, it } from 'vitest';
import { catalogKeys } from './catalog';
import { cloudKeys, keysChangedBy } from './cloud';

const ws = 'local';
const keys = (resource: string) => keysChangedBy({ workspaceId: ws, resource });

describe('keysChangedBy', () => {
  it('a project’s own operation refreshes the project list and its branches', () => {
    expect(keys('projects/p')).toEqual([cloudKeys.projects(ws), cloudKeys.branches(ws, 'projects/p')]);
  });

  it('a branch operation refreshes its project’s branches and that branch only', () => {
    const b = 'projects/p/branches/dev';
    expect(keys(b)).toEqual([
      cloudKeys.branches(ws, 'projects/p'),
      cloudKeys.endpoints(ws, b),
      cloudKeys.databases(ws, b),
      catalogKeys.branch(ws, b),
    ]);
  });

  it('a branch operation on a cloud workspace refreshes that workspace’s schemas of the branch, not a local branch’s', () => {
    const b = 'projects/p/branches/dev';
    const changed = keysChangedBy({ workspaceId: 'ws-1', resource: b });
    expect(changed).toContainEqual(catalogKeys.branch('ws-1', b));
    expect(changed).not.toContainEqual(catalogKeys.branch('local', b));
  });

  it('an endpoint operation refreshes its branch’s lists', () => {
    expect(keys('projects/p/branches/dev/endpoints/ro')).toContainEqual(cloudKeys.endpoints(ws, 'projects/p/branches/dev'));
  });

  it('a Data API operation refreshes that database’s settings', () => {
    expect(keys('projects/p/branches/dev/databases/db/data-api')).toContainEqual(
      cloudKeys.dataApi(ws, 'projects/p/branches/dev/databases/db'),
    );
  });

  it('keys never reach another workspace', () => {
    for (const key of keys('projects/p/branches/dev/databases/db/data-api')) {
      expect((key[0] === 'catalog' && key[2] === ws) || (key[1] === 'ws' && key[2] === ws)).toBe(true);
    }
  });
});
