import { useQuery } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import type { ViewAs } from '../../../../shared/contract/dataApi';
import type { SqlExportFormat, SqlRunMode, SqlRunOutput } from '../../../../shared/contract/sql';
import { statementAtOffset } from '../../../../shared/contract/sqlStatements';
import { sameLocation } from '../../../../shared/contract/location';
import { branchProtectedQuery, rolesQuery, useAdminLocation } from '../../api/admin';
import { useHome } from '../../api/app';
import { usePierApi } from '../../api/PierApiContext';
import { describeError } from '../../api/RpcCallError';
import { analyzeSql, exportSql, sqlCatalogQuery } from '../../api/sql';
import { adminLabel, branchShortName } from '../../ui/locationText';
import { CodeEditor, type CodeEditorHandle } from '../../ui/codeEditor/CodeEditor';
import { ConfirmDestructive, NameDialog } from './SqlDialogs';
import { formatSql } from './formatSql';
import { SqlResults } from './SqlResults';
import { SqlSidePanel, type SidePanel } from './SqlSidePanel';
import { completionsAt } from './sqlCompletion';
import { sqlHistoryKey } from './sqlHistoryKey';
import { addToHistory, parseHistory, type HistoryEntry } from './sqlHistory';
import { deleteQuery, parseSavedQueries, renameQuery, saveQuery, savedQueriesKey, type SavedQuery } from './savedQueries';
import { useSqlRun, type RunRequest } from './useSqlRun';
import './sql.css';

type Scope = 'statement' | 'all';
type Naming = { kind: 'save' } | { kind: 'rename'; query: SavedQuery };

/**
 * The SQL editor: Monaco with completion that knows where the cursor is, statements split by
 * PostgreSQL's parser (in main), run as the admin or an identity, results paged from a cursor,
 * export, EXPLAIN, format, history and saved queries per database.
 */
