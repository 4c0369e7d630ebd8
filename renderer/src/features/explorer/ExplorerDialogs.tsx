import { workspaceOf } from '../../../../shared/contract/location';
import { assertNever } from '../../../../shared/contract/result';
import type { BranchSummary, EndpointSummary, WorkspaceInfoDto } from '../../../../shared/management/workspaceSchemas';
import { AddWorkspaceDialog } from '../workspaces/AddWorkspaceDialog';
import { RemoveWorkspaceDialog } from '../workspaces/RemoveWorkspaceDialog';
import { ReplaceTokenDialog } from '../workspaces/ReplaceTokenDialog';
import { CreateBranchDialog } from './CreateBranchDialog';
import { CreateEndpointDialog } from './CreateEndpointDialog';
import { CreateProjectDialog } from './CreateProjectDialog';
import { DataApiDialog } from './DataApiDialog';
import { DeleteBranchDialog } from './DeleteBranchDialog';
import { DeleteEndpointDialog } from './DeleteEndpointDialog';
import { ResetSampleDialog } from './ResetSampleDialog';
import { RestoreBranchDialog } from './RestoreBranchDialog';
import { BranchTimelineDialog } from '../branchTimeline/BranchTimelineDialog';
import type { TimelineLane } from '../branchTimeline/timelineLayout';
import type { NodeAction } from './nodeActions';
import type { ExplorerNode } from './treeModel';

/** The dialog the tree has open, with what it acts on. */
export type OpenDialog =
  | {
      readonly kind: 'createBranch';
      readonly workspaceId: string;
      readonly project: string;
      readonly branches: readonly BranchSummary[];
      readonly source: string;
    }
  | { readonly kind: 'deleteBranch'; readonly workspaceId: string; readonly branch: BranchSummary }
  | { readonly kind: 'resetSample'; readonly branch: BranchSummary }
  | {
      readonly kind: 'resetBranch' | 'restoreBranch';
      readonly workspaceId: string;
      readonly branch: BranchSummary;
      readonly branches: readonly BranchSummary[];
    }
  | { readonly kind: 'createProject'; readonly workspaceId: string }
  | { readonly kind: 'createEndpoint'; readonly workspaceId: string; readonly branch: string; readonly hasReadWrite: boolean }
  | { readonly kind: 'deleteEndpoint'; readonly workspaceId: string; readonly endpoint: EndpointSummary }
  | { readonly kind: 'dataApi'; readonly workspaceId: string; readonly database: string; readonly label: string }
  | { readonly kind: 'addWorkspace' }
  | { readonly kind: 'branchTimeline'; readonly workspaceId: string; readonly project: string; readonly label: string }
  | { readonly kind: 'removeWorkspace'; readonly workspace: WorkspaceInfoDto }
  | { readonly kind: 'replaceToken'; readonly workspace: WorkspaceInfoDto };

/**
 * The dialog a row action opens; null when the action is not a dialog, or the row cannot say yet
 * (a project's new branch needs its branches listed).
 */
