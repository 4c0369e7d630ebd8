import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { WorkspaceInfoDto } from '../../../../shared/management/workspaceSchemas';
import { cloudCommands, cloudKeys } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { DialogActions, DialogError, ModalDialog } from '../explorer/ModalDialog';

/** Forgets a workspace and its credentials; nothing changes on the server. */
export function RemoveWorkspaceDialog({ workspace, onClose }: { workspace: WorkspaceInfoDto; onClose: () => void }) {
  const api = usePierApi();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => cloudCommands.removeWorkspace(api, workspace.id),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: cloudKeys.workspace(workspace.id) });
      await queryClient.invalidateQueries({ queryKey: cloudKeys.workspaces() });
      onClose();
    },
  });
  return (
    <ModalDialog
      title={`Remove ${workspace.displayName}?`}
      onClose={onClose}
      onSubmit={() => remove.mutate()}
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