export function SqlView({ tabNumber }: { tabNumber: number }) {
  const api = usePierApi();
  const at = useAdminLocation();
  const home = useHome();
  const historyKey = sqlHistoryKey(at);
  const savedKey = savedQueriesKey(at);
  const [text, setText] = useState(() => readStorage(`pier.sqlTab.${tabNumber}`) ?? 'SELECT * FROM clients;');
  const [viewAs, setViewAs] = useState<ViewAs>({ kind: 'admin' });
  const [history, setHistory] = useState<HistoryEntry[]>(() => parseHistory(readStorage(historyKey)));
  const [saved, setSaved] = useState<SavedQuery[]>(() => parseSavedQueries(readStorage(savedKey)));
  const [side, setSide] = useState<SidePanel | null>(null);
  const [naming, setNaming] = useState<Naming | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const editor = useRef<CodeEditorHandle | null>(null);
  const roles = useQuery(rolesQuery(api, at));
  const isProtected = useQuery(branchProtectedQuery(api, at));
  const catalog = useQuery(sqlCatalogQuery(api, at));

  const onFinished = useCallback(
    (request: RunRequest, output: SqlRunOutput) => {
      if (output.kind === 'error' && output.position !== null) editor.current?.markError(request.start + output.position, output.message);
      if (output.kind === 'confirm') return;
      const entry: HistoryEntry = {
        sql: request.sql,
        at: new Date().toISOString(),
        as: request.viewAs.kind === 'admin' ? 'admin' : request.viewAs.role,
        ok: output.kind === 'ok',
      };
      setHistory((h) => {
        const next = addToHistory(h, entry);
        writeStorage(historyKey, JSON.stringify(next));
        return next;
      });
    },
    [historyKey],
  );
  const { run, execute, cancel, fetchMore, fetching, fetchError, pending, confirm, dismiss } = useSqlRun(at, tabNumber, onFinished);

  const start = async (scope: Scope, mode: SqlRunMode) => {
    if (run.kind === 'running') return;
    setNotice(null);
    editor.current?.markError(null, '');
    const picked = await pick(scope);
    if (!picked || !picked.sql.trim()) return;
    await execute({ ...picked, mode, viewAs });
  };

  /** The selection, the statement at the cursor (as PostgreSQL's parser splits the text), or everything. */
  const pick = async (scope: Scope): Promise<{ sql: string; start: number } | null> => {
    const e = editor.current;
    const range = e?.selectionRange() ?? null;
    if (range && text.slice(range.start, range.end).trim()) return { sql: text.slice(range.start, range.end), start: range.start };
    if (scope === 'all' || !e) return { sql: text, start: 0 };
    try {
      const analysis = await analyzeSql(api, text);
      if (analysis.kind === 'syntaxError') {
        // The whole text must parse to be split; send it and let the server say where it is wrong.
        return { sql: text, start: 0 };
      }
      const s = statementAtOffset(analysis.statements, e.cursorOffset());
      return s ? { sql: text.slice(s.start, s.end), start: s.start } : null;
    } catch (err) {
      setNotice(describeError(err).message);
      return null;
    }
  };

  const format = async () => {
    const e = editor.current;
    if (!e) return;
    const range = e.selectionRange() ?? { start: 0, end: text.length };
    try {
      e.replaceRange(range.start, range.end, await formatSql(text.slice(range.start, range.end)));
      setNotice(null);
    } catch (err) {
      setNotice(`Could not format: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const exportResult = async (statement: string, format: SqlExportFormat) => {
    try {
      const { url, fileName } = await exportSql(api, { at, sql: statement, viewAs, format });
      // The browser's own download: the file streams to disk, never through the page.
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      a.rel = 'noopener';
      document.body.append(a);
      a.click();
      a.remove();
      setNotice(`Exporting ${fileName}: your browser saves it as it arrives.`);
    } catch (err) {
      setNotice(`Export failed: ${describeError(err).message}`);
    }
  };

  const storeSaved = (next: SavedQuery[]) => {
    setSaved(next);
    writeStorage(savedKey, JSON.stringify(next));
  };

  const busy = run.kind === 'running';
  const where = home && sameLocation(at, home) ? at.database : `${branchShortName(at.branch)} · ${at.database}`;
  return (
    <div className={side ? 'sql-view sql-view--side' : 'sql-view'}>
      <div className="sql-view__toolbar" role="toolbar" aria-label="SQL editor">
        <div className="sql-view__group">
          <button
            type="button"
            className="button button--primary"
            disabled={busy}
            onClick={() => void start('statement', 'run')}
            title="Run the selection, or the statement at the cursor (Ctrl+Enter)"
          >
            Run
          </button>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void start('all', 'run')}
            title="Run everything (Ctrl+Shift+Enter)"
          >
            Run all
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => void start('statement', 'explain')}>
            Explain
          </button>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void start('statement', 'explainAnalyze')}
            title="Runs the statement inside a transaction that is rolled back"
          >
            Explain analyze
          </button>
          {(busy || (run.kind === 'done' && run.output.kind === 'ok' && run.output.results.some((r) => r.resultId !== null))) && (
            <button
              type="button"
              className="button"
              onClick={cancel}
              title={busy ? 'Cancel the running statement' : 'Close the open result (its transaction ends)'}
            >
              {busy ? 'Cancel' : 'Close result'}
            </button>
          )}
        </div>
        <div className="sql-view__group">
          <button type="button" className="button" onClick={() => void format()} title="Format the selection or everything (Shift+Alt+F)">
            Format
          </button>
          <button
            type="button"
            className="button"
            onClick={() => setNaming({ kind: 'save' })}
            title="Save the editor's text for this database (Ctrl+S)"
          >
            Save
          </button>
          <button
            type="button"
            className="button"
            aria-pressed={side !== null}
            onClick={() => setSide((s) => (s ? null : 'history'))}
            title="History and saved queries of this database"
          >
            History
          </button>
        </div>
        <div className="sql-view__group sql-view__group--end">
          {isProtected.data !== undefined && (
            <span
              className="badge"
              title="Destructive statements (DROP, TRUNCATE, DELETE/UPDATE without WHERE, anywhere in the text) ask first on a protected branch"
            >
              {isProtected.data === true ? 'protected branch' : isProtected.data === false ? 'branch not protected' : 'protection unknown'}
            </span>
          )}
          <label className="sql-view__as">
            Run as{' '}
            <select
              aria-label="Run as"
              value={viewAs.kind === 'admin' ? '' : viewAs.role}
              onChange={(e) => setViewAs(e.target.value ? { kind: 'identity', role: e.target.value } : { kind: 'admin' })}
            >
              <option value="">{adminLabel(at)}</option>
              {(roles.data?.authenticatorMembers ?? []).map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <div className="sql-view__main">
        <div className="sql-view__editor">
          <CodeEditor
            ariaLabel="SQL"
            value={text}
            onChange={(v) => {
              setText(v);
              writeStorage(`pier.sqlTab.${tabNumber}`, v);
            }}
            completions={(t, offset) => completionsAt(t, offset, catalog.data)}
            onRun={() => void start('statement', 'run')}
            commands={{
              runAll: () => void start('all', 'run'),
              format: () => void format(),
              save: () => setNaming({ kind: 'save' }),
            }}
            handleRef={(h) => {
              editor.current = h;
            }}
          />
        </div>
        <div className="sql-view__results" aria-label="Results" role="region">
          {notice && (
            <p className="sql-view__notice" role="status">
              {notice}
            </p>
          )}
          <SqlResults
            run={run}
            onFetchMore={() => void fetchMore()}
            fetching={fetching}
            fetchError={fetchError}
            onExport={(s, f) => void exportResult(s, f)}
          />
        </div>
      </div>
      {side && (
        <SqlSidePanel
          panel={side}
          onPanel={setSide}
          onClose={() => setSide(null)}
          title={where}
          history={history}
          saved={saved}
          onOpen={setText}
          onRename={(query) => setNaming({ kind: 'rename', query })}
          onDelete={(query) => storeSaved(deleteQuery(saved, query.id))}
        />
      )}
      {naming && (
        <NameDialog
          title={naming.kind === 'save' ? `Save query for ${where}` : `Rename "${naming.query.name}"`}
          initial={naming.kind === 'save' ? '' : naming.query.name}
          taken={(name) => (naming.kind === 'save' ? false : saved.some((q) => q.name === name.trim() && q.id !== naming.query.id))}
          replaces={(name) => naming.kind === 'save' && saved.some((q) => q.name === name.trim())}
          onCancel={() => setNaming(null)}
          onSubmit={(name) => {
            if (naming.kind === 'save') {
              storeSaved(saveQuery(saved, name, text));
              setSide('saved');
            } else {
              const next = renameQuery(saved, naming.query.id, name);
              if (next) storeSaved(next);
            }
            setNaming(null);
          }}
        />
      )}
      {pending && <ConfirmDestructive pending={pending} onCancel={dismiss} onConfirm={confirm} />}
    </div>
  );
}

function readStorage(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeStorage(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // not persisted; harmless
  }
}
