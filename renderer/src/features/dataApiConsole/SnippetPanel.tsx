import { useState } from 'react';
import { CopyButton } from '../grid/CopyButton';
import { tokenHint } from '../grid/codeSnippets';
import type { ConsoleRequest } from './consoleRequest';
import { CONSOLE_SNIPPET_KINDS, consoleSnippet, type ConsoleSnippetKind } from './consoleSnippets';

/** The request as curl, fetch or postgrest-js, to copy; `$TOKEN` stands for a bearer token of the run-as identity. */
export function SnippetPanel({ baseUrl, request, where }: { baseUrl: string; request: ConsoleRequest; where: 'local' | 'cloud' }) {
  const [kind, setKind] = useState<ConsoleSnippetKind>('curl');
  const text = consoleSnippet(kind, baseUrl, request);
  const identity = request.viewAs.kind === 'identity' ? request.viewAs.role : null;
  return (
    <div className="api-console__snippets" role="group" aria-label="Copy as">
      <div className="api-console__snippet-head">
        <div role="group" aria-label="Snippet language" className="api-console__snippet-kinds">
          {CONSOLE_SNIPPET_KINDS.map((k) => (
            <button key={k} type="button" aria-pressed={k === kind} onClick={() => setKind(k)}>
              {k}
            </button>
          ))}
        </div>
        <CopyButton text={text} label={`Copy ${kind}`} />
      </div>
      <pre className="api-console__pre" aria-label={`${kind} snippet`} tabIndex={0}>
        {text}
      </pre>
      <p className="api-console__meta">
        {tokenHint(where)}
        {identity
          ? ` The console ran this as ${identity}: use a token whose subject is ${identity} to get the same answer.`
          : ' The console ran this as the admin; a token of an identity sees what grants and row-level security let it see.'}
      </p>
    </div>
  );
}
