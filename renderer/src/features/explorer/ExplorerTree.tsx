import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { RelationKind } from '../../../../shared/contract/catalog';
import { assertNever } from '../../../../shared/contract/result';
import type { BranchSummary, EndpointSummary, TrackedOperationDto, WorkspaceInfoDto } from '../../../../shared/management/workspaceSchemas';
import { catalogKeys } from '../../api/catalog';
import { cloudCommands, cloudKeys } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { describeError } from '../../api/RpcCallError';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { Icon, type IconName } from '../../ui/Icon';
import { useToasts } from '../../ui/toasts/ToastViewport';
import { AddWorkspaceDialog } from '../workspaces/AddWorkspaceDialog';
import { RemoveWorkspaceDialog } from '../workspaces/RemoveWorkspaceDialog';
import { ReplaceTokenDialog } from '../workspaces/ReplaceTokenDialog';
import { CreateBranchDialog } from './CreateBranchDialog';
import { CreateEndpointDialog } from './CreateEndpointDialog';
import { CreateProjectDialog } from './CreateProjectDialog';
import { DataApiDialog } from './DataApiDialog';
import { DeleteBranchDialog } from './DeleteBranchDialog';
import { DeleteEndpointDialog } from './DeleteEndpointDialog';
import {
  allBranchIds,
  buildExplorerTree,
  catalogBranch,
  childrenOf,
  defaultExpanded,
  filterExplorerTree,
  formatExpiry,
  formatRowEstimate,
  treeKeyAction,
  visibleRows,
  type ExplorerNode,
  type RelationRef,
  type VisibleRow,
} from './explorerTree';
import { actionLabel, nodeActions, type NodeAction } from './nodeActions';
import { relationLocation, type ToolRequest } from '../tabs/tabsState';
import { useExplorerData } from './useExplorerData';
import './explorer.css';
import { formatSize } from './formatSize';

const INDENT_PX = 14;

interface ExplorerTreeProps {
  /** Id of the relation shown in the active tab, marked as selected. */
  readonly selectedId: string | null;
  readonly onOpen: (relation: RelationRef) => void;
  /** An admin tool asked for from a row's menu (on that row's branch and database, or table). */
  readonly onTool?: (request: ToolRequest) => void;
}

type OpenDialog =
  | {
      readonly kind: 'createBranch';
      readonly workspaceId: string;
      readonly project: string;
      readonly branches: readonly BranchSummary[];
      readonly source: string;
    }
  | { readonly kind: 'deleteBranch'; readonly workspaceId: string; readonly branch: BranchSummary }
  | { readonly kind: 'createProject'; readonly workspaceId: string }
  | { readonly kind: 'createEndpoint'; readonly workspaceId: string; readonly branch: string; readonly hasReadWrite: boolean }
  | { readonly kind: 'deleteEndpoint'; readonly workspaceId: string; readonly endpoint: EndpointSummary }
  | { readonly kind: 'dataApi'; readonly workspaceId: string; readonly database: string; readonly label: string }
  | { readonly kind: 'addWorkspace' }
  | { readonly kind: 'removeWorkspace'; readonly workspace: WorkspaceInfoDto }
  | { readonly kind: 'replaceToken'; readonly workspace: WorkspaceInfoDto };

interface MenuState {
  readonly node: ExplorerNode;
  readonly x: number;
  readonly y: number;
}

/**
 * Workspaces → projects → branches (nested by source) → endpoints and databases → schemas →
 * tables, as one WAI-ARIA tree with a single tab stop. Children load when a node opens.
 */
