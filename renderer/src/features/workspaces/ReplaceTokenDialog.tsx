import { useId, useState } from 'react';
import type { WorkspaceInfoDto } from '../../../../shared/management/workspaceSchemas';
import { useReplaceToken } from '../../api/workspaces';
import { DialogActions, DialogError, Field, ModalDialog } from '../../ui/ModalDialog';

/** A new personal access token for a workspace whose token expired; main verifies it before keeping it. */
export function ReplaceTokenDialog({ workspace, onClose }: { workspace: WorkspaceInfoDto; onClose: () => void }) {
  const id = useId();
  const [token, setToken] = useState('');
  const replace = useReplaceToken();
  return (
    <ModalDialog
      title={`New token for ${workspace.displayName}`}
      onClose={onClose}
      onSubmit={() => {
        if (token.trim()) replace.mutate({ workspace, token: token.trim() }, { onSuccess: onClose });
      }}
      actions={
        <DialogActions onCancel={onClose} label="Replace token" busyLabel="Checking…" busy={replace.isPending} disabled={!token.trim()} />
      }
    >
      <Field label="Personal access token" id={`${id}-token`}>
        <input id={`${id}-token`} type="password" value={token} autoFocus autoComplete="off" onChange={(e) => setToken(e.target.value)} />
      </Field>
      {replace.isError && <DialogError title="The token was not replaced" error={replace.error} />}
    </ModalDialog>
  );
}
