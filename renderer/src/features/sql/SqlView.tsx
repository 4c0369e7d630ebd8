import { useQuery } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import type { ViewAs } from '../../../../shared/contract/dataApi';
import type { SqlRunMode, SqlRunOutput } from '../../../../shared/contract/sql';
import { assertNever } from '../../../../shared/contract/result';
import { sameLocation } from '../../../../shared/contract/location';
import { branchProtectedQuery, grantsQuery, rolesQuery, useAdminLocation } from '../../api/admin';
import { useHome } from '../../api/app';
import { schemasQuery } from '../../api/catalog';
import { usePierApi } from '../../api/PierApiContext';
import { describeError } from '../../api/RpcCallError';
import { cancelSql, useRunSql } from '../../api/sql';
import { adminLabel, branchShortName } from '../../ui/locationText';
import { CodeEditor, type CodeEditorHandle, type CompletionEntry } from '../../ui/codeEditor/CodeEditor';
import { ExplainPlan } from '../plan/ExplainPlan';
import { sqlHistoryKey } from './sqlHistoryKey';
import { addToHistory, destructiveStatements, parseHistory, statementRangeAt, type HistoryEntry } from './sqlText';
import './sql.css';

type Scope = 'selection' | 'statement' | 'all';
type RunState =
  | { kind: 'idle' }
  | { kind: 'running'; runId: string }
  | { kind: 'done'; output: SqlRunOutput; sent: string; mode: SqlRunMode }
  | { kind: 'failed'; message: string };

const KEYWORDS = [
  'SELECT',
  'FROM',
  'WHERE',
  'INSERT INTO',
  'UPDATE',
  'DELETE FROM',
  'JOIN',
  'ORDER BY',
  'GROUP BY',
  'LIMIT',
  'current_user',
  'EXPLAIN',
];
let runCounter = 0;

