import { useQuery } from '@tanstack/react-query';
import { FIRST_ROWS_LIMIT, rowsQuery } from '../../api/catalog';
import { usePierApi } from '../../api/PierApiContext';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { Icon } from '../../ui/Icon';
import { relationIcon, relationKindLabel } from '../explorer/ExplorerTree';
import type { RelationRef } from '../explorer/explorerTree';
import { TableGrid } from './TableGrid';

/** One opened table: a toolbar with what is shown, and the grid with its loading/error/empty states. */
export function TableView({ relation }: { relation: RelationRef }) {
  const api = usePierApi();
  const rows = useQuery(rowsQuery(api, relation.schema, relation.name));
  const qualified = `${relation.schema}.${relation.name}`;

  return (
    <div className="table-view">
      <div className="table-view__toolbar">
        <Icon name={relationIcon(relation.kind)} className="table-view__icon" />
        <h1 className="table-view__title">
          <span className="table-view__schema">{relation.schema}.</span>
          {relation.name}
        </h1>
        <span className="badge">{relationKindLabel(relation.kind)}</span>
        <span className="badge" title="Editing arrives with the Data API grid">
          <Icon name="lock" className="badge__icon" /> Read-only
        </span>
        <span className="table-view__summary" aria-live="polite">
          {rows.data && !rows.isError && summary(rows.data.rows.length, rows.data.hasMore, rows.data.columns.length)}
        </span>
        <button
          type="button"
          className="icon-button"
          aria-label={`Reload ${qualified}`}
          title="Reload rows"
          onClick={() => void rows.refetch()}
          disabled={rows.isFetching}
        >
          <Icon name="refresh" className={rows.isFetching ? 'spin' : undefined} />
        </button>
      </div>
      <div className="table-view__body">
        {rows.isPending ? (
          <GridSkeleton label={`Loading ${qualified}`} />
        ) : rows.isError ? (
          <ErrorPanel title={`Couldn't load ${qualified}`} error={rows.error} onRetry={() => void rows.refetch()} />
        ) : (
          <TableGrid
            label={`${qualified} rows`}
            columns={rows.data.columns}
            rows={rows.data.rows}
            emptyMessage={`${qualified} has no rows.`}
          />
        )}
      </div>
    </div>
  );
}

function summary(rowCount: number, hasMore: boolean, columnCount: number): string {
  const cols = `${columnCount} column${columnCount === 1 ? '' : 's'}`;
  if (hasMore) return `First ${FIRST_ROWS_LIMIT} rows · ${cols}`;
  return `${rowCount} row${rowCount === 1 ? '' : 's'} · ${cols}`;
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
