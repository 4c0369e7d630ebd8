import type { RoleSummary } from '../../../../shared/management/workspaceSchemas';
import { workspaceOf, type Location } from '../../../../shared/contract/location';
import { useRefreshAfterAdminChange } from '../../api/admin';
import { cloudCommands } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { DeleteWithOperationDialog } from '../operations/DeleteWithOperationDialog';

/** Deletes a managed identity through the roles resource, so the management API's record goes with the Postgres role. */
export function DeleteIdentityDialog({ at, role, onClose }: { at: Location; role: RoleSummary; onClose: () => void }) {
  const api = usePierApi();
  const refresh = useRefreshAfterAdminChange();
  return (
    <DeleteWithOperationDialog
      noun="identity"
      name={role.postgresRole}
      channel="cloud.deleteRole"
      run={() => cloudCommands.deleteRole(api, { workspaceId: workspaceOf(at), role: role.name })}
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
