import { useState } from 'react';
import type { HistoryEntry } from './sqlHistory';
import type { SavedQuery } from './savedQueries';

export type SidePanel = 'history' | 'saved';

/** The side panel of the SQL editor: this database's history, or its saved queries (open, rename, delete). */
export function SqlSidePanel({
  panel,
  onPanel,
  onClose,
  title,
  history,
  saved,
  onOpen,
  onRename,
  onDelete,
}: {
  panel: SidePanel;
  onPanel: (panel: SidePanel) => void;
  onClose: () => void;
  title: string;
  history: readonly HistoryEntry[];
  saved: readonly SavedQuery[];
  onOpen: (sql: string) => void;
  onRename: (query: SavedQuery) => void;
  onDelete: (query: SavedQuery) => void;
}) {
  return (
    <aside className="sql-view__side" aria-label={panel === 'history' ? 'History' : 'Saved queries'}>
      <div className="sql-view__side-head">
        <div role="group" aria-label="Side panel" className="sql-view__side-tabs">
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
      <p className="sql-view__meta sql-view__side-title" title={title}>
        {title}
      </p>
      {panel === 'history' ? (
        <HistoryList history={history} onOpen={onOpen} />
      ) : (
        <SavedList saved={saved} onOpen={onOpen} onRename={onRename} onDelete={onDelete} />
      )}
    </aside>
  );
}

function HistoryList({ history, onOpen }: { history: readonly HistoryEntry[]; onOpen: (sql: string) => void }) {
  if (history.length === 0) return <p className="sql-view__meta">Nothing run yet.</p>;
  return (
    <ul>
      {history.map((h) => (
        <li key={h.at + h.sql}>
          <button type="button" className="link-button sql-view__snippet" onClick={() => onOpen(h.sql)} title={`${h.at} as ${h.as}`}>
            <code>{h.sql.length > 120 ? h.sql.slice(0, 120) + '…' : h.sql}</code>
          </button>
          <span className={h.ok ? 'sql-view__ok' : 'sql-view__bad'}>{h.ok ? '✓' : '✗'}</span>{' '}
          <span className="sql-view__meta">as {h.as}</span>
        </li>
      ))}
    </ul>
  );
}

function SavedList({
  saved,
  onOpen,
  onRename,
  onDelete,
}: {
  saved: readonly SavedQuery[];
  onOpen: (sql: string) => void;
  onRename: (query: SavedQuery) => void;
  onDelete: (query: SavedQuery) => void;
}) {
  const [confirming, setConfirming] = useState<string | null>(null);
  if (saved.length === 0) return <p className="sql-view__meta">No saved queries yet. Save the editor's text with Save (Ctrl+S).</p>;
  return (
    <ul>
      {saved.map((q) => (
        <li key={q.id}>
          <button type="button" className="link-button sql-view__saved-name" onClick={() => onOpen(q.sql)} title={q.sql}>
            {q.name}
          </button>
          <span className="sql-view__saved-actions">
            <button type="button" className="link-button" onClick={() => onRename(q)} aria-label={`Rename ${q.name}`}>
              Rename
            </button>
            {confirming === q.id ? (
              <>
                <button
                  type="button"
                  className="link-button sql-view__bad"
                  onClick={() => onDelete(q)}
                  aria-label={`Really delete ${q.name}`}
                >
                  Delete?
                </button>
                <button type="button" className="link-button" onClick={() => setConfirming(null)}>
                  Keep
                </button>
              </>
            ) : (
              <button type="button" className="link-button" onClick={() => setConfirming(q.id)} aria-label={`Delete ${q.name}`}>
                Delete
              </button>
            )}
          </span>
          <code className="sql-view__snippet-text">{q.sql.length > 80 ? q.sql.slice(0, 80) + '…' : q.sql}</code>
        </li>
      ))}
    </ul>
  );
}
