import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { actionLabel, nodeActions, type NodeAction } from './nodeActions';
import type { ExplorerNode } from './treeModel';

/** A row's menu, where it was asked for (the pointer, or below the row from the keyboard). */
export interface MenuState {
  readonly node: ExplorerNode;
  readonly x: number;
  readonly y: number;
}

/** The row's actions as a WAI-ARIA menu: arrows move, Enter picks, Esc or a click outside closes. */
export function NodeMenu({ menu, onPick, onClose }: { menu: MenuState; onPick: (action: NodeAction) => void; onClose: () => void }) {
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
