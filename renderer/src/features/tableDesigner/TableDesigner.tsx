import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { TableChangeInput, TableChangePlan, TableDesign, TypeInfo } from '../../../../shared/contract/tables';
import { branchProtectedQuery, useAdminLocation } from '../../api/admin';
import { usePierApi } from '../../api/PierApiContext';
import { describeError } from '../../api/RpcCallError';
import { analyzeSql } from '../../api/sql';
import { columnTypesQuery, tableDesignQuery, useTableChanges } from '../../api/tables';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { InlineError } from '../../ui/InlineError';
import { SqlReview } from '../../ui/SqlReview';
import type { RelationInfo } from '../tables/relation';
import { ColumnsEditor } from './ColumnsEditor';
import { ConstraintsEditor } from './ConstraintsEditor';
import { DependentsList } from './DropDependents';
import { IndexesEditor } from './IndexesEditor';
import { draftFromDesign, draftProblems, draftToChange, newTableDraft, type TableDraft } from './tableDraft';
import './tableDesigner.css';

interface DesignerProps {
  readonly schema: string;
  /** null: a new table in `schema`. */
  readonly table: string | null;
  readonly onOpenTable: (relation: RelationInfo) => void;
  /** The designer of another table (the one just created, or this one renamed). */
  readonly onDesign: (schema: string, table: string) => void;
  readonly onDropped: () => void;
}

/**
 * The table designer: a new table, or an existing one's columns, constraints, indexes, comment and
 * RLS. Edits are staged in a draft; "Review SQL" asks main for the statements (and what any drop
 * takes with it), and Apply runs exactly those in one transaction.
 */
export function TableDesigner(props: DesignerProps) {
  const api = usePierApi();
  const at = useAdminLocation();
  const types = useQuery(columnTypesQuery(api, at));
  const design = useQuery({ ...tableDesignQuery(api, at, props.schema, props.table ?? ''), enabled: props.table !== null });
  const failed = types.error ?? design.error;
  if (failed)
    return (
      <ErrorPanel
        title={props.table === null ? 'Could not read the types of this database' : `Could not read ${props.schema}.${props.table}`}
        error={failed}
        onRetry={() => void Promise.all([types.refetch(), props.table === null ? null : design.refetch()])}
      />
    );
  if (!types.data || (props.table !== null && !design.data)) return <p className="designer__muted designer__loading">Loading the table…</p>;
  // A new read of the table (after a change) starts a fresh draft from it.
  return (
    <DesignerForm
      key={design.dataUpdatedAt}
      {...props}
      types={types.data.types}
      design={props.table === null ? null : (design.data ?? null)}
    />
  );
}

type Review = { title: string; change: TableChangeInput; plan: TableChangePlan };

