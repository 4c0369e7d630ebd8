import { useQueries, useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ViewAs } from '../../../../shared/contract/dataApi';
import type { Location } from '../../../../shared/contract/location';
import { assertNever } from '../../../../shared/contract/result';
import { emptyReadQuery, type FilterCondition, type ReadQuery } from '../../../../shared/dataapi/ast';
import { serializeQuery } from '../../../../shared/dataapi/serializeQuery';
import { countQuery, describeQuery, useReloadTable, type CountMode, type TableTarget } from '../../api/dataApi';
import { usePierApi } from '../../api/PierApiContext';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { Icon } from '../../ui/Icon';
import { relationIcon, relationKindLabel, type RelationInfo } from '../tables/relation';
import { CodePanel } from './CodePanel';
import { viewUrl, type SnippetTarget } from './codeSnippets';
import { DataGrid, type ActiveCell } from './DataGrid';
import { ValueInspector } from './ValueInspector';
import { gridViewKey, loadGridView, saveGridView } from './gridViewStorage';
import { EditReview, NewRowForm } from './EditReview';
import { ExportButton } from './ExportButton';
import { ImportCsvDialog } from './ImportCsvDialog';
import { RowReferences } from './RowReferences';
import { stageDelete, stageInsert, type RowKey, type StagedEdit } from './stagedEdits';
import { EMPTY_HISTORY, recordEdits, redoEdits, undoEdits, type EditHistory } from './editHistory';
import { embedsOf, setTopOrder, sortByHeader, topOrder } from './builderEdits';
import type { GridCommand, GridSorting } from './TableGrid';
import { findRelationship, gridColumns, viewTotal, withTopPaging } from './gridQuery';
import { QueryBuilder } from './QueryBuilder';
import { UrlBar } from './UrlBar';
import { gridRequest } from '../dataApiConsole/gridRequest';
import { saveDraft } from '../dataApiConsole/consoleStorage';
import { HostedComparison, type CloudTableTarget } from './HostedComparison';
import { ViewAsPicker } from './ViewAsPicker';
import './tableView.css';

