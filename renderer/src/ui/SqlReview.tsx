import { useState } from 'react';
import type { ApplyOutput } from '../../../shared/contract/admin';
import { describeError } from '../api/RpcCallError';
import './sqlReview.css';

/**
 * The exact SQL of a change, shown before it runs, with Apply and Cancel. Applying runs it in
 * one transaction in main; a failure changes nothing and is shown here with the failing statement.
 */
export function SqlReview({
  title,
  statements,
  warnings = [],
  onApply,
  onApplied,
  onCancel,
}: {
  title: string;
  statements: readonly string[];
  warnings?: readonly string[];
  onApply: () => Promise<ApplyOutput>;
  onApplied: () => void;
  onCancel: () => void;
}) {
  const [state, setState] = useState<
    { kind: 'idle' } | { kind: 'running' } | { kind: 'failed'; index: number | null; message: string; hint: string | null }
  >({ kind: 'idle' });
  const apply = async () => {
    setState({ kind: 'running' });
    try {
      const result = await onApply();
      if (result.kind === 'applied') onApplied();
      else setState({ kind: 'failed', index: result.failedStatement, message: result.message, hint: result.hint });
    } catch (err) {
      const e = describeError(err);
      setState({ kind: 'failed', index: null, message: e.message, hint: e.hint });
    }
  };
  return (
    <section className="sql-review" role="region" aria-label={title}>
      <h3 className="sql-review__title">{title}</h3>
      {statements.length === 0 ? (
        <p className="sql-review__note">Nothing to change.</p>
      ) : (
        <>
          <p className="sql-review__note">Runs in one transaction; if any statement fails, nothing changes.</p>
          <pre className="sql-review__sql" aria-label="SQL to run" tabIndex={0}>
            {statements.map((s, i) => (
              <code key={i} className={state.kind === 'failed' && state.index === i ? 'sql-review__failed' : undefined}>
                {s};{'\n'}
              </code>
            ))}
          </pre>
        </>
      )}
      {warnings.map((w) => (
        <p key={w} className="sql-review__warning" role="note">
          {w}
        </p>
      ))}
      {state.kind === 'failed' && (
        <div className="sql-review__error" role="alert">
          <p>
            <strong>Nothing was changed.</strong> {state.message}
          </p>
          {state.hint && <p>{state.hint}</p>}
        </div>
      )}
      <div className="sql-review__actions">
        <button
          type="button"
          className="button button--primary"
          disabled={state.kind === 'running' || statements.length === 0}
          onClick={() => void apply()}
        >
          {state.kind === 'running' ? 'Applying…' : 'Apply'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}
