import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { location as locationSchema, locationOf, type Location } from '../../../../shared/contract/location';
import { usePierApi } from '../../api/PierApiContext';
import { schemaDiffQuery, type SchemaDiffRequest } from '../../api/schemaDiff';
import { EmptyState, ErrorPanel } from '../../ui/ErrorPanel';
import { DiffEntries } from './DiffEntries';
import { LocationPicker, sideOf, type Side } from './LocationPicker';
import './schemaDiff.css';

const sideFromLocation = (at: Location): Side => sideOf(at.kind === 'cloud' ? at.workspaceId : 'local', at.branch, at.database);
function locationFromSide(side: Side): Location | null {
  if (side.branch === null || side.database === null) return null;
  const parsed = locationSchema.safeParse(locationOf(side.workspace, side.branch, side.database));
  return parsed.success ? parsed.data : null;
}
const sideName = (at: Location): string =>
  `${at.kind === 'cloud' ? `${at.workspaceId}: ` : ''}${at.branch.slice(at.branch.lastIndexOf('/') + 1)} / ${at.database}`;
const parseSchemas = (text: string): string[] => [
  ...new Set(
    text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  ),
];

interface KeptState {
  readonly left: Side;
  readonly right: Side;
  readonly schemasText: string;
  readonly request: SchemaDiffRequest | null;
  readonly view: 'differences' | 'sql';
}
/** What each compare tab shows, kept while the app runs: switching tabs unmounts the view. */
const KEPT = new Map<string, KeptState>();

/**
 * Compare schema: two pickers (left, right), a schema filter, the differences grouped by kind, and
 * the migration SQL that turns the left into the right, to copy or open in the SQL editor (on the
 * left's location, where it is meant to run).
 */
export function SchemaDiffView({
  tabId,
  left: initialLeft,
  right: initialRight,
  onOpenSql,
}: {
  tabId: string;
  left: Location;
  right: Location;
  onOpenSql: (at: Location, sql: string) => void;
}) {
  const api = usePierApi();
  const kept = KEPT.get(tabId);
  const [left, setLeft] = useState(() => kept?.left ?? sideFromLocation(initialLeft));
  const [right, setRight] = useState(() => kept?.right ?? sideFromLocation(initialRight));
  const [schemasText, setSchemasText] = useState(kept?.schemasText ?? '');
  const [request, setRequest] = useState<SchemaDiffRequest | null>(kept?.request ?? null);
  const [view, setView] = useState<'differences' | 'sql'>(kept?.view ?? 'differences');
  useEffect(() => {
    KEPT.set(tabId, { left, right, schemasText, request, view });
  }, [tabId, left, right, schemasText, request, view]);
  const [copied, setCopied] = useState<string | null>(null);
  const diff = useQuery(schemaDiffQuery(api, request));
  const onLeft = useCallback((s: Side) => setLeft(s), []);
  const onRight = useCallback((s: Side) => setRight(s), []);

  const l = locationFromSide(left);
  const r = locationFromSide(right);
  const compare = () => {
    if (!l || !r) return;
    const next = { left: l, right: r, schemas: parseSchemas(schemasText) };
    if (request && JSON.stringify(next) === JSON.stringify(request)) void diff.refetch();
    else setRequest(next);
  };
  const copy = async (sql: string) => {
    try {
      await navigator.clipboard.writeText(sql);
      setCopied('Copied the migration SQL.');
    } catch {
      setCopied('The clipboard refused; select the text and copy it.');
    }
  };

  return (
    <div className="schema-diff">
      <form
        className="schema-diff__controls"
        onSubmit={(e) => {
          e.preventDefault();
          compare();
        }}
      >
        <LocationPicker label="Left (changed by the migration)" side={left} onChange={onLeft} />
        <LocationPicker label="Right (the target)" side={right} onChange={onRight} />
        <div className="schema-diff__filter">
          <label className="schema-diff__field">
            <span>Schemas</span>
            <input
              type="text"
              value={schemasText}
              placeholder="all (or e.g. public, app)"
              spellCheck={false}
              onChange={(e) => setSchemasText(e.target.value)}
            />
          </label>
          <button type="submit" className="button button--primary" disabled={!l || !r || diff.isFetching}>
            {diff.isFetching ? 'Comparing…' : 'Compare'}
          </button>
        </div>
      </form>
      <div className="schema-diff__body">
        {request === null ? (
          <EmptyState icon="table" title="Pick two databases and compare.">
            <p>Left is the database the migration changes; right is the one it should end up like.</p>
          </EmptyState>
        ) : diff.isPending ? (
          <p className="schema-diff__meta">Reading both catalogs…</p>
        ) : diff.isError ? (
          <ErrorPanel title="Couldn’t compare the schemas" error={diff.error} onRetry={() => void diff.refetch()} />
        ) : (
          <>
            <div className="schema-diff__summary">
              <p className="schema-diff__meta" role="status">
                {diff.data.entries.length === 0
                  ? `No differences in ${diff.data.schemas.length} schema${diff.data.schemas.length === 1 ? '' : 's'} (and roles).`
                  : `${diff.data.entries.length} difference${diff.data.entries.length === 1 ? '' : 's'} in ${diff.data.schemas.join(', ') || 'no schemas'} (and roles).`}
              </p>
              <div className="schema-diff__views" role="tablist" aria-label="Show">
                <button
                  type="button"
                  role="tab"
                  aria-selected={view === 'differences'}
                  className="schema-diff__view-tab"
                  onClick={() => setView('differences')}
                >
                  Differences ({diff.data.entries.length})
                </button>
                <button
                  type="button"
                  role="tab"
                  aria-selected={view === 'sql'}
                  className="schema-diff__view-tab"
                  onClick={() => setView('sql')}
                >
                  Migration SQL
                </button>
              </div>
            </div>
            {view === 'differences' ? (
              <div role="tabpanel" aria-label="Differences" className="schema-diff__panel">
                {diff.data.entries.length === 0 ? (
                  <EmptyState icon="table" title="The two sides have the same schema." />
                ) : (
                  <>
                    {/* Which side each value column shows, above the attribute rows. */}
                    <div className="schema-diff__columns" aria-hidden="true">
                      <span />
                      <span>Left · {sideName(request.left)}</span>
                      <span>Right · {sideName(request.right)}</span>
                    </div>
                    <DiffEntries entries={diff.data.entries} />
                  </>
                )}
              </div>
            ) : (
              <div role="tabpanel" aria-label="Migration SQL" className="schema-diff__panel schema-diff__sql-panel">
                <div className="schema-diff__sql-actions">
                  <button type="button" className="button" onClick={() => void copy(diff.data.sql)}>
                    Copy
                  </button>
                  <button type="button" className="button button--primary" onClick={() => onOpenSql(request.left, diff.data.sql)}>
                    Open in SQL editor
                  </button>
                  {copied && (
                    <span className="schema-diff__meta" role="status">
                      {copied}
                    </span>
                  )}
                </div>
                <pre className="schema-diff__sql" tabIndex={0} aria-label="Migration SQL text">
                  {diff.data.sql}
                </pre>
              </div>
            )}
          </>
        )}
      </div>
    </div>
  );
}