export function ExplorerTree({ selectedId, onOpen, onTool }: ExplorerTreeProps) {
  const api = usePierApi();
  const queryClient = useQueryClient();
  const toasts = useToasts();
  const [filter, setFilter] = useState('');
  const filtering = filter.trim() !== '';
  // null until the user expands or collapses something: until then the default path is open.
  const [expandedByUser, setExpanded] = useState<ReadonlySet<string> | null>(null);
  // While filtering every match is shown open; collapsing then only lasts until the filter changes.
  const [collapsedInFilter, setCollapsedInFilter] = useState<ReadonlySet<string>>(new Set());
  // Data is asked for by what is open; the default path is derived from what already loaded.
  const [openForData, setOpenForData] = useState<ReadonlySet<string>>(new Set());
  const { data, workspaces } = useExplorerData(openForData);
  const fullTree = buildExplorerTree(data);
  // Rebuilt each render: the tree is small next to a render, and the data lookups are fresh objects.
  const roots = filterExplorerTree(fullTree, filter);
  const defaults = defaultExpanded(fullTree);
  const expanded = (() => {
    if (!filtering) return expandedByUser ?? defaults;
    const open = allBranchIds(roots);
    for (const id of collapsedInFilter) open.delete(id);
    return open;
  })();
  // Only nodes still in the tree ask for data: a deleted branch left expanded asks nothing.
  const present = allBranchIds(fullTree);
  const expandedKey = [...expanded]
    .filter((id) => present.has(id))
    .sort()
    .join('\n');
  const openKey = [...openForData].sort().join('\n');
  useEffect(() => {
    // While filtering only what is already loaded is searched; nothing new is fetched.
    if (!filtering && expandedKey !== openKey) setOpenForData(new Set(expandedKey ? expandedKey.split('\n') : []));
  }, [filtering, expandedKey, openKey]);

  const rows = visibleRows(roots, expanded);
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const items = useRef(new Map<string, HTMLDivElement>());
  const [menu, setMenu] = useState<MenuState | null>(null);
  const [dialog, setDialog] = useState<OpenDialog | null>(null);
  const now = useMinuteClock();

  // One-click changes (protect, set default, suspend, resume): progress and outcome show in the
  // operations panel; a refusal to start is a toast naming what was asked.
  const quick = useMutation({
    mutationFn: (v: { what: string; run: () => Promise<TrackedOperationDto> }) => v.run(),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: cloudKeys.operations() }),
    onError: (error, v) => {
      const { code, message, hint } = describeError(error);
      toasts.push({ tone: 'error', message: `${v.what} failed: ${message}`, hint, code });
    },
  });
  const signInAgain = useMutation({
    mutationFn: (workspace: WorkspaceInfoDto) => cloudCommands.signInAgain(api, workspace.id),
    onSuccess: (_w, workspace) => queryClient.invalidateQueries({ queryKey: cloudKeys.workspace(workspace.id) }),
    onError: (error) => {
      const { code, message, hint } = describeError(error);
      toasts.push({ tone: 'error', message, hint, code });
    },
  });

  // The one tab stop: the focused row if still visible, else the selected table, else the first row.
  const tabStopId =
    rows.find((r) => r.node.id === focusedId)?.node.id ?? rows.find((r) => r.node.id === selectedId)?.node.id ?? rows[0]?.node.id ?? null;

  const setNodeExpanded = (id: string, open: boolean) => {
    if (filtering) {
      setCollapsedInFilter((prev) => {
        const next = new Set(prev);
        if (open) next.delete(id);
        else next.add(id);
        return next;
      });
      return;
    }
    setExpanded((prev) => {
      const next = new Set(prev ?? expanded);
      if (open) next.add(id);
      else next.delete(id);
      return next;
    });
  };

  const moveFocus = (id: string) => {
    setFocusedId(id);
    items.current.get(id)?.focus();
  };

  const activate = (row: VisibleRow) => {
    const node = row.node;
    if (node.kind === 'relation') onOpen(node.relation);
    else if (node.kind === 'status') node.retry?.();
    else if (row.expandable) setNodeExpanded(node.id, !row.expanded);
  };

  const openMenu = (node: ExplorerNode, x: number, y: number) => {
    if (nodeActions(node).length > 0) setMenu({ node, x, y });
  };

  const refresh = (node: ExplorerNode) => {
    switch (node.kind) {
      case 'workspace':
        void queryClient.invalidateQueries({ queryKey: cloudKeys.workspace(node.workspace.id) });
        void queryClient.invalidateQueries({
          queryKey: node.workspace.kind === 'local' ? catalogKeys.schemas() : catalogKeys.cloudBranch(node.workspace.id),
        });
        return;
      case 'project':
        void queryClient.invalidateQueries({ queryKey: cloudKeys.branches(node.workspaceId, node.project.name) });
        return;
      case 'branch': {
        void queryClient.invalidateQueries({ queryKey: cloudKeys.branches(node.workspaceId, node.project) });
        void queryClient.invalidateQueries({ queryKey: cloudKeys.endpoints(node.workspaceId, node.branch.name) });
        void queryClient.invalidateQueries({ queryKey: cloudKeys.databases(node.workspaceId, node.branch.name) });
        const target = catalogBranch(node.workspaceId, node.branch.name);
        if (target.kind === 'local') void queryClient.invalidateQueries({ queryKey: catalogKeys.schemas(target.branch), exact: true });
        else void queryClient.invalidateQueries({ queryKey: catalogKeys.cloudBranch(target.workspaceId, target.branch) });
        return;
      }
      default:
        return;
    }
  };

  // Focus goes back to the row the action came from: after a dialog closes, or at once.
  const returnFocusTo = useRef<string | null>(null);
  const refocus = (id: string | null) => {
    if (id) requestAnimationFrame(() => items.current.get(id)?.focus());
  };
  const runAction = (node: ExplorerNode, action: NodeAction) => {
    setMenu(null);
    returnFocusTo.current = node.id;
    refocus(node.id);
    switch (action.kind) {
      case 'open':
        if (node.kind === 'relation') onOpen(node.relation);
        return;
      case 'createBranch':
        if (node.kind === 'branch') {
          setDialog({
            kind: 'createBranch',
            workspaceId: node.workspaceId,
            project: node.project,
            branches: node.siblings,
            source: node.branch.name,
          });
        } else if (node.kind === 'project') {
          const branches = node.children.flatMap(branchesIn);
          const source = node.project.defaultBranch ?? branches.find((b) => b.isDefault)?.name ?? branches[0]?.name;
          if (source) setDialog({ kind: 'createBranch', workspaceId: node.workspaceId, project: node.project.name, branches, source });
          else toasts.push({ tone: 'info', message: `Open ${node.label} first so Pier knows its branches.` });
        }
        return;
      case 'protect':
      case 'unprotect':
        if (node.kind === 'branch') {
          const isProtected = action.kind === 'protect';
          const { workspaceId, branch } = node;
          quick.mutate({
            what: `${isProtected ? 'Protecting' : 'Unprotecting'} ${branch.id}`,
            run: () => cloudCommands.updateBranch(api, { workspaceId, branch: branch.name, isProtected }),
          });
        }
        return;
      case 'setDefault':
        if (node.kind === 'branch') {
          const { workspaceId, branch } = node;
          quick.mutate({
            what: `Making ${branch.id} the default branch`,
            run: () => cloudCommands.setDefaultBranch(api, { workspaceId, branch: branch.name }),
          });
        }
        return;
      case 'createProject':
        if (node.kind === 'workspace') setDialog({ kind: 'createProject', workspaceId: node.workspace.id });
        return;
      case 'createEndpoint':
        if (node.kind === 'branch') {
          const hasReadWrite = node.children.some((c) => c.kind === 'endpoint' && c.endpoint.type === 'ENDPOINT_TYPE_READ_WRITE');
          setDialog({ kind: 'createEndpoint', workspaceId: node.workspaceId, branch: node.branch.name, hasReadWrite });
        }
        return;
      case 'suspendEndpoint':
      case 'resumeEndpoint':
        if (node.kind === 'endpoint') {
          const disabled = action.kind === 'suspendEndpoint';
          const { workspaceId, endpoint } = node;
          quick.mutate({
            what: `${disabled ? 'Suspending' : 'Resuming'} ${endpoint.id}`,
            run: () => cloudCommands.updateEndpoint(api, { workspaceId, endpoint: endpoint.name, disabled }),
          });
        }
        return;
      case 'deleteEndpoint':
        if (node.kind === 'endpoint') setDialog({ kind: 'deleteEndpoint', workspaceId: node.workspaceId, endpoint: node.endpoint });
        return;
      case 'copyHost':
        if (node.kind === 'endpoint' && node.endpoint.host) {
          const host = node.endpoint.host;
          navigator.clipboard.writeText(host).then(
            () => toasts.push({ tone: 'info', message: `Copied ${host}` }),
            () =>
              toasts.push({
                tone: 'error',
                message: `Couldn’t copy: ${host}`,
                hint: 'The browser refused clipboard access; select the host from the row’s tooltip instead.',
              }),
          );
        }
        return;
      case 'dataApi':
        if (node.kind === 'database')
          setDialog({ kind: 'dataApi', workspaceId: node.workspaceId, database: node.database.name, label: node.label });
        return;
      case 'deleteBranch':
        if (node.kind === 'branch') setDialog({ kind: 'deleteBranch', workspaceId: node.workspaceId, branch: node.branch });
        return;
      case 'signInAgain':
        if (node.kind === 'workspace') signInAgain.mutate(node.workspace);
        return;
      case 'replaceToken':
        if (node.kind === 'workspace') setDialog({ kind: 'replaceToken', workspace: node.workspace });
        return;
      case 'removeWorkspace':
        if (node.kind === 'workspace') setDialog({ kind: 'removeWorkspace', workspace: node.workspace });
        return;
      case 'refresh':
        refresh(node);
        return;
      case 'sqlEditor':
      case 'roles':
      case 'setup':
        if (node.kind === 'database') {
          const target = catalogBranch(node.workspaceId, node.branch);
          const at =
            target.kind === 'local'
              ? target.branch
                ? { branch: target.branch }
                : {}
              : { workspaceId: target.workspaceId, branch: target.branch, database: node.database.postgresDatabase };
          onTool?.({ tool: action.kind === 'sqlEditor' ? 'sql' : action.kind, at });
        }
        return;
      case 'policies':
        if (node.kind === 'relation')
          onTool?.({ tool: 'policies', schema: node.relation.schema, table: node.relation.name, at: relationLocation(node.relation) });
        return;
      default:
        assertNever(action, 'node action');
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const action = treeKeyAction(event.key, rows, tabStopId, event.shiftKey);
    switch (action.kind) {
      case 'none':
        return;
      case 'focus':
        moveFocus(action.id);
        break;
      case 'expand':
        setNodeExpanded(action.id, true);
        break;
      case 'collapse':
        setNodeExpanded(action.id, false);
        break;
      case 'activate': {
        const row = rows.find((r) => r.node.id === action.id);
        if (row) activate(row);
        break;
      }
      case 'menu': {
        const row = rows.find((r) => r.node.id === action.id);
        const rect = items.current.get(action.id)?.getBoundingClientRect();
        if (row && rect) openMenu(row.node, rect.left + 24, rect.bottom);
        break;
      }
      default:
        assertNever(action, 'tree action');
    }
    event.preventDefault();
  };

  const onFilterKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || (event.key === 'Enter' && filtering)) {
      // Into the tree: the first match when filtering, else where the user last was.
      const target = (filtering ? rows.find((r) => r.node.kind === 'relation') : undefined)?.node.id ?? tabStopId;
      if (target) moveFocus(target);
      event.preventDefault();
    } else if (event.key === 'Escape' && filter) {
      setFilter('');
      event.preventDefault();
    }
  };

  return (
    <div className="explorer">
      {(workspaces.data !== undefined || workspaces.isError) && (
        <div className="explorer__toolbar">
          <div className="explorer__filter">
            <Icon name="search" className="explorer__filter-icon" />
            <input
              type="search"
              className="explorer__filter-input"
              placeholder="Filter tables"
              aria-label="Filter tables"
              value={filter}
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => {
                setFilter(e.target.value);
                setCollapsedInFilter(new Set());
              }}
              onKeyDown={onFilterKeyDown}
            />
          </div>
          <button
            type="button"
            className="icon-button"
            aria-label="Add workspace"
            title="Add a Databricks workspace"
            onClick={() => setDialog({ kind: 'addWorkspace' })}
          >
            <Icon name="plus" />
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
        onKeyDown={onKeyDown}
        hidden={rows.length === 0}
      >
        {rows.map((row) => (
          <TreeRow
            key={row.node.id}
            row={row}
            now={now}
            selected={row.node.id === selectedId}
            highlight={filtering ? filter.trim() : ''}
            tabbable={row.node.id === tabStopId}
            hasActions={nodeActions(row.node).length > 0}
            register={(el) => {
              if (el) items.current.set(row.node.id, el);
              else items.current.delete(row.node.id);
            }}
            onFocus={() => setFocusedId(row.node.id)}
            onClick={() => {
              // A click never collapses: it opens tables and expands branches; the chevron toggles.
              if (row.node.kind === 'relation') onOpen(row.node.relation);
              else if (row.node.kind === 'status') row.node.retry?.();
              else if (row.expandable && !row.expanded) setNodeExpanded(row.node.id, true);
            }}
            onToggle={() => setNodeExpanded(row.node.id, !row.expanded)}
            onMenu={(event) => {
              event.preventDefault();
              event.stopPropagation();
              setFocusedId(row.node.id);
              openMenu(row.node, event.clientX, event.clientY);
            }}
          />
        ))}
      </div>
      {filtering && rows.length === 0 && (
        <p className="explorer__no-match">
          No tables match “{filter.trim()}”. <kbd>Esc</kbd> clears the filter.
        </p>
      )}
      {menu && (
        <NodeMenu
          menu={menu}
          onPick={(action) => runAction(menu.node, action)}
          onClose={() => {
            setMenu(null);
            items.current.get(menu.node.id)?.focus();
          }}
        />
      )}
      {dialog && (
        <DialogFor
          dialog={dialog}
          onClose={() => {
            setDialog(null);
            refocus(returnFocusTo.current);
          }}
        />
      )}
    </div>
  );
}

