import type { ConsoleRequest } from './consoleRequest';
import type { HistoryEntry, SavedRequest } from './consoleStorage';

export type ConsoleSide = 'history' | 'saved';

/** This database's last runs, or its saved requests: a click puts one back in the editor. */
export function ConsoleSidePanel({
  panel,
  onPanel,
  onClose,
  history,
  saved,
  onOpen,
  onDelete,
}: {
  panel: ConsoleSide;
  onPanel: (panel: ConsoleSide) => void;
  onClose: () => void;
  history: readonly HistoryEntry[];
  saved: readonly SavedRequest[];
  onOpen: (request: ConsoleRequest) => void;
  onDelete: (saved: SavedRequest) => void;
}) {
  return (
    <aside className="api-console__side" aria-label={panel === 'history' ? 'Request history' : 'Saved requests'}>
      <div className="api-console__side-head">
        <div role="group" aria-label="Side panel" className="api-console__snippet-kinds">
          <button type="button" aria-pressed={panel === 'history'} onClick={() => onPanel('history')}>
            History
          </button>
          <button type="button" aria-pressed={panel === 'saved'} onClick={() => onPanel('saved')}>
            Saved ({saved.length})
          </button>
        </div>
        <button type="button" className="icon-button" aria-label="Close side panel" title="Close" onClick={onClose}>
          ×
        </button>
      </div>
      {panel === 'history' ? (
        history.length === 0 ? (
          <p className="api-console__meta">Nothing sent yet.</p>
        ) : (
          <ul>
            {history.map((h) => (
              <li key={h.id}>
                <button type="button" className="link-button api-console__entry" onClick={() => onOpen(h.request)} title={h.ranAt}>
                  <code>{line(h.request)}</code>
                </button>
                <span className={h.status >= 400 ? 'api-console__bad' : 'api-console__ok'}>{h.status}</span>{' '}
                <span className="api-console__meta">
                  {h.ms} ms · {asWhom(h.request)}
                </span>
              </li>
            ))}
          </ul>
        )
      ) : saved.length === 0 ? (
        <p className="api-console__meta">No saved requests for this database yet: Save keeps the one in the editor.</p>
      ) : (
        <ul>
          {saved.map((s) => (
            <li key={s.id}>
              <button type="button" className="link-button api-console__entry" onClick={() => onOpen(s.request)} title={line(s.request)}>
                {s.name}
              </button>
              <button type="button" className="link-button api-console__delete" aria-label={`Delete ${s.name}`} onClick={() => onDelete(s)}>
                Delete
              </button>
              <div className="api-console__meta">
                <code>{line(s.request)}</code>
              </div>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}

function line(r: ConsoleRequest): string {
  const text = `${r.method} ${r.target}`;
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

function asWhom(r: ConsoleRequest): string {
  return r.viewAs.kind === 'admin' ? 'as admin' : `as ${r.viewAs.role}`;
}
