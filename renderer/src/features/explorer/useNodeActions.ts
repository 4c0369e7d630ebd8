import { useRef, useState, type RefObject } from 'react';
import { DEFAULT_DATABASE, locationOf, type Location } from '../../../../shared/contract/location';
import type { PierApi } from '../../../../shared/contract/contract';
import { assertNever } from '../../../../shared/contract/result';
import type { TrackedOperationDto } from '../../../../shared/management/workspaceSchemas';
import { cloudCommands, useStartOperation } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { describeError } from '../../api/RpcCallError';
import { useSignInAgain } from '../../api/workspaces';
import { useToasts } from '../../ui/toasts/ToastViewport';
import type { RelationInfo } from '../tables/relation';
import type { ToolRequest } from '../tabs/toolRequest';
import { dialogFor, type OpenDialog } from './ExplorerDialogs';
import type { MenuState } from './NodeMenu';
import { nodeActions, type NodeAction } from './nodeActions';
import type { ExplorerNode } from './treeModel';
import { useExplorerRefresh } from './useExplorerData';

interface NodeActionsOptions {
  readonly onOpen: (at: Location, relation: RelationInfo) => void;
  readonly onTool?: ((request: ToolRequest) => void) | undefined;
  /** The rows' elements by node id, to give focus back to the row an action came from. */
  readonly items: RefObject<Map<string, HTMLDivElement>>;
}

/** One-click changes run at once; their progress and outcome show in the operations panel. */
interface QuickOperation {
  readonly what: string;
  readonly run: () => Promise<TrackedOperationDto>;
}

/**
 * What a row's menu does: opens dialogs, starts one-click operations, opens tables and admin
 * tools. Owns the open menu and dialog; focus goes back to the row an action came from.
 */