/** One opened table: toolbar, the Data API URL, the grid, and beside it the query builder and code. */
export function TableView({
  at,
  relation,
  onOpenRelated,
  onCompare,
  onOpenConsole,
}: {
  at: Location;
  relation: RelationInfo;
  /** Opens the table's data comparison with another branch or database. */
  onCompare?: () => void;
  /** Opens the Data API console (its draft already set to this view's request). */
  onOpenConsole?: () => void;
  /** Opens another table's tab showing `query` (a foreign key followed), as `viewAs`. */
  onOpenRelated?: (relation: RelationInfo, query: ReadQuery, viewAs: ViewAs) => void;
}) {
  const api = usePierApi();
  const qualified = `${relation.schema}.${relation.name}`;
  // The view survives tab switches (only the active tab is mounted) and window reloads.
  const storageKey = gridViewKey(at, relation.schema, relation.name);
  const [stored] = useState(() => loadGridView(storageKey));
  const [query, setQuery] = useState<ReadQuery>(stored?.query ?? emptyReadQuery);
  const [countMode, setCountMode] = useState<CountMode>(stored?.countMode ?? 'exact');
  const [viewAs, setViewAs] = useState<ViewAs>(stored?.viewAs ?? { kind: 'admin' });
  useEffect(() => saveGridView(storageKey, { query, countMode, viewAs }), [storageKey, query, countMode, viewAs]);
  const [builderOpen, setBuilderOpen] = useState(true);
  // Staged edits with their undo history (Ctrl+Z / Ctrl+Shift+Z in the grid).
  const [history, setHistory] = useState<EditHistory>(EMPTY_HISTORY);
  const edits = history.present;
  const setEdits = useCallback(
    (next: readonly StagedEdit[] | ((current: readonly StagedEdit[]) => readonly StagedEdit[])) =>
      setHistory((h) => recordEdits(h, typeof next === 'function' ? next(h.present) : next)),
    [],
  );
  // Ctrl+S in the grid: how many times it asked the review to apply.
  const [applyRequests, setApplyRequests] = useState(0);
  const [editErrors, setEditErrors] = useState<Record<string, string>>({});
  const [activeRow, setActiveRow] = useState<RowKey | null>(null);
  const [activeObject, setActiveObject] = useState<Readonly<Record<string, unknown>> | null>(null);
  const [activeCell, setActiveCell] = useState<ActiveCell | null>(null);
  const [newRowOpen, setNewRowOpen] = useState(false);
  const [importOpen, setImportOpen] = useState(false);
  const insertSeq = useRef(0);
  const describe = useQuery(describeQuery(api, at, relation.schema, relation.name));
  const target: TableTarget = useMemo(() => ({ at, schema: relation.schema, table: relation.name, viewAs }), [at, relation, viewAs]);
  // The hosted Data API is a cloud workspace's: there Pier's answer can be compared with it.
  const cloudTarget: CloudTableTarget | null = at.kind === 'cloud' ? { ...target, at } : null;
  // How often "Send to hosted Data API" was pressed; 0 = the comparison is closed.
  const [hostedSends, setHostedSends] = useState(0);
  // Observes the grid's count (the grid decides when it runs).
  const count = useQuery({
    ...countQuery(api, target, serializeQuery(withTopPaging(query, undefined, undefined)), countMode),
    enabled: false,
  });
  const embedTargets = describe.data
    ? embedsOf(query).flatMap((e) => {
        const rel = findRelationship(describe.data, e.relation, e.hint);
        // To-one targets type their columns; to-many targets type the nested grid's.
        return rel ? [rel.target] : [];
      })
    : [];
  const relatedDescribes = useQueries({ queries: embedTargets.map((t) => describeQuery(api, at, t.schema, t.name)) });
  const relatedKey = relatedDescribes.map((r) => (r.data ? '1' : '0')).join();
  const related = useMemo(
    () =>
      new Map(
        relatedDescribes.flatMap((r, i) =>
          r.data && embedTargets[i] ? [[`${embedTargets[i].schema}.${embedTargets[i].name}`, r.data] as const] : [],
        ),
      ),
    // Rebuilt when a describe arrives or the query changes, not on every render.
    [relatedKey, query],
  );
  const columns = useMemo(() => (describe.data ? gridColumns(query, describe.data, related) : []), [query, describe.data, related]);
  const snippet: SnippetTarget | null = describe.data
    ? { baseUrl: describe.data.baseUrl, schema: relation.schema, table: relation.name, query, count: countMode, where: at.kind }
    : null;
  const reloadRows = useReloadTable(target);
  const reload = () => {
    reloadRows();
    void describe.refetch();
  };
  const total = typeof count.data === 'number' ? viewTotal(query, count.data) : null;
  const order = topOrder(query);
  const sorting: GridSorting = {
    sortOf: (dataIndex) => {
      const source = columns[dataIndex]?.source;
      if (source === undefined) return undefined;
      const rank = order.findIndex((t) => t.relation === undefined && t.field.json.length === 0 && t.field.name === source);
      const term = order[rank];
      return term ? { direction: term.direction ?? 'asc', rank: rank + 1 } : null;
    },
    keys: order.length,
    onSort: (dataIndex, additive) => {
      const source = columns[dataIndex]?.source;
      if (source !== undefined) setQuery(setTopOrder(query, sortByHeader(order, source, additive)));
    },
  };
  const onCommand = (command: GridCommand) => {
    switch (command) {
      case 'undo':
        return setHistory(undoEdits);
      case 'redo':
        return setHistory(redoEdits);
      case 'save':
        if (edits.length > 0) setApplyRequests((n) => n + 1);
        return;
      default:
        return assertNever(command, 'grid command');
    }
  };

  return (
    <div className="table-view">
      <div className="table-view__toolbar">
        <Icon name={relationIcon(relation.kind)} className="table-view__icon" />
        <h2 className="table-view__title">
          <span className="table-view__schema">{relation.schema}.</span>
          {relation.name}
        </h2>
        <span className="badge">{relationKindLabel(relation.kind)}</span>
        <ViewAsPicker at={at} value={viewAs} onChange={setViewAs} />
        <span className="table-view__summary" aria-live="polite">
          {total !== null && describe.data && summary(total, countMode, columns.length)}
        </span>
        {describe.data && describe.data.primaryKey.length > 0 && (
          <>
            <button type="button" className="button button--small" onClick={() => setNewRowOpen(true)}>
              Add row
            </button>
            <button
              type="button"
              className="button button--small"
              disabled={!activeRow}
              title={activeRow ? 'Stage deleting the row of the active cell' : 'Select a cell of the row to delete'}
              onClick={() => activeRow && setEdits((e) => stageDelete(e, activeRow))}
            >
              Delete row
            </button>
          </>
        )}
        {describe.data && (
          <ExportButton
            target={target}
            query={query}
            primaryKey={describe.data.primaryKey}
            columnNames={describe.data.columns.map((c) => c.name)}
            total={total}
          />
        )}
        {describe.data && relation.kind === 'table' && (
          <button type="button" className="button button--small" onClick={() => setImportOpen(true)}>
            Import CSV
          </button>
        )}
        {importOpen && <ImportCsvDialog target={target} onClose={() => setImportOpen(false)} onImported={reload} />}
        {onCompare && describe.data && describe.data.primaryKey.length > 0 && relation.kind !== 'view' && (
          <button type="button" className="button button--small" onClick={onCompare}>
            Compare data…
          </button>
        )}
        <button
          type="button"
          className={`button button--small${builderOpen ? ' button--pressed' : ''}`}
          aria-pressed={builderOpen}
          onClick={() => setBuilderOpen((o) => !o)}
        >
          Query builder
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={`Reload ${qualified}`}
          title="Reload rows"
          onClick={reload}
          disabled={count.isFetching}
        >
          <Icon name="refresh" className={count.isFetching ? 'spin' : undefined} />
        </button>
      </div>
      {snippet && (
        <UrlBar
          url={viewUrl(snippet)}
          table={relation.name}
          onQuery={setQuery}
          actions={
            <>
              {onOpenConsole && (
                <button
                  type="button"
                  className="button button--small"
                  title="Open this view's request in the Data API console, as the same identity, to change its method, headers or body"
                  onClick={() => {
                    saveDraft(at, gridRequest(relation.schema, relation.name, query, countMode, viewAs));
                    onOpenConsole();
                  }}
                >
                  Open in Data API console
                </button>
              )}
              {cloudTarget && (
                <button
                  type="button"
                  className="button button--small"
                  title="Send this request to the workspace’s hosted Data API too, and compare its answer with Pier’s"
                  onClick={() => setHostedSends((n) => n + 1)}
                >
                  Send to hosted Data API
                </button>
              )}
            </>
          }
        />
      )}
      {cloudTarget && hostedSends > 0 && (
        <HostedComparison target={cloudTarget} query={query} sendCount={hostedSends} onClose={() => setHostedSends(0)} />
      )}
      <div className="table-view__main">
        <div className="table-view__body">
          {describe.isPending ? (
            <GridSkeleton label={`Loading ${qualified}`} />
          ) : describe.isError ? (
            <ErrorPanel title={`Couldn't describe ${qualified}`} error={describe.error} onRetry={() => void describe.refetch()} />
          ) : (
            <DataGrid
              target={target}
              query={query}
              columns={columns}
              primaryKey={describe.data.primaryKey}
              countMode={countMode}
              edits={edits}
              onEdits={setEdits}
              editErrors={editErrors}
              sorting={sorting}
              onCommand={onCommand}
              onFollow={
                onOpenRelated &&
                ((column, value) => {
                  const rel = describe.data.relationships.find(
                    (r) => r.kind === 'many-to-one' && r.columns.length === 1 && r.columns[0]?.[0] === column.source,
                  );
                  const targetColumn = rel?.columns[0]?.[1];
                  if (!rel || targetColumn === undefined) return;
                  onOpenRelated(
                    { schema: rel.target.schema, name: rel.target.name, kind: 'table', estimatedRows: -1 },
                    rowQuery(targetColumn, value),
                    viewAs,
                  );
                })
              }
              onActiveRow={(key, row, cell) => {
                setActiveRow(key);
                setActiveObject(row);
                setActiveCell(cell);
              }}
              label={`${qualified} rows`}
              emptyMessage={
                query.filters.length
                  ? 'No rows match these filters.'
                  : `${qualified} has no rows${viewAs.kind === 'identity' ? ` visible to ${viewAs.role}` : ''}.`
              }
            />
          )}
        </div>
        {(builderOpen || edits.length > 0 || newRowOpen) && describe.data && snippet && (
          <aside className="table-view__side" aria-label="Query">
            {newRowOpen && (
              <NewRowForm
                describe={describe.data}
                onStage={(values) => setEdits((e) => stageInsert(e, values, ++insertSeq.current))}
                onClose={() => setNewRowOpen(false)}
              />
            )}
            {activeCell && <ValueInspector cell={activeCell} />}
            {activeObject && (
              <RowReferences
                target={target}
                describe={describe.data}
                row={activeObject}
                onOpen={
                  onOpenRelated &&
                  ((rel, q) =>
                    onOpenRelated({ schema: rel.target.schema, name: rel.target.name, kind: 'table', estimatedRows: -1 }, q, viewAs))
                }
              />
            )}
            {edits.length > 0 && (
              <EditReview
                target={target}
                edits={edits}
                onEdits={setEdits}
                errors={editErrors}
                onErrors={setEditErrors}
                applyRequests={applyRequests}
                onApplied={() => {
                  // What was applied is no longer undoable as a staged change.
                  setHistory((h) => ({ past: [], present: h.present, future: [] }));
                  reload();
                }}
              />
            )}
            <QueryBuilder
              at={at}
              describe={describe.data}
              query={query}
              onQuery={setQuery}
              countMode={countMode}
              onCountMode={setCountMode}
            />
            <CodePanel target={snippet} />
          </aside>
        )}
      </div>
    </div>
  );
}