function DesignerForm({
  schema,
  table,
  types,
  design,
  onOpenTable,
  onDesign,
  onDropped,
}: DesignerProps & { types: readonly TypeInfo[]; design: TableDesign | null }) {
  const api = usePierApi();
  const at = useAdminLocation();
  const changes = useTableChanges(at);
  const isProtected = useQuery(branchProtectedQuery(api, at));
  const [draft, setDraft] = useState<TableDraft>(() => (design ? draftFromDesign(design) : newTableDraft()));
  const [review, setReview] = useState<Review | null>(null);
  const [planError, setPlanError] = useState<{ message: string; hint: string | null } | null>(null);
  const reviewRef = useRef<HTMLDivElement>(null);
  // The review appears below the form: bring it into view.
  useEffect(() => {
    if (review) reviewRef.current?.scrollIntoView({ block: 'nearest' });
  }, [review]);
  const patch = (p: Partial<TableDraft>) => {
    setDraft((d) => ({ ...d, ...p }));
    setReview(null);
  };
  const problems = draftProblems(draft);
  const change = problems.length ? null : draftToChange(schema, draft);
  const liveColumns = draft.columns.filter((c) => !c.dropped && c.name.trim()).map((c) => c.name.trim());

  const startReview = async (title: string, next: TableChangeInput) => {
    setPlanError(null);
    try {
      setReview({ title, change: next, plan: await changes.plan(next) });
    } catch (err) {
      const e = describeError(err);
      setReview(null);
      setPlanError({ message: e.message, hint: e.hint });
    }
  };

  const apply = async (r: Review) => {
    // On a protected branch (or one whose protection is unknown) destructive statements ask first, as the SQL editor does.
    // Classified by PostgreSQL's parser in main, as the SQL editor's are; text it cannot read asks too.
    const text = r.plan.statements.join(';\n');
    const analysis = await analyzeSql(api, text);
    const destructive =
      analysis.kind === 'ok'
        ? analysis.statements
            .filter((s) => s.destructive.length > 0)
            .map((s) => `${text.slice(s.start, s.end)} (${s.destructive.join(', ')})`)
        : r.plan.statements;
    if (
      isProtected.data !== false &&
      destructive.length > 0 &&
      !window.confirm(
        `${isProtected.data ? 'This branch is protected, and this' : 'This'} destroys data or objects:\n\n${destructive.join(';\n')}\n\nRun it?`,
      )
    )
      throw new Error('You chose not to run it.');
    return changes.apply(r.change, r.plan.statements);
  };

  const applied = (r: Review) => {
    const c = r.change;
    if (c.kind === 'create') {
      onDesign(schema, c.table.name);
      onOpenTable({ schema, name: c.table.name, kind: 'table', estimatedRows: 0 });
    } else if (c.kind === 'drop') onDropped();
    else {
      const renamed = c.steps.find((s) => s.kind === 'renameTable');
      if (renamed?.kind === 'renameTable') onDesign(schema, renamed.to);
      else setReview(null);
    }
  };

  const heading = design ? `Design · ${schema}.${design.table}` : `New table in ${schema}`;
  return (
    <div className="designer">
      <header className="designer__header">
        <h2>{heading}</h2>
        {isProtected.data !== undefined && (
          <span className="badge" title="Destructive changes ask first on a protected branch">
            {isProtected.data === true ? 'protected branch' : isProtected.data === false ? 'branch not protected' : 'protection unknown'}
          </span>
        )}
        {design && (
          <button
            type="button"
            className="button"
            onClick={() => onOpenTable({ schema, name: design.table, kind: 'table', estimatedRows: -1 })}
          >
            Open data
          </button>
        )}
      </header>
      <section className="designer__table" aria-label="Table">
        <label>
          Table name <input aria-label="Table name" value={draft.name} onChange={(e) => patch({ name: e.target.value })} />
        </label>
        <label className="designer__comment">
          Comment <input aria-label="Table comment" value={draft.comment} onChange={(e) => patch({ comment: e.target.value })} />
        </label>
        <label title="Row-level security: with it on, only rows a policy allows are visible (except to the owner)">
          <input type="checkbox" checked={draft.rlsEnabled} onChange={(e) => patch({ rlsEnabled: e.target.checked })} /> Row-level security
        </label>
        {design && <span className="designer__muted">owner {design.owner}</span>}
      </section>
      <ColumnsEditor schema={schema} table={table} columns={draft.columns} types={types} onChange={(columns) => patch({ columns })} />
      <ConstraintsEditor
        schema={schema}
        table={table}
        draftName={draft.name.trim()}
        columns={liveColumns}
        constraints={draft.constraints}
        onChange={(constraints) => patch({ constraints })}
      />
      <IndexesEditor
        schema={schema}
        table={table}
        columns={liveColumns}
        indexes={draft.indexes}
        onChange={(indexes) => patch({ indexes })}
      />
      <footer className="designer__footer">
        {problems.map((p) => (
          <p key={p} className="designer__muted" role="note">
            {p}
          </p>
        ))}
        <button
          type="button"
          className="button button--primary"
          disabled={change === null}
          title={change === null && problems.length === 0 ? 'Nothing changed yet' : undefined}
          onClick={() => change && void startReview(design ? `Alter table ${design.table}` : `Create table ${draft.name.trim()}`, change)}
        >
          Review SQL…
        </button>
        {design && (
          <>
            <button type="button" className="button" disabled={change === null} onClick={() => patch(draftFromDesign(design))}>
              Discard changes
            </button>
            <button
              type="button"
              className="button button--danger"
              onClick={() => void startReview(`Drop table ${design.table}`, { kind: 'drop', schema, table: design.table, cascade: false })}
            >
              Drop table…
            </button>
          </>
        )}
      </footer>
      {planError && (
        <InlineError>
          {planError.message}
          {planError.hint && ` ${planError.hint}`}
        </InlineError>
      )}
      {review && (
        <div ref={reviewRef} className="designer__review">
          {review.plan.drops.map((d) => (
            <DependentsList
              key={d.what}
              what={d.what}
              dependents={d.dependents}
              cascade={d.cascade}
              // Dropping the whole table: CASCADE is chosen here, with the list in view.
              onCascade={
                review.change.kind === 'drop'
                  ? (cascade) => void startReview(review.title, { ...review.change, cascade } as TableChangeInput)
                  : undefined
              }
            />
          ))}
          <SqlReview
            title={review.title}
            statements={review.plan.statements}
            warnings={review.plan.warnings}
            onApply={() => apply(review)}
            onApplied={() => applied(review)}
            onCancel={() => setReview(null)}
          />
        </div>
      )}
    </div>
  );
}