/** Now, to the minute: expiry badges stay true in a window left open. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function branchesIn(node: ExplorerNode): BranchSummary[] {
  return node.kind === 'branch' ? [node.branch, ...node.children.flatMap(branchesIn)] : [];
}

function DialogFor({ dialog, onClose }: { dialog: OpenDialog; onClose: () => void }) {
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
    default:
      return assertNever(dialog, 'dialog');
  }
}

/** The row's actions as a WAI-ARIA menu: arrows move, Enter picks, Esc or a click outside closes. */
function NodeMenu({ menu, onPick, onClose }: { menu: MenuState; onPick: (action: NodeAction) => void; onClose: () => void }) {
  const actions = nodeActions(menu.node);
  const ref = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  useEffect(() => {
    ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[active]?.focus();
  }, [active]);
  useEffect(() => {
    const onDown = (e: globalThis.MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [onClose]);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'ArrowDown') setActive((i) => (i + 1) % actions.length);
    else if (event.key === 'ArrowUp') setActive((i) => (i - 1 + actions.length) % actions.length);
    else if (event.key === 'Home') setActive(0);
    else if (event.key === 'End') setActive(actions.length - 1);
    else if (event.key === 'Escape' || event.key === 'Tab') onClose();
    else return;
    event.preventDefault();
    event.stopPropagation();
  };
  return (
    <div
      ref={ref}
      role="menu"
      aria-label={`Actions for ${menu.node.label}`}
      className="tree-menu"
      style={{ left: Math.min(menu.x, window.innerWidth - 200), top: Math.min(menu.y, window.innerHeight - 40 * actions.length) }}
      onKeyDown={onKeyDown}
    >
      {actions.map((action, i) => (
        <button
          key={action.kind}
          type="button"
          role="menuitem"
          tabIndex={i === active ? 0 : -1}
          className={
            action.kind === 'deleteBranch' || action.kind === 'removeWorkspace'
              ? 'tree-menu__item tree-menu__item--danger'
              : 'tree-menu__item'
          }
          onClick={() => onPick(action)}
          onMouseEnter={() => setActive(i)}
        >
          {actionLabel(action)}
        </button>
      ))}
    </div>
  );
}