/** `column=eq.value`: the one row a foreign key names. */
function rowQuery(column: string, value: unknown): ReadQuery {
  const node: FilterCondition = {
    kind: 'condition',
    field: { name: column, json: [] },
    negated: false,
    operator: 'eq',
    value: String(value),
  };
  return { ...emptyReadQuery, filters: [{ path: [], node }] };
}

function summary(rowCount: number, mode: CountMode, columnCount: number): string {
  const cols = `${columnCount} column${columnCount === 1 ? '' : 's'}`;
  const approx = mode === 'exact' ? '' : '≈ ';
  return `${approx}${rowCount.toLocaleString('en-US')} row${rowCount === 1 ? '' : 's'} · ${cols}`;
}

function GridSkeleton({ label }: { label: string }) {
  return (
    <div className="grid-skeleton" role="progressbar" aria-label={label} aria-busy="true">
      <div className="grid-skeleton__row grid-skeleton__row--head">
        {[60, 120, 160, 110, 90].map((w, i) => (
          <span key={i} className="skeleton" style={{ width: w }} />
        ))}
      </div>
      {Array.from({ length: 10 }, (_, r) => (
        <div key={r} className="grid-skeleton__row">
          {[40, 140, 180, 120, 100].map((w, i) => (
            <span key={i} className="skeleton" style={{ width: Math.max(24, w - ((r * 17 + i * 29) % 40)) }} />
          ))}
        </div>
      ))}
    </div>
  );
}
