import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { TrackedOperationDto } from '../../../../shared/management/workspaceSchemas';
import { assertNever } from '../../../../shared/contract/result';
import { operationsQuery, useRefreshAfterOperation, useStopOperation } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { Icon } from '../../ui/Icon';
import { finishedSince, foldOperations, formatDuration, type OperationStates } from './finishedOperations';
import './operations.css';

/**
 * Long-running operations with their progress and outcome. When one ends, only the lists it
 * touched are refreshed (its project's branches, the branch's endpoints and schemas).
 */
export function OperationsPanel() {
  const api = usePierApi();
  const refreshAfter = useRefreshAfterOperation();
  const operations = useQuery(operationsQuery(api));
  const seen = useRef<OperationStates | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [open, setOpen] = useState(true);

  useEffect(() => {
    if (!operations.data) return;
    const { finished, states } = finishedSince(seen.current, operations.data);
    seen.current = states;
    for (const op of finished) refreshAfter(op);
  }, [operations.data, refreshAfter]);

  const stop = useStopOperation();

  const [historyOpen, setHistoryOpen] = useState(false);
  const shown = (operations.data ?? []).filter((op) => !hidden.has(op.id));
  const folded = foldOperations(shown);
  const running = folded.running.length;
  const row = (op: TrackedOperationDto) => (
    <OperationRow key={op.id} op={op} onStop={() => stop.mutate(op.id)} stopping={stop.isPending && stop.variables === op.id} />
  );
  if (shown.length === 0) return null;
  return (
    <section className="operations" aria-label="Operations">
      <div className="operations__header">
        <button type="button" className="operations__toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          <Icon name="chevron" className={open ? 'operations__chevron operations__chevron--open' : 'operations__chevron'} />
          <h2 className="sidebar__heading">Operations</h2>
          {running > 0 && <span className="badge">{running} running</span>}
        </button>
        {shown.length > running && (
          <button
            type="button"
            className="operations__clear"
            onClick={() => setHidden(new Set([...hidden, ...shown.filter((op) => op.state !== 'running').map((op) => op.id)]))}
          >
            Clear finished
          </button>
        )}
      </div>
      {open && (
        <>
          <ul className="operations__list">
            {folded.running.map(row)}
            {folded.latest && row(folded.latest)}
          </ul>
          {folded.history.length > 0 && (
            <>
              <button
                type="button"
                className="operations__clear operations__history-toggle"
                aria-expanded={historyOpen}
                onClick={() => setHistoryOpen((o) => !o)}
              >
                {historyOpen ? 'Hide history' : `History (${folded.history.length} earlier)`}
              </button>
              {historyOpen && (
                // Bounded and scrollable (reachable by keyboard), so the tree above keeps its room.
                <ul className="operations__list operations__history" aria-label="Earlier operations" tabIndex={0}>
                  {folded.history.map(row)}
                </ul>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}

function OperationRow({ op, onStop, stopping }: { op: TrackedOperationDto; onStop: () => void; stopping: boolean }) {
  const now = useNow(op.state === 'running');
  const started = Date.parse(op.startedAt);
  const ended = op.finishedAt ? Date.parse(op.finishedAt) : now;
  const outcome = outcomeText(op);
  return (
    <li className={`operation operation--${op.state}`} aria-label={`${op.title}: ${outcome}`}>
      <div className="operation__line">
        <span className={`operation__dot operation__dot--${op.state}`} aria-hidden="true" />
        <span className="operation__title" title={op.resource}>
          {op.title}
        </span>
        <span className="operation__state">{outcome}</span>
      </div>
      {op.state === 'running' && <div className="operation__progress" role="progressbar" aria-label={`${op.title} in progress`} />}
      <div className="operation__meta">
        {op.state === 'running' ? `running for ${formatDuration(now - started)}` : `took ${formatDuration(ended - started)}`}
        {op.polls > 0 && ` · ${op.polls} check${op.polls === 1 ? '' : 's'}`}
        {op.state === 'running' && (
          <button
            type="button"
            className="operations__clear"
            onClick={onStop}
            disabled={stopping}
            title="Stop waiting; the server may still finish it"
          >
            Stop
          </button>
        )}
      </div>
      {op.error && (
        <p className="operation__error" role="alert">
          {op.error.message} <span className="operation__code">{op.error.code}</span>
        </p>
      )}
    </li>
  );
}

function outcomeText(op: TrackedOperationDto): string {
  switch (op.state) {
    case 'running':
      return 'Running';
    case 'succeeded':
      return 'Succeeded';
    case 'failed':
      return 'Failed';
    case 'stopped':
      return 'Stopped waiting';
    default:
      return assertNever(op.state, 'operation state');
  }
}

/** The clock, ticking every second while `live`, for elapsed times. */
function useNow(live: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [live]);
  return live ? now : Date.now();
}
