import { useEffect, useRef, useState } from 'react';
import type { CodeEditorHandle, CompletionSource, EditorCommands } from './codeEditorTypes';
import './codeEditor.css';

export type { CodeEditorHandle, CompletionEntry, CompletionSource, EditorCommands } from './codeEditorTypes';

type Created = Awaited<ReturnType<typeof load>>;
// Monaco is a few megabytes: loaded on first use so the app's first paint does not wait for it.
const load = () => import('./createCodeEditor').then((m) => m.createCodeEditor);

/** Monaco: the one wrapper the SQL editor, the policy expressions and the Data API console's bodies use. */
export function CodeEditor({
  value,
  onChange,
  ariaLabel,
  completions,
  onRun,
  commands,
  minLines = 3,
  className,
  handleRef,
  language = 'pgsql',
}: {
  value: string;
  onChange: (value: string) => void;
  ariaLabel: string;
  completions?: CompletionSource;
  /** Ctrl/Cmd+Enter. */
  onRun?: () => void;
  commands?: EditorCommands;
  minLines?: number;
  className?: string;
  handleRef?: (handle: CodeEditorHandle | null) => void;
  /** What the text is: SQL (completions, formatting) or a JSON body (highlighting only). */
  language?: 'pgsql' | 'json';
}) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<ReturnType<Created> | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const latest = useRef({ onChange, onRun, completions, commands, value, handleRef });
  latest.current = { onChange, onRun, completions, commands, value, handleRef };

  useEffect(() => {
    let disposed = false;
    load().then(
      (create) => {
        if (disposed || !host.current) return;
        const e = create(
          host.current,
          latest.current.value,
          ariaLabel,
          {
            onChange: (v) => latest.current.onChange(v),
            onRun: () => latest.current.onRun?.(),
            completions: (text, offset) => {
              const source = latest.current.completions ?? [];
              return typeof source === 'function' ? source(text, offset) : source;
            },
            commands: () => latest.current.commands ?? {},
          },
          language,
        );
        editor.current = e;
        latest.current.handleRef?.(e);
      },
      (err: unknown) => setFailed(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      disposed = true;
      latest.current.handleRef?.(null);
      editor.current?.dispose();
      editor.current = null;
    };
  }, [ariaLabel, language]);

  useEffect(() => {
    editor.current?.setValue(value);
  }, [value]);

  if (failed) {
    // The editor did not load (should not happen offline: it is bundled); a textarea keeps the user working.
    return (
      <textarea
        aria-label={ariaLabel}
        className={`code-editor ${className ?? ''}`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  return <div ref={host} className={`code-editor ${className ?? ''}`} style={{ minHeight: `${minLines * 19 + 8}px` }} />;
}
