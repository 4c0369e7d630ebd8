import { assertNever } from '../../../../shared/contract/result';
import type { Command } from '../../ui/commands/command';
import { actionLabel, nodeActions, type NodeAction } from './nodeActions';
import { childrenOf, type ExplorerNode } from './treeModel';

export interface ExplorerCommandHandlers {
  readonly run: (node: ExplorerNode, action: NodeAction) => void;
  readonly addWorkspace: () => void;
  readonly focusFilter: () => void;
  readonly focusTree: () => void;
}

/**
 * The explorer's palette commands: the row menus' actions of every loaded workspace, project,
 * branch and endpoint (named after their row), and the explorer's own buttons.
 */
export function explorerCommands(roots: readonly ExplorerNode[], handlers: ExplorerCommandHandlers): Command[] {
  const commands: Command[] = [
    { id: 'explorer.focus', title: 'Go to the explorer', group: 'Explorer', keywords: ['tree', 'sidebar'], run: handlers.focusTree },
    { id: 'explorer.filter', title: 'Filter tables', group: 'Explorer', keywords: ['search', 'find'], run: handlers.focusFilter },
    {
      id: 'explorer.addWorkspace',
      title: 'Add a Databricks workspace…',
      group: 'Explorer',
      keywords: ['cloud', 'connect'],
      run: handlers.addWorkspace,
    },
  ];
  const visit = (node: ExplorerNode) => {
    const subject = subjectOf(node);
    if (subject) {
      for (const action of nodeActions(node)) {
        if (action.kind === 'open') continue;
        commands.push({
          id: `node.${node.id}.${action.kind}`,
          title: `${subject.what} ${node.label}: ${actionLabel(action)}`,
          group: subject.group,
          keywords: [node.label, subject.what],
          run: () => handlers.run(node, action),
        });
      }
    }
    childrenOf(node).forEach(visit);
  };
  roots.forEach(visit);
  return commands;
}

function subjectOf(node: ExplorerNode): { what: string; group: Command['group'] } | null {
  switch (node.kind) {
    case 'workspace':
      return { what: 'Workspace', group: 'Explorer' };
    case 'project':
      return { what: 'Project', group: 'Branches' };
    case 'branch':
      return { what: 'Branch', group: 'Branches' };
    case 'endpoint':
      return { what: 'Endpoint', group: 'Branches' };
    // Tables and the database's tools come from the shell's own commands.
    case 'database':
    case 'schema':
    case 'relation':
    case 'routine':
    case 'status':
      return null;
    default:
      return assertNever(node, 'explorer node');
  }
}
