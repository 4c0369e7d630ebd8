import { assertNever } from '../../../../shared/contract/result';
import type { ExplorerNode } from './explorerTree';

/** What the row menu offers. Only calls the server has; the rest are listed as gaps in the README. */
export type NodeAction =
  | { readonly kind: 'open' }
  | { readonly kind: 'createBranch' }
  | { readonly kind: 'protect' }
  | { readonly kind: 'unprotect' }
  | { readonly kind: 'deleteBranch' }
  | { readonly kind: 'signInAgain' }
  | { readonly kind: 'replaceToken' }
  | { readonly kind: 'removeWorkspace' }
  | { readonly kind: 'refresh' };

export function nodeActions(node: ExplorerNode): NodeAction[] {
  switch (node.kind) {
    case 'workspace': {
      const ws = node.workspace;
      if (ws.kind === 'local') return [{ kind: 'refresh' }];
      return [
        ...(ws.authMethod === 'pat' ? [{ kind: 'replaceToken' } as const] : [{ kind: 'signInAgain' } as const]),
        { kind: 'refresh' },
        { kind: 'removeWorkspace' },
      ];
    }
    case 'project':
      return [{ kind: 'createBranch' }, { kind: 'refresh' }];
    case 'branch':
      return [{ kind: 'createBranch' }, node.branch.isProtected ? { kind: 'unprotect' } : { kind: 'protect' }, { kind: 'refresh' }, { kind: 'deleteBranch' }];
    case 'relation':
      return [{ kind: 'open' }];
    case 'endpoint':
    case 'database':
    case 'schema':
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
    case 'createBranch':
      return 'New branch…';
    case 'protect':
      return 'Protect branch';
    case 'unprotect':
      return 'Unprotect branch';
    case 'deleteBranch':
      return 'Delete branch…';
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
