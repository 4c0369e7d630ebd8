import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { DataApiRequestOutput } from '../../../../shared/contract/dataApi';
import type { Location } from '../../../../shared/contract/location';
import { branchProtectedQuery } from '../../api/admin';
import { baseUrlQuery } from '../../api/dataApi';
import { usePierApi } from '../../api/PierApiContext';
import { unwrap } from '../../api/RpcCallError';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { DialogActions, ModalDialog } from '../../ui/ModalDialog';
import { NameDialog } from '../sql/SqlDialogs';
import { ConsoleSidePanel, type ConsoleSide } from './ConsoleSidePanel';
import { EMPTY_REQUEST, isWrite, toRequestInput, type ConsoleRequest } from './consoleRequest';
import {
  consoleKeys,
  deleteSaved,
  loadDraft,
  loadJson,
  parseHistory,
  parseSaved,
  recordRun,
  saveDraft,
  saveRequest,
  storeJson,
  type HistoryEntry,
  type SavedRequest,
} from './consoleStorage';
import { RequestEditor } from './RequestEditor';
import { ResponseView } from './ResponseView';
import { SnippetPanel } from './SnippetPanel';
import './dataApiConsole.css';

/** What the last run gave: the engine's answer with the round trip's time, or why there was none. */
export type RunOutcome =
  | { readonly kind: 'response'; readonly response: DataApiRequestOutput; readonly ms: number }
  | { readonly kind: 'failed'; readonly error: unknown };

/**
 * The Data API console of one branch's database: any request, as a chosen identity, through the
 * same in-process engine the grid uses (dataApi.request), with its answer beside it. Writes run
 * for real; on a protected branch (or one whose protection Pier cannot tell) they ask first, as
 * destructive SQL does in the SQL editor.
 */
export function DataApiConsole({ at }: { at: Location }) {
  const api = usePierApi();
  const baseUrl = useQuery(baseUrlQuery(api, at));
  const isProtected = useQuery(branchProtectedQuery(api, at));
  const [request, setRequest] = useState<ConsoleRequest>(() => loadDraft(at) ?? EMPTY_REQUEST);
  useEffect(() => saveDraft(at, request), [at, request]);
  const [saved, setSaved] = useState<SavedRequest[]>(() => loadJson(consoleKeys.saved(at), parseSaved));
  const [history, setHistory] = useState<HistoryEntry[]>(() => loadJson(consoleKeys.history(at), parseHistory));
  const [outcome, setOutcome] = useState<RunOutcome | null>(null);
  const [running, setRunning] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [naming, setNaming] = useState(false);
  const [side, setSide] = useState<ConsoleSide | null>(null);
  const [snippets, setSnippets] = useState(false);

  const storeSaved = (next: SavedRequest[]) => {
    setSaved(next);
    storeJson(consoleKeys.saved(at), next);
  };

  const execute = async () => {
    setConfirming(false);
    setRunning(true);
    const started = performance.now();
    try {
      const response = unwrap('dataApi.request', await api['dataApi.request'](toRequestInput(at, request)));
      const ms = Math.round(performance.now() - started);
      setOutcome({ kind: 'response', response, ms });
      const next = recordRun(history, { request, status: response.status, ms, ranAt: new Date().toISOString() });
      setHistory(next);
      storeJson(consoleKeys.history(at), next);
    } catch (error) {
      setOutcome({ kind: 'failed', error });
    } finally {
      setRunning(false);
    }
  };
  // A write on a protected branch, or where protection is unknown, asks first (as the SQL editor does).
  const run = () => {
    if (running) return;
    if (isWrite(request.method) && isProtected.data !== false) setConfirming(true);
    else void execute();
  };

  return (
    <div className={`api-console${side ? ' api-console--side' : ''}`}>
      <RequestEditor
        at={at}
        baseUrl={baseUrl.data}
        request={request}
        onChange={setRequest}
        onRun={run}
        running={running}
        protection={isProtected.data}
        onSave={() => setNaming(true)}
        side={side}
        onSide={setSide}
        snippets={snippets}
        onSnippets={() => setSnippets((s) => !s)}
      />
      <section className="api-console__response" aria-label="Response">
        {snippets && baseUrl.data && <SnippetPanel baseUrl={baseUrl.data} request={request} where={at.kind} />}
        {outcome === null ? (
          <p className="api-console__meta api-console__empty">Send a request to see the Data API’s answer here (Ctrl+Enter in the body).</p>
        ) : outcome.kind === 'failed' ? (
          <ErrorPanel title="The request could not be sent" error={outcome.error} onRetry={run} />
        ) : (
          <ResponseView response={outcome.response} ms={outcome.ms} method={request.method} />
        )}
      </section>
      {side && (
        <ConsoleSidePanel
          panel={side}
          onPanel={setSide}
          onClose={() => setSide(null)}
          history={history}
          saved={saved}
          onOpen={setRequest}
          onDelete={(s) => storeSaved(deleteSaved(saved, s.id))}
        />
      )}
      {naming && (
        <NameDialog
          title="Save request"
          initial=""
          taken={() => false}
          replaces={(name) => saved.some((s) => s.name === name.trim())}
          onCancel={() => setNaming(false)}
          onSubmit={(name) => {
            storeSaved(saveRequest(saved, name, request));
            setNaming(false);
            setSide('saved');
          }}
        />
      )}
      {confirming && (
        <ModalDialog
          title={isProtected.data ? 'Send a write to a protected branch?' : 'Send a write?'}
          onClose={() => setConfirming(false)}
          onSubmit={() => void execute()}
          actions={<DialogActions onCancel={() => setConfirming(false)} label="Send anyway" busyLabel="Sending…" busy={false} danger />}
        >
          <p>
            {isProtected.data
              ? 'This branch is protected, and this request may change its data:'
              : 'Pier could not tell whether this branch is protected, and this request may change its data:'}
          </p>
          <p>
            <code>
              {request.method} {request.target}
            </code>
          </p>
          <p className="api-console__meta">Nothing has been sent yet.</p>
        </ModalDialog>
      )}
      {baseUrl.isError && (
        <ErrorPanel
          compact
          title="Pier could not tell this database’s Data API URL"
          error={baseUrl.error}
          onRetry={() => void baseUrl.refetch()}
        />
      )}
    </div>
  );
}
