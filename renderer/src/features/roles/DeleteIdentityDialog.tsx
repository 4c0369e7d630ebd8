import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { RoleSummary } from '../../../../shared/management/workspaceSchemas';
import { adminKeys, managedBranch, type AdminLocation } from '../../api/admin';
import { cloudCommands } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { DeleteWithOperationDialog } from '../operations/DeleteWithOperationDialog';

/** Deletes a managed identity through the roles resource, so the management API's record goes with the Postgres role. */
export function DeleteIdentityDialog({ at, role, onClose }: { at: AdminLocation; role: RoleSummary; onClose: () => void }) {
  const api = usePierApi();
  const queryClient = useQueryClient();
  const refresh = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: adminKeys.all });
    void queryClient.invalidateQueries({ queryKey: ['dataApi'] });
  }, [queryClient]);
  return (
    <DeleteWithOperationDialog
      noun="identity"
      name={role.postgresRole}
      channel="cloud.deleteRole"
      run={() => cloudCommands.deleteRole(api, { workspaceId: managedBranch(at).workspaceId, role: role.name })}
      onSucceeded={refresh}
      onClose={onClose}
    >
      <p>
        The role <span className="mono">{role.postgresRole}</span> is dropped from this branch; the Data API can no longer run as it.
        Objects it owns must be handed to another role first.
      </p>
    </DeleteWithOperationDialog>
  );
}