interface TreeRowProps {
  readonly row: VisibleRow;
  readonly now: number;
  readonly selected: boolean;
  /** Filter text to mark in the label. */
  readonly highlight: string;
  readonly tabbable: boolean;
  readonly hasActions: boolean;
  readonly register: (el: HTMLDivElement | null) => void;
  readonly onFocus: () => void;
  readonly onClick: () => void;
  readonly onToggle: () => void;
  readonly onMenu: (event: MouseEvent) => void;
}

function TreeRow({ row, now, selected, highlight, tabbable, hasActions, register, onFocus, onClick, onToggle, onMenu }: TreeRowProps) {
  const { node } = row;
  const meta = rowMeta(node, now);
  return (
    <div
      ref={register}
      role="treeitem"
      aria-label={node.label}
      aria-description={meta.description}
      aria-level={row.level}
      aria-setsize={row.setSize}
      aria-posinset={row.posInSet}
      aria-expanded={row.expandable ? row.expanded : undefined}
      aria-selected={node.kind === 'relation' ? selected : undefined}
      aria-haspopup={hasActions ? 'menu' : undefined}
      aria-keyshortcuts={hasActions ? 'Shift+F10' : undefined}
      tabIndex={tabbable ? 0 : -1}
      className={`tree-row tree-row--${node.kind}${node.kind === 'status' ? ` tree-row--${node.tone}` : ''}${selected ? ' tree-row--selected' : ''}`}
      style={{ paddingLeft: 6 + (row.level - 1) * INDENT_PX }}
      title={meta.title}
      onFocus={onFocus}
      onClick={onClick}
      onContextMenu={hasActions ? onMenu : undefined}
    >
      <span
        className={`tree-row__chevron${row.expanded ? ' tree-row__chevron--open' : ''}`}
        aria-hidden="true"
        onClick={(e) => {
          if (!row.expandable) return;
          e.stopPropagation();
          onToggle();
        }}
      >
        {row.expandable && <Icon name="chevron" />}
      </span>
      <NodeIcon node={node} />
      <span className="tree-row__label">
        <Highlighted text={node.label} part={highlight} />
      </span>
      {meta.badges.map((b) => (
        <span key={b.text} className={`tree-badge tree-badge--${b.tone}`} aria-hidden="true">
          {b.icon && <Icon name={b.icon} />}
          {b.text}
        </span>
      ))}
      {node.kind === 'status' && node.tone === 'error' && (
        <span className="tree-row__retry" aria-hidden="true">
          Retry
        </span>
      )}
      {hasActions && (
        // Not a button: a treeitem holds no interactive children; keyboards use Shift+F10.
        <span className="tree-row__more" aria-hidden="true" title={`Actions for ${node.label}`} onClick={onMenu}>
          <Icon name="more" />
        </span>
      )}
    </div>
  );
}

