import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { RoleSummary } from '../../../../shared/management/workspaceSchemas';
import { adminKeys } from '../../api/admin';
import { cloudCommands } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { DialogError, ModalDialog } from '../explorer/ModalDialog';
import { useFollowedOperation } from '../operations/useFollowedOperation';
import { LOCAL_WORKSPACE } from './AddIdentityDialog';

/** Deletes a managed identity through the roles resource, so the management API's record goes with the Postgres role. */
export function DeleteIdentityDialog({ role, onClose }: { role: RoleSummary; onClose: () => void }) {
  const api = usePierApi();
  const queryClient = useQueryClient();
  const remove = useFollowedOperation('cloud.deleteRole', () => cloudCommands.deleteRole(api, { workspaceId: LOCAL_WORKSPACE, role: role.name }));
  const state = remove.operation?.state;
  useEffect(() => {
    if (state !== 'succeeded') return;
    void queryClient.invalidateQueries({ queryKey: adminKeys.all });
    void queryClient.invalidateQueries({ queryKey: ['dataApi'] });
    onClose();
  }, [state, onClose, queryClient]);
  return (
    <ModalDialog
      title={`Delete identity ${role.postgresRole}?`}
      onClose={onClose}
      onSubmit={() => {
        if (!remove.busy) remove.start(undefined);
      }}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            {remove.error ? 'Close' : 'Cancel'}
          </button>
          <button type="submit" className="button button--danger" disabled={remove.busy}>
            {remove.busy ? 'Deleting…' : 'Delete identity'}
          </button>
        </>
      }
    >
      <p>
        The role <span className="mono">{role.postgresRole}</span> is dropped from this branch; the Data API can no longer run as it. Objects it owns must be handed to another role first.
      </p>
      {remove.error !== null && <DialogError title="The server refused to delete the identity" error={remove.error} />}
    </ModalDialog>
  );
}
