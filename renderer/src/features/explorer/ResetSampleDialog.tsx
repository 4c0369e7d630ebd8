import type { BranchSummary } from '../../../../shared/management/workspaceSchemas';
import { usePierApi } from '../../api/PierApiContext';
import { useResetSample } from '../../api/sample';
import { useToasts } from '../../ui/toasts/ToastViewport';
import { DialogActions, DialogError, ModalDialog } from '../../ui/ModalDialog';

/**
 * Puts the Lakebase documentation's sample (clients, projects, tasks in databricks_postgres) back
 * on a local branch, so its examples answer as documented again. The server refuses a protected
 * branch; the refusal is read here.
 */
export function ResetSampleDialog({ branch, onClose }: { branch: BranchSummary; onClose: () => void }) {
  const api = usePierApi();
  const toasts = useToasts();
  const reset = useResetSample(api);
  return (
    <ModalDialog
      title="Reset sample data"
      onClose={onClose}
      onSubmit={() =>
        reset.mutate(branch.name, {
          onSuccess: () => {
            toasts.push({ tone: 'info', message: `The sample data of ${branch.id} is as documented again.` });
            onClose();
          },
        })
      }
      actions={<DialogActions onCancel={onClose} label="Reset sample data" busyLabel="Resetting…" busy={reset.isPending} danger />}
    >
      <p>
        The tables <span className="mono">clients</span>, <span className="mono">projects</span> and <span className="mono">tasks</span> of{' '}
        <span className="mono">databricks_postgres</span> on <strong>{branch.id}</strong> are dropped and made again with the
        documentation’s rows. Changes to them, and views or policies on them, are lost; other tables stay as they are.
      </p>
      {reset.isError && <DialogError title="The sample data was not reset" error={reset.error} />}
    </ModalDialog>
  );
}