/** The SQL editor: Monaco with schema-aware completion, run as the admin or an identity, cancel, EXPLAIN, history. */
export function SqlView({ tabNumber }: { tabNumber: number }) {
  const api = usePierApi();
  const at = useAdminLocation();
  const home = useHome();
  const historyKey = sqlHistoryKey(at);
  const [text, setText] = useState(() => readStorage(`pier.sqlTab.${tabNumber}`) ?? 'SELECT * FROM clients;');
  const [viewAs, setViewAs] = useState<ViewAs>({ kind: 'admin' });
  const [run, setRun] = useState<RunState>({ kind: 'idle' });
  const [history, setHistory] = useState<HistoryEntry[]>(() => parseHistory(readStorage(historyKey)));
  const [showHistory, setShowHistory] = useState(false);
  const editor = useRef<CodeEditorHandle | null>(null);
  const roles = useQuery(rolesQuery(api, at));
  const isProtected = useQuery(branchProtectedQuery(api, at));
  const completions = useCompletions();
  const runSql = useRunSql();

  const execute = async (scope: Scope, mode: SqlRunMode) => {
    if (run.kind === 'running') return;
    const { sql, start } = pick(scope, text, editor.current);
    if (!sql.trim()) return;
    const destructive = destructiveStatements(sql);
    // On a protected branch (or when that cannot be told) destructive statements ask first.
    const askFirst = isProtected.data !== false;
    if (
      mode !== 'explain' &&
      askFirst &&
      destructive.length > 0 &&
      !window.confirm(
        `${isProtected.data ? 'This branch is protected, and this' : 'This'} destroys data or objects:\n\n${destructive.join(';\n')}\n\nRun it?`,
      )
    )
      return;
    const runId = `sql-${tabNumber}-${++runCounter}-${Date.now()}`;
    setRun({ kind: 'running', runId });
    editor.current?.markError(null, '');
    try {
      const output = await runSql({ at, runId, sql, viewAs, mode });
      setRun({ kind: 'done', output, sent: sql, mode });
      if (output.kind === 'error' && output.position !== null) editor.current?.markError(start + output.position, output.message);
      const entry: HistoryEntry = {
        sql,
        at: new Date().toISOString(),
        as: viewAs.kind === 'admin' ? 'admin' : viewAs.role,
        ok: output.kind === 'ok',
      };
      setHistory((h) => {
        const next = addToHistory(h, entry);
        writeStorage(historyKey, JSON.stringify(next));
        return next;
      });
    } catch (err) {
      setRun({ kind: 'failed', message: describeError(err).message });
    }
  };

  return (
    <div className="sql-view">
      <div className="sql-view__toolbar" role="toolbar" aria-label="SQL editor">
        <button
          type="button"
          className="button button--primary"
          disabled={run.kind === 'running'}
          onClick={() => void execute('statement', 'run')}
          title="Run the selection, or the statement at the cursor (Ctrl+Enter)"
        >
          Run
        </button>
        <button type="button" className="button" disabled={run.kind === 'running'} onClick={() => void execute('all', 'run')}>
          Run all
        </button>
        <button type="button" className="button" disabled={run.kind === 'running'} onClick={() => void execute('statement', 'explain')}>
          Explain
        </button>
        <button
          type="button"
          className="button"
          disabled={run.kind === 'running'}
          onClick={() => void execute('statement', 'explainAnalyze')}
          title="Runs the statement inside a transaction that is rolled back"
        >
          Explain analyze
        </button>
        {run.kind === 'running' && (
          <button type="button" className="button" onClick={() => void cancelSql(api, run.runId)}>
            Cancel
          </button>
        )}
        {isProtected.data !== undefined && (
          <span
            className="badge"
            title="Destructive statements (DROP, TRUNCATE, DELETE/UPDATE without WHERE) ask first on a protected branch"
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
        <button type="button" className="button" aria-pressed={showHistory} onClick={() => setShowHistory((s) => !s)}>
          History
        </button>
      </div>
      <div className={`sql-view__body${showHistory ? ' sql-view__body--history' : ''}`}>
        <div className="sql-view__editor">
          <CodeEditor
            ariaLabel="SQL"
            value={text}
            onChange={(v) => {
              setText(v);
              writeStorage(`pier.sqlTab.${tabNumber}`, v);
            }}
            completions={completions}
            onRun={() => void execute('statement', 'run')}
            handleRef={(h) => {
              editor.current = h;
            }}
          />
        </div>
        {showHistory && (
          <aside className="sql-view__history" aria-label="History">
            <h3>History · {home && sameLocation(at, home) ? at.database : branchShortName(at.branch)}</h3>
            {history.length === 0 && <p>Nothing run yet.</p>}
            <ul>
              {history.map((h) => (
                <li key={h.at + h.sql}>
                  <button type="button" className="link-button" onClick={() => setText(h.sql)} title={`${h.at} as ${h.as}`}>
                    <code>{h.sql.length > 120 ? h.sql.slice(0, 120) + '…' : h.sql}</code>
                  </button>
                  <span className={h.ok ? 'sql-view__ok' : 'sql-view__bad'}>{h.ok ? '✓' : '✗'}</span>{' '}
                  <span className="sql-view__meta">as {h.as}</span>
                </li>
              ))}
            </ul>
          </aside>
        )}
      </div>
      <div className="sql-view__results" aria-label="Results" role="region">
        <Results run={run} />
      </div>
    </div>
  );
}

function Results({ run }: { run: RunState }) {
  switch (run.kind) {
    case 'idle':
      return <p className="sql-view__meta">Ctrl+Enter runs the selection or the statement at the cursor.</p>;
    case 'running':
      return <p className="sql-view__meta">Running…</p>;
    case 'failed':
      return (
        <p className="sql-view__error" role="alert">
          {run.message}
        </p>
      );
    case 'done': {
      const o = run.output;
      if (o.kind === 'error') {
        return (
          <div className="sql-view__error" role="alert">
            <p>
              <strong>{o.cancelled ? 'Cancelled.' : `Error ${o.code ?? ''}`}</strong> {o.message}
            </p>
            {o.detail && <p>{o.detail}</p>}
            {o.hint && <p>{o.hint}</p>}
            <p className="sql-view__meta">Nothing was changed (the transaction was rolled back). {Math.round(o.durationMs)} ms</p>
          </div>
        );
      }
      if (run.mode !== 'run') return <ExplainPlan plan={o.plan} analyzed={run.mode === 'explainAnalyze'} />;
      return (
        <>
          {o.results.map((r, i) => (
            <div key={i} className="sql-view__result">
              <p className="sql-view__meta" role="status">
                {r.command}
                {r.rowCount !== null && ` · ${r.rowCount} row${r.rowCount === 1 ? '' : 's'}`}
                {r.truncated ? ` (first ${r.rows.length} shown)` : ''} · {Math.round(o.durationMs)} ms
              </p>
              {r.columns.length > 0 && (
                <div className="sql-view__table-wrap">
                  <table className="sql-view__table" aria-label={`Result ${i + 1}`}>
                    <thead>
                      <tr>
                        {r.columns.map((c, j) => (
                          <th key={j} scope="col" title={c.type}>
                            {c.name}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {r.rows.map((row, j) => (
                        <tr key={j}>
                          {row.map((v, k) => (
                            <td key={k}>{v === null ? <span className="null">NULL</span> : v}</td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>
          ))}
        </>
      );
    }
    default:
      return assertNever(run, 'run state');
  }
}

function pick(scope: Scope, text: string, editor: CodeEditorHandle | null): { sql: string; start: number } {
  const selection = editor?.selection() ?? '';
  if (scope !== 'all' && selection.trim()) return { sql: selection, start: Math.max(0, text.indexOf(selection)) };
  if (scope === 'all' || !editor) return { sql: text, start: 0 };
  const { text: sql, start } = statementRangeAt(text, editor.cursorOffset());
  return { sql, start };
}

/** Tables of every schema, columns of the exposed `public` schema, and common keywords. */
function useCompletions(): CompletionEntry[] {
  const api = usePierApi();
  const at = useAdminLocation();
  const schemas = useQuery(schemasQuery(api, at));
  const grants = useQuery(grantsQuery(api, at, 'public'));
  return useMemo(() => {
    const out: CompletionEntry[] = KEYWORDS.map((k) => ({ label: k, kind: 'keyword' as const }));
    for (const s of schemas.data?.schemas ?? []) {
      for (const r of s.relations) out.push({ label: s.name === 'public' ? r.name : `${s.name}.${r.name}`, kind: 'table', detail: r.kind });
    }
    const seen = new Set<string>();
    for (const t of grants.data?.tables ?? []) {
      for (const c of t.columns) {
        if (seen.has(c.name)) continue;
        seen.add(c.name);
        out.push({ label: c.name, kind: 'column', detail: t.name });
      }
    }
    return out;
  }, [schemas.data, grants.data]);
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
