/** A completion the editor offers: a table, a column, a function or a keyword. */
export interface CompletionEntry {
  readonly label: string;
  readonly kind: 'table' | 'column' | 'function' | 'keyword' | 'role';
  readonly detail?: string;
  /** Inserted instead of the label (e.g. a quoted identifier). */
  readonly insertText?: string;
}

/** What the editor offers: a fixed list, or entries for the text and the cursor's offset in it. */
export type CompletionSource = readonly CompletionEntry[] | ((text: string, offset: number) => readonly CompletionEntry[]);

/** Keyboard commands beyond Run (Ctrl/Cmd+Enter) a parent may handle. */
export interface EditorCommands {
  /** Ctrl/Cmd+Shift+Enter. */
  readonly runAll?: () => void;
  /** Shift+Alt+F. */
  readonly format?: () => void;
  /** Ctrl/Cmd+S. */
  readonly save?: () => void;
}

/** What a parent may ask of a mounted editor. */
export interface CodeEditorHandle {
  /** The selected text, or '' when nothing is selected. */
  selection(): string;
  /** Where the selection lies (offsets into the text), or null when nothing is selected. */
  selectionRange(): { start: number; end: number } | null;
  /** Replaces a range of the text as one undoable edit. */
  replaceRange(start: number, end: number, text: string): void;
  /** The cursor as a character offset into the text. */
  cursorOffset(): number;
  /** Puts a red squiggle under a 1-based character position of the text (null clears it). */
  markError(position: number | null, message: string): void;
  focus(): void;
}
