import { useEffect, useId, useState } from 'react';
import type { BranchSummary } from '../../../../shared/management/workspaceSchemas';
import { cloudCommands } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { useFollowedOperation } from '../operations/useFollowedOperation';
import { DialogError, Field, ModalDialog } from './ModalDialog';
import { needsTypedConfirmation } from './nodeActions';

/**
 * Delete a branch. Protected and default branches need their name typed. The dialog stays open
 * until the server's operation ends, so a refusal is read where it was asked for.
 */
export function DeleteBranchDialog({ workspaceId, branch, onClose }: { workspaceId: string; branch: BranchSummary; onClose: () => void }) {
  const api = usePierApi();
  const id = useId();
  const [typed, setTyped] = useState('');
  const typedNeeded = needsTypedConfirmation(branch);
  const confirmed = !typedNeeded || typed.trim() === branch.id;
  const remove = useFollowedOperation('cloud.deleteBranch', () => cloudCommands.deleteBranch(api, { workspaceId, branch: branch.name }));
  const state = remove.operation?.state;
  useEffect(() => {
    if (state === 'succeeded') onClose();
  }, [state, onClose]);

  const why =
    branch.isDefault && branch.isProtected
      ? 'This is the project’s default branch, and it is protected.'
      : branch.isDefault
        ? 'This is the project’s default branch.'
        : 'This branch is protected.';
  return (
    <ModalDialog
      title={`Delete branch ${branch.id}?`}
      onClose={onClose}
      onSubmit={() => {
        if (confirmed && !remove.busy) remove.start(undefined);
      }}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            {remove.error ? 'Close' : 'Cancel'}
          </button>
          <button type="submit" className="button button--danger" disabled={!confirmed || remove.busy}>
            {remove.busy ? 'Deleting…' : 'Delete branch'}
          </button>
        </>
      }
    >
      <p>
        The branch <strong>{branch.id}</strong>, its endpoints and its data are deleted. Branches created from it keep their own data.
      </p>
      {typedNeeded && (
        <>
          <p className="dialog-warning">{why} Type its name to confirm.</p>
          <Field label={`Type “${branch.id}” to confirm`} id={`${id}-confirm`}>
            <input id={`${id}-confirm`} type="text" className="mono" value={typed} autoFocus spellCheck={false} autoComplete="off" onChange={(e) => setTyped(e.target.value)} />
          </Field>
        </>
      )}
      {remove.error !== null && <DialogError title="The server refused to delete the branch" error={remove.error} />}
      {state === 'stopped' && <p>Pier stopped waiting for this deletion; the server may still finish it.</p>}
    </ModalDialog>
  );
}