export function dialogFor(node: ExplorerNode, action: NodeAction): OpenDialog | null {
  switch (action.kind) {
    case 'createBranch':
      if (node.kind === 'branch')
        return {
          kind: 'createBranch',
          workspaceId: node.workspaceId,
          project: node.project,
          branches: node.siblings,
          source: node.branch.name,
        };
      if (node.kind === 'project') {
        const branches = node.children.flatMap(branchesIn);
        const source = node.project.defaultBranch ?? branches.find((b) => b.isDefault)?.name ?? branches[0]?.name;
        return source ? { kind: 'createBranch', workspaceId: node.workspaceId, project: node.project.name, branches, source } : null;
      }
      return null;
    case 'deleteBranch':
      return node.kind === 'branch' ? { kind: 'deleteBranch', workspaceId: node.workspaceId, branch: node.branch } : null;
    case 'resetSample':
      return node.kind === 'branch' ? { kind: 'resetSample', branch: node.branch } : null;
    case 'resetBranch':
    case 'restoreBranch':
      return node.kind === 'branch'
        ? { kind: action.kind, workspaceId: node.workspaceId, branch: node.branch, branches: node.siblings }
        : null;
    case 'createProject':
      return node.kind === 'workspace' ? { kind: 'createProject', workspaceId: node.workspace.id } : null;
    case 'createEndpoint': {
      if (node.kind !== 'branch') return null;
      const hasReadWrite = node.children.some((c) => c.kind === 'endpoint' && c.endpoint.type === 'ENDPOINT_TYPE_READ_WRITE');
      return { kind: 'createEndpoint', workspaceId: node.workspaceId, branch: node.branch.name, hasReadWrite };
    }
    case 'deleteEndpoint':
      return node.kind === 'endpoint' ? { kind: 'deleteEndpoint', workspaceId: node.workspaceId, endpoint: node.endpoint } : null;
    case 'dataApi':
      return node.kind === 'database'
        ? { kind: 'dataApi', workspaceId: workspaceOf(node.at), database: node.database.name, label: node.label }
        : null;
    case 'replaceToken':
    case 'removeWorkspace':
      return node.kind === 'workspace' ? { kind: action.kind, workspace: node.workspace } : null;
    case 'branchTimeline':
      if (node.kind === 'project')
        return { kind: 'branchTimeline', workspaceId: node.workspaceId, project: node.project.name, label: node.label };
      if (node.kind === 'branch') {
        return {
          kind: 'branchTimeline',
          workspaceId: node.workspaceId,
          project: node.project,
          label: node.project.replace(/^projects\//, ''),
        };
      }
      return null;
    case 'open':
    case 'setDefault':
    case 'protect':
    case 'unprotect':
    case 'suspendEndpoint':
    case 'resumeEndpoint':
    case 'copyHost':
    case 'sqlEditor':
    case 'roles':
    case 'setup':
    case 'policies':
    case 'newTable':
    case 'designTable':
    case 'erDiagram':
    case 'compareSchema':
    case 'compareData':
    case 'dataApiConsole':
    case 'signInAgain':
    case 'refresh':
      return null;
    default:
      return assertNever(action, 'node action');
  }
}

function branchesIn(node: ExplorerNode): BranchSummary[] {
  return node.kind === 'branch' ? [node.branch, ...node.children.flatMap(branchesIn)] : [];
}

export function DialogFor({
  dialog,
  onClose,
  onSelectBranch,
}: {
  dialog: OpenDialog;
  onClose: () => void;
  /** Selects a branch's row in the tree (the timeline's lanes). */
  onSelectBranch?: (workspaceId: string, lane: TimelineLane) => void;
}) {
  switch (dialog.kind) {
    case 'createBranch':
      return (
        <CreateBranchDialog
          workspaceId={dialog.workspaceId}
          project={dialog.project}
          branches={dialog.branches}
          sourceBranch={dialog.source}
          onClose={onClose}
        />
      );
    case 'deleteBranch':
      return <DeleteBranchDialog workspaceId={dialog.workspaceId} branch={dialog.branch} onClose={onClose} />;
    case 'resetSample':
      return <ResetSampleDialog branch={dialog.branch} onClose={onClose} />;
    case 'resetBranch':
    case 'restoreBranch':
      return (
        <RestoreBranchDialog
          mode={dialog.kind === 'resetBranch' ? 'reset' : 'restore'}
          workspaceId={dialog.workspaceId}
          branch={dialog.branch}
          branches={dialog.branches}
          onClose={onClose}
        />
      );
    case 'createProject':
      return <CreateProjectDialog workspaceId={dialog.workspaceId} onClose={onClose} />;
    case 'createEndpoint':
      return (
        <CreateEndpointDialog
          workspaceId={dialog.workspaceId}
          branch={dialog.branch}
          hasReadWrite={dialog.hasReadWrite}
          onClose={onClose}
        />
      );
    case 'deleteEndpoint':
      return <DeleteEndpointDialog workspaceId={dialog.workspaceId} endpoint={dialog.endpoint} onClose={onClose} />;
    case 'dataApi':
      return <DataApiDialog workspaceId={dialog.workspaceId} database={dialog.database} label={dialog.label} onClose={onClose} />;
    case 'addWorkspace':
      return <AddWorkspaceDialog onClose={onClose} />;
    case 'removeWorkspace':
      return <RemoveWorkspaceDialog workspace={dialog.workspace} onClose={onClose} />;
    case 'replaceToken':
      return <ReplaceTokenDialog workspace={dialog.workspace} onClose={onClose} />;
    case 'branchTimeline':
      return (
        <BranchTimelineDialog
          workspaceId={dialog.workspaceId}
          project={dialog.project}
          label={dialog.label}
          onClose={onClose}
          onSelect={(lane) => onSelectBranch?.(dialog.workspaceId, lane)}
        />
      );
    default:
      return assertNever(dialog, 'dialog');
  }
}
