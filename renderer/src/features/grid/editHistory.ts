import type { StagedEdit } from './stagedEdits';

/**
 * The staged edits with their past and undone future, so Ctrl+Z / Ctrl+Shift+Z in the grid step
 * through staged changes (never the URL bar's text). Each value is a whole edit list: small, and
 * an undo is exact whatever the change was (a cell, a delete, an insert, a review's "undo").
 */
export interface EditHistory {
  readonly past: readonly (readonly StagedEdit[])[];
  readonly present: readonly StagedEdit[];
  readonly future: readonly (readonly StagedEdit[])[];
}

export const EMPTY_HISTORY: EditHistory = { past: [], present: [], future: [] };

/** How many steps back undo reaches; older ones are forgotten. */
const DEPTH = 200;

export function recordEdits(history: EditHistory, next: readonly StagedEdit[]): EditHistory {
  if (JSON.stringify(next) === JSON.stringify(history.present)) return history;
  return { past: [...history.past, history.present].slice(-DEPTH), present: next, future: [] };
}

export function undoEdits(history: EditHistory): EditHistory {
  const previous = history.past[history.past.length - 1];
  if (previous === undefined) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

export function redoEdits(history: EditHistory): EditHistory {
  const [next, ...rest] = history.future;
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future: rest };
}
