import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { DescribeTableOutput } from '../../../../shared/contract/dataApi';
import type { CascadePreviewOutput } from '../../../../shared/contract/tableData';
import { sendWrites, type TableTarget } from '../../api/dataApi';
import { usePierApi } from '../../api/PierApiContext';
import { cascadeQuery, previewCascades } from '../../api/tableData';
import { CascadeConfirm } from './CascadeConfirm';
import { cascadeEditsOf, cascadeLines } from './cascadeWords';
import { Icon } from '../../ui/Icon';
import { editRequest, unstage, valueFromText, writeErrorInWords, type StagedEdit } from './stagedEdits';

interface EditReviewProps {
  readonly target: TableTarget;
  readonly edits: readonly StagedEdit[];
  readonly onEdits: (next: StagedEdit[]) => void;
  readonly errors: Readonly<Record<string, string>>;
  readonly onErrors: (next: Record<string, string>) => void;
  /** After writes reached the database: reload what the grid shows. */
  readonly onApplied: () => void;
  /** Counts Ctrl+S presses in the grid: each new one applies, as the button does. */
  readonly applyRequests: number;
}

const NOTHING_CHANGED = 'No row was changed: this identity cannot see the row (row-level security USING), or it no longer exists.';

type Phase =
  | { readonly kind: 'idle' }
  /** `reach`: what other tables would lose or change, one line per table. */
  | { readonly kind: 'previewed'; readonly summary: string }
  | { readonly kind: 'confirm'; readonly reach: readonly string[] }
  | { readonly kind: 'applied'; readonly summary: string };

/**
 * The staged edits as the exact requests they become, sent in ONE transaction: all take effect
 * or none. Preview runs them all and rolls back (later edits see the earlier ones); Apply
 * previews first, then commits only if every edit would change its row.
 */
