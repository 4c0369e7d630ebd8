import type { EndpointSummary } from '../../../../shared/management/workspaceSchemas';
import { cloudCommands } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { DeleteWithOperationDialog } from '../operations/DeleteWithOperationDialog';

/** Delete a compute endpoint; the data stays with the branch. Refusals (a protected branch) are shown here. */
export function DeleteEndpointDialog({
  workspaceId,
  endpoint,
  onClose,
}: {
  workspaceId: string;
  endpoint: EndpointSummary;
  onClose: () => void;
}) {
  const api = usePierApi();
  return (
    <DeleteWithOperationDialog
      noun="endpoint"
      name={endpoint.id}
      channel="cloud.deleteEndpoint"
      run={() => cloudCommands.deleteEndpoint(api, { workspaceId, endpoint: endpoint.name })}
      onClose={onClose}
    >
      <p>
        Connections to <span className="mono">{endpoint.host ?? endpoint.id}</span> stop working. The branch’s data stays; a new endpoint
        can serve it again.
      </p>
    </DeleteWithOperationDialog>
  );
}
