import { describe, expect, it, vi } from 'vitest';
import type { ExplorerNode } from './treeModel';
import { explorerCommands } from './explorerCommands';

const dev: ExplorerNode = {
  kind: 'branch',
  id: 'b-dev',
  label: 'dev',
  workspaceId: 'local',
  project: 'projects/local',
  branch: { name: 'projects/local/branches/dev', id: 'dev', state: 'READY', isDefault: false, isProtected: true },
  siblings: [],
  children: [
    {
      kind: 'endpoint',
      id: 'e-primary',
      label: 'primary',
      workspaceId: 'local',
      endpoint: { name: 'projects/local/branches/dev/endpoints/primary', id: 'primary', type: 'ENDPOINT_TYPE_READ_WRITE', state: 'ACTIVE' },
    },
  ],
};

const handlers = () => ({ run: vi.fn(), addWorkspace: vi.fn(), focusFilter: vi.fn(), focusTree: vi.fn() });

describe('explorerCommands', () => {
  it("offers each loaded branch's and endpoint's menu actions, named after the row", () => {
    const titles = explorerCommands([dev], handlers())
      .filter((c) => c.group === 'Branches')
      .map((c) => c.title);
    expect(titles).toEqual([
      'Branch dev: New branch…',
      'Branch dev: New endpoint…',
      'Branch dev: Compare schema…',
      'Branch dev: Set as default branch',
      'Branch dev: Unprotect branch',
      'Branch dev: Restore to a point in time…',
      'Branch dev: Branch timeline',
      'Branch dev: Refresh',
      'Branch dev: Delete branch…',
      'Endpoint primary: Suspend endpoint',
      'Endpoint primary: Delete endpoint…',
    ]);
  });

  it('runs the action on its node', () => {
    const h = handlers();
    explorerCommands([dev], h)
      .find((c) => c.title === 'Branch dev: Unprotect branch')!
      .run();
    expect(h.run).toHaveBeenCalledWith(dev, { kind: 'unprotect' });
  });

  it('always has the explorer buttons, with ids unique across the list', () => {
    const commands = explorerCommands([dev], handlers());
    expect(commands.slice(0, 3).map((c) => c.title)).toEqual(['Go to the explorer', 'Filter tables', 'Add a Databricks workspace…']);
    expect(new Set(commands.map((c) => c.id)).size).toBe(commands.length);
  });
});