function NodeIcon({ node }: { node: ExplorerNode }) {
  const className = `tree-row__icon tree-row__icon--${node.kind}`;
  switch (node.kind) {
    case 'workspace':
      return <Icon name="workspace" className={className} />;
    case 'project':
      return <Icon name="project" className={className} />;
    case 'branch':
      return <Icon name="branch" className={className} />;
    case 'endpoint':
      return <Icon name="endpoint" className={`${className} tree-row__icon--${endpointTone(node.endpoint.state)}`} />;
    case 'database':
      return <Icon name="database" className={className} />;
    case 'schema':
      return <Icon name="schema" className={className} />;
    case 'relation':
      return <Icon name={relationIcon(node.relation.kind)} className={className} />;
    case 'routine':
      return <Icon name="routine" className={className} />;
    case 'status':
      return node.tone === 'loading' ? (
        <span className="tree-row__spinner" aria-hidden="true" />
      ) : (
        <Icon name={node.tone === 'error' ? 'error' : 'info'} className={className} />
      );
    default:
      return assertNever(node, 'explorer node');
  }
}

function endpointTone(state: string): 'ok' | 'idle' | 'other' {
  if (state === 'ACTIVE') return 'ok';
  if (state === 'IDLE') return 'idle';
  return 'other';
}

