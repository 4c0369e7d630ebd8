import type { WorkspaceInfoDto } from '../../../../shared/management/workspaceSchemas';
import { useRemoveWorkspace } from '../../api/workspaces';
import { DialogActions, DialogError, ModalDialog } from '../../ui/ModalDialog';

/** Forgets a workspace and its credentials; nothing changes on the server. */
export function RemoveWorkspaceDialog({ workspace, onClose }: { workspace: WorkspaceInfoDto; onClose: () => void }) {
  const remove = useRemoveWorkspace();
  return (
    <ModalDialog
      title={`Remove ${workspace.displayName}?`}
      onClose={onClose}
      onSubmit={() => remove.mutate(workspace, { onSuccess: onClose })}
      actions={<DialogActions onCancel={onClose} label="Remove workspace" busyLabel="Removing…" busy={remove.isPending} danger />}
    >
      <p>
        Pier forgets <strong>{workspace.host}</strong> and its sign-in ({workspace.authLabel}). Projects and branches on the server are not
        touched; add the workspace again to see them.
      </p>
      {remove.isError && <DialogError title="The workspace was not removed" error={remove.error} />}
    </ModalDialog>
  );
}
