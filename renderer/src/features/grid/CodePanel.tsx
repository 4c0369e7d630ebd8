import { useState, type KeyboardEvent } from 'react';
import { CopyButton } from './CopyButton';
import { SNIPPET_KINDS, codeSnippet, tokenHint, type SnippetKind, type SnippetTarget } from './codeSnippets';

/** The current view as curl, fetch, postgrest-js and supabase-js code, one tab each. */
export function CodePanel({ target }: { target: SnippetTarget }) {
  const [kind, setKind] = useState<SnippetKind>('curl');
  const code = codeSnippet(kind, target);
  // Arrow keys move between the language tabs (one tab stop for the strip, as WAI-ARIA tabs do).
  const onTabKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const strip = event.currentTarget;
    const next = SNIPPET_KINDS[(SNIPPET_KINDS.indexOf(kind) + step + SNIPPET_KINDS.length) % SNIPPET_KINDS.length]!;
    setKind(next);
    requestAnimationFrame(() => strip.querySelector<HTMLElement>('[aria-selected="true"]')?.focus());
  };
  return (
    <section className="code-panel" aria-label="Code for this view">
      <div className="code-panel__tabs">
        {/* The tablist holds only its tabs (ARIA); the copy button sits beside it. */}
        <div className="code-panel__tablist" role="tablist" aria-label="Language" onKeyDown={onTabKey}>
          {SNIPPET_KINDS.map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={k === kind}
              tabIndex={k === kind ? 0 : -1}
              className="code-panel__tab"
              onClick={() => setKind(k)}
            >
              {k}
            </button>
          ))}
        </div>
        <CopyButton text={code} label={`Copy ${kind} code`} />
      </div>
      <pre className="code-panel__code" role="tabpanel" tabIndex={0} aria-label={`${kind} code`}>
        {code}
      </pre>
      <p className="code-panel__token">{tokenHint(target.where)}</p>
    </section>
  );
}
