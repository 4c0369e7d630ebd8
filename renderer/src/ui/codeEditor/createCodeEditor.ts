import { monaco } from './monacoSetup';
import type { CodeEditorHandle, CompletionEntry, EditorCommands } from './codeEditorTypes';
import { themeStore } from '../theme/themeStore';

const KIND: Record<CompletionEntry['kind'], monaco.languages.CompletionItemKind> = {
  table: monaco.languages.CompletionItemKind.Class,
  column: monaco.languages.CompletionItemKind.Field,
  function: monaco.languages.CompletionItemKind.Function,
  keyword: monaco.languages.CompletionItemKind.Keyword,
  role: monaco.languages.CompletionItemKind.User,
};

// One provider for the language; each editor's model registers what it offers.
const completionsByModel = new Map<string, (text: string, offset: number) => readonly CompletionEntry[]>();
monaco.languages.registerCompletionItemProvider('pgsql', {
  triggerCharacters: ['.', '"'],
  provideCompletionItems(model, position) {
    const word = model.getWordUntilPosition(position);
    const entries = completionsByModel.get(model.uri.toString())?.(model.getValue(), model.getOffsetAt(position)) ?? [];
    const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
    return {
      suggestions: entries.map((e, i) => ({
        label: e.label,
        kind: KIND[e.kind],
        detail: e.detail,
        insertText: e.insertText ?? e.label,
        // The order given is the order meant (the source knows the context): Monaco sorts by this after its fuzzy score.
        sortText: String(i).padStart(6, '0'),
        range,
      })),
    };
  },
});

const monacoTheme = () => (themeStore().resolved === 'dark' ? 'vs-dark' : 'vs');

export interface EditorCallbacks {
  onChange(value: string): void;
  onRun(): void;
  completions(text: string, offset: number): readonly CompletionEntry[];
  commands(): EditorCommands;
}

/** Creates a Monaco editor for SQL in `host`; the returned handle's dispose removes everything it registered. */
export function createCodeEditor(
  host: HTMLElement,
  value: string,
  ariaLabel: string,
  callbacks: EditorCallbacks,
  language: 'pgsql' | 'json' = 'pgsql',
): CodeEditorHandle & { setValue(v: string): void; dispose(): void } {
  const editor = monaco.editor.create(host, {
    value,
    language: language === 'json' ? 'javascript' : 'pgsql',
    ariaLabel,
    theme: monacoTheme(),
    automaticLayout: true,
    minimap: { enabled: false },
    lineNumbersMinChars: 3,
    scrollBeyondLastLine: false,
    fontSize: 13,
    tabSize: 2,
    wordWrap: 'on',
    fixedOverflowWidgets: true,
    renderLineHighlight: 'none',
  });
  // Monaco's theme is global; each editor follows the app's theme while it lives.
  const stopTheme = themeStore().onDidChange(() => monaco.editor.setTheme(monacoTheme()));
  const model = editor.getModel()!;
  const uri = model.uri.toString();
  completionsByModel.set(uri, callbacks.completions);
  const sub = editor.onDidChangeModelContent(() => callbacks.onChange(editor.getValue()));
  const actions = [
    editor.addAction({
      id: 'pier.run',
      label: 'Run',
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
      run: () => callbacks.onRun(),
    }),
    editor.addAction({
      id: 'pier.runAll',
      label: 'Run all',
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyMod.Shift | monaco.KeyCode.Enter],
      run: () => callbacks.commands().runAll?.(),
    }),
    editor.addAction({
      id: 'pier.format',
      label: 'Format SQL',
      keybindings: [monaco.KeyMod.Shift | monaco.KeyMod.Alt | monaco.KeyCode.KeyF],
      run: () => callbacks.commands().format?.(),
    }),
    editor.addAction({
      id: 'pier.save',
      label: 'Save query',
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS],
      run: () => callbacks.commands().save?.(),
    }),
  ];
  const cursor = () => model.getOffsetAt(editor.getPosition() ?? new monaco.Position(1, 1));
  return {
    selection: () => {
      const sel = editor.getSelection();
      return sel && !sel.isEmpty() ? model.getValueInRange(sel) : '';
    },
    selectionRange: () => {
      const sel = editor.getSelection();
      if (!sel || sel.isEmpty()) return null;
      return { start: model.getOffsetAt(sel.getStartPosition()), end: model.getOffsetAt(sel.getEndPosition()) };
    },
    replaceRange: (start, end, text) => {
      const from = model.getPositionAt(start);
      const to = model.getPositionAt(end);
      editor.pushUndoStop();
      editor.executeEdits('pier', [{ range: new monaco.Range(from.lineNumber, from.column, to.lineNumber, to.column), text }]);
      editor.pushUndoStop();
    },
    cursorOffset: cursor,
    markError: (position, message) => {
      if (position === null) return monaco.editor.setModelMarkers(model, 'pier', []);
      const start = model.getPositionAt(Math.max(0, position - 1));
      const length = Math.max(1, model.getWordAtPosition(start)?.word.length ?? 1);
      const end = model.getPositionAt(Math.max(0, position - 1) + length);
      monaco.editor.setModelMarkers(model, 'pier', [
        {
          severity: monaco.MarkerSeverity.Error,
          message,
          startLineNumber: start.lineNumber,
          startColumn: start.column,
          endLineNumber: end.lineNumber,
          endColumn: end.column,
        },
      ]);
    },
    focus: () => editor.focus(),
    setValue: (v) => {
      if (editor.getValue() !== v) editor.setValue(v);
    },
    dispose: () => {
      sub.dispose();
      stopTheme();
      for (const a of actions) a.dispose();
      completionsByModel.delete(uri);
      editor.dispose();
    },
  };
}
