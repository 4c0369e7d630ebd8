import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import type { Location } from '../../../../shared/contract/location';
import { schemasQuery } from '../../api/catalog';
import { usePierApi } from '../../api/PierApiContext';
import { CodeEditor } from '../../ui/codeEditor/CodeEditor';
import { Icon } from '../../ui/Icon';
import { ViewAsPicker } from '../grid/ViewAsPicker';
import type { ConsoleSide } from './ConsoleSidePanel';
import { CONSOLE_METHODS, hasBody, isAuthorizationHeader, KNOWN_HEADERS, type ConsoleMethod, type ConsoleRequest } from './consoleRequest';

/** The request half of the console: method and URL, run-as identity, headers, body. */
export function RequestEditor({
  at,
  baseUrl,
  request,
  onChange,
  onRun,
  running,
  protection,
  onSave,
  side,
  onSide,
  snippets,
  onSnippets,
}: {
  at: Location;
  baseUrl: string | undefined;
  request: ConsoleRequest;
  onChange: (r: ConsoleRequest) => void;
  onRun: () => void;
  running: boolean;
  /** Whether the branch is protected; null when Pier cannot tell, undefined while asking. */
  protection: boolean | null | undefined;
  onSave: () => void;
  side: ConsoleSide | null;
  onSide: (side: ConsoleSide | null) => void;
  snippets: boolean;
  onSnippets: () => void;
}) {
  const listId = useId();
  const api = usePierApi();
  // The database's schemas, tables and functions: offered as paths and as profile values.
  const catalog = useQuery(schemasQuery(api, at));
  const schemaNames = catalog.data?.schemas.map((sc) => sc.name) ?? [];
  const paths = (catalog.data?.schemas ?? []).flatMap((sc) => [
    ...sc.relations.map((r) => `/${sc.name}/${r.name}`),
    ...sc.routines.filter((r) => r.kind === 'function').map((r) => `/${sc.name}/rpc/${r.name}`),
  ]);
  const valuesOf = (name: string): readonly string[] => {
    const known = canonicalName(name);
    if (known === 'Accept-Profile' || known === 'Content-Profile')
      return schemaNames.length ? schemaNames : (KNOWN_HEADERS.get(known) ?? []);
    return KNOWN_HEADERS.get(known) ?? [];
  };
  const set = (patch: Partial<ConsoleRequest>) => onChange({ ...request, ...patch });
  const setHeader = (index: number, patch: Partial<ConsoleRequest['headers'][number]>) =>
    set({ headers: request.headers.map((h, i) => (i === index ? { ...h, ...patch } : h)) });
  return (
    <section className="api-console__request" aria-label="Request">
      <div className="api-console__line">
        <select
          aria-label="Method"
          className="api-console__method"
          value={request.method}
          onChange={(e) => set({ method: e.target.value as ConsoleMethod })}
        >
          {CONSOLE_METHODS.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
        <span className="api-console__base" title={baseUrl}>
          {baseUrl ? shortBase(baseUrl) : '…'}
        </span>
        <input
          className="api-console__target"
          aria-label="Path and query"
          spellCheck={false}
          placeholder="/public/clients?select=*&id=gt.1"
          list={`${listId}-paths`}
          value={request.target}
          onChange={(e) => set({ target: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === 'Enter') onRun();
          }}
        />
        <button type="button" className="button button--primary" onClick={onRun} disabled={running} aria-busy={running || undefined}>
          {running ? 'Sending…' : 'Send'}
        </button>
      </div>
      <div className="api-console__toolbar">
        <ViewAsPicker at={at} value={request.viewAs} onChange={(viewAs) => set({ viewAs })} label="Run as" />
        {protection !== undefined && (
          <span className="badge" title="Writes (POST, PATCH, PUT, DELETE) ask first on a protected branch">
            {protection === true ? 'protected branch' : protection === false ? 'branch not protected' : 'protection unknown'}
          </span>
        )}
        <span className="api-console__spacer" />
        <button type="button" className="button" onClick={onSave} title="Save this request for this branch and database">
          Save
        </button>
        <button type="button" className="button" aria-pressed={side !== null} onClick={() => onSide(side ? null : 'history')}>
          History
        </button>
        <button type="button" className="button" aria-pressed={snippets} onClick={onSnippets} title="Copy as curl, fetch or postgrest-js">
          Copy as…
        </button>
      </div>
      <fieldset className="api-console__headers">
        <legend>Headers</legend>
        <datalist id={`${listId}-paths`}>
          {[...new Set(paths)].map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <datalist id={`${listId}-names`}>
          {[...KNOWN_HEADERS.keys()].map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
        {request.headers.map((h, i) => {
          const values = valuesOf(h.name);
          return (
            <div className="api-console__header" key={i}>
              <input
                type="checkbox"
                aria-label={`Send header ${i + 1}`}
                checked={h.enabled}
                onChange={(e) => setHeader(i, { enabled: e.target.checked })}
              />
              <input
                className="input api-console__header-name"
                aria-label={`Header ${i + 1} name`}
                list={`${listId}-names`}
                spellCheck={false}
                value={h.name}
                onChange={(e) => setHeader(i, { name: e.target.value })}
              />
              <input
                className="input api-console__header-value"
                aria-label={`Header ${i + 1} value`}
                placeholder="value (not sent while empty)"
                list={values.length ? `${listId}-values-${i}` : undefined}
                spellCheck={false}
                value={h.value}
                onChange={(e) => setHeader(i, { value: e.target.value })}
              />
              {values.length > 0 && (
                <datalist id={`${listId}-values-${i}`}>
                  {values.map((v) => (
                    <option key={v} value={v} />
                  ))}
                </datalist>
              )}
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove header ${i + 1}`}
                title="Remove"
                onClick={() => set({ headers: request.headers.filter((_, j) => j !== i) })}
              >
                <Icon name="close" />
              </button>
              {isAuthorizationHeader(h.name) && (
                <p className="api-console__note" role="note">
                  Not sent: the console runs as the identity chosen in “Run as”, never as a pasted token.
                </p>
              )}
            </div>
          );
        })}
        <button
          type="button"
          className="button button--small"
          onClick={() => set({ headers: [...request.headers, { name: '', value: '', enabled: true }] })}
        >
          <Icon name="plus" /> Add header
        </button>
      </fieldset>
      {hasBody(request.method) ? (
        <div className="api-console__body">
          <span className="api-console__label">Body (JSON)</span>
          <CodeEditor ariaLabel="Request body" language="json" value={request.body} onChange={(body) => set({ body })} onRun={onRun} />
        </div>
      ) : (
        <p className="api-console__meta">{request.method} sends no body.</p>
      )}
    </section>
  );
}

function canonicalName(name: string): string {
  const lower = name.trim().toLowerCase();
  return [...KNOWN_HEADERS.keys()].find((k) => k.toLowerCase() === lower) ?? name;
}

/** The base URL without its scheme and host when long: the tooltip has it whole. */
function shortBase(baseUrl: string): string {
  const m = /\/rest\/.*$/.exec(baseUrl);
  return m ? `…${m[0]}` : baseUrl;
}