export function useNodeActions({ onOpen, onTool, items }: NodeActionsOptions) {
  const api = usePierApi();
  const toasts = useToasts();
  const { refreshNode } = useExplorerRefresh();
  const [menu, setMenu] = useState<MenuState | null>(null);
  const [dialog, setDialog] = useState<OpenDialog | null>(null);
  const returnFocusTo = useRef<string | null>(null);
  const refocus = (id: string | null) => {
    if (id) requestAnimationFrame(() => items.current?.get(id)?.focus());
  };
  const failed = (what: string | null) => (error: unknown) => {
    const { code, message, hint } = describeError(error);
    toasts.push({ tone: 'error', message: what ? `${what} failed: ${message}` : message, hint, code });
  };
  // A refusal to start is a toast naming what was asked.
  const quick = useStartOperation((op: QuickOperation) => op.run());
  const signInAgain = useSignInAgain();

  const run = (node: ExplorerNode, action: NodeAction) => {
    setMenu(null);
    returnFocusTo.current = node.id;
    refocus(node.id);
    switch (action.kind) {
      case 'open':
        if (node.kind === 'relation') onOpen(node.at, node.relation);
        return;
      case 'createBranch':
      case 'deleteBranch':
      case 'resetSample':
      case 'resetBranch':
      case 'restoreBranch':
      case 'createProject':
      case 'createEndpoint':
      case 'deleteEndpoint':
      case 'dataApi':
      case 'branchTimeline':
      case 'replaceToken':
      case 'removeWorkspace': {
        const next = dialogFor(node, action);
        if (next) setDialog(next);
        else if (action.kind === 'createBranch')
          toasts.push({ tone: 'info', message: `Open ${node.label} first so Pier knows its branches.` });
        return;
      }
      case 'protect':
      case 'unprotect':
      case 'setDefault':
      case 'suspendEndpoint':
      case 'resumeEndpoint': {
        const op = quickOperation(api, node, action);
        if (op) quick.mutate(op, { onError: failed(op.what) });
        return;
      }
      case 'copyHost':
        if (node.kind === 'endpoint' && node.endpoint.host) copyHost(node.endpoint.host);
        return;
      case 'signInAgain':
        if (node.kind === 'workspace') signInAgain.mutate(node.workspace, { onError: failed(null) });
        return;
      case 'refresh':
        refreshNode(node);
        return;
      case 'sqlEditor':
      case 'roles':
      case 'setup':
        if (node.kind === 'database') onTool?.({ tool: action.kind === 'sqlEditor' ? 'sql' : action.kind, at: node.at });
        return;
      case 'policies':
        if (node.kind === 'relation') onTool?.({ tool: 'policies', schema: node.relation.schema, table: node.relation.name, at: node.at });
        return;
      case 'newTable':
      case 'designTable':
        if (node.kind === 'schema') onTool?.({ tool: 'tableDesigner', schema: node.label, table: null, at: node.at });
        if (node.kind === 'relation')
          onTool?.({ tool: 'tableDesigner', schema: node.relation.schema, table: node.relation.name, at: node.at });
        return;
      case 'erDiagram':
        if (node.kind === 'schema') onTool?.({ tool: 'erDiagram', schema: node.label, at: node.at });
        return;
      case 'compareSchema':
        if (node.kind === 'branch') {
          // This branch on the left, its parent (or itself, to pick another) on the right.
          const at = locationOf(node.workspaceId, node.branch.name, DEFAULT_DATABASE);
          onTool?.({
            tool: 'schemaDiff',
            at,
            right: locationOf(node.workspaceId, node.branch.sourceBranch ?? node.branch.name, DEFAULT_DATABASE),
          });
        }
        return;
      case 'compareData':
        if (node.kind === 'relation') onTool?.({ tool: 'dataDiff', schema: node.relation.schema, table: node.relation.name, at: node.at });
        return;
      case 'dataApiConsole':
        if (node.kind === 'database') onTool?.({ tool: 'dataApiConsole', at: node.at });
        return;
      default:
        assertNever(action, 'node action');
    }
  };

  const copyHost = (host: string) =>
    navigator.clipboard.writeText(host).then(
      () => toasts.push({ tone: 'info', message: `Copied ${host}` }),
      () =>
        toasts.push({
          tone: 'error',
          message: `Couldn’t copy: ${host}`,
          hint: 'The browser refused clipboard access; select the host from the row’s tooltip instead.',
        }),
    );

  return {
    menu,
    dialog,
    run,
    openMenu: (node: ExplorerNode, x: number, y: number) => {
      if (nodeActions(node).length > 0) setMenu({ node, x, y });
    },
    closeMenu: () => {
      if (menu) items.current?.get(menu.node.id)?.focus();
      setMenu(null);
    },
    openDialog: (next: OpenDialog) => {
      returnFocusTo.current = null;
      setDialog(next);
    },
    closeDialog: () => {
      setDialog(null);
      refocus(returnFocusTo.current);
    },
  };
}

/** Protect, set default, suspend, resume: started by one click, no dialog. */
function quickOperation(api: PierApi, node: ExplorerNode, action: NodeAction): QuickOperation | null {
  if (node.kind === 'branch') {
    const { workspaceId, branch } = node;
    if (action.kind === 'protect' || action.kind === 'unprotect') {
      const isProtected = action.kind === 'protect';
      return {
        what: `${isProtected ? 'Protecting' : 'Unprotecting'} ${branch.id}`,
        run: () => cloudCommands.updateBranch(api, { workspaceId, branch: branch.name, isProtected }),
      };
    }
    if (action.kind === 'setDefault')
      return {
        what: `Making ${branch.id} the default branch`,
        run: () => cloudCommands.setDefaultBranch(api, { workspaceId, branch: branch.name }),
      };
  }
  if (node.kind === 'endpoint' && (action.kind === 'suspendEndpoint' || action.kind === 'resumeEndpoint')) {
    const { workspaceId, endpoint } = node;
    const disabled = action.kind === 'suspendEndpoint';
    return {
      what: `${disabled ? 'Suspending' : 'Resuming'} ${endpoint.id}`,
      run: () => cloudCommands.updateEndpoint(api, { workspaceId, endpoint: endpoint.name, disabled }),
    };
  }
  return null;
}
