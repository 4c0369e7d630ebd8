import { LOCAL_WORKSPACE_ID } from '../../../../shared/contract/location';
import { assertNever } from '../../../../shared/contract/result';
import type { ExplorerNode } from './treeModel';

/** What the row menu offers. Only calls the server has; the rest are listed as gaps in the README. */
export type NodeAction =
  | { readonly kind: 'open' }
  | { readonly kind: 'createProject' }
  | { readonly kind: 'createBranch' }
  | { readonly kind: 'setDefault' }
  | { readonly kind: 'createEndpoint' }
  | { readonly kind: 'suspendEndpoint' }
  | { readonly kind: 'resumeEndpoint' }
  | { readonly kind: 'deleteEndpoint' }
  | { readonly kind: 'copyHost' }
  | { readonly kind: 'dataApi' }
  /** Admin tools on the row's branch and database (or table). */
  | { readonly kind: 'sqlEditor' }
  | { readonly kind: 'roles' }
  | { readonly kind: 'setup' }
  | { readonly kind: 'policies' }
  /** The table designer: a new table in the schema, or the table's structure. */
  | { readonly kind: 'newTable' }
  | { readonly kind: 'designTable' }
  /** The schema's tables and foreign keys as a diagram. */
  | { readonly kind: 'erDiagram' }
  /** The schema diff, this branch on the left. */
  | { readonly kind: 'compareSchema' }
  /** The table's data compared with another branch or database. */
  | { readonly kind: 'compareData' }
  /** Any Data API request on the database, as a chosen identity. */
  | { readonly kind: 'dataApiConsole' }
  /** The project's branches along time (parents, creation points, expiry). */
  | { readonly kind: 'branchTimeline' }
  | { readonly kind: 'protect' }
  | { readonly kind: 'unprotect' }
  | { readonly kind: 'deleteBranch' }
  /** The parent's data (now, or at a point in its history) in place of the branch's. */
  | { readonly kind: 'resetBranch' }
  /** The branch's own data at a point in its history; the data before is kept as a new branch. */
  | { readonly kind: 'restoreBranch' }
  /** Local branches only: the documentation's sample data back (not offered on a protected branch). */
  | { readonly kind: 'resetSample' }
  | { readonly kind: 'signInAgain' }
  | { readonly kind: 'replaceToken' }
  | { readonly kind: 'removeWorkspace' }
  | { readonly kind: 'refresh' };

export function nodeActions(node: ExplorerNode): NodeAction[] {
  switch (node.kind) {
    case 'workspace': {
      const ws = node.workspace;
      if (ws.kind === 'local') return [{ kind: 'createProject' }, { kind: 'refresh' }];
      return [
        { kind: 'createProject' },
        ...(ws.authMethod === 'pat' ? [{ kind: 'replaceToken' } as const] : [{ kind: 'signInAgain' } as const]),
        { kind: 'refresh' },
        { kind: 'removeWorkspace' },
      ];
    }
    case 'project':
      return [{ kind: 'createBranch' }, { kind: 'branchTimeline' }, { kind: 'refresh' }];
    case 'branch':
      return [
        { kind: 'createBranch' },
        { kind: 'createEndpoint' },
        { kind: 'compareSchema' },
        ...(node.branch.isDefault ? [] : [{ kind: 'setDefault' } as const]),
        node.branch.isProtected ? { kind: 'unprotect' } : { kind: 'protect' },
        ...(node.workspaceId === LOCAL_WORKSPACE_ID && !node.branch.isProtected ? [{ kind: 'resetSample' } as const] : []),
        // Offered on protected and cloud branches too: the dialog says why it cannot run there.
        ...(node.branch.sourceBranch ? [{ kind: 'resetBranch' } as const] : []),
        { kind: 'restoreBranch' },
        { kind: 'branchTimeline' },
        { kind: 'refresh' },
        { kind: 'deleteBranch' },
      ];
    case 'endpoint':
      // IDLE is a suspended compute; anything else (ACTIVE, starting) can be suspended.
      return [
        ...(node.endpoint.host ? [{ kind: 'copyHost' } as const] : []),
        node.endpoint.state === 'IDLE' ? { kind: 'resumeEndpoint' } : { kind: 'suspendEndpoint' },
        { kind: 'deleteEndpoint' },
      ];
    case 'database':
      return [{ kind: 'dataApi' }, { kind: 'sqlEditor' }, { kind: 'dataApiConsole' }, { kind: 'roles' }, { kind: 'setup' }];
    case 'relation':
      // Row-level security applies to tables only.
      return node.relation.kind === 'table' || node.relation.kind === 'partitioned_table'
        ? [{ kind: 'open' }, { kind: 'designTable' }, { kind: 'policies' }, { kind: 'compareData' }]
        : [{ kind: 'open' }];
    case 'schema':
      return [{ kind: 'newTable' }, { kind: 'erDiagram' }];
    case 'routine':
    case 'status':
      return [];
    default:
      return assertNever(node, 'explorer node');
  }
}

export function actionLabel(action: NodeAction): string {
  switch (action.kind) {
    case 'open':
      return 'Open';
    case 'createProject':
      return 'New project…';
    case 'createBranch':
      return 'New branch…';
    case 'setDefault':
      return 'Set as default branch';
    case 'createEndpoint':
      return 'New endpoint…';
    case 'suspendEndpoint':
      return 'Suspend endpoint';
    case 'resumeEndpoint':
      return 'Resume endpoint';
    case 'deleteEndpoint':
      return 'Delete endpoint…';
    case 'copyHost':
      return 'Copy host';
    case 'dataApi':
      return 'Data API…';
    case 'sqlEditor':
      return 'SQL editor';
    case 'roles':
      return 'Roles';
    case 'setup':
      return 'Data API set-up';
    case 'policies':
      return 'RLS policies';
    case 'newTable':
      return 'New table…';
    case 'designTable':
      return 'Design table…';
    case 'erDiagram':
      return 'ER diagram';
    case 'compareSchema':
      return 'Compare schema…';
    case 'compareData':
      return 'Compare data…';
    case 'dataApiConsole':
      return 'Data API console';
    case 'branchTimeline':
      return 'Branch timeline';
    case 'protect':
      return 'Protect branch';
    case 'unprotect':
      return 'Unprotect branch';
    case 'deleteBranch':
      return 'Delete branch…';
    case 'resetSample':
      return 'Reset sample data…';
    case 'resetBranch':
      return 'Reset from parent…';
    case 'restoreBranch':
      return 'Restore to a point in time…';
    case 'signInAgain':
      return 'Sign in again';
    case 'replaceToken':
      return 'Replace token…';
    case 'removeWorkspace':
      return 'Remove workspace…';
    case 'refresh':
      return 'Refresh';
    default:
      return assertNever(action, 'node action');
  }
}

/** Deleting these needs the branch name typed: they are the ones people regret losing. */
export function needsTypedConfirmation(branch: { isProtected: boolean; isDefault: boolean }): boolean {
  return branch.isProtected || branch.isDefault;
}