export function relationIcon(kind: RelationKind): IconName {
  switch (kind) {
    case 'table':
      return 'table';
    case 'view':
      return 'view';
    case 'materialized_view':
      return 'materializedView';
    case 'foreign_table':
      return 'foreignTable';
    case 'partitioned_table':
      return 'partitionedTable';
    default:
      return assertNever(kind, 'relation kind');
  }
}

export function relationKindLabel(kind: RelationKind): string {
  return kind.replace('_', ' ');
}

interface Badge {
  readonly text: string;
  readonly tone: 'plain' | 'accent' | 'warning' | 'muted' | 'ok';
  readonly icon?: IconName;
}

/** Badges beside a row, its tooltip, and the same facts as text for screen readers. */
function rowMeta(node: ExplorerNode, now: number): { badges: Badge[]; title: string | undefined; description: string | undefined } {
  switch (node.kind) {
    case 'workspace': {
      const ws = node.workspace;
      return {
        badges: ws.kind === 'local' ? [] : [{ text: ws.authMethod.toUpperCase(), tone: 'muted' }],
        title: ws.kind === 'local' ? 'Postgres on this machine' : `${ws.host} · ${ws.authLabel}`,
        description: ws.kind === 'local' ? 'local' : `${ws.host}, ${ws.authLabel}`,
      };
    }
    case 'project': {
      const p = node.project;
      const facts = [p.pgVersion ? `Postgres ${p.pgVersion}` : null, p.owner ? `owner ${p.owner}` : null].filter((f) => f !== null);
      return {
        badges: p.pgVersion ? [{ text: `PG ${p.pgVersion}`, tone: 'muted' }] : [],
        title: [`Project ${p.name}`, ...facts].join(' · '),
        description: facts.join(', ') || undefined,
      };
    }
    case 'branch': {
      const b = node.branch;
      const badges: Badge[] = [];
      if (b.isDefault) badges.push({ text: 'default', tone: 'accent' });
      if (b.isProtected) badges.push({ text: 'protected', tone: 'warning', icon: 'shield' });
      if (b.state !== 'READY') badges.push({ text: b.state.toLowerCase(), tone: 'muted' });
      const expiry = b.expireTime ? formatExpiry(b.expireTime, now) : null;
      // The clock says "expires"; the badge keeps only the time so the name keeps its room.
      if (expiry)
        badges.push({ text: expiry.replace(/^expires in /, ''), tone: expiry === 'expired' ? 'warning' : 'muted', icon: 'clock' });
      const size = b.logicalSizeBytes !== undefined ? formatSize(b.logicalSizeBytes) : null;
      if (size) badges.push({ text: size, tone: 'plain' });
      const facts = [
        b.isDefault ? 'default' : null,
        b.isProtected ? 'protected' : null,
        `state ${b.state}`,
        size ? `size ${size}` : null,
        expiry,
        b.sourceBranch ? `from ${b.sourceBranch.split('/').at(-1)}` : null,
      ].filter((f) => f !== null);
      return { badges, title: [b.name, ...facts].join(' · '), description: facts.join(', ') };
    }
    case 'endpoint': {
      const e = node.endpoint;
      const type = e.type === 'ENDPOINT_TYPE_READ_WRITE' ? 'read-write' : e.type === 'ENDPOINT_TYPE_READ_ONLY' ? 'read-only' : e.type;
      const cu = e.minCu !== undefined ? `${e.minCu}–${e.maxCu ?? e.minCu} CU` : null;
      const facts = [type, e.state.toLowerCase(), e.host ?? null, cu].filter((f) => f !== null);
      return {
        badges: [
          { text: e.type === 'ENDPOINT_TYPE_READ_WRITE' ? 'RW' : e.type === 'ENDPOINT_TYPE_READ_ONLY' ? 'RO' : '?', tone: 'plain' },
          { text: e.state.toLowerCase(), tone: e.state === 'ACTIVE' ? 'ok' : 'muted' },
        ],
        title: [`Endpoint ${e.id}`, ...facts].join(' · '),
        description: facts.join(', '),
      };
    }
    case 'database': {
      const n = childrenOf(node).length;
      return { badges: [], title: `Database ${node.label} · ${n} schema${n === 1 ? '' : 's'}`, description: undefined };
    }
    case 'schema': {
      const n = childrenOf(node).length;
      return {
        badges: [{ text: String(n), tone: 'plain' }],
        title: `Schema ${node.label} · ${n} relation${n === 1 ? '' : 's'}`,
        description: `${n} relations`,
      };
    }
    case 'relation': {
      const { schema, name, kind, estimatedRows } = node.relation;
      const estimate = formatRowEstimate(estimatedRows);
      const rowsText = estimate === null ? 'row count not estimated yet' : `≈ ${estimatedRows.toLocaleString()} rows (planner estimate)`;
      return {
        badges: estimate === null ? [] : [{ text: estimate, tone: 'plain' }],
        title: `${schema}.${name} · ${relationKindLabel(kind)} · ${rowsText}`,
        description: undefined,
      };
    }
    case 'routine': {
      const r = node.routine;
      const signature = `${r.schema}.${r.name}(${r.arguments})${r.returns ? ` → ${r.returns}` : ''}`;
      return { badges: [], title: `${r.kind} ${signature}`, description: signature };
    }
    case 'status': {
      if (node.tone !== 'error') return { badges: [], title: undefined, description: undefined };
      const { code, message, hint } = describeError(node.error);
      const text = [message, hint, code].filter(Boolean).join(' · ');
      return { badges: [], title: `${text} — click to retry`, description: text };
    }
    default:
      return assertNever(node, 'explorer node');
  }
}

function TreeSkeleton() {
  return (
    <div className="tree-skeleton" aria-hidden="true">
      {[70, 60, 48, 56, 40].map((width, i) => (
        <div key={i} className="tree-skeleton__row" style={{ paddingLeft: 6 + Math.min(i, 3) * INDENT_PX }}>
          <span className="skeleton" style={{ width: `${width}%` }} />
        </div>
      ))}
    </div>
  );
}

function Highlighted({ text, part }: { text: string; part: string }) {
  const at = part ? text.toLocaleLowerCase().indexOf(part.toLocaleLowerCase()) : -1;
  if (at < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, at)}
      <mark>{text.slice(at, at + part.length)}</mark>
      {text.slice(at + part.length)}
    </>
  );
}
