import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { setupChecksQuery, useAdminChanges, useAdminLocation } from '../../api/admin';
import { usePierApi } from '../../api/PierApiContext';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { SqlReview } from '../../ui/SqlReview';

/** The Lakebase Data API prerequisites, one by one, green or red, each with the SQL that fixes it. */
export function SetupAssistant() {
  const api = usePierApi();
  const at = useAdminLocation();
  const changes = useAdminChanges(at);
  const checks = useQuery(setupChecksQuery(api, at));
  const [fixing, setFixing] = useState<string | null>(null);
  if (checks.error)
    return <ErrorPanel title="Could not run the set-up checks" error={checks.error} onRetry={() => void checks.refetch()} compact />;
  const list = checks.data?.checks ?? [];
  const failing = list.filter((c) => !c.ok).length;
  return (
    <section className="setup" aria-label="Data API set-up assistant">
      <h3>Data API set-up {checks.data && <span className="badge">{failing === 0 ? 'all checks pass' : `${failing} to fix`}</span>}</h3>
      <ol className="setup__list">
        {list.map((c) => (
          <li key={c.id} className={c.ok ? 'setup__ok' : 'setup__bad'} aria-label={`${c.title}: ${c.ok ? 'passes' : 'fails'}`}>
            <span aria-hidden="true">{c.ok ? '✓' : '✗'}</span> <strong>{c.title}</strong>
            <div className="roles__muted">{c.detail}</div>
            {!c.ok &&
              (fixing === c.id ? (
                <SqlReview
                  title={`Fix: ${c.title}`}
                  statements={c.fix}
                  onApply={() => changes.applySetupFix(c.id)}
                  onApplied={() => setFixing(null)}
                  onCancel={() => setFixing(null)}
                />
              ) : (
                <>
                  <pre className="setup__sql" tabIndex={0}>
                    {c.fix.map((s) => s + ';').join('\n')}
                  </pre>
                  <button type="button" className="button" onClick={() => setFixing(c.id)}>
                    Fix…
                  </button>
                </>
              ))}
          </li>
        ))}
      </ol>
    </section>
  );
}
