/**
 * Pier's keyboard shortcuts: the sheet (`?`) draws this list and a unit test checks the README
 * lists every one, so the three cannot drift apart.
 */
export interface Shortcut {
  /** Key chords, each written as the keys to press ("Ctrl+K"); alternatives are separate entries. */
  readonly keys: readonly string[];
  readonly does: string;
}

export interface ShortcutSection {
  readonly title: string;
  readonly shortcuts: readonly Shortcut[];
}

export const SHORTCUT_SECTIONS: readonly ShortcutSection[] = [
  {
    title: 'Everywhere',
    shortcuts: [
      { keys: ['Ctrl+K', 'Ctrl+Shift+P'], does: 'Command palette: every action by name (⌘ on macOS)' },
      { keys: ['?'], does: 'This list of shortcuts (outside text fields)' },
    ],
  },
  {
    title: 'Explorer',
    shortcuts: [
      { keys: ['↑', '↓'], does: 'Move between rows' },
      { keys: ['→', '←'], does: 'Expand or collapse; move to the first child or the parent' },
      { keys: ['Home', 'End'], does: 'First or last row' },
      { keys: ['Enter'], does: 'Open the table' },
      { keys: ['Shift+F10'], does: "The row's actions menu" },
      { keys: ['Esc'], does: 'Clear the table filter' },
    ],
  },
  {
    title: 'Tabs',
    shortcuts: [
      { keys: ['←', '→'], does: 'Previous or next tab (focus on the tab strip)' },
      { keys: ['Delete'], does: 'Close the focused tab' },
    ],
  },
  {
    title: 'Grid',
    shortcuts: [
      { keys: ['↑', '↓', '←', '→'], does: 'Move the active cell' },
      { keys: ['Ctrl+Home', 'Ctrl+End'], does: 'First or last cell' },
      { keys: ['Enter', 'F2'], does: 'Edit the active cell' },
      { keys: ['Ctrl+C'], does: "Copy the active cell's value" },
      { keys: ['Alt+Shift+←', 'Alt+Shift+→'], does: 'Move the active column' },
    ],
  },
  {
    title: 'SQL editor',
    shortcuts: [{ keys: ['Ctrl+Enter'], does: 'Run the statement (or the selection)' }],
  },
];

export type GlobalShortcut = 'palette' | 'shortcuts';

/** What a key press anywhere in the window asks for, if anything. */
export function globalShortcut(event: {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
  /** Whether focus is in a text field (input, textarea, select, contenteditable, Monaco). */
  readonly inTextField: boolean;
}): GlobalShortcut | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (mod && !event.altKey && !event.shiftKey && key === 'k') return 'palette';
  if (mod && !event.altKey && event.shiftKey && key === 'p') return 'palette';
  if (event.key === '?' && !mod && !event.altKey && !event.inTextField) return 'shortcuts';
  return null;
}

/** Whether an element takes typed text (so `?` is a character there, not a shortcut). */
export function isTextField(element: Element | null): boolean {
  if (!element) return false;
  if (element instanceof HTMLElement && element.isContentEditable) return true;
  const tag = element.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (element as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
}
