import { useEffect, useState, type KeyboardEvent, type RefObject } from 'react';
import type { Location } from '../../../../shared/contract/location';
import { assertNever } from '../../../../shared/contract/result';
import type { RelationInfo } from '../tables/relation';
import { buildExplorerTree } from './buildTree';
import { treeKeyAction } from './treeKeyboard';
import { allBranchIds, defaultExpanded, filterExplorerTree, visibleRows, type ExplorerNode, type VisibleRow } from './treeModel';
import { useExplorerData } from './useExplorerData';

interface TreeStateOptions {
  /** Id of the relation shown in the active tab. */
  readonly selectedId: string | null;
  readonly onOpen: (at: Location, relation: RelationInfo) => void;
  /** The row menu, asked for from the keyboard (Shift+F10) at the row's place. */
  readonly onMenu: (node: ExplorerNode, x: number, y: number) => void;
  /** The rows' elements by node id, to move focus. */
  readonly items: RefObject<Map<string, HTMLDivElement>>;
}

/**
 * The tree's state: what is loaded, expanded, filtered and focused, and the WAI-ARIA keyboard
 * pattern over the visible rows (one tab stop). Children load when a node opens.
 */
export function useTreeState({ selectedId, onOpen, onMenu, items }: TreeStateOptions) {
  const [filter, setFilterText] = useState('');
  const filtering = filter.trim() !== '';
  // null until the user expands or collapses something: until then the default path is open.
  const [expandedByUser, setExpanded] = useState<ReadonlySet<string> | null>(null);
  // While filtering every match is shown open; collapsing then only lasts until the filter changes.
  const [collapsedInFilter, setCollapsedInFilter] = useState<ReadonlySet<string>>(new Set());
  // Data is asked for by what is open; the default path is derived from what already loaded.
  const [openForData, setOpenForData] = useState<ReadonlySet<string>>(new Set());
  const { data, workspaces } = useExplorerData(openForData);
  // Rebuilt each render: the tree is small next to a render, and the data lookups are fresh objects.
  const fullTree = buildExplorerTree(data);
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
  // The one tab stop: the focused row if still visible, else the selected table, else the first row.
  const tabStopId =
    rows.find((r) => r.node.id === focusedId)?.node.id ?? rows.find((r) => r.node.id === selectedId)?.node.id ?? rows[0]?.node.id ?? null;

  const setNodeExpanded = (id: string, open: boolean) => {
    const toggled = (prev: ReadonlySet<string>, add: boolean) => {
      const next = new Set(prev);
      if (add) next.add(id);
      else next.delete(id);
      return next;
    };
    if (filtering) setCollapsedInFilter((prev) => toggled(prev, !open));
    else setExpanded((prev) => toggled(prev ?? expanded, open));
  };
  const moveFocus = (id: string) => {
    setFocusedId(id);
    items.current?.get(id)?.focus();
  };
  /** Enter/Space: open a table, retry a failed list, toggle a container. */
  const activate = (row: VisibleRow) => {
    const node = row.node;
    if (node.kind === 'relation') onOpen(node.at, node.relation);
    else if (node.kind === 'status') node.retry?.();
    else if (row.expandable) setNodeExpanded(node.id, !row.expanded);
  };
  /** A click never collapses: it opens tables and expands containers; the chevron toggles. */
  const click = (row: VisibleRow) => {
    const node = row.node;
    if (node.kind === 'relation') onOpen(node.at, node.relation);
    else if (node.kind === 'status') node.retry?.();
    else if (row.expandable && !row.expanded) setNodeExpanded(node.id, true);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const action = treeKeyAction(event.key, rows, tabStopId, event.shiftKey);
    const row = rows.find((r) => r.node.id === ('id' in action ? action.id : null));
    switch (action.kind) {
      case 'none':
        return;
      case 'focus':
        moveFocus(action.id);
        break;
      case 'expand':
      case 'collapse':
        setNodeExpanded(action.id, action.kind === 'expand');
        break;
      case 'activate':
        if (row) activate(row);
        break;
      case 'menu': {
        const rect = items.current?.get(action.id)?.getBoundingClientRect();
        if (row && rect) onMenu(row.node, rect.left + 24, rect.bottom);
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
      setFilterText('');
      event.preventDefault();
    }
  };

  return {
    workspaces,
    filter,
    filtering,
    setFilter: (text: string) => {
      setFilterText(text);
      setCollapsedInFilter(new Set());
    },
    rows,
    /** Every loaded node, filter or not (the palette's branch actions). */
    loaded: fullTree,
    tabStopId,
    setFocusedId,
    setNodeExpanded,
    click,
    onKeyDown,
    onFilterKeyDown,
  };
}
