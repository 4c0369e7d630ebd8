import { useCallback, useEffect, useRef, useState } from 'react';
import type { ViewAs } from '../../../../shared/contract/dataApi';
import type { Location } from '../../../../shared/contract/location';
import { assertNever } from '../../../../shared/contract/result';
import type { SqlResultSet, SqlRunMode, SqlRunOutput } from '../../../../shared/contract/sql';
import { usePierApi } from '../../api/PierApiContext';
import { describeError } from '../../api/RpcCallError';
import { cancelSql, closeSqlResult, fetchSqlRows, useRunSql } from '../../api/sql';

export type RunState =
  | { kind: 'idle' }
  | { kind: 'running'; runId: string }
  | { kind: 'done'; output: Extract<SqlRunOutput, { kind: 'ok' | 'error' }>; sent: string; start: number; mode: SqlRunMode; runId: string }
  | { kind: 'failed'; message: string };

/** A destructive run waiting for the user's yes: main answered `confirm`. */
export interface PendingConfirmation {
  readonly request: RunRequest;
  readonly output: Extract<SqlRunOutput, { kind: 'confirm' }>;
}

export interface RunRequest {
  readonly sql: string;
  /** Where `sql` starts in the editor's text (error positions and markers map back through it). */
  readonly start: number;
  readonly mode: SqlRunMode;
  readonly viewAs: ViewAs;
}

/** Rows fetched per scroll step. */
const FETCH_STEP = 500;
export const FIRST_PAGE = 200;
let runCounter = 0;

/**
 * One SQL tab's runs: run (asking first when main says the text is destructive), cancel, page
 * through the last result, and close it on a new run and when the tab goes away, so its cursor
 * and transaction do not wait for Pier's idle timeout.
 */
export function useSqlRun(at: Location, tabNumber: number, onFinished: (request: RunRequest, output: SqlRunOutput) => void) {
  const api = usePierApi();
  const runSql = useRunSql();
  const [run, setRun] = useState<RunState>({ kind: 'idle' });
  const [pending, setPending] = useState<PendingConfirmation | null>(null);
  const [fetching, setFetching] = useState<string | null>(null);
  const [fetchError, setFetchError] = useState<string | null>(null);
  const openResult = useRef<string | null>(null);
  const latest = useRef(onFinished);
  latest.current = onFinished;

  const closeOpen = useCallback(() => {
    if (openResult.current) closeSqlResult(api, openResult.current);
    openResult.current = null;
  }, [api]);
  useEffect(() => closeOpen, [closeOpen]);

  const execute = useCallback(
    async (request: RunRequest, confirmation?: string) => {
      closeOpen();
      const runId = `sql-${tabNumber}-${++runCounter}-${Date.now()}`;
      setRun({ kind: 'running', runId });
      setFetchError(null);
      try {
        const output = await runSql({
          at,
          runId,
          sql: request.sql,
          viewAs: request.viewAs,
          mode: request.mode,
          pageSize: FIRST_PAGE,
          ...(confirmation && { confirmation }),
        });
        if (output.kind === 'confirm') {
          setRun({ kind: 'idle' });
          setPending({ request, output });
          return;
        }
        if (output.kind === 'ok') openResult.current = output.results.find((r) => r.resultId)?.resultId ?? null;
        setRun({ kind: 'done', output, sent: request.sql, start: request.start, mode: request.mode, runId });
        latest.current(request, output);
      } catch (err) {
        setRun({ kind: 'failed', message: describeError(err).message });
      }
    },
    [api, at, closeOpen, runSql, tabNumber],
  );

  const confirm = useCallback(() => {
    if (!pending) return;
    setPending(null);
    void execute(pending.request, pending.output.confirmation);
  }, [execute, pending]);

  const cancel = useCallback(() => {
    if (run.kind === 'running') void cancelSql(api, run.runId);
    else if (run.kind === 'done') {
      closeOpen();
      // The rows shown stay; there are no more to fetch.
      setRun(withResult(run, (r) => (r.resultId ? { ...r, resultId: null } : r)));
    }
  }, [api, closeOpen, run]);

  /** Fetches the next rows of the result that has a cursor open. */
  const fetchMore = useCallback(async () => {
    if (run.kind !== 'done' || run.output.kind !== 'ok' || fetching) return;
    const target = run.output.results.find((r) => r.resultId && r.more);
    if (!target?.resultId) return;
    const id = target.resultId;
    setFetching(id);
    try {
      const out = await fetchSqlRows(api, id, FETCH_STEP);
      setRun((current) =>
        current.kind !== 'done'
          ? current
          : withResult(current, (r) => {
              if (r.resultId !== id) return r;
              switch (out.kind) {
                case 'rows':
                  return { ...r, rows: [...r.rows, ...out.rows], more: out.more, rowCount: out.rowCount, resultId: out.more ? id : null };
                case 'error':
                case 'closed':
                  return { ...r, resultId: null };
                default:
                  return assertNever(out, 'fetch output');
              }
            }),
      );
      if (out.kind === 'error') setFetchError(`${out.code ?? ''} ${out.message}`.trim());
      if (out.kind === 'closed') setFetchError(out.message);
      if (out.kind !== 'rows' || !out.more) openResult.current = null;
    } catch (err) {
      setFetchError(describeError(err).message);
    } finally {
      setFetching(null);
    }
  }, [api, fetching, run]);

  return { run, execute, cancel, fetchMore, fetching: fetching !== null, fetchError, pending, confirm, dismiss: () => setPending(null) };
}

function withResult(run: Extract<RunState, { kind: 'done' }>, f: (r: SqlResultSet) => SqlResultSet): RunState {
  if (run.output.kind !== 'ok') return run;
  return { ...run, output: { ...run.output, results: run.output.results.map(f) } };
}
