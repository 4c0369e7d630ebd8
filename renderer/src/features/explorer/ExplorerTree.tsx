import { useEffect, useRef, useState } from 'react';
import type { Location } from '../../../../shared/contract/location';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { Icon } from '../../ui/Icon';
import type { RelationInfo } from '../tables/relation';
import type { ToolRequest } from '../tabs/toolRequest';
import { DialogFor } from './ExplorerDialogs';
import { NodeMenu } from './NodeMenu';
import { nodeActions } from './nodeActions';
import { TreeRow, TreeSkeleton, useMinuteClock } from './TreeRow';
import { useNodeActions } from './useNodeActions';
import { useTreeState } from './useTreeState';
import { nodeId } from './treeData';
import { explorerCommands } from './explorerCommands';
import { useCommandSource } from '../../ui/commands/CommandRegistry';
import './explorer.css';

interface ExplorerTreeProps {
  /** Id of the relation shown in the active tab, marked as selected. */
  readonly selectedId: string | null;
  readonly onOpen: (at: Location, relation: RelationInfo) => void;
  /** An admin tool asked for from a row's menu (on that row's database, or table). */
  readonly onTool?: (request: ToolRequest) => void;
}

/**
 * Workspaces → projects → branches (nested by source) → endpoints and databases → schemas →
 * tables, as one WAI-ARIA tree with a single tab stop. State and keyboard live in useTreeState,
 * what the row menus do in useNodeActions; this draws them.
 */
export function ExplorerTree({ selectedId, onOpen, onTool }: ExplorerTreeProps) {
  const items = useRef(new Map<string, HTMLDivElement>());
  const actions = useNodeActions({ onOpen, onTool, items });
  const tree = useTreeState({ selectedId, onOpen, onMenu: actions.openMenu, items });
  const { workspaces, rows, filter, filtering } = tree;
  const { menu } = actions;
  const now = useMinuteClock();
  const filterInput = useRef<HTMLInputElement>(null);
  // A row to focus once it shows (a branch chosen on the timeline, under rows being opened).
  const [pendingFocus, setPendingFocus] = useState<string | null>(null);
  useEffect(() => {
    if (!pendingFocus || !rows.some((r) => r.node.id === pendingFocus)) return;
    tree.setFocusedId(pendingFocus);
    requestAnimationFrame(() => items.current.get(pendingFocus)?.focus());
    setPendingFocus(null);
  });
  useCommandSource('explorer', () =>
    explorerCommands(tree.loaded, {
      run: actions.run,
      addWorkspace: () => actions.openDialog({ kind: 'addWorkspace' }),
      focusFilter: () => filterInput.current?.focus(),
      focusTree: () => (tree.tabStopId ? items.current.get(tree.tabStopId)?.focus() : undefined),
    }),
  );

  return (
    <div className="explorer">
      {(workspaces.data !== undefined || workspaces.isError) && (
        <div className="explorer__toolbar">
          <div className="explorer__filter">
            <Icon name="search" className="explorer__filter-icon" />
            <input
              ref={filterInput}
              type="search"
              className="explorer__filter-input"
              placeholder="Filter tables"
              aria-label="Filter tables"
              value={filter}
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => tree.setFilter(e.target.value)}
              onKeyDown={tree.onFilterKeyDown}
            />
          </div>
          {/* Says what it adds: a bare "+" beside "Filter tables" read as "add a table". */}
          <button
            type="button"
            className="explorer__add"
            aria-label="Add workspace"
            title="Add a Databricks workspace"
            onClick={() => actions.openDialog({ kind: 'addWorkspace' })}
          >
            <Icon name="plus" />
            Workspace
          </button>
        </div>
      )}
      {workspaces.isPending && <TreeSkeleton />}
      {workspaces.isError && (
        <ErrorPanel
          compact
          title="Workspaces are unavailable: showing the local database only"
          error={workspaces.error}
          onRetry={() => void workspaces.refetch()}
        />
      )}
      <div
        role="tree"
        aria-label="Database explorer"
        aria-busy={workspaces.isFetching || undefined}
        className="tree"
        onKeyDown={tree.onKeyDown}
        hidden={rows.length === 0}
      >
        {rows.map((row) => (
          <TreeRow
            key={row.node.id}
            row={row}
            now={now}
            selected={row.node.id === selectedId}
            highlight={filtering ? filter.trim() : ''}
            tabbable={row.node.id === tree.tabStopId}
            hasActions={nodeActions(row.node).length > 0}
            register={(el) => {
              if (el) items.current.set(row.node.id, el);
              else items.current.delete(row.node.id);
            }}
            onFocus={() => tree.setFocusedId(row.node.id)}
            onClick={() => tree.click(row)}
            onToggle={() => tree.setNodeExpanded(row.node.id, !row.expanded)}
            onMenu={(event) => {
              event.preventDefault();
              event.stopPropagation();
              tree.setFocusedId(row.node.id);
              actions.openMenu(row.node, event.clientX, event.clientY);
            }}
          />
        ))}
      </div>
      {filtering && rows.length === 0 && (
        <p className="explorer__no-match">
          No tables match “{filter.trim()}”. <kbd>Esc</kbd> clears the filter.
        </p>
      )}
      {menu && <NodeMenu menu={menu} onPick={(action) => actions.run(menu.node, action)} onClose={actions.closeMenu} />}
      {actions.dialog && (
        <DialogFor
          dialog={actions.dialog}
          onClose={actions.closeDialog}
          onSelectBranch={(ws, lane) => {
            // Open the path down to the branch, then focus its row once it is drawn.
            const project = lane.branch.name.split('/branches/')[0]!;
            for (const id of [nodeId.project(ws, project), ...lane.ancestors.map((a) => nodeId.branch(ws, a))])
              tree.setNodeExpanded(id, true);
            setPendingFocus(nodeId.branch(ws, lane.branch.name));
            actions.closeDialog();
          }}
        />
      )}
    </div>
  );
}
