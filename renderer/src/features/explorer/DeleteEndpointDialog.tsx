import { useEffect } from 'react';
import type { EndpointSummary } from '../../../../shared/management/workspaceSchemas';
import { cloudCommands } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { useFollowedOperation } from '../operations/useFollowedOperation';
import { DialogError, ModalDialog } from './ModalDialog';

/** Delete a compute endpoint; the data stays with the branch. Refusals (a protected branch) are shown here. */
export function DeleteEndpointDialog({ workspaceId, endpoint, onClose }: { workspaceId: string; endpoint: EndpointSummary; onClose: () => void }) {
  const api = usePierApi();
  const remove = useFollowedOperation('cloud.deleteEndpoint', () => cloudCommands.deleteEndpoint(api, { workspaceId, endpoint: endpoint.name }));
  const state = remove.operation?.state;
  useEffect(() => {
    if (state === 'succeeded') onClose();
  }, [state, onClose]);
  return (
    <ModalDialog
      title={`Delete endpoint ${endpoint.id}?`}
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
            {remove.busy ? 'Deleting…' : 'Delete endpoint'}
          </button>
        </>
      }
    >
      <p>
        Connections to <span className="mono">{endpoint.host ?? endpoint.id}</span> stop working. The branch’s data stays; a new endpoint can serve it again.
      </p>
      {remove.error !== null && <DialogError title="The server refused to delete the endpoint" error={remove.error} />}
    </ModalDialog>
  );
}
