import type { VisibleRow } from './treeModel';

export type TreeAction =
  | { readonly kind: 'focus'; readonly id: string }
  | { readonly kind: 'expand'; readonly id: string }
  | { readonly kind: 'collapse'; readonly id: string }
  /** Enter/Space: open a relation, toggle a branch. */
  | { readonly kind: 'activate'; readonly id: string }
  /** Shift+F10 or the context-menu key: the row's actions. */
  | { readonly kind: 'menu'; readonly id: string }
  | { readonly kind: 'none' };

/** The WAI-ARIA tree keyboard pattern, as a pure function of the visible rows. */
export function treeKeyAction(key: string, rows: readonly VisibleRow[], focusedId: string | null, shift = false): TreeAction {
  if (rows.length === 0) return { kind: 'none' };
  const index = Math.max(
    0,
    rows.findIndex((r) => r.node.id === focusedId),
  );
  const row = rows[index]!;
  const focus = (i: number): TreeAction => {
    const target = rows[i];
    return target && target !== row ? { kind: 'focus', id: target.node.id } : { kind: 'none' };
  };
  if (key === 'ContextMenu' || (key === 'F10' && shift)) return { kind: 'menu', id: row.node.id };
  switch (key) {
    case 'ArrowDown':
      return focus(index + 1);
    case 'ArrowUp':
      return focus(index - 1);
    case 'Home':
      return focus(0);
    case 'End':
      return focus(rows.length - 1);
    case 'ArrowRight':
      if (!row.expandable) return { kind: 'none' };
      if (!row.expanded) return { kind: 'expand', id: row.node.id };
      return rows[index + 1]?.parentId === row.node.id ? focus(index + 1) : { kind: 'none' };
    case 'ArrowLeft':
      if (row.expanded) return { kind: 'collapse', id: row.node.id };
      return row.parentId ? { kind: 'focus', id: row.parentId } : { kind: 'none' };
    case 'Enter':
    case ' ':
      return { kind: 'activate', id: row.node.id };
    default:
      return typeAhead(key, rows, index);
  }
}

/** A printable key jumps to the next visible item whose label starts with it, wrapping around. */
function typeAhead(key: string, rows: readonly VisibleRow[], from: number): TreeAction {
  if ([...key].length !== 1 || key === ' ') return { kind: 'none' };
  const wanted = key.toLocaleLowerCase();
  for (let step = 1; step <= rows.length; step++) {
    const row = rows[(from + step) % rows.length]!;
    if (row.node.label.toLocaleLowerCase().startsWith(wanted)) {
      return step === rows.length ? { kind: 'none' } : { kind: 'focus', id: row.node.id };
    }
  }
  return { kind: 'none' };
}
