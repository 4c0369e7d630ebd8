/** A completion the editor offers: a table, a column, a function or a keyword. */
export interface CompletionEntry {
  readonly label: string;
  readonly kind: 'table' | 'column' | 'function' | 'keyword' | 'role';
  readonly detail?: string;
  /** Inserted instead of the label (e.g. a quoted identifier). */
  readonly insertText?: string;
}

/** What a parent may ask of a mounted editor. */
export interface CodeEditorHandle {
  /** The selected text, or '' when nothing is selected. */
  selection(): string;
  /** The cursor as a character offset into the text. */
  cursorOffset(): number;
  /** Puts a red squiggle under a 1-based character position of the text (null clears it). */
  markError(position: number | null, message: string): void;
  focus(): void;
}
