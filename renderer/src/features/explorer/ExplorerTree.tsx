import { useQuery } from '@tanstack/react-query';
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { RelationKind } from '../../../../shared/contract/catalog';
import { assertNever } from '../../../../shared/contract/result';
import { schemasQuery } from '../../api/catalog';
import { usePierApi } from '../../api/PierApiContext';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { Icon, type IconName } from '../../ui/Icon';
import {
  allBranchIds,
  buildExplorerTree,
  childrenOf,
  defaultExpanded,
  filterExplorerTree,
  formatRowEstimate,
  treeKeyAction,
  visibleRows,
  type ExplorerNode,
  type RelationRef,
  type VisibleRow,
} from './explorerTree';
import './explorer.css';

export const WORKSPACE_LABEL = 'Local workspace';

const INDENT_PX = 14;

interface ExplorerTreeProps {
  /** Id of the relation shown in the active tab, marked as selected. */
  readonly selectedId: string | null;
  readonly onOpen: (relation: RelationRef) => void;
}

/** Workspace → database → schema → tables, as one WAI-ARIA tree with a single tab stop. */
export function ExplorerTree({ selectedId, onOpen }: ExplorerTreeProps) {
  const api = usePierApi();
  const schemas = useQuery(schemasQuery(api));
  const fullTree = useMemo(() => (schemas.data ? buildExplorerTree(WORKSPACE_LABEL, schemas.data) : []), [schemas.data]);
  const [filter, setFilter] = useState('');
  const filtering = filter.trim() !== '';
  const roots = useMemo(() => filterExplorerTree(fullTree, filter), [fullTree, filter]);
  // null until the user expands or collapses something: until then the default path is open.
  const [expandedByUser, setExpanded] = useState<ReadonlySet<string> | null>(null);
  // While filtering every match is shown open; collapsing then only lasts until the filter changes.
  const [collapsedInFilter, setCollapsedInFilter] = useState<ReadonlySet<string>>(new Set());
  const expanded = useMemo(() => {
    if (!filtering) return expandedByUser ?? defaultExpanded(fullTree);
    const open = allBranchIds(roots);
    for (const id of collapsedInFilter) open.delete(id);
    return open;
  }, [filtering, expandedByUser, fullTree, roots, collapsedInFilter]);
  const rows = useMemo(() => visibleRows(roots, expanded), [roots, expanded]);
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const items = useRef(new Map<string, HTMLDivElement>());

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
    else setNodeExpanded(node.id, !row.expanded);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const action = treeKeyAction(event.key, rows, tabStopId);
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
      {schemas.data && (
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
      )}
      {schemas.isPending && <TreeSkeleton />}
      {schemas.isError && (
        <ErrorPanel compact title="Couldn't load the database explorer" error={schemas.error} onRetry={() => void schemas.refetch()} />
      )}
      <div
        role="tree"
        aria-label="Database explorer"
        aria-busy={schemas.isFetching || undefined}
        className="tree"
        onKeyDown={onKeyDown}
        hidden={rows.length === 0}
      >
        {rows.map((row) => (
          <TreeRow
            key={row.node.id}
            row={row}
            selected={row.node.id === selectedId}
            highlight={filtering ? filter.trim() : ''}
            tabbable={row.node.id === tabStopId}
            register={(el) => {
              if (el) items.current.set(row.node.id, el);
              else items.current.delete(row.node.id);
            }}
            onFocus={() => setFocusedId(row.node.id)}
            onClick={() => {
              // A click never collapses: it opens tables and expands branches; the chevron toggles.
              if (row.node.kind === 'relation') onOpen(row.node.relation);
              else if (!row.expanded) setNodeExpanded(row.node.id, true);
            }}
            onToggle={() => setNodeExpanded(row.node.id, !row.expanded)}
          />
        ))}
      </div>
      {filtering && rows.length === 0 && (
        <p className="explorer__no-match">
          No tables match “{filter.trim()}”. <kbd>Esc</kbd> clears the filter.
        </p>
      )}
    </div>
  );
}

interface TreeRowProps {
  readonly row: VisibleRow;
  readonly selected: boolean;
  /** Filter text to mark in the label. */
  readonly highlight: string;
  readonly tabbable: boolean;
  readonly register: (el: HTMLDivElement | null) => void;
  readonly onFocus: () => void;
  readonly onClick: () => void;
  readonly onToggle: () => void;
}

function TreeRow({ row, selected, highlight, tabbable, register, onFocus, onClick, onToggle }: TreeRowProps) {
  const { node } = row;
  const meta = rowMeta(node);
  return (
    <div
      ref={register}
      role="treeitem"
      aria-label={node.label}
      aria-level={row.level}
      aria-setsize={row.setSize}
      aria-posinset={row.posInSet}
      aria-expanded={row.expandable ? row.expanded : undefined}
      aria-selected={node.kind === 'relation' ? selected : undefined}
      tabIndex={tabbable ? 0 : -1}
      className={`tree-row tree-row--${node.kind}${selected ? ' tree-row--selected' : ''}`}
      style={{ paddingLeft: 6 + (row.level - 1) * INDENT_PX }}
      title={meta.title}
      onFocus={onFocus}
      onClick={onClick}
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
      <Icon name={nodeIcon(node)} className={`tree-row__icon tree-row__icon--${node.kind}`} />
      <span className="tree-row__label">
        <Highlighted text={node.label} part={highlight} />
      </span>
      {meta.badge && (
        <span className="tree-row__meta" aria-hidden="true">
          {meta.badge}
        </span>
      )}
    </div>
  );
}

function nodeIcon(node: ExplorerNode): IconName {
  switch (node.kind) {
    case 'workspace':
      return 'workspace';
    case 'database':
      return 'database';
    case 'schema':
      return 'schema';
    case 'relation':
      return relationIcon(node.relation.kind);
    default:
      return assertNever(node, 'explorer node');
  }
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

function rowMeta(node: ExplorerNode): { badge: string | null; title: string | undefined } {
  switch (node.kind) {
    case 'workspace':
      return { badge: null, title: 'Postgres on this machine' };
    case 'database': {
      const n = childrenOf(node).length;
      return { badge: null, title: `Database ${node.label} · ${n} schema${n === 1 ? '' : 's'}` };
    }
    case 'schema': {
      const n = childrenOf(node).length;
      return { badge: String(n), title: `Schema ${node.label} · ${n} relation${n === 1 ? '' : 's'}` };
    }
    case 'relation': {
      const { schema, name, kind, estimatedRows } = node.relation;
      const estimate = formatRowEstimate(estimatedRows);
      const rowsText = estimate === null ? 'row count not estimated yet' : `≈ ${estimatedRows.toLocaleString()} rows (planner estimate)`;
      return { badge: estimate, title: `${schema}.${name} · ${relationKindLabel(kind)} · ${rowsText}` };
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
