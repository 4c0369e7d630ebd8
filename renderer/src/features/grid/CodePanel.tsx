import { useState } from 'react';
import { CopyButton } from './CopyButton';
import { SNIPPET_KINDS, codeSnippet, type SnippetKind, type SnippetTarget } from './codeSnippets';

/** The current view as curl, fetch, postgrest-js and supabase-js code, one tab each. */
export function CodePanel({ target }: { target: SnippetTarget }) {
  const [kind, setKind] = useState<SnippetKind>('curl');
  const code = codeSnippet(kind, target);
  return (
    <section className="code-panel" aria-label="Code for this view">
      <div className="code-panel__tabs" role="tablist" aria-label="Language">
        {SNIPPET_KINDS.map((k) => (
          <button key={k} type="button" role="tab" aria-selected={k === kind} className="code-panel__tab" onClick={() => setKind(k)}>
            {k}
          </button>
        ))}
        <span className="code-panel__spacer" />
        <CopyButton text={code} label={`Copy ${kind} code`} />
      </div>
      <pre className="code-panel__code" role="tabpanel" aria-label={`${kind} code`}>
        {code}
      </pre>
    </section>
  );
}
