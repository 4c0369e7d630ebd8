import { describe, expect, it } from 'vitest';
import type { BranchSummary } from '../../../../shared/management/workspaceSchemas';
import type { ExplorerNode } from './treeModel';
import { actionLabel, needsTypedConfirmation, nodeActions } from './nodeActions';

const branch = (change: Partial<BranchSummary>): ExplorerNode => ({
  kind: 'branch',
  id: 'b',
  label: 'dev',
  workspaceId: 'local',
  project: 'projects/local',
  branch: { name: 'projects/local/branches/dev', id: 'dev', state: 'READY', isDefault: false, isProtected: false, ...change },
  siblings: [],
  children: [],
});
const endpoint = (state: string): ExplorerNode => ({
  kind: 'endpoint',
  id: 'e',
  label: 'primary',
  workspaceId: 'local',
  endpoint: { name: 'projects/local/branches/dev/endpoints/primary', id: 'primary', type: 'ENDPOINT_TYPE_READ_WRITE', state },
});
const labels = (node: ExplorerNode) => nodeActions(node).map(actionLabel);

describe('nodeActions', () => {
  it('offers protect or unprotect, and “set as default” only where it changes something', () => {
    expect(labels(branch({}))).toEqual([
      'New branch…',
      'New endpoint…',
      'Compare schema…',
      'Set as default branch',
      'Protect branch',
      'Reset sample data…',
      'Restore to a point in time…',
      'Branch timeline',
      'Refresh',
      'Delete branch…',
    ]);
    expect(labels(branch({ isDefault: true, isProtected: true }))).toEqual([
      'New branch…',
      'New endpoint…',
      'Compare schema…',
      'Unprotect branch',
      'Restore to a point in time…',
      'Branch timeline',
      'Refresh',
      'Delete branch…',
    ]);
  });

  it('offers reset from parent on branches that have a parent, protected or not (the dialog says why it is refused)', () => {
    expect(labels(branch({}))).not.toContain('Reset from parent…');
    expect(labels(branch({ sourceBranch: 'projects/local/branches/production' }))).toContain('Reset from parent…');
    expect(labels(branch({ sourceBranch: 'projects/local/branches/production', isProtected: true }))).toContain('Reset from parent…');
  });

  it('offers to reset the sample data on an unprotected local branch only', () => {
    expect(labels(branch({}))).toContain('Reset sample data…');
    expect(labels(branch({ isProtected: true }))).not.toContain('Reset sample data…');
    const cloud = { ...branch({}), workspaceId: 'ws-a' } as ExplorerNode;
    expect(labels(cloud)).not.toContain('Reset sample data…');
  });

  it('resumes a suspended endpoint and suspends any other', () => {
    expect(labels(endpoint('IDLE'))).toEqual(['Resume endpoint', 'Delete endpoint…']);
    expect(labels(endpoint('ACTIVE'))).toEqual(['Suspend endpoint', 'Delete endpoint…']);
  });

  it('opens the admin tools from any database, local or cloud, and RLS policies from a table (not a view)', () => {
    const at = { kind: 'local', branch: 'projects/local/branches/dev', database: 'sales' } as const;
    const database: ExplorerNode = {
      kind: 'database',
      id: 'd',
      label: 'sales',
      at,
      database: { name: `${at.branch}/databases/sales`, id: 'sales', postgresDatabase: 'sales' },
      children: [],
    };
    expect(labels(database)).toEqual(['Data API…', 'SQL editor', 'Data API console', 'Roles', 'Data API set-up']);
    const cloud: ExplorerNode = { ...database, at: { ...at, kind: 'cloud', workspaceId: 'ws-a' } };
    expect(labels(cloud)).toEqual(labels(database));
    const relation = (kind: 'table' | 'view'): ExplorerNode => ({
      kind: 'relation',
      id: 'r',
      label: 'clients',
      at,
      relation: { schema: 'public', name: 'clients', kind, estimatedRows: 3 },
    });
    expect(labels(relation('table'))).toEqual(['Open', 'Design table…', 'RLS policies', 'Compare data…']);
    expect(labels(relation('view'))).toEqual(['Open']);
    // A schema's menu starts a new table there, on the schema's own location.
    expect(labels({ kind: 'schema', id: 's', label: 'public', at, children: [] })).toEqual(['New table…', 'ER diagram']);
  });

  it('offers the host to copy only when the endpoint has one', () => {
    const withHost = endpoint('ACTIVE');
    if (withHost.kind !== 'endpoint') throw new Error('fixture');
    expect(labels({ ...withHost, endpoint: { ...withHost.endpoint, host: '127.0.0.1:5433' } })[0]).toBe('Copy host');
  });

  it('gives status rows no menu', () => {
    expect(nodeActions({ kind: 'status', id: 's', label: 'Loading…', tone: 'loading' })).toEqual([]);
  });
});

describe('needsTypedConfirmation', () => {
  it.each([
    [{ isProtected: false, isDefault: false }, false],
    [{ isProtected: true, isDefault: false }, true],
    [{ isProtected: false, isDefault: true }, true],
  ])('%j → %s', (b, want) => expect(needsTypedConfirmation(b)).toBe(want));
});