export function EditReview({ target, edits, onEdits, errors, onErrors, onApplied, applyRequests }: EditReviewProps) {
  const api = usePierApi();
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const run = async (rollback: boolean) => {
    const result = await sendWrites(api, target, edits.map(editRequest), rollback);
    const failures: Record<string, string> = {};
    let rows = 0;
    let notRun = 0;
    result.outcomes.forEach((outcome, i) => {
      const edit = edits[i]!;
      if (outcome === null) notRun++;
      else if (!outcome.ok) failures[edit.id] = writeErrorInWords(outcome.error);
      // RLS hides rows from UPDATE/DELETE without an error: zero rows back means nothing happened.
      else if (outcome.rows.length === 0 && edit.kind !== 'insert') failures[edit.id] = NOTHING_CHANGED;
      else rows += outcome.rows.length;
    });
    return { failures, rows, notRun, committed: result.committed };
  };
  // What the updates and deletes would do to other rows, from a rolled-back run as the same identity.
  const cascading = cascadeEditsOf(edits);
  const reachOf = async (): Promise<string[]> => (cascading.length === 0 ? [] : linesOf(await previewCascades(api, target, cascading)));
  // Shown in the review as soon as edits are staged, and again by each preview. A run the database
  // refused counts nothing; the preview of the edits says why, so the review does not repeat it.
  const reach = useQuery(cascadeQuery(api, target, cascading));
  const reachLines = reach.data?.refused === null ? cascadeLines(reach.data.tables) : [];
  const failedSummary = (failures: Record<string, string>, notRun: number) => {
    const n = Object.keys(failures).length;
    return `${n} of ${edits.length} would fail${notRun ? ` (${notRun} after the first failure were not tried)` : ''}`;
  };
  const preview = useMutation({
    mutationFn: async () => {
      const trial = await run(true);
      if (cascading.length) void reach.refetch();
      return trial;
    },
    onSuccess: ({ failures, rows, notRun }) => {
      onErrors(failures);
      setPhase({
        kind: 'previewed',
        summary: Object.keys(failures).length
          ? `${failedSummary(failures, notRun)}; nothing was changed.`
          : `All ${edits.length} would succeed together (${rows} row${rows === 1 ? '' : 's'}); rolled back.`,
      });
    },
  });
  const apply = useMutation({
    /** `confirmed`: the reach the user agreed to; if the trial now reaches otherwise, ask again. */
    mutationFn: async (confirmed: readonly string[] | undefined) => {
      const trial = await run(true);
      if (Object.keys(trial.failures).length) return { ...trial, confirm: null };
      const reach = await reachOf();
      if (reach.length > 0 && JSON.stringify(reach) !== JSON.stringify(confirmed)) return { ...trial, committed: false, confirm: reach };
      return { ...(await run(false)), confirm: null };
    },
    onSuccess: ({ failures, rows, notRun, committed, confirm }) => {
      onErrors(failures);
      if (confirm) {
        setPhase({ kind: 'confirm', reach: confirm });
        return;
      }
      if (!committed) {
        setPhase({
          kind: 'previewed',
          summary: `Not applied, nothing was changed: ${failedSummary(failures, notRun)} (see the marked rows).`,
        });
        return;
      }
      // Committed: every edit ran; one that changed no row after all (a race) stays staged with why.
      onEdits(edits.filter((e) => failures[e.id] !== undefined));
      setPhase({ kind: 'applied', summary: `Applied in one transaction: ${rows} row${rows === 1 ? '' : 's'} written.` });
      onApplied();
    },
  });
  const busy = preview.isPending || apply.isPending;
  const seenRequests = useRef(applyRequests);
  useEffect(() => {
    if (applyRequests === seenRequests.current) return;
    seenRequests.current = applyRequests;
    if (!busy && edits.length > 0) apply.mutate(undefined);
  }, [applyRequests, busy, edits.length, apply]);
  const failure = preview.error ?? apply.error;

  return (
    <section className="edit-review" aria-label="Staged changes">
      <div className="edit-review__head">
        <strong>
          {edits.length} staged change{edits.length === 1 ? '' : 's'}
        </strong>
        <span className="edit-review__spacer" />
        <button type="button" className="button button--small" disabled={busy || !edits.length} onClick={() => preview.mutate()}>
          Preview (rollback)
        </button>
        <button
          type="button"
          className="button button--small button--primary"
          disabled={busy || !edits.length}
          onClick={() => apply.mutate(undefined)}
        >
          Apply all
        </button>
        <button
          type="button"
          className="button button--small"
          disabled={busy || !edits.length}
          onClick={() => {
            onEdits([]);
            onErrors({});
            setPhase({ kind: 'idle' });
          }}
        >
          Discard
        </button>
      </div>
      {(phase.kind === 'previewed' || phase.kind === 'applied') && (
        <p className={`edit-review__status edit-review__status--${phase.kind}`} role="status" aria-live="polite">
          {phase.summary}
        </p>
      )}
      {reachLines.length > 0 && (
        <div className="edit-review__reach" role="note" aria-label="Other tables">
          <p>
            <Icon name="error" /> Also, through cascading foreign keys and triggers:
          </p>
          <ul>
            {reachLines.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      {phase.kind === 'confirm' && (
        <CascadeConfirm
          reach={phase.reach}
          onConfirm={() => {
            apply.mutate(phase.reach);
            setPhase({ kind: 'idle' });
          }}
          onCancel={() => setPhase({ kind: 'previewed', summary: 'Not applied: nothing was changed.' })}
        />
      )}
      {failure && (
        <p className="edit-review__error" role="alert">
          {failure instanceof Error ? failure.message : String(failure)}
        </p>
      )}
      <ol className="edit-review__list">
        {edits.map((edit) => {
          const req = editRequest(edit);
          const url = `/${target.schema}/${target.table}${req.readableQuery ? `?${req.readableQuery}` : ''}`;
          return (
            <li key={edit.id} className={`edit-review__item${errors[edit.id] ? ' edit-review__item--error' : ''}`}>
              <div className="edit-review__request">
                <span className={`edit-review__method edit-review__method--${req.method.toLowerCase()}`}>{req.method}</span>
                <code className="edit-review__url">{url}</code>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Undo ${req.method} ${url}`}
                  title="Undo this change"
                  onClick={() => {
                    onEdits(unstage(edits, edit.id));
                    const { [edit.id]: _gone, ...rest } = errors;
                    onErrors(rest);
                  }}
                >
                  <Icon name="close" />
                </button>
              </div>
              {req.body && (
                <pre className="edit-review__body" tabIndex={0}>
                  {req.body}
                </pre>
              )}
              {errors[edit.id] && (
                <p className="edit-review__row-error">
                  <Icon name="error" /> {errors[edit.id]}
                </p>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** A run that stopped counts nothing: say so rather than show no reach. */
function linesOf(r: CascadePreviewOutput): string[] {
  return r.refused !== null ? [`Not measured (${r.refused})`] : cascadeLines(r.tables);
}

/** A new row: every column with its default shown; empty fields are left out so defaults apply. */
export function NewRowForm({
  describe,
  onStage,
  onClose,
}: {
  describe: DescribeTableOutput;
  onStage: (values: Record<string, unknown>) => void;
  onClose: () => void;
}) {
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const stage = () => {
    const values: Record<string, unknown> = {};
    for (const c of describe.columns) {
      const text = texts[c.name];
      if (text === undefined || text === '') continue;
      const parsed = valueFromText(text, c.type);
      if (!parsed.ok) {
        setError(`${c.name}: ${parsed.message}`);
        return;
      }
      values[c.name] = parsed.value;
    }
    onStage(values);
    onClose();
  };
  return (
    <form
      className="new-row"
      aria-label="New row"
      onSubmit={(e) => {
        e.preventDefault();
        stage();
      }}
    >
      <div className="new-row__fields">
        {describe.columns.map((c) => (
          <label key={c.name} className="new-row__field">
            <span>
              {c.name} <span className="builder__type">{c.typeName}</span>
            </span>
            <input
              aria-label={`New ${c.name}`}
              placeholder={c.default !== null ? `default: ${c.default}` : c.nullable ? 'NULL' : 'required'}
              value={texts[c.name] ?? ''}
              onChange={(e) => setTexts({ ...texts, [c.name]: e.target.value })}
            />
          </label>
        ))}
      </div>
      {error && (
        <p className="edit-review__row-error" role="alert">
          {error}
        </p>
      )}
      <div className="builder__actions">
        <button type="submit" className="button button--small button--primary">
          Stage new row
        </button>
        <button type="button" className="button button--small" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
