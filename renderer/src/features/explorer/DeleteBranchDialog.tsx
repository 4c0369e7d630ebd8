import { useId, useState } from 'react';
import type { BranchSummary } from '../../../../shared/management/workspaceSchemas';
import { cloudCommands } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { DeleteWithOperationDialog } from '../operations/DeleteWithOperationDialog';
import { Field } from '../../ui/ModalDialog';
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
  const why =
    branch.isDefault && branch.isProtected
      ? 'This is the project’s default branch, and it is protected.'
      : branch.isDefault
        ? 'This is the project’s default branch.'
        : 'This branch is protected.';
  return (
    <DeleteWithOperationDialog
      noun="branch"
      name={branch.id}
      channel="cloud.deleteBranch"
      run={() => cloudCommands.deleteBranch(api, { workspaceId, branch: branch.name })}
      confirmed={!typedNeeded || typed.trim() === branch.id}
      onClose={onClose}
    >
      <p>
        The branch <strong>{branch.id}</strong>, its endpoints and its data are deleted. Branches created from it keep their own data.
      </p>
      {typedNeeded && (
        <>
          <p className="dialog-warning">{why} Type its name to confirm.</p>
          <Field label={`Type “${branch.id}” to confirm`} id={`${id}-confirm`}>
            <input
              id={`${id}-confirm`}
              type="text"
              className="mono"
              value={typed}
              autoFocus
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => setTyped(e.target.value)}
            />
          </Field>
        </>
      )}
    </DeleteWithOperationDialog>
  );
}
