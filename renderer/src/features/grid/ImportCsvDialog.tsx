import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { TableTarget } from '../../api/dataApi';
import { usePierApi } from '../../api/PierApiContext';
import { describeError } from '../../api/RpcCallError';
import { importCsv } from '../../api/tableData';
import { DialogActions, ModalDialog } from '../../ui/ModalDialog';

/** The RPC carries the file as text; this keeps it under the transport's body limit. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

/**
 * A CSV file into the table: choosing it runs a preview (every row inserted as the view's
 * identity, then rolled back) showing the first rows and each failing line; Import commits the
 * same in one transaction, only when no row fails.
 */
export function ImportCsvDialog({ target, onClose, onImported }: { target: TableTarget; onClose: () => void; onImported: () => void }) {
  const api = usePierApi();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const preview = useMutation({ mutationFn: (text: string) => importCsv(api, target, text, false) });
  const commit = useMutation({
    mutationFn: (text: string) => importCsv(api, target, text, true),
    onSuccess: (r) => {
      if (r.committed) onImported();
    },
  });
  const result = commit.data ?? preview.data;
  const failure = commit.error ?? preview.error;
  const ready = file !== null && preview.data !== undefined && preview.data.failed === 0 && !commit.data?.committed;
  const qualified = `${target.schema}.${target.table}`;

  return (
    <ModalDialog
      title={`Import CSV into ${qualified}`}
      wide
      onClose={onClose}
      onSubmit={() => file && ready && commit.mutate(file.text)}
      actions={
        <DialogActions
          onCancel={onClose}
          cancelLabel={commit.data?.committed ? 'Close' : 'Cancel'}
          label={preview.data ? `Import ${preview.data.rows.toLocaleString('en-US')} rows` : 'Import'}
          busyLabel="Importing…"
          busy={commit.isPending}
          disabled={!ready}
        />
      }
    >
      <p>
        The first line names the columns. An empty field is NULL; <code>""</code> is an empty string. All rows go in one transaction, as{' '}
        {target.viewAs.kind === 'admin' ? 'the admin' : target.viewAs.role}: all or none.
      </p>
      <label className="import-csv__file">
        CSV file{' '}
        <input
          type="file"
          accept=".csv,text/csv"
          aria-label="CSV file"
          onChange={(e) => {
            const chosen = e.target.files?.[0];
            commit.reset();
            preview.reset();
            setFile(null);
            setFileError(null);
            if (!chosen) return;
            if (chosen.size > MAX_FILE_BYTES) {
              setFileError(
                `${chosen.name} is ${(chosen.size / 1024 / 1024).toFixed(1)} MB; Pier imports files up to 8 MB. Split it, or use psql's \\copy.`,
              );
              return;
            }
            void chosen.text().then((text) => {
              setFile({ name: chosen.name, text });
              preview.mutate(text);
            });
          }}
        />
      </label>
      {fileError && (
        <p className="import-csv__error" role="alert">
          {fileError}
        </p>
      )}
      {preview.isPending && <p role="status">Checking every row (rolled back)…</p>}
      {failure && (
        <p className="import-csv__error" role="alert">
          {describeError(failure).message}
        </p>
      )}
      {result && (
        <section aria-label="Import preview">
          <p role="status" className={result.committed ? 'import-csv__done' : undefined}>
            {result.committed
              ? `Imported ${result.rows.toLocaleString('en-US')} rows into ${qualified}.`
              : result.failed
                ? `${result.failed.toLocaleString('en-US')} of ${result.rows.toLocaleString('en-US')} rows would fail; nothing will be imported until they are fixed.`
                : `All ${result.rows.toLocaleString('en-US')} rows pass the checks (rolled back).`}
          </p>
          {result.errors.length > 0 && (
            <ul className="import-csv__errors" aria-label="Rows that fail">
              {result.errors.map((e) => (
                <li key={e.line}>
                  Line {e.line}: {e.message}
                </li>
              ))}
              {result.failed > result.errors.length && <li>…and {result.failed - result.errors.length} more.</li>}
            </ul>
          )}
          {result.sample.length > 0 && (
            <div className="import-csv__sample">
              <table aria-label="First rows">
                <thead>
                  <tr>
                    {result.columns.map((c) => (
                      <th key={c}>{c}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {result.sample.map((row, i) => (
                    <tr key={i}>
                      {row.map((v, j) => (
                        <td key={j}>{v === null ? <span className="null-badge">NULL</span> : v}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </ModalDialog>
  );
}
