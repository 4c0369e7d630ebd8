import { useQuery } from '@tanstack/react-query';
import type { DescribeTableOutput } from '../../../../shared/contract/dataApi';
import type { FilterCondition, ReadQuery } from '../../../../shared/dataapi/ast';
import { serializeQuery } from '../../../../shared/dataapi/serializeQuery';
import { countQuery, lookupQuery, type TableTarget } from '../../api/dataApi';
import { usePierApi } from '../../api/PierApiContext';
import { describeError } from '../../api/RpcCallError';
import { cellClipboardText } from './cellFormat';

type Relationship = DescribeTableOutput['relationships'][number];

/** `a=eq.1&b=eq.2` over [column, value] pairs. */
function matchReadQuery(pairs: readonly (readonly [string, unknown])[], limit?: number): ReadQuery {
  const filters = pairs.map(([name, value]) => {
    const node: FilterCondition = { kind: 'condition', field: { name, json: [] }, negated: false, operator: 'eq', value: String(value) };
    return { path: [], node };
  });
  return { filters, order: [], paging: limit ? [{ path: [], limit }] : [] };
}

/** The same, as a query string through the codec. */
function matchQuery(pairs: readonly (readonly [string, unknown])[], limit?: number): string {
  return serializeQuery(matchReadQuery(pairs, limit));
}

/**
 * For the active row: the rows its foreign keys point at (to-one), and how many rows of each
 * referencing table point at it (to-many), all as the view's identity.
 */
export function RowReferences({
  target,
  describe,
  row,
  onOpen,
}: {
  target: TableTarget;
  describe: DescribeTableOutput;
  row: Readonly<Record<string, unknown>>;
  /** Opens the referencing table's tab filtered to the rows that point at this one. */
  onOpen?: (rel: Relationship, query: ReadQuery) => void;
}) {
  const toOne = describe.relationships.filter((r) => r.toOne);
  const toMany = describe.relationships.filter((r) => !r.toOne && r.kind !== 'many-to-many');
  if (toOne.length === 0 && toMany.length === 0) return null;
  return (
    <section className="row-refs" aria-label="Related rows">
      {toOne.map((rel) => (
        <ReferencedRow key={`one:${rel.constraint}`} target={target} rel={rel} row={row} />
      ))}
      {toMany.length > 0 && (
        <div className="row-refs__group">
          <p className="row-refs__title">Referenced by</p>
          <ul className="row-refs__list">
            {toMany.map((rel) => (
              <ReferencingCount key={`many:${rel.constraint}`} target={target} rel={rel} row={row} onOpen={onOpen} />
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function pairsFor(rel: Relationship, row: Readonly<Record<string, unknown>>): [string, unknown][] | null {
  const pairs: [string, unknown][] = [];
  for (const [source, targetColumn] of rel.columns) {
    const value = row[source];
    if (value === undefined || value === null) return null;
    pairs.push([targetColumn, value]);
  }
  return pairs;
}

function ReferencedRow({ target, rel, row }: { target: TableTarget; rel: Relationship; row: Readonly<Record<string, unknown>> }) {
  const api = usePierApi();
  const pairs = pairsFor(rel, row);
  const other: TableTarget = { ...target, schema: rel.target.schema, table: rel.target.name };
  const lookup = useQuery({ ...lookupQuery(api, other, pairs ? matchQuery(pairs, 1) : ''), enabled: pairs !== null });
  const label = `${rel.target.name} (${rel.columns.map(([s]) => s).join(', ')})`;
  const found = lookup.data?.[0];
  return (
    <div className="row-refs__group">
      <p className="row-refs__title">→ {label}</p>
      {pairs === null ? (
        <p className="row-refs__note">No reference (NULL, or its column is not in this view).</p>
      ) : lookup.isError ? (
        <p className="row-refs__note row-refs__note--error">{describeError(lookup.error).message}</p>
      ) : !lookup.data ? (
        <p className="row-refs__note">Loading…</p>
      ) : !found ? (
        <p className="row-refs__note">The referenced row is not visible to this identity.</p>
      ) : (
        <dl className="row-refs__fields" aria-label={`Referenced ${rel.target.name} row`}>
          {Object.entries(found).map(([k, v]) => (
            <div key={k} className="row-refs__field">
              <dt>{k}</dt>
              <dd className={v === null ? 'row-refs__null' : undefined}>{v === null ? 'NULL' : cellClipboardText(v)}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

function ReferencingCount({
  target,
  rel,
  row,
  onOpen,
}: {
  target: TableTarget;
  rel: Relationship;
  row: Readonly<Record<string, unknown>>;
  onOpen: ((rel: Relationship, query: ReadQuery) => void) | undefined;
}) {
  const api = usePierApi();
  const pairs = pairsFor(rel, row);
  const other: TableTarget = { ...target, schema: rel.target.schema, table: rel.target.name };
  const count = useQuery({ ...countQuery(api, other, pairs ? matchQuery(pairs) : '', 'exact'), enabled: pairs !== null });
  const via = rel.columns.map(([, t]) => t).join(', ');
  const text =
    pairs === null
      ? 'key not in this view'
      : count.isError
        ? describeError(count.error).message
        : count.data === undefined
          ? '…'
          : `${count.data ?? '?'} row${count.data === 1 ? '' : 's'}`;
  // A count is a way in: the referencing rows, in their table's tab (also for 0, to add one there).
  if (pairs !== null && onOpen && typeof count.data === 'number') {
    return (
      <li>
        <button
          type="button"
          className="row-refs__open"
          title={`Open ${rel.target.name} filtered to the rows whose ${via} point at this row`}
          onClick={() => onOpen(rel, matchReadQuery(pairs))}
        >
          <span className="row-refs__table">{rel.target.name}</span> <span className="row-refs__note">via {via}</span>: {text}
        </button>
      </li>
    );
  }
  return (
    <li>
      <span className="row-refs__table">{rel.target.name}</span> <span className="row-refs__note">via {via}</span>: {text}
    </li>
  );
}
