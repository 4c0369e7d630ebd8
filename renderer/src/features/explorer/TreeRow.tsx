import { useEffect, useState, type MouseEvent } from 'react';
import { assertNever } from '../../../../shared/contract/result';
import { Icon } from '../../ui/Icon';
import { relationIcon } from '../tables/relation';
import { rowMeta } from './rowMeta';
import type { ExplorerNode, VisibleRow } from './treeModel';

const INDENT_PX = 14;

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

/** One treeitem: chevron, icon, label, badges, and the actions button (the menu is the tree's). */
export function TreeRow({
  row,
  now,
  selected,
  highlight,
  tabbable,
  hasActions,
  register,
  onFocus,
  onClick,
  onToggle,
  onMenu,
}: TreeRowProps) {
  const { node } = row;
  const meta = rowMeta(node, now);
  return (
    <div
      ref={register}
      role="treeitem"
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
      <span className="tree-row__label" title={node.label}>
        <Highlighted text={node.label} part={highlight} />
      </span>
      {meta.badges.map((b) => (
        <span key={b.text} className={`tree-badge tree-badge--${b.tone}`} aria-hidden="true">
          {b.icon && <Icon name={b.icon} />}
          <span className="tree-badge__text">{b.text}</span>
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

/** Rows standing in for the tree while the workspaces load. */
export function TreeSkeleton() {
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

/** Now, to the minute: expiry badges stay true in a window left open. */
export function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
